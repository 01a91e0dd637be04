//! The desk: how the admin API, the admin UI and the visitors' subscription
//! pages hand a change to the pipeline and wait until it is on disk. One
//! queue, one writer, so every change takes the same path (validate → apply →
//! persist and flush → render what it changed → reply).

use tokio::sync::{mpsc, oneshot};

use crate::incidents::input::{
    FieldErrors, IncidentInput, MaintenanceInput, MaintenanceUpdateInput, SplitInput, UpdateInput,
};
use crate::incidents::{Incident, IncidentId, Maintenance, MaintenanceId};
use crate::model::{ComponentId, ComponentStatus};
use crate::subscribers::{Answer, Subscribed, Subscriber};

/// An engineer's request, not yet validated.
#[derive(Debug, Clone)]
pub enum Command {
    OpenIncident(IncidentInput),
    UpdateIncident {
        id: IncidentId,
        input: UpdateInput,
    },
    /// Move components out of an incident into one of their own.
    SplitIncident {
        id: IncidentId,
        input: SplitInput,
    },
    WritePostmortem {
        id: IncidentId,
        body: Option<String>,
    },
    ScheduleMaintenance(MaintenanceInput),
    UpdateMaintenance {
        id: MaintenanceId,
        input: MaintenanceUpdateInput,
    },
    /// Set (or, with `operational`, hand back to the checks) a component's status.
    SetComponent {
        id: String,
        status: Option<String>,
    },
    /// Set every component of a component group to one status (the admin
    /// UI's whole-group choice), in one change.
    SetGroup {
        group: String,
        status: Option<String>,
    },
    /// A visitor's (or the expiry sweep's) subscription write.
    Subscription(SubscriptionCommand),
    /// A visitor's "I'm affected" report: the component as they named it
    /// (checked against the config here too) and their text, cleaned
    /// (`reports::clean_text`).
    Report {
        component: ComponentId,
        text: Option<String>,
    },
}

impl Command {
    /// Whether applying it can change what the public page shows (a report
    /// never does: nothing a visitor types is public).
    pub fn changes_page(&self) -> bool {
        !matches!(self, Command::Subscription(_) | Command::Report { .. })
    }
}

/// Visitors' writes, already checked for form (the address is parsed).
#[derive(Debug, Clone)]
pub enum SubscriptionCommand {
    /// Subscribe `email` to `components` (empty: all), or resend its email.
    /// `language`: the page's, for every email to them.
    Subscribe {
        email: String,
        components: Vec<ComponentId>,
        language: Option<String>,
    },
    /// Follow one open incident at `email` (no subscription), or resend
    /// its confirmation. `language`: the page's, for every email to them.
    Follow {
        email: String,
        incident: IncidentId,
        language: Option<String>,
    },
    Confirm {
        token: String,
    },
    /// Their components and, when given, the language of their emails.
    SetComponents {
        token: String,
        components: Vec<ComponentId>,
        language: Option<String>,
    },
    Unsubscribe {
        token: String,
    },
    Answer {
        incident: IncidentId,
        token: String,
        answer: Answer,
    },
    /// Forget subscriptions never confirmed in time, and followers of
    /// incidents resolved more than [`crate::subscribers::FOLLOW_AFTER`] ago.
    ExpirePending,
}

/// What a command produced, as stored.
#[derive(Debug, Clone)]
pub enum Done {
    Incident(Incident),
    Maintenance(Maintenance),
    Component {
        id: String,
        status: ComponentStatus,
    },
    /// Every component of `group` set to `status`.
    Group {
        group: String,
        status: ComponentStatus,
        count: usize,
    },
    Subscribed(Subscribed),
    /// The subscriber a token names, after the change (None: no such token).
    Subscriber(Option<Subscriber>),
    /// Whether there was a subscriber to remove.
    Removed(bool),
    /// Whether the token named a subscriber whose answer was kept.
    Answered(bool),
    /// How many pending subscriptions were forgotten.
    Expired(usize),
    /// A visitor's report is stored.
    Reported,
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum CommandError {
    /// The input is wrong; nothing was written.
    #[error("{}", .0.summary())]
    Invalid(FieldErrors),
    #[error("{0}")]
    NotFound(String),
    /// Storage failed; nothing was kept. Details are in the log.
    #[error("the change could not be stored")]
    Storage,
    /// The application is shutting down.
    #[error("Candor is shutting down")]
    Stopped,
}

impl CommandError {
    /// For an id that names no `what` (or is no id at all).
    pub fn no_such(what: &str, id: &str) -> Self {
        Self::NotFound(format!("no {what} with id \"{id}\""))
    }
}

pub type Reply = oneshot::Sender<Result<Done, CommandError>>;

/// A command with the problems its sender already found (wrong JSON types,
/// unknown keys): they are reported together with validation's, in one answer.
pub type Submission = (Command, FieldErrors, Reply);

/// A handle for submitting commands; cheap to clone.
#[derive(Clone)]
pub struct Desk {
    tx: mpsc::Sender<Submission>,
}

impl Desk {
    pub fn new(capacity: usize) -> (Self, mpsc::Receiver<Submission>) {
        let (tx, rx) = mpsc::channel(capacity);
        (Self { tx }, rx)
    }

    /// Submits a command and waits until it is applied and flushed to disk.
    pub async fn submit(&self, command: Command) -> Result<Done, CommandError> {
        self.submit_with(command, FieldErrors::default()).await
    }

    /// Submits a command whose sender already found `problems`; the command is
    /// then validated only to report every problem at once, and never applied.
    pub async fn submit_with(
        &self,
        command: Command,
        problems: FieldErrors,
    ) -> Result<Done, CommandError> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send((command, problems, reply))
            .await
            .map_err(|_| CommandError::Stopped)?;
        answer.await.map_err(|_| CommandError::Stopped)?
    }
}

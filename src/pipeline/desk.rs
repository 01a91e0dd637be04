//! The engineers' desk: how the admin API and admin UI hand a change to the
//! pipeline and wait until it is on disk. One queue, one writer, so every change
//! takes the same path (validate → apply → persist and flush → render → reply).

use tokio::sync::{mpsc, oneshot};

use crate::incidents::input::{
    FieldErrors, IncidentInput, MaintenanceInput, MaintenanceUpdateInput, UpdateInput,
};
use crate::incidents::{Incident, Maintenance};
use crate::model::ComponentStatus;

/// An engineer's request, not yet validated.
#[derive(Debug, Clone)]
pub enum Command {
    OpenIncident(IncidentInput),
    UpdateIncident {
        id: String,
        input: UpdateInput,
    },
    WritePostmortem {
        id: String,
        body: Option<String>,
    },
    ScheduleMaintenance(MaintenanceInput),
    UpdateMaintenance {
        id: String,
        input: MaintenanceUpdateInput,
    },
    /// Set (or, with `operational`, hand back to the checks) a component's status.
    SetComponent {
        id: String,
        status: Option<String>,
    },
}

/// What a command produced, as stored.
#[derive(Debug, Clone)]
pub enum Done {
    Incident(Incident),
    Maintenance(Maintenance),
    Component { id: String, status: ComponentStatus },
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

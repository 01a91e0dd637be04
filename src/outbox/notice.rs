//! What subscribers are told: a frozen account of one incident or maintenance
//! change, taken when it happened, so a retry hours later sends the same words.
//! What Candor says in it (status, impact, an automatic incident's name or
//! note) is kept as data
//! and put into words when the email is composed.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::update_ref::UpdateRef;
use crate::incidents::promise::Grounds;
use crate::incidents::{IncidentName, RecordId, UpdateText};
use crate::model::{ComponentId, ComponentStatus};

mod labels;

pub use labels::{NoticeImpact, NoticeStatus};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    IncidentOpened,
    IncidentUpdated,
    IncidentResolved,
    MaintenanceScheduled,
    MaintenanceReminder,
    MaintenanceStarted,
    MaintenanceCompleted,
}

/// An affected component, by name, with the status it was set to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Affected {
    pub id: ComponentId,
    pub name: String,
    pub status: ComponentStatus,
    /// Its group, so that a long list can be told by group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub kind: NoticeKind,
    /// The incident's or maintenance's id: the thread and the link.
    pub subject_id: RecordId,
    /// The update this notice reports (unique per notice).
    pub update_id: UpdateRef,
    /// The incident's or maintenance's name (a maintenance's is always
    /// written); an automatic incident's is put into words when the email is
    /// composed. Jobs queued by older builds hold a plain string: written.
    pub name: IncidentName,
    /// The status after this change (in words: "Investigating", "In progress").
    pub status: NoticeStatus,
    /// How bad it is (in words: "Major outage", "Minor impact", "Maintenance").
    pub impact: NoticeImpact,
    pub components: Vec<Affected>,
    /// Why; None while unknown.
    pub cause: Option<String>,
    /// What the why rests on, as data: the cause, or else the checks'
    /// evidence, or where the answer stands. Jobs queued by older builds
    /// lack it; [`Notice::grounds`] then tells it from `cause` and `kind`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<Grounds>,
    /// When it's expected back.
    pub expected_resolution_at: Option<DateTime<Utc>>,
    /// The next update promised, while it is open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_update_by: Option<DateTime<Utc>>,
    /// What to do meanwhile.
    pub workaround: Option<String>,
    /// The latest update's text.
    pub body: UpdateText,
    /// Maintenance window.
    pub window: Option<(DateTime<Utc>, DateTime<Utc>)>,
    pub at: DateTime<Utc>,
}

impl Notice {
    /// Whether a subscriber to `components` (empty: everything) should get it.
    /// A notice about no particular component goes to everyone.
    pub fn concerns(&self, components: &[ComponentId]) -> bool {
        components.is_empty()
            || self.components.is_empty()
            || self.components.iter().any(|a| components.contains(&a.id))
    }

    /// What the why rests on; for a job queued before that was kept, as
    /// its cause and kind say.
    pub fn grounds(&self) -> Grounds {
        if let Some(why) = &self.why {
            return why.clone();
        }
        match (&self.cause, self.kind) {
            (Some(text), _) => Grounds::Cause { text: text.clone() },
            (None, NoticeKind::IncidentResolved) => Grounds::NotPublished,
            (None, _) => Grounds::Investigating,
        }
    }

    /// The first message of a thread gets the thread's own Message-ID.
    pub fn starts_thread(&self) -> bool {
        matches!(
            self.kind,
            NoticeKind::IncidentOpened | NoticeKind::MaintenanceScheduled
        )
    }
}

/// Who a message goes to, and the token for their manage/unsubscribe links.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    pub email: String,
    pub token: String,
    /// What they subscribed to (empty: everything), to say why they get this.
    pub components: Vec<ComponentId>,
    /// Their language (a tag; None: the site's default).
    #[serde(default)]
    pub language: Option<String>,
    /// A follower of this one incident, not a subscriber: their footer and
    /// unsubscribe link say "stop following".
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub follower: bool,
}

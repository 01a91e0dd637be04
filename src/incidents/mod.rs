//! Incidents and scheduled maintenance: what's broken, why, when it's back, and
//! what to do meanwhile. Plain data and pure logic; the pipeline persists it.

pub mod auto;
pub mod book;
pub mod ids;
pub mod input;
pub mod name;
pub mod promise;
pub mod records;
pub mod said;
mod split;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::{ComponentId, ComponentStatus};
pub use book::Book;
pub use ids::{IncidentId, MaintenanceId, RecordId, UpdateId, new_id};
pub use name::{GroupRef, IncidentName, Member};
pub use said::{Said, UpdateText};

/// Statuspage's incident statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IncidentStatus {
    Investigating,
    Identified,
    Monitoring,
    Resolved,
    Postmortem,
}

impl IncidentStatus {
    pub const ALL: [Self; 5] = [
        Self::Investigating,
        Self::Identified,
        Self::Monitoring,
        Self::Resolved,
        Self::Postmortem,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Investigating => "investigating",
            Self::Identified => "identified",
            Self::Monitoring => "monitoring",
            Self::Resolved => "resolved",
            Self::Postmortem => "postmortem",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Investigating => "Investigating",
            Self::Identified => "Identified",
            Self::Monitoring => "Monitoring",
            Self::Resolved => "Resolved",
            Self::Postmortem => "Postmortem",
        }
    }

    /// Still being worked on (shown above the components).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Self::Investigating | Self::Identified | Self::Monitoring
        )
    }
}

/// Statuspage's impact levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Impact {
    None,
    Minor,
    Major,
    Critical,
}

impl Impact {
    pub const ALL: [Self; 4] = [Self::None, Self::Minor, Self::Major, Self::Critical];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Minor => "minor",
            Self::Major => "major",
            Self::Critical => "critical",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::None => "No impact",
            Self::Minor => "Minor",
            Self::Major => "Major",
            Self::Critical => "Critical",
        }
    }

    /// The impact a component status implies (automatic incidents).
    pub fn of(status: ComponentStatus) -> Self {
        match status {
            ComponentStatus::Operational | ComponentStatus::UnderMaintenance => Self::None,
            ComponentStatus::DegradedPerformance => Self::Minor,
            ComponentStatus::PartialOutage => Self::Major,
            ComponentStatus::MajorOutage => Self::Critical,
        }
    }
}

/// Statuspage's maintenance statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaintenanceStatus {
    Scheduled,
    InProgress,
    Verifying,
    Completed,
}

impl MaintenanceStatus {
    pub const ALL: [Self; 4] = [
        Self::Scheduled,
        Self::InProgress,
        Self::Verifying,
        Self::Completed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Scheduled => "scheduled",
            Self::InProgress => "in_progress",
            Self::Verifying => "verifying",
            Self::Completed => "completed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Scheduled => "Scheduled",
            Self::InProgress => "In progress",
            Self::Verifying => "Verifying",
            Self::Completed => "Completed",
        }
    }

    /// Components are under maintenance while it is in progress or verifying.
    pub fn is_active(self) -> bool {
        matches!(self, Self::InProgress | Self::Verifying)
    }
}

/// Who wrote something: the checks, or an engineer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Author {
    Automatic,
    Engineer,
}

/// A component's status before and after an update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComponentChange {
    pub component: ComponentId,
    pub old: ComponentStatus,
    pub new: ComponentStatus,
}

/// One entry of a timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Update<S> {
    pub id: UpdateId,
    pub status: S,
    pub body: UpdateText,
    pub at: DateTime<Utc>,
    pub changes: Vec<ComponentChange>,
    /// Whether subscribers are told about this update.
    pub notify: bool,
    pub author: Author,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Postmortem {
    pub body: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Incident {
    /// Random, URL-safe.
    pub id: IncidentId,
    pub name: IncidentName,
    pub status: IncidentStatus,
    pub impact: Impact,
    /// Affected components and the status each was last set to in this incident.
    pub components: BTreeMap<ComponentId, ComponentStatus>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub started_at: DateTime<Utc>,
    pub monitoring_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    /// Why it happened (None: still under investigation).
    pub cause: Option<String>,
    /// When it is expected to be back.
    pub expected_resolution_at: Option<DateTime<Utc>>,
    /// The next update customers are promised, while it is open: set when
    /// it opens and by every engineer's post, cleared when it resolves (see
    /// [`promise`]). Absent in records stored before it existed: no promise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_update_by: Option<DateTime<Utc>>,
    /// What customers can do meanwhile.
    pub workaround: Option<String>,
    pub postmortem: Option<Postmortem>,
    /// Who opened it.
    pub source: Author,
    /// An engineer has posted on this automatic incident: automation may add
    /// notes but no longer resolves it.
    pub taken_over: bool,
    /// Automatic incidents: when the checks became operational again (the quiet
    /// period before resolving runs from here).
    pub recovered_at: Option<DateTime<Utc>>,
    /// Automatic incidents: the email about it held back for the settle time
    /// (`[incidents] settle`), so components failing together are in one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held: Option<Held>,
    /// Oldest first.
    pub updates: Vec<Update<IncidentStatus>>,
}

/// An email about an automatic incident, waiting for the components that
/// fail together with the first to join. Kept on the incident, so a restart
/// in between still sends it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Held {
    /// When it goes out.
    pub due: DateTime<Utc>,
    /// Subscribers have not heard of the incident yet: this email opens its
    /// thread. (Left on an incident resolved before it went out, which then
    /// sends nothing at all.)
    pub opening: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Maintenance {
    pub id: MaintenanceId,
    pub name: String,
    pub body: String,
    pub status: MaintenanceStatus,
    pub scheduled_for: DateTime<Utc>,
    pub scheduled_until: DateTime<Utc>,
    pub components: Vec<ComponentId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Oldest first.
    pub updates: Vec<Update<MaintenanceStatus>>,
    /// Whether subscribers were reminded that it is about to start.
    #[serde(default)]
    pub reminded: bool,
}

/// An engineer's explicit status for a component (PATCH, or set in an incident).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Override {
    pub status: ComponentStatus,
    pub at: DateTime<Utc>,
    /// The incident that set it; resolving that incident lifts it.
    pub incident: Option<IncidentId>,
}

impl Incident {
    pub fn latest(&self) -> Option<&Update<IncidentStatus>> {
        self.updates.last()
    }
}

impl Maintenance {
    pub fn latest(&self) -> Option<&Update<MaintenanceStatus>> {
        self.updates.last()
    }

    pub fn covers(&self, component: &ComponentId) -> bool {
        self.components.contains(component)
    }
}

/// The status a component shows, by precedence: maintenance in progress, then
/// an engineer's explicit status, then the checks.
pub fn effective_status(
    component: &ComponentId,
    from_checks: ComponentStatus,
    book: &Book,
) -> ComponentStatus {
    let active: Vec<&Maintenance> = (book.maintenances.values())
        .filter(|m| m.status.is_active())
        .collect();
    effective_status_among(component, from_checks, &active, book)
}

/// [`effective_status`] with the maintenances in progress found beforehand,
/// for a caller asking about every component (not the whole history each).
pub fn effective_status_among(
    component: &ComponentId,
    from_checks: ComponentStatus,
    active: &[&Maintenance],
    book: &Book,
) -> ComponentStatus {
    if active.iter().any(|m| m.covers(component)) {
        return ComponentStatus::UnderMaintenance;
    }
    match book.overrides.get(component) {
        Some(o) => o.status,
        None => from_checks,
    }
}

#[cfg(test)]
mod tests;

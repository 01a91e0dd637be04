//! What an engineer sends for each admin action, as sent: every field optional,
//! nothing checked but its type. A JSON body and an admin form are read into
//! these same structs by [`super::read`]; `validate` then checks them.

use serde::Deserialize;

use super::shape::{flag, ids, statuses, text};

/// Raw fields of a new incident.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct IncidentInput {
    #[serde(deserialize_with = "text")]
    pub name: Option<String>,
    #[serde(deserialize_with = "text")]
    pub status: Option<String>,
    #[serde(deserialize_with = "text")]
    pub impact: Option<String>,
    #[serde(deserialize_with = "text")]
    pub body: Option<String>,
    /// Component id → status name.
    #[serde(deserialize_with = "statuses")]
    pub components: Vec<(String, String)>,
    #[serde(deserialize_with = "text")]
    pub cause: Option<String>,
    #[serde(deserialize_with = "text")]
    pub expected_resolution_at: Option<String>,
    /// When customers hear next (RFC 3339); absent: `[incidents]
    /// next_update_within` from now; empty: no promise.
    #[serde(deserialize_with = "text")]
    pub next_update_at: Option<String>,
    #[serde(deserialize_with = "text")]
    pub workaround: Option<String>,
    #[serde(deserialize_with = "flag")]
    pub notify: Option<bool>,
}

/// Raw fields of an incident update. For cause, ETA and workaround: absent keeps
/// the current value, an empty string clears it. The next update is promised
/// afresh by every post: absent, `[incidents] next_update_within` from now.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct UpdateInput {
    #[serde(deserialize_with = "text")]
    pub status: Option<String>,
    #[serde(deserialize_with = "text")]
    pub body: Option<String>,
    #[serde(deserialize_with = "statuses")]
    pub components: Vec<(String, String)>,
    #[serde(deserialize_with = "text")]
    pub cause: Option<String>,
    #[serde(deserialize_with = "text")]
    pub expected_resolution_at: Option<String>,
    #[serde(deserialize_with = "text")]
    pub next_update_at: Option<String>,
    #[serde(deserialize_with = "text")]
    pub workaround: Option<String>,
    #[serde(deserialize_with = "flag")]
    pub notify: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MaintenanceInput {
    #[serde(deserialize_with = "text")]
    pub name: Option<String>,
    #[serde(deserialize_with = "text")]
    pub body: Option<String>,
    #[serde(deserialize_with = "text")]
    pub scheduled_for: Option<String>,
    #[serde(deserialize_with = "text")]
    pub scheduled_until: Option<String>,
    #[serde(deserialize_with = "ids")]
    pub components: Vec<String>,
    #[serde(deserialize_with = "flag")]
    pub notify: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MaintenanceUpdateInput {
    #[serde(deserialize_with = "text")]
    pub status: Option<String>,
    #[serde(deserialize_with = "text")]
    pub body: Option<String>,
    #[serde(deserialize_with = "flag")]
    pub notify: Option<bool>,
}

/// A postmortem's text (written or replaced as a whole).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PostmortemInput {
    #[serde(deserialize_with = "text")]
    pub body: Option<String>,
}

/// The status an engineer pins a component to (checked by
/// [`super::component_status`]).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ComponentStatusInput {
    #[serde(deserialize_with = "text")]
    pub status: Option<String>,
}

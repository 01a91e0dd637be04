//! What an incident is called: an engineer's name as written, or, for an
//! incident Candor opened by itself, the data its name is made of (a
//! component and its status), put into words only when it is shown
//! (`read::words::incident_name`).

use serde::{Deserialize, Serialize};

use crate::model::ComponentStatus;

/// An incident's name.
///
/// Stored like [`super::UpdateText`]: an engineer's name is a plain JSON
/// string, as every name was before Candor kept its own as data, so incidents
/// stored by older builds (their automatic names included, in English) read
/// as [`IncidentName::Written`] and are shown as they were. Candor's own names
/// are JSON objects tagged by `named`, which no string can be mistaken for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Stored", into = "Stored")]
pub enum IncidentName {
    /// A name someone wrote: shown as written.
    Written(String),
    /// An automatic incident's: a component and the status it was found in
    /// ("Public API: major outage").
    ///
    /// `component` is the component's name as it was when the incident
    /// opened, like the check names in [`crate::model::Evidence`]: the record
    /// reads as it did that day, whatever the config says later (a component
    /// renamed or removed since), and every reader can render it without the
    /// config (the emails and webhooks queued from it included). The
    /// component's id is in the incident's `components`.
    Automatic {
        component: String,
        status: ComponentStatus,
    },
}

impl IncidentName {
    /// The name as written, for an engineer's (None for Candor's own).
    pub fn written(&self) -> Option<&str> {
        match self {
            Self::Written(name) => Some(name),
            Self::Automatic { .. } => None,
        }
    }
}

impl From<String> for IncidentName {
    fn from(name: String) -> Self {
        Self::Written(name)
    }
}

impl From<&str> for IncidentName {
    fn from(name: &str) -> Self {
        Self::Written(name.to_owned())
    }
}

/// The stored form: a plain string, or a tagged object.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Stored {
    Written(String),
    Named(Named),
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "named", rename_all = "snake_case")]
enum Named {
    Automatic {
        component: String,
        status: ComponentStatus,
    },
}

impl From<Stored> for IncidentName {
    fn from(stored: Stored) -> Self {
        match stored {
            Stored::Written(name) => Self::Written(name),
            Stored::Named(Named::Automatic { component, status }) => {
                Self::Automatic { component, status }
            }
        }
    }
}

impl From<IncidentName> for Stored {
    fn from(name: IncidentName) -> Self {
        match name {
            IncidentName::Written(name) => Self::Written(name),
            IncidentName::Automatic { component, status } => {
                Self::Named(Named::Automatic { component, status })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn automatic() -> IncidentName {
        IncidentName::Automatic {
            component: "Public API".into(),
            status: ComponentStatus::MajorOutage,
        }
    }

    #[test]
    fn a_written_name_is_stored_as_a_plain_string() {
        let written = IncidentName::from("Login failures");
        let json = serde_json::to_string(&written).unwrap();
        assert_eq!(json, r#""Login failures""#);
        assert_eq!(
            serde_json::from_str::<IncidentName>(&json).unwrap(),
            written
        );
    }

    #[test]
    fn an_automatic_name_round_trips_as_a_tagged_object() {
        let json = serde_json::to_string(&automatic()).unwrap();
        assert_eq!(
            json,
            r#"{"named":"automatic","component":"Public API","status":"major_outage"}"#
        );
        assert_eq!(
            serde_json::from_str::<IncidentName>(&json).unwrap(),
            automatic()
        );
    }

    #[test]
    fn an_old_english_automatic_name_loads_as_written() {
        let old: IncidentName = serde_json::from_str(r#""Public API: major outage""#).unwrap();
        assert_eq!(old, IncidentName::from("Public API: major outage"));
        assert_eq!(old.written(), Some("Public API: major outage"));
    }
}

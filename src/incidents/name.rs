//! What an incident is called: an engineer's name as written, or, for an
//! incident Candor opened by itself, the data its name is made of (the
//! components it found failing, their groups, and the worst status), put into
//! words only when it is shown (`read::words::incident_name`).

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
    /// An automatic incident's: the components found failing together, in
    /// the order they failed, and the worst status any of them was found in
    /// ("Public API, Payments and Website: major outage"; "All of Europe
    /// West: 50 components" when a whole group failed).
    ///
    /// Names are as they were when each component joined, like the check
    /// names in [`crate::model::Evidence`]: the record reads as it did that
    /// day, whatever the config says later, and every reader can render it
    /// without the config (the emails and webhooks queued from it included).
    /// The components' ids are in the incident's `components`.
    Automatic {
        components: Vec<Member>,
        status: ComponentStatus,
    },
}

/// A component named in an automatic incident's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub name: String,
    /// Its group, and how many components the group had then: a name can
    /// say "All of Europe West" only when every one of them is in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<GroupRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRef {
    pub name: String,
    pub size: usize,
}

impl IncidentName {
    /// The name as written, for an engineer's (None for Candor's own).
    pub fn written(&self) -> Option<&str> {
        match self {
            Self::Written(name) => Some(name),
            Self::Automatic { .. } => None,
        }
    }

    /// An automatic incident's name for one component.
    pub fn automatic(member: Member, status: ComponentStatus) -> Self {
        Self::Automatic {
            components: vec![member],
            status,
        }
    }

    /// Adds a component that joined an automatic incident (once), and keeps
    /// the worst status. A written name stays as written.
    pub fn join(&mut self, member: Member, found: ComponentStatus) {
        if let Self::Automatic { components, status } = self {
            if !components.iter().any(|m| m.name == member.name) {
                components.push(member);
            }
            if found.severity() > status.severity() {
                *status = found;
            }
        }
    }
}

impl Member {
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            group: None,
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
    /// Builds before correlated incidents stored one `component`; newer
    /// ones store `components`.
    Automatic {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        component: Option<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        components: Vec<Member>,
        status: ComponentStatus,
    },
}

impl From<Stored> for IncidentName {
    fn from(stored: Stored) -> Self {
        match stored {
            Stored::Written(name) => Self::Written(name),
            Stored::Named(Named::Automatic {
                component,
                mut components,
                status,
            }) => {
                components.splice(0..0, component.map(Member::new));
                Self::Automatic { components, status }
            }
        }
    }
}

impl From<IncidentName> for Stored {
    fn from(name: IncidentName) -> Self {
        match name {
            IncidentName::Written(name) => Self::Written(name),
            IncidentName::Automatic { components, status } => Self::Named(Named::Automatic {
                component: None,
                components,
                status,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn automatic() -> IncidentName {
        IncidentName::automatic(Member::new("Public API"), ComponentStatus::MajorOutage)
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
        let mut name = automatic();
        name.join(
            Member {
                name: "Payments".into(),
                group: Some(GroupRef {
                    name: "Europe West".into(),
                    size: 50,
                }),
            },
            ComponentStatus::PartialOutage,
        );
        let json = serde_json::to_string(&name).unwrap();
        assert_eq!(
            json,
            r#"{"named":"automatic","components":[{"name":"Public API"},{"name":"Payments","group":{"name":"Europe West","size":50}}],"status":"major_outage"}"#
        );
        assert_eq!(serde_json::from_str::<IncidentName>(&json).unwrap(), name);
    }

    #[test]
    fn joining_twice_names_a_component_once_and_keeps_the_worst_status() {
        let mut name =
            IncidentName::automatic(Member::new("Website"), ComponentStatus::DegradedPerformance);
        name.join(Member::new("Website"), ComponentStatus::MajorOutage);
        name.join(Member::new("Payments"), ComponentStatus::PartialOutage);
        let IncidentName::Automatic { components, status } = name else {
            panic!("still automatic");
        };
        let names: Vec<&str> = components.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["Website", "Payments"]);
        assert_eq!(status, ComponentStatus::MajorOutage);
    }

    #[test]
    fn the_one_component_form_of_earlier_builds_still_loads() {
        let old = r#"{"named":"automatic","component":"Public API","status":"major_outage"}"#;
        assert_eq!(
            serde_json::from_str::<IncidentName>(old).unwrap(),
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

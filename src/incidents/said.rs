//! What an update says: an engineer's text as written, or what Candor says by
//! itself as data (a kind and its parameters), turned into words only when it
//! is shown, in the reader's language (`read::words`).

use serde::{Deserialize, Serialize};

use crate::model::{ComponentStatus, Evidence};

/// An update's text.
///
/// Stored untagged: an engineer's text is a plain JSON string, as every update
/// was before Candor kept its own words as data, so updates stored by older
/// builds (their automatic notes included, in English) read as
/// [`UpdateText::Written`] and are shown as they were. Candor's own notes are
/// JSON objects tagged by `said`, which no string can be mistaken for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum UpdateText {
    /// Words someone wrote: shown as written.
    Written(String),
    /// What Candor says by itself.
    Said(Said),
}

/// Candor's own notes on incidents and maintenances.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "said", rename_all = "snake_case")]
pub enum Said {
    /// An automatic incident was opened on this evidence.
    Detected {
        evidence: Vec<Evidence>,
    },
    /// A component of an open automatic incident has a new status.
    Now {
        /// The component's name, in an incident about several.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        component: Option<String>,
        status: ComponentStatus,
        evidence: Vec<Evidence>,
    },
    /// Another component failed while this automatic incident was open and
    /// recently changed: it joined it (`component`: its name then).
    Joined {
        component: String,
        status: ComponentStatus,
        evidence: Vec<Evidence>,
    },
    /// One component of an automatic incident about several passes its
    /// checks again; the others still fail.
    Recovered {
        component: String,
    },
    /// An engineer moved these components (by name) to an incident of their
    /// own; said in both timelines.
    Split {
        components: Vec<String>,
    },
    /// It failed again within the quiet period after recovering.
    FailingAgain {
        /// The component's name, in an incident about several.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        component: Option<String>,
        evidence: Vec<Evidence>,
    },
    /// The checks pass again on an incident an engineer took over.
    Passing,
    /// The checks passed through the quiet period: resolved.
    ResolvedByChecks,
    /// Scheduled without a message of the engineer's.
    MaintenanceScheduled,
    MaintenanceStarted,
    MaintenanceEnded,
}

impl From<String> for UpdateText {
    fn from(text: String) -> Self {
        Self::Written(text)
    }
}

impl From<&str> for UpdateText {
    fn from(text: &str) -> Self {
        Self::Written(text.to_owned())
    }
}

impl From<Said> for UpdateText {
    fn from(said: Said) -> Self {
        Self::Said(said)
    }
}

impl Said {
    /// The checks' evidence this note carries (opened, joined, a new status,
    /// failing again).
    pub fn evidence(&self) -> Option<&[Evidence]> {
        match self {
            Self::Detected { evidence }
            | Self::Now { evidence, .. }
            | Self::Joined { evidence, .. }
            | Self::FailingAgain { evidence, .. } => Some(evidence),
            _ => None,
        }
    }
}

impl UpdateText {
    /// The text as written, for an engineer's update (None for Candor's own).
    pub fn written(&self) -> Option<&str> {
        match self {
            Self::Written(text) => Some(text),
            Self::Said(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::model::Reason;

    fn detected() -> UpdateText {
        UpdateText::Said(Said::Detected {
            evidence: vec![Evidence {
                seen_from: None,
                check: "API health".into(),
                reason: Some(Reason::HttpStatus { code: 503 }),
                runs: 3,
                since: Some(Utc.with_ymd_and_hms(2026, 11, 22, 14, 0, 0).unwrap()),
            }],
        })
    }

    #[test]
    fn written_text_is_stored_as_a_plain_string_and_said_as_an_object() {
        let written = UpdateText::from("Checks are passing again.");
        let json = serde_json::to_string(&written).unwrap();
        assert_eq!(json, r#""Checks are passing again.""#);
        assert_eq!(serde_json::from_str::<UpdateText>(&json).unwrap(), written);
        let passing = UpdateText::Said(Said::Passing);
        let json = serde_json::to_string(&passing).unwrap();
        assert_eq!(json, r#"{"said":"passing"}"#);
        assert_eq!(serde_json::from_str::<UpdateText>(&json).unwrap(), passing);
    }

    #[test]
    fn evidence_round_trips_through_json() {
        let json = serde_json::to_string(&detected()).unwrap();
        assert!(json.contains(r#""kind":"http_status""#), "{json}");
        assert_eq!(
            serde_json::from_str::<UpdateText>(&json).unwrap(),
            detected()
        );
    }

    #[test]
    fn a_kind_name_an_engineer_typed_stays_their_text() {
        let typed: UpdateText = serde_json::from_str(r#""passing""#).unwrap();
        assert_eq!(typed, UpdateText::from("passing"));
    }
}

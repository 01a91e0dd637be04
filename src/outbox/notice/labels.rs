//! A notice's status and impact, as the values they are; the email composer
//! puts them into words. Jobs queued by builds before schema 3 hold English
//! labels instead ("Investigating", "Major outage"): those read back as the
//! values they name, so a retry of an old job still goes out, in the same
//! words.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::incidents::{Impact, IncidentStatus, MaintenanceStatus};
use crate::model::ComponentStatus;

/// The status of the incident or maintenance after the change. Stored as the
/// status's wire name (`investigating`, `in_progress`), which the two kinds
/// never share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", untagged)]
pub enum NoticeStatus {
    Incident(IncidentStatus),
    Maintenance(MaintenanceStatus),
}

/// How bad it is, for subjects and the "Impact" line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "snake_case")]
pub enum NoticeImpact {
    /// The worst status among the affected components.
    Worst(ComponentStatus),
    /// The incident's impact, when no affected component is down.
    Incident(Impact),
    Maintenance,
}

impl Serialize for NoticeStatus {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        NoticeStatus::serialize(self, s)
    }
}

impl Serialize for NoticeImpact {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        NoticeImpact::serialize(self, s)
    }
}

impl<'de> Deserialize<'de> for NoticeStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Stored {
            Value(#[serde(deserialize_with = "NoticeStatus::deserialize")] NoticeStatus),
            Label(String),
        }
        match Stored::deserialize(d)? {
            Stored::Value(status) => Ok(status),
            Stored::Label(label) => status_labelled(&label)
                .ok_or_else(|| serde::de::Error::custom(format!("unknown status {label:?}"))),
        }
    }
}

impl<'de> Deserialize<'de> for NoticeImpact {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Stored {
            Value(#[serde(deserialize_with = "NoticeImpact::deserialize")] NoticeImpact),
            Label(String),
        }
        match Stored::deserialize(d)? {
            Stored::Value(impact) => Ok(impact),
            Stored::Label(label) => impact_labelled(&label)
                .ok_or_else(|| serde::de::Error::custom(format!("unknown impact {label:?}"))),
        }
    }
}

/// The status an older build's label names ("Investigating", "In progress").
fn status_labelled(label: &str) -> Option<NoticeStatus> {
    let incident = IncidentStatus::ALL.into_iter().find(|s| s.label() == label);
    let maintenance = || {
        MaintenanceStatus::ALL
            .into_iter()
            .find(|s| s.label() == label)
    };
    incident
        .map(NoticeStatus::Incident)
        .or_else(|| maintenance().map(NoticeStatus::Maintenance))
}

/// The impact an older build's words name: a component status ("Major
/// outage"), an incident's impact ("Major impact", or "Major" from the
/// earliest builds), or "Maintenance".
fn impact_labelled(label: &str) -> Option<NoticeImpact> {
    if label == "Maintenance" {
        return Some(NoticeImpact::Maintenance);
    }
    if let Some(s) = ComponentStatus::ALL
        .into_iter()
        .find(|s| s.label() == label)
    {
        return Some(NoticeImpact::Worst(s));
    }
    let names = |i: &Impact| i.label() == label || label.strip_suffix(" impact") == Some(i.label());
    Impact::ALL
        .into_iter()
        .find(names)
        .map(NoticeImpact::Incident)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(json: &str) -> NoticeStatus {
        serde_json::from_str(json).unwrap()
    }

    fn impact(json: &str) -> NoticeImpact {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn values_round_trip_through_json() {
        for s in IncidentStatus::ALL
            .map(NoticeStatus::Incident)
            .into_iter()
            .chain(MaintenanceStatus::ALL.map(NoticeStatus::Maintenance))
        {
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(status(&json), s, "{json}");
        }
        assert_eq!(
            serde_json::to_string(&NoticeStatus::Maintenance(MaintenanceStatus::InProgress))
                .unwrap(),
            r#""in_progress""#
        );
        let impacts = ComponentStatus::ALL
            .map(NoticeImpact::Worst)
            .into_iter()
            .chain(Impact::ALL.map(NoticeImpact::Incident))
            .chain([NoticeImpact::Maintenance]);
        for i in impacts {
            let json = serde_json::to_string(&i).unwrap();
            assert_eq!(impact(&json), i, "{json}");
        }
        let worst = serde_json::to_string(&NoticeImpact::Worst(ComponentStatus::MajorOutage));
        assert_eq!(worst.unwrap(), r#"{"worst":"major_outage"}"#);
    }

    #[test]
    fn labels_older_builds_stored_read_as_values() {
        use IncidentStatus as I;
        assert_eq!(
            status(r#""Investigating""#),
            NoticeStatus::Incident(I::Investigating)
        );
        assert_eq!(
            status(r#""In progress""#),
            NoticeStatus::Maintenance(MaintenanceStatus::InProgress)
        );
        assert_eq!(
            impact(r#""Major outage""#),
            NoticeImpact::Worst(ComponentStatus::MajorOutage)
        );
        assert_eq!(
            impact(r#""Minor impact""#),
            NoticeImpact::Incident(Impact::Minor)
        );
        assert_eq!(
            impact(r#""No impact impact""#),
            NoticeImpact::Incident(Impact::None)
        );
        assert_eq!(impact(r#""Major""#), NoticeImpact::Incident(Impact::Major));
        assert_eq!(
            impact(r#""No impact""#),
            NoticeImpact::Incident(Impact::None)
        );
        assert_eq!(impact(r#""Maintenance""#), NoticeImpact::Maintenance);
        assert!(serde_json::from_str::<NoticeStatus>(r#""Sleeping""#).is_err());
        assert!(serde_json::from_str::<NoticeImpact>(r#""Mild""#).is_err());
    }

    /// A job an older build queued, as it is in the outbox.
    const OLD_JOB: &str = r#"{"job":{"Broadcast":{"notice":{
        "kind":"incident_opened","subject_id":"inc000000001","update_id":"upd000000001",
        "name":"Public API: major outage","status":"Investigating","impact":"Major outage",
        "components":[{"id":"api","name":"Public API","status":"major_outage"}],
        "cause":null,"expected_resolution_at":null,"workaround":null,
        "body":"Detected automatically. API health: HTTP 503 Service Unavailable.",
        "window":null,"at":"2026-11-22T14:00:00Z"},
        "cursor":null,"sent":0,"failed":0}},
        "created_at":"2026-11-22T14:00:00Z","next_at":"2026-11-22T14:00:00Z",
        "attempts":0,"last_error":null}"#;

    #[test]
    fn a_queued_job_from_an_older_build_reads_and_round_trips_as_values() {
        use crate::incidents::{IncidentName, UpdateText};
        use crate::outbox::{Envelope, Job};
        let old: Envelope = serde_json::from_str(OLD_JOB).unwrap();
        let Job::Broadcast { notice, .. } = &old.job else {
            panic!("{old:?}")
        };
        assert_eq!(
            notice.status,
            NoticeStatus::Incident(IncidentStatus::Investigating)
        );
        assert_eq!(
            notice.impact,
            NoticeImpact::Worst(ComponentStatus::MajorOutage)
        );
        let name = "Public API: major outage";
        assert_eq!(
            notice.name,
            IncidentName::from(name),
            "an old name is written"
        );
        let words = "Detected automatically. API health: HTTP 503 Service Unavailable.";
        assert_eq!(notice.body, UpdateText::from(words));
        let json = serde_json::to_string(&old).unwrap();
        assert!(json.contains(r#""status":"investigating","impact":{"worst":"major_outage"}"#));
        assert_eq!(serde_json::from_str::<Envelope>(&json).unwrap(), old);
    }
}

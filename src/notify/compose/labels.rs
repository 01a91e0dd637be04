//! A notice's status and impact in words, for the subject and the message:
//! the one place emails name them.

use crate::outbox::notice::{NoticeImpact, NoticeStatus};

/// "Investigating", "In progress".
pub fn status(s: NoticeStatus) -> &'static str {
    match s {
        NoticeStatus::Incident(s) => s.label(),
        NoticeStatus::Maintenance(s) => s.label(),
    }
}

/// "Major outage" (the worst affected component's status), "Major impact"
/// (an incident's, when no component is down), "Maintenance".
pub fn impact(i: NoticeImpact) -> String {
    match i {
        NoticeImpact::Worst(s) => s.label().to_owned(),
        NoticeImpact::Incident(i) => format!("{} impact", i.label()),
        NoticeImpact::Maintenance => "Maintenance".to_owned(),
    }
}

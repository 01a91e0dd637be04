//! A notice's status and impact in words, for the subject and the message:
//! the one place emails name them.

use crate::lang::Lang;
use crate::outbox::notice::{NoticeImpact, NoticeStatus};
use crate::read::words;

/// "Investigating", "In progress".
pub fn status(l: Lang, s: NoticeStatus) -> String {
    match s {
        NoticeStatus::Incident(s) => words::incident_status(l, s),
        NoticeStatus::Maintenance(s) => words::maintenance_status(l, s),
    }
}

/// "Major outage" (the worst affected component's status), "Major impact"
/// (an incident's, when no component is down), "Maintenance".
pub fn impact(l: Lang, i: NoticeImpact) -> String {
    match i {
        NoticeImpact::Worst(s) => words::status(l, s),
        NoticeImpact::Incident(i) => l.say(&format!("impact-badge-{}", i.as_str())),
        NoticeImpact::Maintenance => l.say("maintenance-badge"),
    }
}

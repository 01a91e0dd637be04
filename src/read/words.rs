//! What Candor says by itself, in words: the one place where the messages it
//! stores as data (a kind and its parameters) become English text. Reasons
//! ([`reason`]), the checks' findings and evidence, automatic incidents'
//! names, and the automatic notes on incidents and maintenances are rendered
//! here, by every reader alike:
//! the pages, the API, the feeds, the emails and the admin UI.
//!
//! Engineers' text never passes through here: it is shown as written.
//! Translations plug in here (a language beside each call, one message file
//! per language), so nothing stored needs to change for them.

mod names;
pub mod promise;
mod reason;

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

pub use names::{and_list, members};
pub use reason::{human_duration, reason};

use crate::incidents::{IncidentName, Said, UpdateText};
use crate::model::{Evidence, Finding, Reason, SeenFrom};
use crate::read::view::Why;

/// Why a check is not up; "failing" when no result said.
pub fn check_reason(r: Option<&Reason>) -> Cow<'static, str> {
    r.map_or(Cow::Borrowed("failing"), |r| Cow::Owned(reason(r)))
}

/// "API health: HTTP 503 Service Unavailable; Database: connection refused".
pub fn findings(list: &[Finding]) -> String {
    let one = |f: &Finding| check_says(&f.check, f.reason.as_ref(), f.seen_from.as_ref());
    list.iter().map(one).collect::<Vec<_>>().join("; ")
}

/// "API health: HTTP 503 Service Unavailable", or the reason alone for a
/// finding that names no check (a sentence stored by an older build); for a
/// check probed from several places, where: "... from Frankfurt and
/// Virginia (Singapore fine)".
fn check_says(check: &str, r: Option<&Reason>, seen: Option<&SeenFrom>) -> String {
    let said = match check {
        "" => check_reason(r).into_owned(),
        name => format!("{name}: {}", check_reason(r)),
    };
    match seen {
        Some(s) if !s.failing.is_empty() => format!("{said} {}", seen_from(s)),
        _ => said,
    }
}

/// "from Frankfurt and Virginia (Singapore fine)", "from Virginia only".
pub fn seen_from(s: &SeenFrom) -> String {
    let failing = and_list(&s.failing);
    match s.fine.as_slice() {
        [] => format!("from {failing}"),
        fine => format!("from {failing} ({} fine)", and_list(fine)),
    }
}

/// "API health: HTTP 503 Service Unavailable on 3 checks in a row since
/// 14:02 UTC.", one sentence per check, the time in `tz`.
pub fn evidence(list: &[Evidence], tz: Tz) -> String {
    let one = |e: &Evidence| {
        let said = check_says(&e.check, e.reason.as_ref(), e.seen_from.as_ref());
        match e.since {
            Some(at) => format!("{said} on {} since {}.", runs(e.runs), clock(at, tz)),
            None => format!("{said}."),
        }
    };
    list.iter().map(one).collect::<Vec<_>>().join(" ")
}

fn runs(n: u32) -> String {
    match n {
        1 => "1 check".to_owned(),
        n => format!("{n} checks in a row"),
    }
}

/// "14:02 UTC": how the evidence names a time (the pages find it there to
/// mark it up as a `<time>`).
pub fn clock(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%H:%M %Z").to_string()
}

/// An update's text: an engineer's as written, Candor's own in words (times
/// in `tz`).
pub fn update(text: &UpdateText, tz: Tz) -> Cow<'_, str> {
    match text {
        UpdateText::Written(text) => Cow::Borrowed(text),
        UpdateText::Said(said) => Cow::Owned(note(said, tz)),
    }
}

/// An incident's name: an engineer's as written, an automatic incident's in
/// words ("Public API: major outage", "Public API and Payments: partial
/// outage", "All of Europe West (50 components): major outage").
pub fn incident_name(name: &IncidentName) -> Cow<'_, str> {
    match name {
        IncidentName::Written(name) => Cow::Borrowed(name),
        IncidentName::Automatic { components, status } => Cow::Owned(format!(
            "{}: {}",
            members(components),
            status.label().to_lowercase()
        )),
    }
}

/// Candor's automatic notes on incidents and maintenances.
fn note(said: &Said, tz: Tz) -> String {
    match said {
        Said::Detected { evidence: e } => {
            format!("Detected automatically. {}", evidence(e, tz))
        }
        Said::Now {
            component: None,
            status,
            evidence: e,
        } => format!("Now {}. {}", status.label().to_lowercase(), evidence(e, tz)),
        Said::Now {
            component: Some(c),
            status,
            evidence: e,
        } => format!(
            "{c}: now {}. {}",
            status.label().to_lowercase(),
            evidence(e, tz)
        ),
        Said::Joined {
            component,
            status,
            evidence: e,
        } => format!(
            "{component} is affected too: {}. {}",
            status.label().to_lowercase(),
            evidence(e, tz)
        ),
        Said::Recovered { component } => format!("{component} is operational again."),
        Said::Split { components } => format!(
            "{} moved to an incident of {}.",
            and_list(components),
            if components.len() == 1 {
                "its own"
            } else {
                "their own"
            }
        ),
        Said::FailingAgain {
            component: None,
            evidence: e,
        } => format!("Failing again. {}", evidence(e, tz)),
        Said::FailingAgain {
            component: Some(c),
            evidence: e,
        } => format!("{c} is failing again. {}", evidence(e, tz)),
        Said::Passing => "Checks are passing again.".to_owned(),
        Said::ResolvedByChecks => "Checks are passing again; resolved automatically.".to_owned(),
        Said::MaintenanceScheduled => "Maintenance scheduled.".to_owned(),
        Said::MaintenanceStarted => "Maintenance has started.".to_owned(),
        Said::MaintenanceEnded => "The maintenance window has ended.".to_owned(),
    }
}

/// Why a component is not operational: its checks' findings, or the
/// maintenance that covers it.
pub fn why(w: &Why) -> String {
    match w {
        Why::Checks(list) => findings(list),
        Why::Maintenance(name) => format!("Scheduled maintenance: {name}"),
    }
}

#[cfg(test)]
mod tests;

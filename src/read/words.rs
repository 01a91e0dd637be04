//! What Candor says by itself, in words: the one place where the messages it
//! stores as data (a kind and its parameters) become text in the reader's
//! language (messages in `locales/`, see [`crate::lang`]). Reasons
//! ([`reason`]), the checks' findings and evidence, automatic incidents'
//! names, and the automatic notes on incidents and maintenances are rendered
//! here, by every reader alike:
//! the pages, the API, the feeds, the emails and the admin UI.
//!
//! Engineers' text never passes through here: it is shown as written.
//! Every function takes the reader's language; nothing stored changes with it.

mod names;
pub mod promise;
mod reason;

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

pub use names::{and_list, members};
pub use reason::{human_duration, reason};

use crate::incidents::{Impact, IncidentName, IncidentStatus, MaintenanceStatus, Said, UpdateText};
use crate::lang::Lang;
use crate::model::{ComponentStatus, Evidence, Finding, Reason, SeenFrom};
use crate::read::view::Why;
use crate::say;

/// "Major outage".
pub fn status(lang: Lang, s: ComponentStatus) -> String {
    lang.say(&format!("status-{}", s.as_str()))
}

/// "major outage", inside a sentence.
pub fn status_lower(lang: Lang, s: ComponentStatus) -> String {
    lang.say(&format!("status-lower-{}", s.as_str()))
}

/// "Investigating".
pub fn incident_status(lang: Lang, s: IncidentStatus) -> String {
    lang.say(&format!("incident-status-{}", s.as_str()))
}

/// "In progress".
pub fn maintenance_status(lang: Lang, s: MaintenanceStatus) -> String {
    lang.say(&format!("maintenance-status-{}", s.as_str()))
}

/// "Critical".
pub fn impact(lang: Lang, i: Impact) -> String {
    lang.say(&format!("impact-{}", i.as_str()))
}

/// Why a check is not up; "failing" when no result said.
pub fn check_reason(lang: Lang, r: Option<&Reason>) -> Cow<'static, str> {
    r.map_or_else(
        || Cow::Owned(lang.say("check-failing")),
        |r| Cow::Owned(reason(lang, r)),
    )
}

/// "API health: HTTP 503 Service Unavailable; Database: connection refused".
pub fn findings(lang: Lang, list: &[Finding]) -> String {
    let one = |f: &Finding| check_says(lang, &f.check, f.reason.as_ref(), f.seen_from.as_ref());
    list.iter().map(one).collect::<Vec<_>>().join("; ")
}

/// "API health: HTTP 503 Service Unavailable", or the reason alone for a
/// finding that names no check (a sentence stored by an older build); for a
/// check probed from several places, where: "... from Frankfurt and
/// Virginia (Singapore fine)".
fn check_says(lang: Lang, check: &str, r: Option<&Reason>, seen: Option<&SeenFrom>) -> String {
    let said = match check {
        "" => check_reason(lang, r).into_owned(),
        name => say!(
            lang,
            "check-says",
            check = name,
            reason = check_reason(lang, r)
        ),
    };
    match seen {
        Some(s) if !s.failing.is_empty() => format!("{said} {}", seen_from(lang, s)),
        _ => said,
    }
}

/// "from Frankfurt and Virginia (Singapore fine)", "from Virginia only".
pub fn seen_from(lang: Lang, s: &SeenFrom) -> String {
    let failing = and_list(lang, &s.failing);
    match s.fine.as_slice() {
        [] => say!(lang, "seen-from", failing = failing),
        fine => say!(
            lang,
            "seen-from-fine",
            failing = failing,
            fine = and_list(lang, fine)
        ),
    }
}

/// "API health: HTTP 503 Service Unavailable on 3 checks in a row since
/// 14:02 UTC.", one sentence per check, the time in `tz`.
pub fn evidence(lang: Lang, list: &[Evidence], tz: Tz) -> String {
    let one = |e: &Evidence| {
        let said = check_says(lang, &e.check, e.reason.as_ref(), e.seen_from.as_ref());
        match e.since {
            Some(at) => say!(
                lang,
                "evidence-since",
                said = said,
                runs = e.runs,
                since = clock(lang, at, tz)
            ),
            None => say!(lang, "evidence-plain", said = said),
        }
    };
    list.iter().map(one).collect::<Vec<_>>().join(" ")
}

/// "14:02 UTC": how the evidence names a time (the pages find it there to
/// mark it up as a `<time>`).
pub fn clock(lang: Lang, at: DateTime<Utc>, tz: Tz) -> String {
    lang.date(&at.with_timezone(&tz), "date-clock")
}

/// An update's text: an engineer's as written, Candor's own in words (times
/// in `tz`).
pub fn update(lang: Lang, text: &UpdateText, tz: Tz) -> Cow<'_, str> {
    match text {
        UpdateText::Written(text) => Cow::Borrowed(text),
        UpdateText::Said(said) => Cow::Owned(note(lang, said, tz)),
    }
}

/// An incident's name: an engineer's as written, an automatic incident's in
/// words ("Public API: major outage", "Public API and Payments: partial
/// outage", "All of Europe West (50 components): major outage").
pub fn incident_name(lang: Lang, name: &IncidentName) -> Cow<'_, str> {
    match name {
        IncidentName::Written(name) => Cow::Borrowed(name),
        IncidentName::Automatic { components, status } => Cow::Owned(say!(
            lang,
            "incident-name-automatic",
            components = members(lang, components),
            status = status_lower(lang, *status)
        )),
    }
}

/// Candor's automatic notes on incidents and maintenances.
fn note(lang: Lang, said: &Said, tz: Tz) -> String {
    let ev = |e: &[Evidence]| evidence(lang, e, tz);
    let low = |s: &ComponentStatus| status_lower(lang, *s);
    match said {
        Said::Detected { evidence: e } => say!(lang, "note-detected", evidence = ev(e)),
        Said::Now {
            component: None,
            status,
            evidence: e,
        } => say!(lang, "note-now", status = low(status), evidence = ev(e)),
        Said::Now {
            component: Some(c),
            status,
            evidence: e,
        } => say!(
            lang,
            "note-now-component",
            component = c.as_str(),
            status = low(status),
            evidence = ev(e)
        ),
        Said::Joined {
            component,
            status,
            evidence: e,
        } => say!(
            lang,
            "note-joined",
            component = component.as_str(),
            status = low(status),
            evidence = ev(e)
        ),
        Said::Recovered { component } => {
            say!(lang, "note-recovered", component = component.as_str())
        }
        Said::Split { components } => say!(
            lang,
            "note-split",
            components = and_list(lang, components),
            n = components.len()
        ),
        Said::FailingAgain {
            component: None,
            evidence: e,
        } => say!(lang, "note-failing-again", evidence = ev(e)),
        Said::FailingAgain {
            component: Some(c),
            evidence: e,
        } => say!(
            lang,
            "note-failing-again-component",
            component = c.as_str(),
            evidence = ev(e)
        ),
        Said::Passing => lang.say("note-passing"),
        Said::ResolvedByChecks => lang.say("note-resolved-by-checks"),
        Said::MaintenanceScheduled => lang.say("note-maintenance-scheduled"),
        Said::MaintenanceStarted => lang.say("note-maintenance-started"),
        Said::MaintenanceEnded => lang.say("note-maintenance-ended"),
    }
}

/// Why a component is not operational: its checks' findings, or the
/// maintenance that covers it.
pub fn why(lang: Lang, w: &Why) -> String {
    match w {
        Why::Checks(list) => findings(lang, list),
        Why::Maintenance(name) => say!(lang, "why-maintenance", name = name.as_str()),
    }
}

#[cfg(test)]
mod tests;

//! An incident's why and its promised next update, in words (the data and
//! the rules: `incidents::promise`). Every sentence a customer reads about
//! them is here, for pages, the API, feeds and emails alike.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::names::and_list;
use super::{check_reason, clock};
use crate::incidents::promise::{Grounds, Seen};
use crate::model::{Evidence, SeenFrom};

/// How many checks' findings a why names before it counts the rest.
const SHOWN: usize = 3;

/// The why of an open incident nobody has explained yet.
pub fn under_investigation() -> &'static str {
    "Under investigation"
}

/// The same, as a sentence in an email.
pub fn still_investigating() -> &'static str {
    "We are still investigating the cause."
}

/// The why of an incident closed without a cause or postmortem.
pub fn cause_not_published() -> &'static str {
    "Cause not yet published"
}

/// The link to an incident's postmortem, given as its why.
pub fn read_the_postmortem() -> &'static str {
    "Read the postmortem"
}

/// An incident's why as plain text (the API, feeds and emails);
/// `postmortem` is the address of its postmortem.
pub fn why(g: &Grounds, tz: Tz, postmortem: &str) -> String {
    match g {
        Grounds::Cause { text } => text.clone(),
        Grounds::Checks { seen, passing } => checks(seen, *passing, tz),
        Grounds::Investigating => under_investigation().to_owned(),
        Grounds::Postmortem => format!("{}: {postmortem}", read_the_postmortem()),
        Grounds::NotPublished => cause_not_published().to_owned(),
    }
}

/// "Why: ...", a line of a feed entry.
pub fn why_line(why: &str) -> String {
    format!("Why: {why}")
}

/// What the checks see, one sentence per check, times in `tz`: "The check
/// “API health” of Public API reports HTTP 503 Service Unavailable from 2
/// of 3 locations (Frankfurt and Virginia) since 14:02 UTC." Past three
/// checks the rest are counted. `passing`: they pass again, so in the past,
/// without the reason.
pub fn checks(seen: &[Seen], passing: bool, tz: Tz) -> String {
    let all: Vec<(&str, &Evidence)> = (seen.iter())
        .flat_map(|s| s.evidence.iter().map(move |e| (s.component.as_str(), e)))
        .collect();
    let mut said: Vec<String> = (all.iter().take(SHOWN))
        .map(|(component, e)| check(component, e, passing, tz))
        .collect();
    match all.len().saturating_sub(SHOWN) {
        0 => {}
        1 => said.push("And 1 more check fails.".to_owned()),
        n => said.push(format!("And {n} more checks fail.")),
    }
    said.join(" ")
}

/// The times [`checks`] names, in its order (to mark them up).
pub fn checks_times(seen: &[Seen]) -> Vec<DateTime<Utc>> {
    (seen.iter())
        .flat_map(|s| s.evidence.iter())
        .take(SHOWN)
        .filter_map(|e| e.since)
        .collect()
}

fn check(component: &str, e: &Evidence, passing: bool, tz: Tz) -> String {
    if passing {
        return passed(component, e, tz);
    }
    let from = e.seen_from.as_ref().map(places).unwrap_or_default();
    let said = match (e.check.as_str(), &e.reason) {
        // A finding an older build stored as a sentence names no check.
        ("", r) => format!("{component}: {}{from}", check_reason(r.as_ref())),
        (name, Some(r)) => format!(
            "The check “{name}” of {component} reports {}{from}",
            check_reason(Some(r))
        ),
        (name, None) => format!("The check “{name}” of {component} fails{from}"),
    };
    match e.since {
        Some(at) => format!("{said} since {}.", clock(at, tz)),
        None => format!("{said}."),
    }
}

/// A check that passes again while the incident waits out its quiet
/// period: when it failed, without the reason, which went with the failure
/// (the incident's timeline keeps it).
fn passed(component: &str, e: &Evidence, tz: Tz) -> String {
    let subject = match e.check.as_str() {
        "" => component.to_owned(),
        name => format!("The check “{name}” of {component}"),
    };
    match e.since {
        Some(at) => format!("{subject} failed from {}; it passes again.", clock(at, tz)),
        None => format!("{subject} failed; it passes again."),
    }
}

/// " from 2 of 3 locations (Frankfurt and Virginia)", " from all 3
/// locations"; nothing for a check probed from one place.
fn places(s: &SeenFrom) -> String {
    let (failing, all) = (s.failing.len(), s.failing.len() + s.fine.len());
    match (failing, all) {
        (0, _) | (_, 0 | 1) => String::new(),
        (f, n) if f == n => format!(" from all {n} locations"),
        (f, n) => format!(" from {f} of {n} locations ({})", and_list(&s.failing)),
    }
}

/// "Next update by 14:32 UTC": the promise, `at` as shown on the page.
pub fn next_update_by(at: &str) -> String {
    format!("Next update by {at}")
}

/// "Update overdue since 14:32 UTC": the promise passed without a post.
pub fn update_overdue_since(at: &str) -> String {
    format!("Update overdue since {at}")
}

/// The label of the promise in an email ("Next update: by 14:32 UTC").
pub fn next_update_label() -> &'static str {
    "Next update"
}

#[cfg(test)]
#[path = "promise_tests.rs"]
mod tests;

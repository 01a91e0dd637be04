//! An incident's why and its promised next update, in words (the data and
//! the rules: `incidents::promise`; the messages: `why-*` and `next-update-*`
//! in `locales/`). Every sentence a customer reads about them is made here,
//! for pages, the API, feeds and emails alike.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::names::and_list;
use super::{check_reason, clock};
use crate::incidents::promise::{Grounds, Seen};
use crate::lang::Lang;
use crate::model::{Evidence, SeenFrom};
use crate::say;

/// How many checks' findings a why names before it counts the rest.
const SHOWN: usize = 3;

/// The why of an open incident nobody has explained yet.
pub fn under_investigation(lang: Lang) -> String {
    lang.say("answer-why-unknown")
}

/// The same, as a sentence in an email.
pub fn still_investigating(lang: Lang) -> String {
    lang.say("mail-why-unknown")
}

/// The why of an incident closed without a cause or postmortem.
pub fn cause_not_published(lang: Lang) -> String {
    lang.say("why-not-published")
}

/// The link to an incident's postmortem, given as its why.
pub fn read_the_postmortem(lang: Lang) -> String {
    lang.say("why-postmortem")
}

/// An incident's why as plain text (the API, feeds and emails);
/// `postmortem` is the address of its postmortem.
pub fn why(lang: Lang, g: &Grounds, tz: Tz, postmortem: &str) -> String {
    match g {
        Grounds::Cause { text } => text.clone(),
        Grounds::Checks { seen, passing } => checks(lang, seen, *passing, tz),
        Grounds::Investigating => under_investigation(lang),
        Grounds::Postmortem => say!(lang, "why-postmortem-at", url = postmortem),
        Grounds::NotPublished => cause_not_published(lang),
    }
}

/// "Why: ...", a line of a feed entry.
pub fn why_line(lang: Lang, why: &str) -> String {
    say!(lang, "why-line", why = why)
}

/// What the checks see, one sentence per check, times in `tz`: "The check
/// “API health” of Public API reports HTTP 503 Service Unavailable from 2
/// of 3 locations (Frankfurt and Virginia) since 14:02 UTC." Past three
/// checks the rest are counted. `passing`: they pass again, so in the past,
/// without the reason.
pub fn checks(lang: Lang, seen: &[Seen], passing: bool, tz: Tz) -> String {
    let all: Vec<(&str, &Evidence)> = (seen.iter())
        .flat_map(|s| s.evidence.iter().map(move |e| (s.component.as_str(), e)))
        .collect();
    let mut said: Vec<String> = (all.iter().take(SHOWN))
        .map(|(component, e)| check(lang, component, e, passing, tz))
        .collect();
    match all.len().saturating_sub(SHOWN) {
        0 => {}
        n => said.push(say!(lang, "why-more", n = n)),
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

fn check(lang: Lang, component: &str, e: &Evidence, passing: bool, tz: Tz) -> String {
    if passing {
        return passed(lang, component, e, tz);
    }
    let said = match (e.check.as_str(), &e.reason) {
        // A finding an older build stored as a sentence names no check.
        ("", r) => say!(
            lang,
            "why-check-unnamed",
            component = component,
            reason = check_reason(lang, r.as_ref())
        ),
        (name, Some(r)) => say!(
            lang,
            "why-check",
            check = name,
            component = component,
            reason = check_reason(lang, Some(r))
        ),
        (name, None) => say!(
            lang,
            "why-check-failing",
            check = name,
            component = component
        ),
    };
    let said = match &e.seen_from {
        Some(s) => places(lang, said, s),
        None => said,
    };
    match e.since {
        Some(at) => say!(lang, "why-since", said = said, since = clock(lang, at, tz)),
        None => say!(lang, "why-plain", said = said),
    }
}

/// A check that passes again while the incident waits out its quiet
/// period: when it failed, without the reason, which went with the failure
/// (the incident's timeline keeps it).
fn passed(lang: Lang, component: &str, e: &Evidence, tz: Tz) -> String {
    let since = e.since.map(|at| clock(lang, at, tz));
    match (e.check.as_str(), since) {
        ("", Some(since)) => say!(
            lang,
            "why-passed-unnamed",
            component = component,
            since = since
        ),
        ("", None) => say!(lang, "why-passed-unnamed-plain", component = component),
        (name, Some(since)) => say!(
            lang,
            "why-passed",
            check = name,
            component = component,
            since = since
        ),
        (name, None) => say!(
            lang,
            "why-passed-plain",
            check = name,
            component = component
        ),
    }
}

/// "... from 2 of 3 locations (Frankfurt and Virginia)", "... from all 3
/// locations"; as it was for a check probed from one place.
fn places(lang: Lang, said: String, s: &SeenFrom) -> String {
    let (failing, all) = (s.failing.len(), s.failing.len() + s.fine.len());
    match (failing, all) {
        (0, _) | (_, 0 | 1) => said,
        (f, n) if f == n => say!(lang, "why-from-all", said = said, all = n),
        (f, n) => say!(
            lang,
            "why-from-some",
            said = said,
            failing = f,
            all = n,
            names = and_list(lang, &s.failing)
        ),
    }
}

/// "Next update by 14:32 UTC": the promise, `at` as shown on the page.
pub fn next_update_by(lang: Lang, at: &str) -> String {
    say!(lang, "next-update-by", time = at)
}

/// "Update overdue since 14:32 UTC": the promise passed without a post.
pub fn update_overdue_since(lang: Lang, at: &str) -> String {
    say!(lang, "next-update-overdue", time = at)
}

/// The label of the promise in an email ("Next update: by 14:32 UTC").
pub fn next_update_label(lang: Lang) -> String {
    lang.say("mail-next-update")
}

#[cfg(test)]
#[path = "promise_tests.rs"]
mod tests;

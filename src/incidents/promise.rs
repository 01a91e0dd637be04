//! Two answers an open incident owes customers besides what is broken: why
//! (the checks' evidence until an engineer writes a cause), and when they
//! will hear more (a committed next update). Data and rules only; in words:
//! `read::words::promise`.
//!
//! Rules:
//! - **Why.** An engineer's cause, as written, whenever there is one. Else,
//!   while open, what the checks saw: for each component of the incident that
//!   still fails, the evidence of the latest automatic note about it (opened,
//!   joined, a new status, failing again), so an automatic incident never
//!   reads "under investigation" while its own evidence says what fails.
//!   Else, while open, what the checks of its components find now (an
//!   engineer's incident without a cause, about components whose checks
//!   fail). Else, while open, under investigation. Once closed without a cause: the
//!   postmortem, when there is one, else "not yet published".
//! - **Next update.** An automatic incident promises one at
//!   `[incidents] next_update_within` after it opens; every engineer's post
//!   sets the next (their time, or the same default); resolving clears it.
//!   Automatic notes (a component joining or recovering) do not move it: the
//!   promise is that a person will say something. Once it passes without a
//!   post, the update is overdue, and the page says so.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Author, Incident, UpdateText};
use crate::model::{ComponentId, ComponentStatus, Evidence};

/// What an incident's "Why" rests on, as data (stored with queued emails, so
/// component names are frozen as they were).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Grounds {
    /// An engineer's cause, shown as written.
    Cause { text: String },
    /// What the checks see, for each failing component, oldest first.
    /// `passing`: the checks pass again and the incident waits out its quiet
    /// period, so this is what they saw.
    Checks { seen: Vec<Seen>, passing: bool },
    /// Open, and nothing known yet.
    Investigating,
    /// Closed without a cause, with a postmortem to read.
    Postmortem,
    /// Closed without a cause or postmortem.
    NotPublished,
}

/// One failing component and what its checks found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seen {
    /// The component's name.
    pub component: String,
    pub evidence: Vec<Evidence>,
}

/// The incident's "Why"; `name` gives a component's name, `seen_now` what
/// its checks find now (empty while they pass).
pub fn grounds(
    i: &Incident,
    name: &dyn Fn(&ComponentId) -> String,
    seen_now: &dyn Fn(&ComponentId) -> Vec<Evidence>,
) -> Grounds {
    if let Some(text) = i.cause.as_ref().filter(|c| !c.trim().is_empty()) {
        return Grounds::Cause { text: text.clone() };
    }
    if !i.status.is_open() {
        return match i.postmortem {
            Some(_) => Grounds::Postmortem,
            None => Grounds::NotPublished,
        };
    }
    let seen = failing_evidence(i, name);
    if !seen.is_empty() {
        return Grounds::Checks {
            seen,
            passing: i.recovered_at.is_some(),
        };
    }
    let now: Vec<Seen> = (i.components.keys())
        .map(|c| (c, seen_now(c)))
        .filter(|(_, evidence)| !evidence.is_empty())
        .map(|(c, evidence)| Seen {
            component: name(c),
            evidence,
        })
        .collect();
    match now.is_empty() {
        true => Grounds::Investigating,
        false => Grounds::Checks {
            seen: now,
            passing: false,
        },
    }
}

/// The latest evidence of each component that still fails, oldest first.
fn failing_evidence(i: &Incident, name: &dyn Fn(&ComponentId) -> String) -> Vec<Seen> {
    let failing =
        |c: &ComponentId| (i.components.get(c)).is_some_and(|s| *s != ComponentStatus::Operational);
    let mut found: Vec<(&ComponentId, &[Evidence])> = Vec::new();
    for u in i
        .updates
        .iter()
        .rev()
        .filter(|u| u.author == Author::Automatic)
    {
        let UpdateText::Said(said) = &u.body else {
            continue;
        };
        // An automatic note with evidence is about the one component it changed.
        let (Some(evidence), [change]) = (said.evidence(), u.changes.as_slice()) else {
            continue;
        };
        let c = &change.component;
        if !evidence.is_empty() && failing(c) && !found.iter().any(|(f, _)| *f == c) {
            found.push((c, evidence));
        }
    }
    (found.into_iter().rev())
        .map(|(c, evidence)| Seen {
            component: name(c),
            evidence: evidence.to_vec(),
        })
        .collect()
}

/// The next update promised at `now` by default: `within` later (None: off).
pub fn promised(now: DateTime<Utc>, within: Option<Duration>) -> Option<DateTime<Utc>> {
    let within = chrono::Duration::from_std(within?).ok()?;
    now.checked_add_signed(within)
}

/// Where an open incident's promised update stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextUpdate {
    /// Promised by then, still to come.
    Due(DateTime<Utc>),
    /// Promised by then, and that has passed without a post.
    Overdue(DateTime<Utc>),
}

/// The incident's promise as of `now`; None when closed or nothing promised.
pub fn next_update(i: &Incident, now: DateTime<Utc>) -> Option<NextUpdate> {
    let by = i.next_update_by.filter(|_| i.status.is_open())?;
    Some(match now < by {
        true => NextUpdate::Due(by),
        false => NextUpdate::Overdue(by),
    })
}

/// Whether the promise of an open incident fell due after `since`, up to
/// `now`: the page must be made again to say the update is overdue.
pub fn fell_due(i: &Incident, since: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    i.status.is_open() && i.next_update_by.is_some_and(|by| since < by && by <= now)
}

#[cfg(test)]
mod tests;

//! The settle time: the email about an automatic incident, or about
//! components that joined it, is held back for `[incidents] settle` so that
//! components failing together reach subscribers in one email, and later
//! additions fold into the next one instead of one email each.

use chrono::{DateTime, Utc};

use super::super::book::{Book, Event};
use super::super::{Held, Incident};
use super::Rules;

/// The email to hold after a change worth telling: the one already held
/// (which will say this too), or a new one due after the settle time. None
/// when the settle time is zero: it goes out with the change.
pub(super) fn hold(
    held: Option<Held>,
    opening: bool,
    now: DateTime<Utc>,
    rules: &Rules,
) -> Option<Held> {
    let settle = chrono::Duration::from_std(rules.settle).unwrap_or_default();
    if held.is_some() || settle.is_zero() {
        return held;
    }
    Some(Held {
        due: now + settle,
        opening,
    })
}

pub(super) fn is_due(i: &Incident, now: DateTime<Utc>) -> bool {
    i.status.is_open() && i.held.is_some_and(|h| h.due <= now)
}

/// Lets out the held emails whose settle time has passed, as of each
/// incident's state now.
pub fn release(book: &mut Book, now: DateTime<Utc>) -> Vec<Event> {
    let mut events = Vec::new();
    for i in book.incidents.matching_mut(|i| is_due(i, now)) {
        if let Some(h) = i.held.take() {
            events.push(Event::IncidentAnnounced {
                id: i.id.clone(),
                opening: h.opening,
            });
        }
    }
    events
}

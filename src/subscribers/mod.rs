//! Subscribers: double opt-in, per component, one-click unsubscribe, and their
//! answers to "is everything working for you now?". The records and their
//! rules' constants; the rules themselves run in the pipeline (the one writer:
//! `pipeline::subscriptions`), the records are kept by `store`.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::incidents::{IncidentId, RecordId};
use crate::model::ComponentId;
use crate::outbox::notice::Notice;

/// Confirmation emails one address may be sent per day.
pub const CONFIRMATIONS_PER_DAY: usize = 3;
/// Unconfirmed subscriptions are forgotten after this.
pub const PENDING_FOR: Duration = Duration::days(7);
/// A follower is forgotten this long after their incident is resolved (its
/// "is everything working for you now?" links work until then).
pub const FOLLOW_AFTER: Duration = Duration::days(7);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscriber {
    /// Sortable: the fan-out walks subscribers in id order with a cursor.
    pub id: String,
    /// Normalised: the domain lowercased.
    pub email: String,
    /// Empty: everything.
    pub components: Vec<ComponentId>,
    /// Secret of the manage, unsubscribe and feedback links; looked up by its
    /// SHA-256, so lookups never compare secrets byte by byte.
    pub token: String,
    pub created_at: DateTime<Utc>,
    pub confirmed_at: Option<DateTime<Utc>>,
    /// When confirmation emails were sent (the last few), to cap resends.
    pub confirmations_sent: Vec<DateTime<Utc>>,
    /// The language of every email to them (a tag, `es`): the page's they
    /// subscribed on, changed on the manage page. None: the site's default
    /// (subscriptions from before languages; or one no longer offered).
    #[serde(default)]
    pub language: Option<String>,
    /// A follower of one incident ("Email me when this is resolved"): told
    /// only that incident's news, and no general subscription. None: a
    /// subscriber.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follows: Option<IncidentId>,
}

impl Subscriber {
    /// A new, unconfirmed subscription with a fresh token.
    pub fn pending(
        id: String,
        email: &str,
        components: Vec<ComponentId>,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            id,
            email: email.to_owned(),
            components,
            token: new_token(),
            created_at: now,
            confirmed_at: None,
            confirmations_sent: Vec::new(),
            language: None,
            follows: None,
        }
    }

    /// A new, unconfirmed follower of `incident`, with a fresh token.
    pub fn following(id: String, email: &str, incident: IncidentId, now: DateTime<Utc>) -> Self {
        Self {
            follows: Some(incident),
            ..Self::pending(id, email, Vec::new(), now)
        }
    }

    /// An already confirmed subscriber (imports, benchmarks).
    pub fn confirmed(
        id: String,
        email: &str,
        components: Vec<ComponentId>,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            confirmed_at: Some(now),
            ..Self::pending(id, email, components, now)
        }
    }

    pub fn is_confirmed(&self) -> bool {
        self.confirmed_at.is_some()
    }

    /// Whether `notice` is for them: a follower hears only their incident's
    /// news; a subscriber, what concerns their components.
    pub fn wants(&self, notice: &Notice) -> bool {
        match &self.follows {
            Some(incident) => notice.subject_id == RecordId::from(incident),
            None => notice.concerns(&self.components),
        }
    }

    /// The key their address is found by: the address for a subscriber
    /// (one per address), the address and the incident for a follower (one
    /// per address and incident, beside any subscription).
    pub fn address_key(&self) -> String {
        address_key(&self.email, self.follows.as_ref())
    }

    /// Unconfirmed for longer than [`PENDING_FOR`]: to be forgotten.
    pub fn is_stale(&self, now: DateTime<Utc>) -> bool {
        !self.is_confirmed() && now - self.created_at > PENDING_FOR
    }
}

/// What a subscribe request did. The web answer is the same for all but
/// `Capped`, so nobody learns whether an address is subscribed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subscribed {
    /// New, or still pending: a confirmation email is queued.
    ConfirmationQueued,
    /// Already confirmed: a "manage your subscription" email is queued.
    ManageLinkQueued,
    /// Too many emails to this address today; nothing queued. Another may
    /// be sent from `retry_at` on (when the oldest of today's leaves the day).
    Capped { retry_at: DateTime<Utc> },
    /// A follow of an incident that is no longer open (or never was):
    /// nothing stored, nothing queued.
    NotOpen,
}

/// A subscriber's answer to the resolution email's question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Working,
    StillBroken,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FeedbackCounts {
    pub working: u64,
    pub still_broken: u64,
    /// When the latest "still broken" came in.
    pub last_still_broken: Option<DateTime<Utc>>,
}

impl FeedbackCounts {
    /// Counts one stored answer.
    pub fn add(&mut self, (answer, at): (Answer, DateTime<Utc>)) {
        match answer {
            Answer::Working => self.working += 1,
            Answer::StillBroken => {
                self.still_broken += 1;
                self.last_still_broken = self.last_still_broken.max(Some(at));
            }
        }
    }
}

/// See [`Subscriber::address_key`]. A NUL never occurs in an address.
pub fn address_key(email: &str, follows: Option<&IncidentId>) -> String {
    match follows {
        Some(incident) => format!("{email}\0{incident}"),
        None => email.to_owned(),
    }
}

/// Normalises an address for storage and lookup: trimmed, domain lowercased.
/// (The local part is case-sensitive by the RFC; real mailboxes rarely are, but
/// we keep it as given.)
pub fn normalise(email: &str) -> String {
    let email = email.trim();
    match email.rsplit_once('@') {
        Some((local, domain)) => format!("{local}@{}", domain.to_ascii_lowercase()),
        None => email.to_owned(),
    }
}

/// 256 random bits, hex: the secret of a subscriber's links.
fn new_token() -> String {
    use rand::Rng;
    let bytes: [u8; 32] = rand::rng().random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

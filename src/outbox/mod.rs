//! The durable outbox, as data: every message is a job written in the same
//! transaction as the change that causes it (by the storage adapter), and deleted
//! only once delivered (or given up on), so a crash or an SMTP outage loses
//! nothing. Webhook deliveries are jobs here too.
//!
//! - [`notice`]: what a subscriber is told about one change;
//! - [`update_ref`]: which update a notice reports;
//! - [`announce`]: which notices a change's events cause;
//! - [`webhook`]: which webhook payloads a change causes.
//!
//! Core: the notify adapter composes and delivers these; nothing here sends.

pub mod announce;
pub mod notice;
pub mod update_ref;
pub mod webhook;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::incidents::{IncidentId, IncidentName};
use notice::{Notice, Recipient};
use webhook::Delivery;

/// One message to one address.
// Built once per recipient and moved once into its delivery task: boxing the
// larger variant would only add an allocation per message.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Letter {
    /// "Confirm your subscription" (double opt-in), in `language` (a tag).
    Confirmation {
        email: String,
        token: String,
        #[serde(default)]
        language: Option<String>,
    },
    /// To an address that is already subscribed: where to manage it.
    ManageLink {
        email: String,
        token: String,
        #[serde(default)]
        language: Option<String>,
    },
    /// "Confirm you want news of this incident" (double opt-in of a
    /// follower); `name` is the incident's, as it was when they asked.
    FollowConfirmation {
        email: String,
        token: String,
        incident: IncidentId,
        name: IncidentName,
        #[serde(default)]
        language: Option<String>,
    },
    /// One notice to one subscriber (split off a broadcast to be retried).
    Notice {
        notice: Notice,
        recipient: Recipient,
    },
}

impl Letter {
    /// The language it is written in, as stored (a tag; None: the default).
    pub fn language(&self) -> Option<&str> {
        match self {
            Letter::Confirmation { language, .. }
            | Letter::ManageLink { language, .. }
            | Letter::FollowConfirmation { language, .. } => language.as_deref(),
            Letter::Notice { recipient, .. } => recipient.language.as_deref(),
        }
    }

    /// The secret of the recipient's links (what finds their record).
    pub fn token(&self) -> &str {
        match self {
            Letter::Confirmation { token, .. }
            | Letter::ManageLink { token, .. }
            | Letter::FollowConfirmation { token, .. } => token,
            Letter::Notice { recipient, .. } => &recipient.token,
        }
    }

    pub fn to(&self) -> &str {
        match self {
            Letter::Confirmation { email, .. }
            | Letter::ManageLink { email, .. }
            | Letter::FollowConfirmation { email, .. } => email,
            Letter::Notice { recipient, .. } => &recipient.email,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Job {
    /// A notice to every confirmed subscriber it concerns, streamed from the
    /// subscriber tree in id order; `cursor` is the last id handled.
    Broadcast {
        notice: Notice,
        cursor: Option<String>,
        sent: u64,
        failed: u64,
    },
    Send(Letter),
    /// One payload to one `[[webhooks]]` receiver (delivered by the webhook
    /// dispatcher, never by the email worker).
    Webhook(Delivery),
}

/// A job with its delivery bookkeeping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    pub job: Job,
    pub created_at: DateTime<Utc>,
    /// Not before this time (backoff after a transient failure).
    pub next_at: DateTime<Utc>,
    pub attempts: u32,
    pub last_error: Option<String>,
}

impl Envelope {
    pub fn new(job: Job, now: DateTime<Utc>) -> Self {
        Self {
            job,
            created_at: now,
            next_at: now,
            attempts: 0,
            last_error: None,
        }
    }
}

//! Subscribers: double opt-in, per component, one-click unsubscribe, and their
//! answers to "is everything working for you now?".

pub mod store;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::ComponentId;
pub use store::Subscribers;

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
}

impl Subscriber {
    pub fn is_confirmed(&self) -> bool {
        self.confirmed_at.is_some()
    }
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

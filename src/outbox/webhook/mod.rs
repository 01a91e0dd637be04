//! `[[webhooks]]`: Atlassian Statuspage's webhook payloads, as data.
//!
//! - [`payload`] builds the JSON from the read model (the v2 API's objects).
//! - [`plan`] decides which deliveries one change causes; the pipeline commits
//!   them in the same transaction as the change.
//!
//! Signing and sending are the notify adapter's (its `webhook` module).

pub mod payload;
pub mod plan;

use serde::{Deserialize, Serialize};

/// `sha256=<hex HMAC-SHA256(secret, body)>`, sent when the webhook has a secret.
pub const SIGNATURE_HEADER: &str = "X-Candor-Signature";
/// The delivery's id, the same on every retry, so receivers can drop duplicates.
pub const DELIVERY_HEADER: &str = "X-Candor-Delivery";

/// One payload for one receiver. The body is frozen when the change happens:
/// what is signed and retried is exactly what described that moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    /// The webhook's url as configured; its secret is looked up by it when
    /// the delivery is attempted, so a rotated secret applies to queued jobs.
    pub url: String,
    /// Unique per delivery ([`DELIVERY_HEADER`]).
    pub id: String,
    /// What it reports, for logs ("incident p31zjtct2jer", "component api").
    pub about: String,
    /// The JSON body, byte for byte as POSTed and signed.
    pub body: String,
}

#[cfg(test)]
mod plan_tests;

//! `[[webhooks]]`: Atlassian Statuspage's webhook payloads, POSTed to each
//! receiver through the durable outbox.
//!
//! - [`payload`] builds the JSON from the public view (the v2 API's objects).
//! - [`plan`] decides which deliveries one change causes; the pipeline commits
//!   them in the same transaction as the change.
//! - [`send`] makes one HTTP attempt and says whether to retry.
//! - [`dispatch`] runs deliveries concurrently across receivers, in order per
//!   receiver, with the email worker's backoff and `give_up_after`.

pub mod dispatch;
pub mod payload;
pub mod plan;
pub mod send;

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::config::Secret;

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

/// The [`SIGNATURE_HEADER`] value for `body`. HMAC takes keys of any length,
/// so the error branch only guards the crate's API.
pub fn signature(secret: &Secret, body: &[u8]) -> Result<String, String> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.expose())
        .map_err(|e| format!("the secret cannot key an HMAC: {e}"))?;
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let mut out = String::with_capacity(7 + 2 * digest.len());
    out.push_str("sha256=");
    for byte in digest {
        use std::fmt::Write;
        let _ = write!(out, "{byte:02x}");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_rfc_4231_hmac_sha256_in_hex() {
        // RFC 4231, test case 2.
        let sig = signature(&Secret::new("Jefe"), b"what do ya want for nothing?").unwrap();
        assert_eq!(
            sig,
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}

#[cfg(test)]
mod plan_tests;

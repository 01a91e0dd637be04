//! `[[webhooks]]`: Atlassian Statuspage's webhook payloads, POSTed to each
//! receiver through the durable outbox.
//!
//! What is delivered, and when, is decided in the core ([`crate::outbox::webhook`]);
//! this is the adapter that delivers it.
//! - [`send`] makes one HTTP attempt and says whether to retry.
//! - [`dispatch`] runs deliveries concurrently across receivers, in order per
//!   receiver, with the email worker's backoff and `give_up_after`.

pub mod dispatch;
pub mod send;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::config::Secret;
pub use crate::outbox::webhook::{DELIVERY_HEADER, Delivery, SIGNATURE_HEADER};

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

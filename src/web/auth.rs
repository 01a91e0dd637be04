//! The engineers' secret (`CANDOR_ADMIN_TOKEN`): a bearer token for the API and
//! the password of the admin UI, always compared in constant time.

use actix_web::HttpRequest;
use actix_web::http::header;
use subtle::ConstantTimeEq;

/// Whether the request may use the admin API, and if not, why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Granted,
    /// No or wrong token: 401. `tried`: a token was given (a guess, which
    /// counts against the client's failure budget).
    Denied {
        tried: bool,
    },
    /// No token configured: nobody may (403), and the message says how to set one.
    Disabled,
}

pub use crate::model::MIN_TOKEN_CHARS;

/// Whether a configured token is too short to be used (see [`MIN_TOKEN_CHARS`]).
pub fn too_short(token: &str) -> bool {
    token.chars().count() < MIN_TOKEN_CHARS
}

/// Compares a candidate with the configured token without leaking, through
/// timing, how much of it matched.
pub fn token_matches(configured: &str, candidate: &str) -> bool {
    configured.as_bytes().ct_eq(candidate.as_bytes()).into()
}

/// Checks `Authorization: Bearer <token>`.
pub fn bearer(req: &HttpRequest, configured: Option<&str>) -> Access {
    let Some(configured) = configured else {
        return Access::Disabled;
    };
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    match given {
        Some(token) if token_matches(configured, token) => Access::Granted,
        Some(_) => Access::Denied { tried: true },
        None => Access::Denied { tried: false },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_token_matches() {
        assert!(token_matches("s3cret-token", "s3cret-token"));
        for wrong in [
            "",
            "s3cret",
            "s3cret-token ",
            "S3cret-token",
            "s3cret-tokem",
        ] {
            assert!(!token_matches("s3cret-token", wrong), "{wrong:?}");
        }
    }
}

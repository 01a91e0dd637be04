//! Plain data shared across Candor: statuses (in Atlassian Statuspage's vocabulary,
//! so existing clients understand them), component ids and check results.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub mod reason;
pub use reason::{CertProblem, Evidence, Finding, Reason, SeenFrom};

/// The shortest admin or agent token Candor accepts: 16 characters of hex are
/// 64 bits, out of reach of guessing at ten tries per address per ten minutes.
pub const MIN_TOKEN_CHARS: usize = 16;

/// A component's status, as Statuspage names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum ComponentStatus {
    Operational,
    DegradedPerformance,
    PartialOutage,
    MajorOutage,
    UnderMaintenance,
}

impl ComponentStatus {
    /// Every status, from good to under maintenance (the order forms list them).
    pub const ALL: [ComponentStatus; 5] = [
        Self::Operational,
        Self::DegradedPerformance,
        Self::PartialOutage,
        Self::MajorOutage,
        Self::UnderMaintenance,
    ];

    /// The wire name (`major_outage`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Operational => "operational",
            Self::DegradedPerformance => "degraded_performance",
            Self::PartialOutage => "partial_outage",
            Self::MajorOutage => "major_outage",
            Self::UnderMaintenance => "under_maintenance",
        }
    }

    /// Words for people ("Major outage").
    pub fn label(self) -> &'static str {
        match self {
            Self::Operational => "Operational",
            Self::DegradedPerformance => "Degraded performance",
            Self::PartialOutage => "Partial outage",
            Self::MajorOutage => "Major outage",
            Self::UnderMaintenance => "Under maintenance",
        }
    }

    /// How bad it is for the overall banner: higher is worse. Maintenance ranks
    /// below outages (an outage elsewhere is the bigger news) but above degraded.
    pub fn severity(self) -> u8 {
        match self {
            Self::Operational => 0,
            Self::DegradedPerformance => 1,
            Self::UnderMaintenance => 2,
            Self::PartialOutage => 3,
            Self::MajorOutage => 4,
        }
    }
}

impl fmt::Display for ComponentStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What one probe of one check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Up,
    /// Answered correctly but slowly, or a TLS certificate close to expiry.
    Degraded,
    Down,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Up => "up",
            Self::Degraded => "degraded",
            Self::Down => "down",
        }
    }
}

/// A component's stable slug (`[a-z0-9-]+`), parsed once from the config.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ComponentId(Arc<str>);

impl ComponentId {
    /// Accepts a non-empty slug of lowercase ASCII letters, digits and dashes.
    pub fn parse(s: &str) -> Result<Self, String> {
        if is_slug(s) {
            Ok(Self(Arc::from(s)))
        } else {
            Err(format!(
                "\"{s}\" is not a valid id: use lowercase letters, digits and dashes (like \"public-api\")"
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ComponentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A check's stable id: its results are stored under it, so it must survive edits
/// to the check's name (set `id` in the config to pin it).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CheckId(Arc<str>);

impl CheckId {
    pub fn parse(s: &str) -> Result<Self, String> {
        if is_slug(s) {
            Ok(Self(Arc::from(s)))
        } else {
            Err(format!(
                "\"{s}\" is not a valid id: use lowercase letters, digits and dashes"
            ))
        }
    }

    /// The default id of a check: its component and its name, slugified.
    pub fn derive(component: &ComponentId, name: &str) -> Self {
        let mut slug = String::with_capacity(component.as_str().len() + name.len() + 1);
        slug.push_str(component.as_str());
        for c in name.chars() {
            let c = c.to_ascii_lowercase();
            if c.is_ascii_alphanumeric() {
                slug.push(c);
            } else if !slug.ends_with('-') {
                slug.push('-');
            }
        }
        if name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        {
            slug.insert(component.as_str().len(), '-');
        }
        Self(Arc::from(cap_slug(slug.trim_end_matches('-'))))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CheckId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl CheckId {
    /// The id under which one location's results and state of this check are
    /// kept: `api-health@us-east`. `@` is not in a slug, so it never meets a
    /// configured id.
    pub fn at(&self, location: &LocationId) -> CheckId {
        Self(Arc::from(format!("{}@{}", self.0, location.as_str())))
    }

    /// A stored id: a check's own (`api-health`) or one location's of it
    /// (`api-health@us-east`, see [`CheckId::at`]).
    pub fn parse_stored(s: &str) -> Result<Self, String> {
        match s.split_once('@') {
            Some((check, location)) => {
                LocationId::parse(location)?;
                Self::parse(check)?;
                Ok(Self(Arc::from(s)))
            }
            None => Self::parse(s),
        }
    }

    /// The configured check of a stored id, and its location if it is one
    /// location's (`api-health@us-east` → `api-health`, `us-east`).
    pub fn split_location(&self) -> (CheckId, Option<LocationId>) {
        match self.0.split_once('@') {
            Some((check, location)) => (
                Self(Arc::from(check)),
                Some(LocationId(Arc::from(location))),
            ),
            None => (self.clone(), None),
        }
    }
}

/// Where a check is probed from: `local` (this instance) or the id of a
/// `[[locations]]` entry, whose agent probes from there.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LocationId(Arc<str>);

impl LocationId {
    /// The id of this instance's own vantage point.
    pub const LOCAL: &str = "local";

    pub fn local() -> Self {
        Self(Arc::from(Self::LOCAL))
    }

    pub fn parse(s: &str) -> Result<Self, String> {
        if is_slug(s) {
            Ok(Self(Arc::from(s)))
        } else {
            Err(format!(
                "\"{s}\" is not a valid location id: use lowercase letters, digits and dashes (like \"us-east\")"
            ))
        }
    }

    pub fn is_local(&self) -> bool {
        &*self.0 == Self::LOCAL
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LocationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Longest id [`CheckId::parse`] and [`ComponentId::parse`] accept.
const MAX_ID_LEN: usize = 64;
/// Bytes of a too-long derived id kept before its hash suffix (`-` + 8 hex digits).
const CAPPED_PREFIX_LEN: usize = MAX_ID_LEN - 9;

/// A derived slug that fits [`MAX_ID_LEN`]: a long one keeps its first 55 bytes
/// and gets a dash and 8 hex digits of the full slug's FNV-1a hash, so it stays
/// unique and stable, and parses again when stored state is read back at start.
fn cap_slug(slug: &str) -> String {
    if slug.len() <= MAX_ID_LEN {
        return slug.to_owned();
    }
    // A slug is ASCII, so any byte index is a char boundary.
    let head = slug[..CAPPED_PREFIX_LEN].trim_end_matches('-');
    let hash = fnv1a(slug.as_bytes()) & 0xffff_ffff;
    format!("{head}-{hash:08x}")
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_ID_LEN
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// FNV-1a (64-bit): a fast hash with fixed arithmetic, so the same bytes hash the
/// same on every run, build and platform (unlike std's seeded hashers). Used where a
/// value must be stable across restarts: ETags, jitter, shortened check ids.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The result of one run of one check.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckResult {
    pub check: CheckId,
    /// When the probe started.
    pub at: DateTime<Utc>,
    /// How long the probe took (to the timeout, at most, plus a little).
    pub duration: Duration,
    pub outcome: Outcome,
    /// What was seen, as data; None when up and unremarkable.
    pub reason: Option<Reason>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn component_ids_must_be_slugs() {
        assert!(ComponentId::parse("public-api2").is_ok());
        for bad in ["", "Public", "a b", "api_v2", "é"] {
            assert!(ComponentId::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn a_locations_id_of_a_check_parses_back_and_splits() {
        let check = CheckId::parse("api-health").unwrap();
        let east = LocationId::parse("us-east").unwrap();
        let stored = check.at(&east);
        assert_eq!(stored.as_str(), "api-health@us-east");
        assert_eq!(CheckId::parse_stored(stored.as_str()), Ok(stored.clone()));
        assert_eq!(stored.split_location(), (check.clone(), Some(east)));
        assert_eq!(check.split_location(), (check.clone(), None));
        for bad in ["api@", "@us", "api@US", "a@b@c", "API"] {
            assert!(CheckId::parse_stored(bad).is_err(), "{bad:?} accepted");
        }
        assert!(
            CheckId::parse("api@us").is_err(),
            "configured ids stay slugs"
        );
    }

    #[test]
    fn fnv1a_matches_the_reference_vectors() {
        // From the FNV reference test suite.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn check_ids_derive_from_component_and_name() {
        let api = ComponentId::parse("api").unwrap();
        assert_eq!(
            CheckId::derive(&api, "API health").as_str(),
            "api-api-health"
        );
        assert_eq!(CheckId::derive(&api, "  Ping!  ").as_str(), "api-ping");
        assert_eq!(CheckId::derive(&api, "").as_str(), "api");
    }

    #[test]
    fn long_derived_check_ids_are_capped_and_parse_again() {
        let api = ComponentId::parse("api").unwrap();
        let name = "The very long name of a check that someone wrote out in full detail";
        let a = CheckId::derive(&api, name);
        let b = CheckId::derive(&api, &format!("{name} 2"));
        for id in [&a, &b] {
            assert_eq!(id.as_str().len(), 64, "{id}");
            assert_eq!(CheckId::parse(id.as_str()).as_ref(), Ok(id));
        }
        assert_ne!(a, b, "the hash keeps ids that share a prefix apart");
        assert!(
            a.as_str()
                .starts_with("api-the-very-long-name-of-a-check-that-someone-wrote-ou-")
        );
        assert_eq!(a, CheckId::derive(&api, name), "stable");
        // At the limit nothing changes.
        let exact = "x".repeat(60);
        assert_eq!(
            CheckId::derive(&api, &exact).as_str(),
            format!("api-{exact}")
        );
    }
}

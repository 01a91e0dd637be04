//! Ids of incidents, maintenances and their updates: 12 random lowercase
//! letters and digits, as Statuspage's look. An id is parsed once where it
//! comes in (a URL's path segment, a stored record), so code past that holds an
//! id, never a string that might be one. Every id is one safe URL path segment,
//! file name and sled key.
//!
//! [`new_id`] has made exactly this shape since incidents were first stored,
//! so the check on reading stored records accepts everything ever written.

use std::borrow::Borrow;
use std::fmt;
use std::sync::Arc;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How long every id is.
const LEN: usize = 12;
/// What ids are made of.
const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// A random id of 12 lowercase letters and digits, as Statuspage's look.
pub fn new_id() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..LEN)
        .map(|_| char::from(CHARS[rng.random_range(0..CHARS.len())]))
        .collect()
}

fn is_id(s: &str) -> bool {
    s.len() == LEN && s.bytes().all(|b| CHARS.contains(&b))
}

/// Declares an id type: `parse`, `as_str`, `Display`, and serde as the bare
/// string (so stored JSON and the wire format are what a `String` made).
macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Arc<str>);

        impl $name {
            /// Accepts exactly what [`new_id`] makes.
            pub fn parse(s: &str) -> Result<Self, String> {
                if is_id(s) {
                    Ok(Self(Arc::from(s)))
                } else {
                    Err(format!(
                        "\"{s}\" is not {}: expected 12 lowercase letters and digits",
                        $what
                    ))
                }
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Any text, unchecked: hand-built test records have short,
            /// readable ids (`inc1`).
            #[cfg(test)]
            pub(crate) fn fixture(s: &str) -> Self {
                Self(Arc::from(s))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Self::parse(&s).map_err(D::Error::custom)
            }
        }
    };
}

id_type!(
    /// An incident's id.
    IncidentId,
    "an incident id"
);
id_type!(
    /// A maintenance's id.
    MaintenanceId,
    "a maintenance id"
);
id_type!(
    /// The id of one update in an incident's or a maintenance's timeline.
    UpdateId,
    "an update id"
);
id_type!(
    /// An incident's or a maintenance's id, where either is meant: both share
    /// `/incidents/{id}` and a notice's thread (its kind says which).
    RecordId,
    "an incident or maintenance id"
);

/// The ids Candor makes up (a [`RecordId`] is always one of theirs).
macro_rules! random {
    ($($name:ident),*) => {$(
        impl $name {
            /// A new random id.
            pub fn random() -> Self {
                Self(Arc::from(new_id()))
            }
        }
    )*};
}
random!(IncidentId, MaintenanceId, UpdateId);

impl From<&IncidentId> for RecordId {
    fn from(id: &IncidentId) -> Self {
        Self(id.0.clone())
    }
}

impl From<&MaintenanceId> for RecordId {
    fn from(id: &MaintenanceId) -> Self {
        Self(id.0.clone())
    }
}

/// Hashes and orders as its text, so a map keyed by record id (the rendered
/// `/incidents/{id}` pages) can be read with an id's text too.
impl Borrow<str> for RecordId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_new_id_makes_parses_back() {
        for _ in 0..200 {
            let made = new_id();
            assert_eq!(IncidentId::parse(&made).unwrap().as_str(), made);
            assert_eq!(MaintenanceId::parse(&made).unwrap().as_str(), made);
            assert_eq!(UpdateId::parse(&made).unwrap().as_str(), made);
            assert_eq!(RecordId::parse(&made).unwrap().as_str(), made);
        }
        let random = IncidentId::random();
        assert_eq!(IncidentId::parse(random.as_str()), Ok(random));
    }

    #[test]
    fn junk_and_path_tricks_are_refused() {
        for bad in [
            "",
            "new",
            "nope",
            "k3v9q0x2m7a",
            "k3v9q0x2m7abc",
            "K3V9Q0X2M7AB",
            "k3v9q0x2m7a-",
            "k3v9q0x2m7a_",
            "k3v9 0x2m7ab",
            "../../../etc",
            "..%2f..%2fetc",
            "k3v9q0x2m7/b",
            "k3v9q0x2m7\\b",
            "k3v9q0x2m7.b",
            "k3v9q0x2m7\0b",
            "k3v9q0x2m7éb",
            "ｋ3v9q0x2m7ab",
        ] {
            assert!(IncidentId::parse(bad).is_err(), "{bad:?} accepted");
            assert!(MaintenanceId::parse(bad).is_err(), "{bad:?} accepted");
            assert!(UpdateId::parse(bad).is_err(), "{bad:?} accepted");
            assert!(RecordId::parse(bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(
            IncidentId::parse("nope").unwrap_err(),
            "\"nope\" is not an incident id: expected 12 lowercase letters and digits"
        );
    }

    #[test]
    fn serde_writes_and_reads_the_bare_string() {
        let id = IncidentId::parse("k3v9q0x2m7ab").unwrap();
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, "\"k3v9q0x2m7ab\"");
        assert_eq!(serde_json::from_str::<IncidentId>(&json).unwrap(), id);
        // As a `String` field wrote it: stored records read back unchanged.
        let stored = serde_json::to_string("k3v9q0x2m7ab").unwrap();
        assert_eq!(
            serde_json::from_str::<UpdateId>(&stored).unwrap().as_str(),
            "k3v9q0x2m7ab"
        );
        let opt: Option<IncidentId> = serde_json::from_str("null").unwrap();
        assert_eq!(opt, None);
        for bad in ["\"../x\"", "\"NOPE\"", "12", "null"] {
            assert!(serde_json::from_str::<MaintenanceId>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_record_id_is_the_incidents_or_maintenances_text() {
        let i = IncidentId::parse("k3v9q0x2m7ab").unwrap();
        let m = MaintenanceId::parse("a1b2c3d4e5f6").unwrap();
        assert_eq!(RecordId::from(&i).as_str(), i.as_str());
        assert_eq!(RecordId::from(&m).to_string(), "a1b2c3d4e5f6");
        let pages = std::collections::HashMap::from([(RecordId::from(&i), 1)]);
        assert_eq!(pages.get("k3v9q0x2m7ab"), Some(&1));
        assert_eq!(
            pages.get(&RecordId::parse("k3v9q0x2m7ab").unwrap()),
            Some(&1)
        );
    }
}

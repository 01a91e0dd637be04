//! Which update a notice reports. Its text names the message within its
//! thread (the Message-ID), so every notice has its own.

use std::fmt;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::incidents::{MaintenanceId, UpdateId};

/// What a notice reports: an update of the timeline, or the reminder that a
/// maintenance is about to start (no update of its own). Stored and shown as
/// the update's id, or as the maintenance's id and `-reminder`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpdateRef {
    Update(UpdateId),
    Reminder(MaintenanceId),
}

const REMINDER: &str = "-reminder";

impl UpdateRef {
    /// Reads what [`UpdateRef`]'s `Display` wrote.
    pub fn parse(s: &str) -> Result<Self, String> {
        match s.strip_suffix(REMINDER) {
            Some(m) => MaintenanceId::parse(m).map(Self::Reminder),
            None => UpdateId::parse(s).map(Self::Update),
        }
    }
}

impl From<UpdateId> for UpdateRef {
    fn from(id: UpdateId) -> Self {
        Self::Update(id)
    }
}

impl fmt::Display for UpdateRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Update(u) => write!(f, "{u}"),
            Self::Reminder(m) => write!(f, "{m}{REMINDER}"),
        }
    }
}

impl Serialize for UpdateRef {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for UpdateRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(D::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn updates_and_reminders_are_stored_as_they_always_were() {
        let u = UpdateRef::Update(UpdateId::parse("k3v9q0x2m7ab").unwrap());
        let r = UpdateRef::Reminder(MaintenanceId::parse("a1b2c3d4e5f6").unwrap());
        for (reported, text) in [(u, "k3v9q0x2m7ab"), (r, "a1b2c3d4e5f6-reminder")] {
            let json = serde_json::to_string(&reported).unwrap();
            assert_eq!(json, format!("\"{text}\""));
            assert_eq!(reported.to_string(), text);
            assert_eq!(serde_json::from_str::<UpdateRef>(&json).unwrap(), reported);
        }
    }

    #[test]
    fn anything_else_is_refused() {
        for bad in [
            "",
            "-reminder",
            "nope-reminder",
            "a1b2c3d4e5f6-later",
            "../x",
        ] {
            assert!(UpdateRef::parse(bad).is_err(), "{bad:?} accepted");
        }
    }
}

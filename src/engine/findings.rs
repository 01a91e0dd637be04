//! What the checks have found, as data for incident updates and for reading
//! back what older builds stored as words.

use serde::{Deserialize, Deserializer};

use super::Engine;
use crate::model::{ComponentId, Evidence, Finding, Outcome, Reason};

impl Engine {
    /// The checks' evidence for a component, for incident updates: each check
    /// that is not up, why, for how many results and since when (in words:
    /// "API health: HTTP 503 Service Unavailable on 3 checks in a row since
    /// 14:02 UTC").
    pub fn evidence(&self, component: &ComponentId) -> Vec<Evidence> {
        let Some(members) = self.members.get(component) else {
            return Vec::new();
        };
        // Freshness as of the component's last result: what its status says.
        let now = (self.components.get(component))
            .and_then(|c| c.last_checked)
            .unwrap_or(self.started);
        members
            .iter()
            .filter_map(|id| self.checks.get(id).map(|s| (id, s)))
            .filter(|(_, s)| s.health != Outcome::Up)
            .map(|(id, s)| Evidence {
                seen_from: self.seen_from(id, now),
                check: self.name(id).to_owned(),
                reason: s.reason().cloned(),
                runs: s.streak.not_up,
                since: s.failing_since,
            })
            .collect()
    }
}

impl Engine {
    /// [`Self::evidence`] while the checks take the component out of
    /// operational; else nothing (a single failed result proves nothing).
    pub fn failing_evidence(&self, component: &ComponentId) -> Vec<Evidence> {
        let failing = (self.components.get(component))
            .is_some_and(|c| c.status != crate::model::ComponentStatus::Operational);
        match failing {
            true => self.evidence(component),
            false => Vec::new(),
        }
    }
}

/// A component's findings as stored: a list, or (from older builds) the
/// sentence made of them, or null. The sentence is kept whole, as one finding
/// naming no check, so it is shown as it was.
pub(super) fn stored<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Finding>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Stored {
        Findings(Vec<Finding>),
        Sentence(Option<String>),
    }
    Ok(match Stored::deserialize(d)? {
        Stored::Findings(findings) => findings,
        Stored::Sentence(sentence) => sentence
            .map(|text| Finding {
                seen_from: None,
                check: String::new(),
                reason: Some(Reason::Other { text }),
            })
            .into_iter()
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::engine::{CheckState, ComponentState, LastResult};
    use crate::model::ComponentStatus;

    #[test]
    fn check_state_keeps_reasons_as_data_through_json() {
        let at = Utc.with_ymd_and_hms(2026, 11, 22, 14, 0, 0).unwrap();
        let state = CheckState {
            health: Outcome::Down,
            bad_reason: Some(Reason::Slow {
                ms: 950,
                over_ms: 800,
            }),
            down_reason: Some(Reason::HttpStatus { code: 503 }),
            last: Some(LastResult {
                at,
                duration_ms: 12,
                outcome: Outcome::Down,
                reason: Some(Reason::HttpStatus { code: 503 }),
            }),
            failing_since: Some(at),
            ..CheckState::default()
        };
        let json = serde_json::to_string(&state).unwrap();
        assert!(
            json.contains(r#""down_reason":{"kind":"http_status","code":503}"#),
            "{json}"
        );
        assert_eq!(serde_json::from_str::<CheckState>(&json).unwrap(), state);
    }

    #[test]
    fn check_state_with_english_reasons_still_loads() {
        let old = r#"{"health":"degraded","streak":{"up":0,"not_up":1,"down":0,"not_down":1},
            "last":{"at":"2026-11-22T14:00:00Z","duration_ms":5,"outcome":"up","reason":""},
            "bad_reason":"slow: answered in 1.2 s (over 800 ms)","down_reason":null,
            "failing_since":null}"#;
        let state: CheckState = serde_json::from_str(old).unwrap();
        assert_eq!(state.last.unwrap().reason, None, "empty was none");
        let words = "slow: answered in 1.2 s (over 800 ms)";
        assert_eq!(state.bad_reason, Some(Reason::other(words)));
    }

    #[test]
    fn component_state_keeps_findings_and_reads_older_sentences() {
        let at = Utc.with_ymd_and_hms(2026, 11, 22, 14, 0, 0).unwrap();
        let mut state = ComponentState::operational(at);
        state.status = ComponentStatus::MajorOutage;
        state.findings = vec![Finding {
            seen_from: None,
            check: "API health".into(),
            reason: Some(Reason::ConnectionRefused),
        }];
        let json = serde_json::to_string(&state).unwrap();
        assert_eq!(
            serde_json::from_str::<ComponentState>(&json).unwrap(),
            state
        );
        let old = r#"{"status":"major_outage","since":"2026-11-22T14:00:00Z",
            "reason":"API health: HTTP 503; DB: connection refused","last_checked":null}"#;
        let old: ComponentState = serde_json::from_str(old).unwrap();
        assert_eq!(
            old.findings,
            vec![Finding {
                seen_from: None,
                check: String::new(),
                reason: Some(Reason::other(
                    "API health: HTTP 503; DB: connection refused"
                )),
            }]
        );
        let none = r#"{"status":"operational","since":"2026-11-22T14:00:00Z","reason":null,
            "last_checked":null}"#;
        let none: ComponentState = serde_json::from_str(none).unwrap();
        assert!(none.findings.is_empty());
    }
}

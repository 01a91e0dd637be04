//! What a server and its agents (`candor agent`) say to each other, as JSON:
//! the checks assigned to a location (server → agent) and batches of results
//! (agent → server). A check travels as what the agent needs to probe it the
//! same way, already validated by the server; the agent checks it again
//! (it trusts the server's token, not its bytes), and thresholds and
//! confirmation stay on the server.

use std::time::Duration;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, Url};
use serde::{Deserialize, Serialize};

use super::{Cadence, CheckSpec, HttpTarget, JsonCondition, Target};
use crate::model::{CheckId, CheckResult, ComponentId, LocationId, Outcome, Reason, fnv1a};

/// The longest batch a server takes: a day of one check every 30 s from
/// 1,000 checks would be far more; an agent sends every few seconds.
pub const MAX_BATCH: usize = 5_000;

/// `GET /api/agent/v1/checks`: what one location probes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    pub location: String,
    /// The location's name, as customers read it.
    pub name: String,
    /// Changes whenever the checks do: an agent restarts its schedule only then.
    pub version: String,
    pub checks: Vec<WireCheck>,
}

impl Assignment {
    /// The checks of `specs` that list `location`.
    pub fn of(location: &LocationId, name: &str, specs: &[CheckSpec]) -> Self {
        let checks: Vec<WireCheck> = (specs.iter())
            .filter(|s| s.locations.contains(location))
            .map(WireCheck::of)
            .collect();
        let version = serde_json::to_vec(&checks).map_or(0, |b| fnv1a(&b));
        Self {
            location: location.to_string(),
            name: name.to_owned(),
            version: format!("{version:016x}"),
            checks,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WireCheck {
    pub id: String,
    pub component: String,
    pub name: String,
    pub target: WireTarget,
    /// One of `every_ms` and `cron`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cron: Option<String>,
    /// The cron expression's zone (IANA name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    pub timeout_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub degraded_over_ms: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WireTarget {
    Http {
        url: String,
        method: String,
        #[serde(default)]
        headers: Vec<(String, String)>,
        #[serde(default)]
        body: Option<String>,
        #[serde(default)]
        expect_status: Option<Vec<u16>>,
        #[serde(default)]
        body_contains: Option<String>,
        #[serde(default)]
        json_pointer: Option<String>,
        #[serde(default)]
        json_equals: Option<serde_json::Value>,
        cert_expiry_warning_ms: u64,
        max_redirects: usize,
        insecure: bool,
    },
    Tcp {
        host: String,
        port: u16,
    },
}

fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

impl WireCheck {
    pub fn of(spec: &CheckSpec) -> Self {
        let (every_ms, cron, timezone) = match &spec.cadence {
            Cadence::Every(d) => (Some(ms(*d)), None, None),
            Cadence::Cron(c) => (
                None,
                Some(c.expr().to_owned()),
                Some(c.tz().name().to_owned()),
            ),
        };
        let target = match &spec.target {
            Target::Tcp { host, port } => WireTarget::Tcp {
                host: host.clone(),
                port: *port,
            },
            Target::Http(h) => WireTarget::Http {
                url: h.url.to_string(),
                method: h.method.to_string(),
                headers: (h.headers.iter())
                    .filter_map(|(k, v)| Some((k.to_string(), v.to_str().ok()?.to_owned())))
                    .collect(),
                body: h.body.clone(),
                expect_status: h.expect_status.clone(),
                body_contains: h.body_contains.clone(),
                json_pointer: h.json.as_ref().map(|j| j.pointer.clone()),
                json_equals: h.json.as_ref().map(|j| j.equals.clone()),
                cert_expiry_warning_ms: ms(h.cert_expiry_warning),
                max_redirects: h.max_redirects,
                insecure: h.insecure,
            },
        };
        Self {
            id: spec.id.to_string(),
            component: spec.component.to_string(),
            name: spec.name.clone(),
            target,
            every_ms,
            cron,
            timezone,
            timeout_ms: ms(spec.timeout),
            degraded_over_ms: spec.degraded_over.map(ms),
        }
    }

    /// The check to probe, or what is wrong with it (named by its id).
    pub fn spec(self) -> Result<CheckSpec, String> {
        let id = CheckId::parse(&self.id)?;
        let at = |what: String| format!("check {id}: {what}");
        let component = ComponentId::parse(&self.component).map_err(at)?;
        let cadence = match (self.every_ms, &self.cron) {
            (Some(every), None) => Cadence::every(Duration::from_millis(every)),
            (None, Some(expr)) => {
                let tz: Tz = (self.timezone.as_deref().unwrap_or("UTC"))
                    .parse()
                    .map_err(|_| at("unknown time zone".into()))?;
                Cadence::cron(expr, tz)
            }
            _ => Err("needs one of every_ms and cron".into()),
        }
        .map_err(at)?;
        let timeout = Duration::from_millis(self.timeout_ms);
        if timeout.is_zero() || timeout > Duration::from_secs(300) {
            return Err(at(
                "timeout_ms must be more than 0 and at most 300000".into()
            ));
        }
        let target = match self.target {
            WireTarget::Tcp { host, port } => Target::Tcp { host, port },
            WireTarget::Http {
                url,
                method,
                headers,
                body,
                expect_status,
                body_contains,
                json_pointer,
                json_equals,
                cert_expiry_warning_ms,
                max_redirects,
                insecure,
            } => {
                let url = Url::parse(&url).map_err(|e| at(format!("url: {e}")))?;
                if !matches!(url.scheme(), "http" | "https") {
                    return Err(at("url must be http:// or https://".into()));
                }
                let method = Method::from_bytes(method.as_bytes())
                    .map_err(|_| at(format!("method \"{method}\" is not an HTTP method")))?;
                let mut map = HeaderMap::new();
                for (k, v) in headers {
                    let name = HeaderName::from_bytes(k.as_bytes())
                        .map_err(|_| at(format!("header name \"{k}\"")))?;
                    let value = HeaderValue::from_str(&v)
                        .map_err(|_| at(format!("header {k}: not a header value")))?;
                    map.append(name, value);
                }
                let json = match (json_pointer, json_equals) {
                    (Some(pointer), Some(equals)) => Some(JsonCondition { pointer, equals }),
                    (None, None) => None,
                    _ => return Err(at("json_pointer and json_equals go together".into())),
                };
                Target::Http(HttpTarget {
                    url,
                    method,
                    headers: map,
                    body,
                    expect_status,
                    body_contains,
                    json,
                    cert_expiry_warning: Duration::from_millis(cert_expiry_warning_ms),
                    max_redirects: max_redirects.min(20),
                    insecure,
                })
            }
        };
        Ok(CheckSpec {
            id,
            component,
            name: self.name,
            target,
            cadence,
            timeout,
            degraded_over: self.degraded_over_ms.map(Duration::from_millis),
            // Judged on the server; the agent only probes.
            failure_threshold: 1,
            success_threshold: 1,
            locations: vec![LocationId::local()],
            confirm: 1,
        })
    }
}

/// `POST /api/agent/v1/results`: results in the order they were probed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Batch {
    /// Random per agent process: with `seq`, a batch sent twice (its answer
    /// lost) is stored once.
    pub instance: u64,
    /// 1, 2, 3 ... per instance.
    pub seq: u64,
    /// Results the agent dropped since it started, its buffer full while the
    /// server was away (oldest first): counted, and logged by the server.
    #[serde(default)]
    pub dropped: u64,
    pub results: Vec<WireResult>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WireResult {
    pub check: String,
    pub at: DateTime<Utc>,
    pub duration_ms: u64,
    pub outcome: Outcome,
    #[serde(default)]
    pub reason: Option<Reason>,
}

impl WireResult {
    pub fn of(r: &CheckResult) -> Self {
        Self {
            check: r.check.to_string(),
            at: r.at,
            duration_ms: ms(r.duration),
            outcome: r.outcome,
            reason: r.reason.clone(),
        }
    }

    /// The result, or what is wrong with it.
    pub fn result(self, now: DateTime<Utc>) -> Result<CheckResult, String> {
        let check = CheckId::parse(&self.check)?;
        if self.at > now + chrono::Duration::minutes(5) {
            return Err(format!(
                "result of {check} at {} is in the future (is the agent's clock right?)",
                self.at.to_rfc3339()
            ));
        }
        if self.duration_ms > 600_000 {
            return Err(format!("result of {check} lasted more than 10 minutes"));
        }
        Ok(CheckResult {
            check,
            at: self.at,
            duration: Duration::from_millis(self.duration_ms),
            outcome: self.outcome,
            reason: self.reason,
        })
    }
}

/// The server's answer to a batch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stored {
    /// New results, applied.
    pub stored: usize,
    /// Results already stored (a batch or part of one sent again).
    pub duplicates: usize,
    /// Results of checks this location no longer probes.
    pub ignored: usize,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn a_check_travels_to_the_agent_and_back_unchanged() {
        let config = Config::parse(
            "[[locations]]\nid = \"us-east\"\nname = \"Virginia\"\ntoken_env = \"T\"\n\
             [[components]]\nid = \"api\"\nname = \"API\"\n\
             [[checks]]\ncomponent = \"api\"\nname = \"health\"\nurl = \"https://api.example/health?x=1\"\n\
             method = \"POST\"\nbody = \"{}\"\nheaders = { Authorization = \"Bearer s\" }\n\
             expect_status = [200, 204]\njson = { pointer = \"/ok\", equals = true }\n\
             every = \"30s\"\ntimeout = \"4s\"\ndegraded_over = \"1s\"\nlocations = [\"local\", \"us-east\"]\n\
             [[checks]]\ncomponent = \"api\"\nname = \"nightly\"\nurl = \"tcp://db.example:5432\"\n\
             schedule = \"0 3 * * *\"\ntimezone = \"Europe/Berlin\"\nlocations = [\"us-east\"]\n\
             [[checks]]\ncomponent = \"api\"\nname = \"here only\"\nurl = \"http://127.0.0.1:9/\"\nevery = \"1m\"\n",
        )
        .unwrap();
        let east = LocationId::parse("us-east").unwrap();
        let a = Assignment::of(&east, "Virginia", &config.checks);
        assert_eq!(a.checks.len(), 2, "the check probed here only stays here");
        let json = serde_json::to_string(&a).unwrap();
        let back: Assignment = serde_json::from_str(&json).unwrap();
        assert_eq!(back, a);
        for (wire, original) in back.checks.into_iter().zip(&config.checks) {
            let spec = wire.spec().unwrap();
            assert_eq!(spec.id, original.id);
            assert_eq!(spec.target.describe(), original.target.describe());
            assert_eq!(spec.timeout, original.timeout);
            assert_eq!(spec.degraded_over, original.degraded_over);
            let now = Utc::now();
            assert_eq!(
                spec.cadence.next_after(now),
                original.cadence.next_after(now)
            );
            if let (Target::Http(h), Target::Http(o)) = (&spec.target, &original.target) {
                assert_eq!(h.headers, o.headers);
                assert_eq!(h.json, o.json);
                assert_eq!(h.expect_status, o.expect_status);
                assert_eq!(h.body, o.body);
            }
        }
        let again = Assignment::of(&east, "Virginia", &config.checks);
        assert_eq!(again.version, a.version, "stable");
    }

    #[test]
    fn a_bad_check_or_result_says_what_is_wrong() {
        let bad = WireCheck {
            id: "api-x".into(),
            component: "api".into(),
            name: "x".into(),
            target: WireTarget::Tcp {
                host: "h".into(),
                port: 1,
            },
            every_ms: Some(10),
            cron: None,
            timezone: None,
            timeout_ms: 1000,
            degraded_over_ms: None,
        };
        let e = bad.clone().spec().unwrap_err();
        assert!(e.starts_with("check api-x: interval"), "{e}");
        let e = WireCheck {
            every_ms: None,
            ..bad
        }
        .spec()
        .unwrap_err();
        assert!(e.contains("needs one of every_ms and cron"), "{e}");
        let now = Utc::now();
        let future = WireResult {
            check: "api-x".into(),
            at: now + chrono::Duration::hours(1),
            duration_ms: 3,
            outcome: Outcome::Up,
            reason: None,
        };
        assert!(
            future
                .clone()
                .result(now)
                .unwrap_err()
                .contains("in the future")
        );
        let e = WireResult {
            check: "API".into(),
            ..future
        }
        .result(now)
        .unwrap_err();
        assert!(e.contains("not a valid id"), "{e}");
    }
}

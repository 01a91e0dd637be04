//! One `[[checks]]` entry → a [`CheckSpec`].

use std::collections::HashSet;
use std::time::Duration;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, Url};

use super::Problems;
use crate::checks::{Cadence, CheckSpec, HttpTarget, JsonCondition, Target};
use crate::config::raw::{RawCheck, RawJson};
use crate::model::{CheckId, ComponentId, LocationId};

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_TIMEOUT: Duration = Duration::from_secs(300);
const DEFAULT_CERT_WARNING: Duration = Duration::from_secs(14 * 86_400);

/// Validates one check as of `now`; `None` when it is too broken to build
/// (problems recorded).
pub(super) fn validate(
    p: &mut Problems,
    place: &str,
    mut c: RawCheck,
    (known, places): (&HashSet<&ComponentId>, &HashSet<LocationId>),
    site_tz: Tz,
    now: DateTime<Utc>,
) -> Option<CheckSpec> {
    let name = c.name.clone().unwrap_or_default();
    if name.trim().is_empty() {
        p.add(format!("{place}.name"), "missing: every check needs a name");
    }
    let component = component(p, place, c.component.as_deref(), known);
    let id = match (&c.id, &component) {
        (Some(id), _) => CheckId::parse(id)
            .map_err(|e| p.add(format!("{place}.id"), e))
            .ok(),
        (None, Some(comp)) => Some(CheckId::derive(comp, &name)),
        (None, None) => None,
    };
    let timeout = p.duration(&format!("{place}.timeout"), c.timeout.as_deref());
    let timeout = timeout.unwrap_or(DEFAULT_TIMEOUT);
    if timeout.is_zero() || timeout > MAX_TIMEOUT {
        p.add(
            format!("{place}.timeout"),
            "must be more than 0 and at most 5m",
        );
    }
    let degraded_over = p.duration(
        &format!("{place}.degraded_over"),
        c.degraded_over.as_deref(),
    );
    if degraded_over.is_some_and(|d| d >= timeout) {
        p.add(
            format!("{place}.degraded_over"),
            "must be shorter than the timeout, or slowness would read as a timeout first",
        );
    }
    let cadence = cadence(p, place, &c, site_tz, now);
    let failure = p.int_in(
        &format!("{place}.failure_threshold"),
        c.failure_threshold,
        1..=i64::from(crate::config::MAX_THRESHOLD),
        3,
    );
    let success = p.int_in(
        &format!("{place}.success_threshold"),
        c.success_threshold,
        1..=i64::from(crate::config::MAX_THRESHOLD),
        2,
    );
    let (locations, confirm) =
        super::locations::of_check(p, place, c.locations.take(), c.confirm, places);
    let target = target(p, place, c)?;
    Some(CheckSpec {
        id: id?,
        component: component?,
        name,
        target,
        cadence: cadence?,
        timeout,
        degraded_over,
        failure_threshold: failure as u32,
        success_threshold: success as u32,
        locations,
        confirm,
    })
}

fn component(
    p: &mut Problems,
    place: &str,
    value: Option<&str>,
    known: &HashSet<&ComponentId>,
) -> Option<ComponentId> {
    let Some(text) = value else {
        p.add(
            format!("{place}.component"),
            "missing: name the id of the component this check watches",
        );
        return None;
    };
    match ComponentId::parse(text) {
        Ok(id) if known.contains(&id) => Some(id),
        _ => {
            p.add(
                format!("{place}.component"),
                format!("unknown component \"{text}\": add a [[components]] entry with id = \"{text}\" or fix the name"),
            );
            None
        }
    }
}

fn cadence(
    p: &mut Problems,
    place: &str,
    c: &RawCheck,
    site_tz: Tz,
    now: DateTime<Utc>,
) -> Option<Cadence> {
    let tz = p.timezone(&format!("{place}.timezone"), c.timezone.as_deref());
    match (&c.schedule, &c.every) {
        (Some(_), Some(_)) => {
            p.add(place, "has both schedule and every: keep one");
            None
        }
        // Already reported as a value of the wrong type.
        (None, None)
            if p.had_wrong_type(&format!("{place}.schedule"))
                || p.had_wrong_type(&format!("{place}.every")) =>
        {
            None
        }
        (None, None) => {
            p.add(
                place,
                "needs a schedule (cron, like \"*/30 * * * * *\") or every (like \"30s\")",
            );
            None
        }
        (Some(expr), None) => match Cadence::cron(expr, tz.unwrap_or(site_tz)) {
            // A past year: the check would sit on the page, never run.
            Ok(c) if c.next_after(now).is_none() => {
                p.add(
                    format!("{place}.schedule"),
                    format!("\"{expr}\" never fires after now"),
                );
                None
            }
            Ok(c) => Some(c),
            Err(e) => {
                p.add(format!("{place}.schedule"), e);
                None
            }
        },
        (None, Some(every)) => {
            let d = p.duration(&format!("{place}.every"), Some(every))?;
            Cadence::every(d)
                .map_err(|e| p.add(format!("{place}.every"), e))
                .ok()
        }
    }
}

fn target(p: &mut Problems, place: &str, c: RawCheck) -> Option<Target> {
    let Some(text) = c.url.as_deref() else {
        p.add(
            format!("{place}.url"),
            "missing: use http://, https:// or tcp://host:port",
        );
        return None;
    };
    let url = match Url::parse(text) {
        Ok(u) => u,
        Err(e) => {
            p.add(
                format!("{place}.url"),
                format!("\"{text}\" is not a URL ({e})"),
            );
            return None;
        }
    };
    match url.scheme() {
        "http" | "https" => http(p, place, url, c).map(Target::Http),
        "tcp" => tcp(p, place, &url, &c),
        other => {
            p.add(
                format!("{place}.url"),
                format!("unsupported scheme \"{other}\": use http://, https:// or tcp://host:port"),
            );
            None
        }
    }
}

fn tcp(p: &mut Problems, place: &str, url: &Url, c: &RawCheck) -> Option<Target> {
    let http_only = [
        ("method", c.method.is_some()),
        ("headers", !c.headers.is_empty()),
        ("body", c.body.is_some()),
        ("expect_status", c.expect_status.is_some()),
        ("body_contains", c.body_contains.is_some()),
        ("json", c.json.is_some()),
        ("cert_expiry_warning", c.cert_expiry_warning.is_some()),
        ("max_redirects", c.max_redirects.is_some()),
        ("insecure", c.insecure.is_some()),
    ];
    for (key, set) in http_only {
        if set {
            p.add(
                format!("{place}.{key}"),
                "only applies to http:// and https:// checks",
            );
        }
    }
    match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => Some(Target::Tcp {
            host: host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_owned(),
            port,
        }),
        _ => {
            p.add(
                format!("{place}.url"),
                "a tcp check needs a host and a port, like tcp://db.internal:5432",
            );
            None
        }
    }
}

fn http(p: &mut Problems, place: &str, url: Url, c: RawCheck) -> Option<HttpTarget> {
    if url.host_str().is_none_or(str::is_empty) {
        p.add(format!("{place}.url"), "has no host");
    }
    let method_text = c.method.as_deref().unwrap_or("GET").to_ascii_uppercase();
    let method = Method::from_bytes(method_text.as_bytes())
        .map_err(|_| {
            p.add(
                format!("{place}.method"),
                format!("\"{method_text}\" is not an HTTP method"),
            )
        })
        .ok();
    let headers = headers(p, place, &c);
    let expect_status = expect_status(p, place, c.expect_status.as_deref());
    let json = c.json.and_then(|j| json(p, place, j));
    let warning = p.duration(
        &format!("{place}.cert_expiry_warning"),
        c.cert_expiry_warning.as_deref(),
    );
    let redirects = p.int_in(
        &format!("{place}.max_redirects"),
        c.max_redirects,
        0..=20,
        5,
    );
    if c.body_contains.as_deref() == Some("") {
        p.add(format!("{place}.body_contains"), "must not be empty");
    }
    Some(HttpTarget {
        url,
        method: method?,
        headers,
        body: c.body,
        expect_status,
        body_contains: c.body_contains,
        json,
        cert_expiry_warning: warning.unwrap_or(DEFAULT_CERT_WARNING),
        max_redirects: redirects as usize,
        insecure: c.insecure.unwrap_or(false),
    })
}

fn headers(p: &mut Problems, place: &str, c: &RawCheck) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in &c.headers {
        let here = format!("{place}.headers.{name}");
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            (Ok(n), Ok(v)) => {
                map.append(n, v);
            }
            (Err(_), _) => p.add(here, "is not a valid header name"),
            (_, Err(_)) => p.add(here, "has characters a header value cannot hold"),
        }
    }
    map
}

fn expect_status(p: &mut Problems, place: &str, codes: Option<&[i64]>) -> Option<Vec<u16>> {
    let codes = codes?;
    if codes.is_empty() {
        p.add(
            format!("{place}.expect_status"),
            "must list at least one status code, or be left out (any 2xx or 3xx)",
        );
    }
    let mut out = Vec::new();
    for code in codes {
        match u16::try_from(*code) {
            Ok(c) if (100..=599).contains(&c) => out.push(c),
            _ => p.add(
                format!("{place}.expect_status"),
                format!("{code} is not an HTTP status code (100 to 599)"),
            ),
        }
    }
    Some(out)
}

fn json(p: &mut Problems, place: &str, j: RawJson) -> Option<JsonCondition> {
    let pointer = j.pointer;
    match &pointer {
        None => p.add(
            format!("{place}.json.pointer"),
            "missing: where in the body to look, like \"/status\" (\"\" for the whole body)",
        ),
        Some(ptr) if !ptr.is_empty() && !ptr.starts_with('/') => p.add(
            format!("{place}.json.pointer"),
            format!("\"{ptr}\" is not a JSON pointer: start it with / (like \"/status\")"),
        ),
        Some(_) => {}
    }
    let Some(equals) = j.equals else {
        p.add(
            format!("{place}.json.equals"),
            "missing: the value expected at the pointer",
        );
        return None;
    };
    let pointer = pointer?;
    match serde_json::to_value(equals) {
        Ok(equals) => Some(JsonCondition { pointer, equals }),
        Err(e) => {
            p.add(
                format!("{place}.json.equals"),
                format!("cannot be compared as JSON: {e}"),
            );
            None
        }
    }
}

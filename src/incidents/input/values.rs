//! Checks of single values shared by the inputs' `validate`: texts, times,
//! statuses and component ids, each adding what is wrong to the field's name.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::{Edit, FieldErrors, MAX_TEXT};
use crate::config::Config;
use crate::incidents::IncidentStatus;
use crate::model::{ComponentId, ComponentStatus};

/// A component status set by an engineer (`PATCH /components/{id}`).
pub fn component_status(value: Option<&str>) -> Result<ComponentStatus, FieldErrors> {
    let mut e = FieldErrors::default();
    match value {
        None | Some("") => e.add("status", "missing: one of operational, degraded_performance, partial_outage, major_outage, under_maintenance"),
        Some(s) => {
            if let Some(status) = parse_component_status(s) {
                return Ok(status);
            }
            e.add("status", unknown("status", s, &ComponentStatus::ALL.map(ComponentStatus::as_str)));
        }
    }
    Err(e)
}

pub fn parse_component_status(s: &str) -> Option<ComponentStatus> {
    ComponentStatus::ALL.into_iter().find(|c| c.as_str() == s)
}

pub(super) fn known_component(config: &Config, id: &str) -> Option<ComponentId> {
    let id = ComponentId::parse(id).ok()?;
    config.component(&id).map(|c| c.id.clone())
}

pub(super) fn components(
    e: &mut FieldErrors,
    config: &Config,
    raw: Vec<(String, String)>,
) -> BTreeMap<ComponentId, ComponentStatus> {
    let mut out = BTreeMap::new();
    for (id, status) in raw {
        let field = format!("components.{id}");
        let Some(cid) = known_component(config, &id) else {
            e.add(field, format!("unknown component \"{id}\""));
            continue;
        };
        match parse_component_status(&status) {
            Some(s) => {
                out.insert(cid, s);
            }
            None => e.add(
                field,
                unknown(
                    "status",
                    &status,
                    &ComponentStatus::ALL.map(ComponentStatus::as_str),
                ),
            ),
        }
    }
    out
}

pub(super) fn incident_status(
    e: &mut FieldErrors,
    value: Option<&str>,
    allow_postmortem: bool,
) -> Option<IncidentStatus> {
    match value {
        None | Some("") => {
            e.add(
                "status",
                "missing: one of investigating, identified, monitoring, resolved",
            );
            None
        }
        Some("postmortem") if !allow_postmortem => {
            e.add(
                "status",
                "write a postmortem with PUT /api/admin/v1/incidents/{id}/postmortem",
            );
            None
        }
        Some(s) => choice(e, "status", s, &IncidentStatus::ALL, IncidentStatus::as_str),
    }
}

pub(super) fn choice<T: Copy>(
    e: &mut FieldErrors,
    field: &str,
    value: &str,
    all: &[T],
    name: fn(T) -> &'static str,
) -> Option<T> {
    let found = all.iter().copied().find(|v| name(*v) == value);
    if found.is_none() {
        let names: Vec<&str> = all.iter().map(|v| name(*v)).collect();
        e.add(field, unknown(field, value, &names));
    }
    found
}

fn unknown(what: &str, value: &str, names: &[&str]) -> String {
    format!(
        "unknown {what} \"{value}\": use one of {}",
        names.join(", ")
    )
}

pub(super) fn text(
    e: &mut FieldErrors,
    field: &str,
    value: Option<String>,
    max: usize,
    required: bool,
) -> String {
    let value = value.map(|v| v.trim().to_owned()).unwrap_or_default();
    if required && value.is_empty() {
        e.add(field, "must not be empty");
    } else if value.chars().count() > max {
        e.add(field, format!("is too long: at most {max} characters"));
    } else {
        characters(e, field, &value);
    }
    value
}

/// Refuses control characters (other than tab and line breaks) and Unicode
/// noncharacters: nobody types them, terminals and feed readers choke on
/// them (XML 1.0 forbids most), and the message says which and where.
pub(super) fn characters(e: &mut FieldErrors, field: &str, value: &str) {
    let bad = value.chars().enumerate().find(|(_, c)| forbidden(*c));
    if let Some((at, c)) = bad {
        let kind = match c.is_control() {
            true => "a control character",
            false => "a Unicode noncharacter",
        };
        let code = u32::from(c);
        e.add(
            field,
            format!(
                "contains U+{code:04X}, {kind}, at character {}: remove it",
                at + 1
            ),
        );
    }
}

fn forbidden(c: char) -> bool {
    let noncharacter = ('\u{FDD0}'..='\u{FDEF}').contains(&c) || u32::from(c) & 0xFFFE == 0xFFFE;
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || noncharacter
}

pub(super) fn optional_text(
    e: &mut FieldErrors,
    field: &str,
    value: Option<String>,
) -> Option<String> {
    let v = text(e, field, value, MAX_TEXT, false);
    (!v.is_empty()).then_some(v)
}

pub(super) fn edit_text(e: &mut FieldErrors, field: &str, value: Option<String>) -> Edit<String> {
    match value {
        None => Edit::Keep,
        Some(v) => match optional_text(e, field, Some(v)) {
            Some(v) => Edit::Set(v),
            None => Edit::Clear,
        },
    }
}

pub(super) fn time(e: &mut FieldErrors, field: &str, value: Option<&str>) -> Option<DateTime<Utc>> {
    match value.map(str::trim) {
        None | Some("") => {
            e.add(field, "missing: a time like 2026-11-22T15:30:00Z");
            None
        }
        Some(v) => match DateTime::parse_from_rfc3339(v) {
            Ok(t) => Some(t.with_timezone(&Utc)),
            Err(_) => {
                e.add(
                    field,
                    format!("\"{v}\" is not an RFC 3339 time like 2026-11-22T15:30:00Z"),
                );
                None
            }
        },
    }
}

pub(super) fn eta(
    e: &mut FieldErrors,
    value: Option<&str>,
    now: DateTime<Utc>,
) -> Edit<DateTime<Utc>> {
    match value.map(str::trim) {
        None => Edit::Keep,
        Some("") => Edit::Clear,
        Some(v) => match time(e, "expected_resolution_at", Some(v)) {
            Some(t) if t <= now => {
                e.add(
                    "expected_resolution_at",
                    "is in the past: give a time still to come",
                );
                Edit::Keep
            }
            Some(t) => Edit::Set(t),
            None => Edit::Keep,
        },
    }
}

/// `next_update_at`: absent, the default promise (`within` from now, None
/// when off); empty (or null), no promise; else a time still to come.
pub(super) fn next_update(
    e: &mut FieldErrors,
    value: Option<&str>,
    now: DateTime<Utc>,
    within: Option<std::time::Duration>,
) -> Option<DateTime<Utc>> {
    const FIELD: &str = "next_update_at";
    match value.map(str::trim) {
        None => crate::incidents::promise::promised(now, within),
        Some("") => None,
        Some(v) => match time(e, FIELD, Some(v)) {
            Some(t) if t <= now => {
                e.add(FIELD, "is in the past: give a time still to come");
                None
            }
            other => other,
        },
    }
}

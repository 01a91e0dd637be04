//! What an engineer submits (from the JSON API or an admin form), checked once
//! into typed values. Every bad field is reported, by name, in one answer; nothing
//! is written unless all of it is valid.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{Impact, IncidentStatus, MaintenanceStatus};
use crate::config::Config;
use crate::model::{ComponentId, ComponentStatus};

const MAX_NAME: usize = 200;
const MAX_TEXT: usize = 20_000;

/// Field name → what is wrong with it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FieldErrors(pub BTreeMap<String, String>);

impl FieldErrors {
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.entry(field.into()).or_insert_with(|| message.into());
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    /// One sentence naming every bad field.
    pub fn summary(&self) -> String {
        let names: Vec<&str> = self.0.keys().map(String::as_str).collect();
        format!("invalid input in: {}", names.join(", "))
    }
}

/// A field an update may keep, clear or set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit<T> {
    Keep,
    Clear,
    Set(T),
}

/// Raw fields of a new incident.
#[derive(Debug, Clone, Default)]
pub struct IncidentInput {
    pub name: Option<String>,
    pub status: Option<String>,
    pub impact: Option<String>,
    pub body: Option<String>,
    /// Component id → status name.
    pub components: Vec<(String, String)>,
    pub cause: Option<String>,
    pub expected_resolution_at: Option<String>,
    pub workaround: Option<String>,
    pub notify: Option<bool>,
}

/// Raw fields of an incident update. For cause, ETA and workaround: absent keeps
/// the current value, an empty string clears it.
#[derive(Debug, Clone, Default)]
pub struct UpdateInput {
    pub status: Option<String>,
    pub body: Option<String>,
    pub components: Vec<(String, String)>,
    pub cause: Option<String>,
    pub expected_resolution_at: Option<String>,
    pub workaround: Option<String>,
    pub notify: Option<bool>,
}

#[derive(Debug, Clone, Default)]
pub struct MaintenanceInput {
    pub name: Option<String>,
    pub body: Option<String>,
    pub scheduled_for: Option<String>,
    pub scheduled_until: Option<String>,
    pub components: Vec<String>,
    pub notify: Option<bool>,
}

#[derive(Debug, Clone, Default)]
pub struct MaintenanceUpdateInput {
    pub status: Option<String>,
    pub body: Option<String>,
    pub notify: Option<bool>,
}

#[derive(Debug, Clone)]
pub struct NewIncident {
    pub name: String,
    pub status: IncidentStatus,
    pub impact: Impact,
    pub body: String,
    pub components: BTreeMap<ComponentId, ComponentStatus>,
    pub cause: Option<String>,
    pub expected_resolution_at: Option<DateTime<Utc>>,
    pub workaround: Option<String>,
    pub notify: bool,
}

#[derive(Debug, Clone)]
pub struct NewUpdate {
    pub status: IncidentStatus,
    pub body: String,
    pub components: BTreeMap<ComponentId, ComponentStatus>,
    pub cause: Edit<String>,
    pub expected_resolution_at: Edit<DateTime<Utc>>,
    pub workaround: Edit<String>,
    pub notify: bool,
}

#[derive(Debug, Clone)]
pub struct NewMaintenance {
    pub name: String,
    pub body: String,
    pub scheduled_for: DateTime<Utc>,
    pub scheduled_until: DateTime<Utc>,
    pub components: Vec<ComponentId>,
    pub notify: bool,
}

#[derive(Debug, Clone)]
pub struct NewMaintenanceUpdate {
    pub status: MaintenanceStatus,
    pub body: String,
    pub notify: bool,
}

impl IncidentInput {
    pub fn validate(self, config: &Config, now: DateTime<Utc>) -> Result<NewIncident, FieldErrors> {
        let mut e = FieldErrors::default();
        let name = text(&mut e, "name", self.name, MAX_NAME, true);
        let status = incident_status(&mut e, self.status.as_deref(), false);
        let components = components(&mut e, config, self.components);
        let impact = match self.impact.as_deref() {
            None | Some("") => Some(Impact::of(
                components
                    .values()
                    .copied()
                    .max_by_key(|s| s.severity())
                    .unwrap_or(ComponentStatus::Operational),
            )),
            Some(s) => choice(&mut e, "impact", s, &Impact::ALL, Impact::as_str),
        };
        let body = text(&mut e, "body", self.body, MAX_TEXT, true);
        let cause = optional_text(&mut e, "cause", self.cause);
        let workaround = optional_text(&mut e, "workaround", self.workaround);
        let eta = match eta(&mut e, self.expected_resolution_at.as_deref(), now) {
            Edit::Set(at) => Some(at),
            Edit::Keep | Edit::Clear => None,
        };
        match (status, impact) {
            (Some(status), Some(impact)) if e.is_empty() => Ok(NewIncident {
                name,
                status,
                impact,
                body,
                components,
                cause,
                expected_resolution_at: eta,
                workaround,
                notify: self.notify.unwrap_or(true),
            }),
            _ => Err(e),
        }
    }
}

impl UpdateInput {
    pub fn validate(self, config: &Config, now: DateTime<Utc>) -> Result<NewUpdate, FieldErrors> {
        let mut e = FieldErrors::default();
        let status = incident_status(&mut e, self.status.as_deref(), false);
        let body = text(&mut e, "body", self.body, MAX_TEXT, true);
        let components = components(&mut e, config, self.components);
        let cause = edit_text(&mut e, "cause", self.cause);
        let workaround = edit_text(&mut e, "workaround", self.workaround);
        let eta = eta(&mut e, self.expected_resolution_at.as_deref(), now);
        match status {
            Some(status) if e.is_empty() => Ok(NewUpdate {
                status,
                body,
                components,
                cause,
                expected_resolution_at: eta,
                workaround,
                notify: self.notify.unwrap_or(true),
            }),
            _ => Err(e),
        }
    }
}

impl MaintenanceInput {
    pub fn validate(
        self,
        config: &Config,
        now: DateTime<Utc>,
    ) -> Result<NewMaintenance, FieldErrors> {
        let mut e = FieldErrors::default();
        let name = text(&mut e, "name", self.name, MAX_NAME, true);
        let body = text(&mut e, "body", self.body, MAX_TEXT, false);
        let from = time(&mut e, "scheduled_for", self.scheduled_for.as_deref());
        let until = time(&mut e, "scheduled_until", self.scheduled_until.as_deref());
        if let (Some(f), Some(u)) = (from, until) {
            if u <= f {
                e.add("scheduled_until", "must be after scheduled_for");
            } else if u <= now {
                e.add(
                    "scheduled_until",
                    "is in the past: a maintenance must end in the future",
                );
            }
        }
        let mut ids = Vec::new();
        if self.components.is_empty() {
            e.add(
                "components",
                "name at least one component under maintenance",
            );
        }
        for id in self.components {
            match known_component(config, &id) {
                Some(c) if !ids.contains(&c) => ids.push(c),
                Some(_) => {}
                None => e.add(
                    format!("components.{id}"),
                    format!("unknown component \"{id}\""),
                ),
            }
        }
        match (from, until) {
            (Some(scheduled_for), Some(scheduled_until)) if e.is_empty() => Ok(NewMaintenance {
                name,
                body,
                scheduled_for,
                scheduled_until,
                components: ids,
                notify: self.notify.unwrap_or(true),
            }),
            _ => Err(e),
        }
    }
}

impl MaintenanceUpdateInput {
    pub fn validate(self) -> Result<NewMaintenanceUpdate, FieldErrors> {
        let mut e = FieldErrors::default();
        let status = match self.status.as_deref() {
            None | Some("") => {
                e.add(
                    "status",
                    "missing: one of scheduled, in_progress, verifying, completed",
                );
                None
            }
            Some(s) => choice(
                &mut e,
                "status",
                s,
                &MaintenanceStatus::ALL,
                MaintenanceStatus::as_str,
            ),
        };
        let body = text(&mut e, "body", self.body, MAX_TEXT, true);
        match status {
            Some(status) if e.is_empty() => Ok(NewMaintenanceUpdate {
                status,
                body,
                notify: self.notify.unwrap_or(true),
            }),
            _ => Err(e),
        }
    }
}

/// A component status set by an engineer (`PATCH /components/{id}`).
pub fn component_status(value: Option<&str>) -> Result<ComponentStatus, FieldErrors> {
    let mut e = FieldErrors::default();
    match value {
        None | Some("") => e.add("status", "missing: one of operational, degraded_performance, partial_outage, major_outage, under_maintenance"),
        Some(s) => {
            if let Some(status) = parse_component_status(s) {
                return Ok(status);
            }
            e.add("status", unknown("status", s, &ALL_COMPONENT_STATUSES.map(ComponentStatus::as_str)));
        }
    }
    Err(e)
}

const ALL_COMPONENT_STATUSES: [ComponentStatus; 5] = [
    ComponentStatus::Operational,
    ComponentStatus::DegradedPerformance,
    ComponentStatus::PartialOutage,
    ComponentStatus::MajorOutage,
    ComponentStatus::UnderMaintenance,
];

pub fn parse_component_status(s: &str) -> Option<ComponentStatus> {
    ALL_COMPONENT_STATUSES.into_iter().find(|c| c.as_str() == s)
}

fn known_component(config: &Config, id: &str) -> Option<ComponentId> {
    let id = ComponentId::parse(id).ok()?;
    config.component(&id).map(|c| c.id.clone())
}

fn components(
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
                    &ALL_COMPONENT_STATUSES.map(ComponentStatus::as_str),
                ),
            ),
        }
    }
    out
}

fn incident_status(
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

fn choice<T: Copy>(
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

fn text(
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
    }
    value
}

fn optional_text(e: &mut FieldErrors, field: &str, value: Option<String>) -> Option<String> {
    let v = text(e, field, value, MAX_TEXT, false);
    (!v.is_empty()).then_some(v)
}

fn edit_text(e: &mut FieldErrors, field: &str, value: Option<String>) -> Edit<String> {
    match value {
        None => Edit::Keep,
        Some(v) => match optional_text(e, field, Some(v)) {
            Some(v) => Edit::Set(v),
            None => Edit::Clear,
        },
    }
}

fn time(e: &mut FieldErrors, field: &str, value: Option<&str>) -> Option<DateTime<Utc>> {
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

fn eta(e: &mut FieldErrors, value: Option<&str>, now: DateTime<Utc>) -> Edit<DateTime<Utc>> {
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

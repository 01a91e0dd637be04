//! What an engineer submits (from the JSON API or an admin form): read into raw
//! structs by one reader ([`read`]), then checked once into typed values. Every
//! bad field is reported, by name, in one answer; nothing is written unless all
//! of it is valid.

mod raw;
mod read;
mod shape;
mod split;
mod values;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{Impact, IncidentStatus, MaintenanceStatus};
use crate::config::Config;
use crate::model::{ComponentId, ComponentStatus};
use values::{
    choice, components, edit_text, eta, incident_status, known_component, next_update,
    optional_text, text, time,
};

pub use raw::{
    ComponentStatusInput, IncidentInput, MaintenanceInput, MaintenanceUpdateInput, PostmortemInput,
    UpdateInput,
};
pub use read::read;
pub use split::{NewSplit, SplitInput};
pub use values::{component_status, parse_component_status};

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

#[derive(Debug, Clone)]
pub struct NewIncident {
    pub name: String,
    pub status: IncidentStatus,
    pub impact: Impact,
    pub body: String,
    pub components: BTreeMap<ComponentId, ComponentStatus>,
    pub cause: Option<String>,
    pub expected_resolution_at: Option<DateTime<Utc>>,
    /// The next update promised (the default already applied).
    pub next_update_by: Option<DateTime<Utc>>,
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
    /// The next update promised (the default already applied); the book
    /// keeps it only while the incident stays open.
    pub next_update_by: Option<DateTime<Utc>>,
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
        let within = config.incidents.next_update_within;
        let next = next_update(&mut e, self.next_update_at.as_deref(), now, within);
        match (status, impact) {
            (Some(status), Some(impact)) if e.is_empty() => Ok(NewIncident {
                name,
                status,
                impact,
                body,
                components,
                cause,
                expected_resolution_at: eta,
                next_update_by: next,
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
        let within = config.incidents.next_update_within;
        let next = next_update(&mut e, self.next_update_at.as_deref(), now, within);
        match status {
            Some(status) if e.is_empty() => Ok(NewUpdate {
                status,
                body,
                components,
                cause,
                expected_resolution_at: eta,
                next_update_by: next,
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

/// A postmortem's text: any length (the book refuses an empty one), but no
/// control characters.
pub fn postmortem(body: Option<String>) -> Result<Option<String>, FieldErrors> {
    let mut e = FieldErrors::default();
    if let Some(body) = &body {
        values::characters(&mut e, "body", body);
    }
    if e.is_empty() { Ok(body) } else { Err(e) }
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

//! The state public pages and the admin UI read: each component's effective status
//! (maintenance > engineer > checks) with the why and since, plus the book of
//! incidents. Built by the pipeline, shared immutably through the snapshot.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::engine::Engine;
pub use crate::engine::located::{Place, Places};
use crate::incidents::{Book, Maintenance, effective_status_among};
use crate::model::{ComponentId, ComponentStatus, Evidence, Finding};

/// Who decided a component's current status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decider {
    Checks,
    Engineer,
    Maintenance,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentView {
    pub status: ComponentStatus,
    pub decided_by: Decider,
    /// Why it is not operational (the checks' findings or the maintenance);
    /// None when operational or set by an engineer. In words: `read::words`.
    pub reason: Option<Why>,
    pub since: DateTime<Utc>,
    pub last_checked: Option<DateTime<Utc>>,
    /// When Candor first ran with this component (stored once).
    pub first_seen: DateTime<Utc>,
    /// What the checks alone say.
    pub checks_status: ComponentStatus,
    /// Per place its checks are probed from, when that is anywhere but this
    /// instance alone; and failures not confirmed by enough of them.
    pub places: Places,
    /// What its checks find while they take it out of operational, whoever
    /// decided its status (an engineer's incident's why); else empty.
    pub evidence: Vec<Evidence>,
}

/// Why a component is not operational, as data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    /// What each check that is not up found.
    Checks(Vec<Finding>),
    /// A maintenance in progress covers it (the maintenance's name).
    Maintenance(String),
}

/// Everything a page may show, at one instant.
#[derive(Debug, Clone)]
pub struct View {
    pub config: Arc<Config>,
    pub components: Arc<BTreeMap<ComponentId, ComponentView>>,
    pub book: Arc<Book>,
    /// Uptime history and response times, as of `now`.
    pub uptime: Arc<crate::uptime::Report>,
    pub now: DateTime<Utc>,
    /// The language the page made from this view is in (`[site]
    /// default_language`, or one of the others: the snapshot keeps a
    /// rendering per language).
    pub lang: crate::lang::Lang,
}

impl View {
    /// The view in the site's default language.
    pub fn new(
        config: &Arc<Config>,
        components: Arc<BTreeMap<ComponentId, ComponentView>>,
        book: Arc<Book>,
        uptime: Arc<crate::uptime::Report>,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            config: config.clone(),
            components,
            book,
            uptime,
            now,
            lang: config.site.default_language,
        }
    }

    /// What the checks of `component` find now (empty while they pass).
    pub fn seen_now(&self, component: &ComponentId) -> Vec<Evidence> {
        (self.components.get(component)).map_or_else(Vec::new, |c| c.evidence.clone())
    }
}

/// Each configured component's effective status.
pub fn components(
    config: &Config,
    engine: &Engine,
    book: &Book,
    now: DateTime<Utc>,
) -> BTreeMap<ComponentId, ComponentView> {
    // Found once, not once per component: years of completed maintenance
    // would otherwise be read a thousand times per render.
    let active: Vec<&Maintenance> = (book.maintenances.values())
        .filter(|m| m.status.is_active())
        .collect();
    config
        .components
        .iter()
        .map(|c| {
            let checks = engine.components.get(&c.id);
            let checks_status = checks.map_or(ComponentStatus::Operational, |s| s.status);
            let status = effective_status_among(&c.id, checks_status, &active, book);
            let decided_by = match (status == checks_status, status) {
                (_, ComponentStatus::UnderMaintenance) if checks_status != status => {
                    Decider::Maintenance
                }
                (true, _) => Decider::Checks,
                (false, _) => Decider::Engineer,
            };
            let (reason, since) = match decided_by {
                Decider::Checks => (
                    checks
                        .filter(|s| !s.findings.is_empty())
                        .map(|s| Why::Checks(s.findings.clone())),
                    checks.map(|s| s.since),
                ),
                Decider::Maintenance => maintenance_reason(&active, &c.id),
                Decider::Engineer => (None, book.overrides.get(&c.id).map(|o| o.at)),
            };
            let view = ComponentView {
                status,
                decided_by,
                reason: reason.filter(|_| status != ComponentStatus::Operational),
                since: since.unwrap_or(DateTime::UNIX_EPOCH),
                last_checked: checks.and_then(|s| s.last_checked),
                first_seen: (checks.and_then(|s| s.first_seen)).unwrap_or(DateTime::UNIX_EPOCH),
                checks_status,
                places: engine.places(&c.id, now),
                evidence: engine.failing_evidence(&c.id),
            };
            (c.id.clone(), view)
        })
        .collect()
}

fn maintenance_reason(
    active: &[&Maintenance],
    id: &ComponentId,
) -> (Option<Why>, Option<DateTime<Utc>>) {
    (active.iter())
        .find(|m| m.covers(id))
        .map_or((None, None), |m| {
            (
                Some(Why::Maintenance(m.name.clone())),
                Some(m.scheduled_for),
            )
        })
}

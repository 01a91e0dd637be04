//! Storing one change, with everything it causes, in one transaction: the
//! records its events name, the component states the checks moved, email
//! broadcasts, and webhook deliveries (for the events, and for each component
//! whose effective status changed, whichever path changed it: a check result,
//! an engineer's command, or a maintenance window opening on the clock).
//!
//! The component webhooks are committed with what caused them, never in a
//! transaction of their own: a crash keeps the change and its deliveries, or
//! neither (and then the restored state still has the old status, so the
//! change is noticed, and announced, again).

use std::collections::BTreeMap;

use super::Pipeline;
use crate::incidents::Book;
use crate::incidents::book::Event;
use crate::model::{ComponentId, ComponentStatus};
use crate::outbox::webhook::plan;
use crate::outbox::{Envelope, Job};
use crate::store::{Commit, StoreError};

impl Pipeline {
    /// Writes the change `events` (and the checks' states of `moved`
    /// components) describe, with its notifications; then wakes whoever
    /// delivers them. Nothing is remembered as announced unless stored.
    pub(super) fn persist(
        &mut self,
        events: &[Event],
        moved: &[ComponentId],
    ) -> Result<(), StoreError> {
        let now = self.clock.now();
        let hooks = &self.config.webhooks;
        let effective = (!hooks.is_empty()).then(|| {
            // Payloads carry statuses and records, not uptime history.
            let view = self.view_with(std::sync::Arc::default());
            let statuses: BTreeMap<ComponentId, ComponentStatus> = (view.components.iter())
                .map(|(id, c)| (id.clone(), c.status))
                .collect();
            let changes = plan::status_changes(&self.announced, &statuses);
            (statuses, plan::jobs(hooks, &view, events, &changes, now))
        });
        let mut commit = records(&self.book, events);
        commit.components = (moved.iter())
            .filter_map(|id| self.engine.components.get(id).map(|s| (id, s)))
            .collect();
        commit.jobs = self.broadcasts(events);
        let emails = !commit.jobs.is_empty();
        let (statuses, webhooks) = effective.unwrap_or_default();
        let deliveries = !webhooks.is_empty();
        commit.jobs.extend(webhooks);
        if !commit.is_empty() {
            self.store.commit(&commit)?;
        }
        if !statuses.is_empty() {
            self.announced = statuses;
        }
        if emails {
            self.outbox_wake.notify_one();
        }
        if deliveries {
            self.webhook_wake.notify_one();
        }
        Ok(())
    }

    /// One email broadcast per notice the events cause.
    fn broadcasts(&self, events: &[Event]) -> Vec<Envelope> {
        crate::outbox::announce::notices(events, &self.book, &self.config, &|c| {
            self.engine.failing_evidence(c)
        })
        .into_iter()
        .map(|notice| {
            let job = Job::Broadcast {
                notice,
                cursor: None,
                sent: 0,
                failed: 0,
            };
            Envelope::new(job, self.clock.now())
        })
        .collect()
    }
}

/// The records the events name.
fn records<'a>(book: &'a Book, events: &'a [Event]) -> Commit<'a> {
    let mut commit = Commit::default();
    for event in events {
        match event {
            Event::IncidentOpened { id }
            | Event::IncidentUpdated { id, .. }
            | Event::IncidentResolved { id }
            | Event::IncidentAnnounced { id, .. }
            | Event::PostmortemPublished { id } => commit.incidents.extend(book.incidents.get(id)),
            Event::MaintenanceScheduled { id }
            | Event::MaintenanceUpdated { id, .. }
            | Event::MaintenanceStarted { id }
            | Event::MaintenanceReminder { id }
            | Event::MaintenanceCompleted { id } => {
                commit.maintenances.extend(book.maintenances.get(id))
            }
            Event::ComponentOverridden { component } => {
                commit
                    .overrides
                    .push((component, book.overrides.get(component)));
            }
        }
    }
    commit
}

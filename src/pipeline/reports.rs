//! Visitors' "I'm affected" reports on the one write path. A report is
//! stored with whatever it causes in one write: when it brings its
//! component's reports within 15 minutes to the threshold while the checks
//! are green, the alarm is raised and the `component.reports_threshold`
//! webhooks are committed with it. Each tick clears alarms whose reports
//! fell back under the threshold (and raises one whose checks turned green
//! while its reports were over). Nothing here changes the public page.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::Pipeline;
use super::desk::{CommandError, Done};
use crate::config::Config;
use crate::engine::Engine;
use crate::model::{ComponentId, ComponentStatus};
use crate::outbox::Envelope;
use crate::outbox::webhook::plan;
use crate::reports::watch::Rule;
use crate::reports::{Report, Turn, Watch};
use crate::store::{ReportChange, ReportStore, StoreError};

impl Pipeline {
    /// Stores one report (unflushed: the batch flushes), raising its
    /// component's alarm if it crosses the threshold.
    pub(super) fn report(
        &mut self,
        component: ComponentId,
        text: Option<String>,
    ) -> Result<Done, CommandError> {
        if self.config.component(&component).is_none() {
            return Err(CommandError::no_such("component", component.as_str()));
        }
        let now = self.clock.now();
        let rule = rule(&self.config, &self.engine, &component);
        let turn = self.report_watch.on_report(&component, now, rule);
        let report = Report {
            component,
            at: now,
            text,
        };
        let turns: Vec<(ComponentId, Turn)> = turn
            .map(|t| (report.component.clone(), t))
            .into_iter()
            .collect();
        let jobs = self.alarm_jobs(&turns, now, 1);
        let change = ReportChange {
            report: Some(&report),
            alarms: alarms(&turns, now),
            jobs,
        };
        self.save_reports(&change).map_err(|e| {
            tracing::warn!(error = %e, "could not store a visitor's report; it was not kept");
            CommandError::Storage
        })?;
        self.report_watch.count(&report.component, now);
        for (c, t) in &turns {
            self.report_watch.apply(c, *t, now);
            log_turn(c, *t);
        }
        self.metrics.report(report.component.as_str());
        Ok(Done::Reported)
    }

    /// Alarms the time passing or the checks changing turn, stored and
    /// flushed before they are remembered; a failed write is tried again at
    /// the next tick.
    pub(super) async fn tick_reports(&mut self, now: DateTime<Utc>) {
        let (config, engine) = (&self.config, &self.engine);
        let turns = (self.report_watch).review(now, |c| rule(config, engine, c));
        if turns.is_empty() {
            return;
        }
        let jobs = self.alarm_jobs(&turns, now, 0);
        let change = ReportChange {
            report: None,
            alarms: alarms(&turns, now),
            jobs,
        };
        let stored = match self.save_reports(&change) {
            Ok(()) => self.store.flush().await,
            Err(e) => Err(e),
        };
        if !super::log_err(stored) {
            return;
        }
        for (c, t) in &turns {
            self.report_watch.apply(c, *t, now);
            log_turn(c, *t);
        }
    }

    /// The webhook deliveries for the alarms `turns` raise; `adding` reports
    /// not counted yet (the one being stored).
    fn alarm_jobs(
        &self,
        turns: &[(ComponentId, Turn)],
        now: DateTime<Utc>,
        adding: usize,
    ) -> Vec<Envelope> {
        let raised: Vec<&ComponentId> = (turns.iter())
            .filter(|(_, t)| *t == Turn::Raise)
            .map(|(c, _)| c)
            .collect();
        if raised.is_empty() || self.config.webhooks.is_empty() {
            return Vec::new();
        }
        // Payloads carry statuses, not uptime history.
        let view = self.view_with(Arc::default());
        let mut jobs = Vec::new();
        for c in raised {
            let mut counts = self.report_watch.counts(c, now);
            counts.last_15m += adding;
            counts.last_1h += adding;
            let crossing = plan::Crossing {
                component: c,
                counts,
                threshold: (self.config.component(c)).map_or(0, |c| c.report_threshold),
                checks_status: checks_status(&self.engine, c),
            };
            jobs.extend(plan::reports_threshold(
                &self.config.webhooks,
                &view,
                &crossing,
                now,
            ));
        }
        jobs
    }

    /// Writes the change and wakes the webhook dispatcher for its jobs.
    fn save_reports(&self, change: &ReportChange<'_>) -> Result<(), StoreError> {
        self.store.save_reports(change)?;
        if !change.jobs.is_empty() {
            self.webhook_wake.notify_one();
        }
        Ok(())
    }
}

/// The stored form of `turns`: raised since `now`, or cleared.
fn alarms(
    turns: &[(ComponentId, Turn)],
    now: DateTime<Utc>,
) -> Vec<(&ComponentId, Option<DateTime<Utc>>)> {
    (turns.iter())
        .map(|(c, t)| (c, (*t == Turn::Raise).then_some(now)))
        .collect()
}

fn log_turn(component: &ComponentId, turn: Turn) {
    match turn {
        Turn::Raise => {
            tracing::warn!(%component, "customers report a problem the checks do not see")
        }
        Turn::Clear => {
            tracing::info!(%component, "customers' reports fell back under the threshold")
        }
    }
}

/// What the checks alone say of `component` (operational when it has none).
fn checks_status(engine: &Engine, component: &ComponentId) -> ComponentStatus {
    (engine.components.get(component)).map_or(ComponentStatus::Operational, |s| s.status)
}

/// How `component`'s alarm is judged; None when it is not configured.
fn rule(config: &Config, engine: &Engine, component: &ComponentId) -> Option<Rule> {
    let c = config.component(component)?;
    Some(Rule {
        threshold: c.report_threshold,
        checks_green: checks_status(engine, component) == ComponentStatus::Operational,
    })
}

/// The watch as stored: the last hour's reports and the raised alarms.
pub fn restore_watch(store: &dyn ReportStore, now: DateTime<Utc>) -> Result<Watch, StoreError> {
    let hour = store.reports_since(now - crate::reports::LONG)?;
    Ok(Watch::restore(
        hour.into_iter().map(|r| (r.component, r.at)),
        store.report_alarms()?,
    ))
}

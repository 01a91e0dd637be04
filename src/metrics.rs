//! Prometheus metrics (`GET /metrics`), in the standard text format via the
//! official `prometheus-client` crate.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use crate::model::Outcome;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabel {
    pub outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ComponentLabel {
    pub component: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct LocationLabel {
    pub location: String,
}

/// Every metric Candor exports.
pub struct Metrics {
    registry: Registry,
    check_runs: Family<OutcomeLabel, Counter>,
    /// Runs not started because the previous run of the same check was still going.
    pub checks_skipped: Counter,
    /// How late a probe started compared to its scheduled instant (its offset included).
    pub start_lag: Histogram,
    pub check_duration: Histogram,
    pub page_renders: Counter,
    pub checks_configured: Gauge,
    /// 1 on the node that holds the leader's lease (several nodes on one
    /// database), 0 on a standby or a lone node.
    pub leader: Gauge,
    /// Times the leader's lease changed hands, as the database counts them.
    pub lease_changes: Gauge,
    /// Emails accepted by the SMTP server (or written as files).
    pub emails_sent: Counter,
    /// Emails given up on (5xx, or retried past `give_up_after`).
    pub emails_failed: Counter,
    /// Webhook payloads a receiver answered with 2xx.
    pub webhooks_sent: Counter,
    /// Webhook deliveries given up on (refused, or retried past `give_up_after`).
    pub webhooks_failed: Counter,
    /// Jobs in the outbox (a broadcast counts once; webhook deliveries too).
    pub outbox_queued: Gauge,
    /// Of those, waiting to retry after a failure.
    pub outbox_retrying: Gauge,
    /// Jobs kept as failed.
    pub outbox_failed: Gauge,
    /// Live exports run (`[export] dir`); fewer than renders when coalesced.
    pub exports: Counter,
    /// Live exports that could not write or remove everything (each is logged
    /// with the path; the next render tries again).
    pub export_failures: Counter,
    /// Files the live export wrote because their bytes changed.
    pub export_files_written: Counter,
    /// Results stored per location (`local`: this instance's own probes).
    location_results: Family<LocationLabel, Counter>,
    /// Per agent location: seconds from the end of the newest probe of its
    /// last batch to the batch being stored.
    agent_lag: Family<LocationLabel, Gauge<f64, std::sync::atomic::AtomicU64>>,
    /// Every agent result: seconds from the end of its probe to its being
    /// stored (its wait in the agent's buffer and the batch's trip).
    pub agent_result_lag: Histogram,
    /// Per location: Unix time of its newest result.
    location_last_result: Family<LocationLabel, Gauge>,
    /// Per location: 1 while it has checks and has reported none of them
    /// within two of their periods (no data), else 0.
    location_silent: Family<LocationLabel, Gauge>,
    /// Visitors' "I'm affected" reports stored, per component.
    reports: Family<ComponentLabel, Counter>,
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("candor");
        let check_runs = Family::<OutcomeLabel, Counter>::default();
        let lag_buckets = [
            0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
        ];
        let start_lag = Histogram::new(lag_buckets);
        let duration_buckets = [
            0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
        ];
        let check_duration = Histogram::new(duration_buckets);
        let m = Self {
            checks_skipped: Counter::default(),
            page_renders: Counter::default(),
            checks_configured: Gauge::default(),
            leader: Gauge::default(),
            lease_changes: Gauge::default(),
            emails_sent: Counter::default(),
            emails_failed: Counter::default(),
            webhooks_sent: Counter::default(),
            webhooks_failed: Counter::default(),
            outbox_queued: Gauge::default(),
            outbox_retrying: Gauge::default(),
            outbox_failed: Gauge::default(),
            exports: Counter::default(),
            export_failures: Counter::default(),
            export_files_written: Counter::default(),
            location_results: Family::default(),
            agent_lag: Family::default(),
            agent_result_lag: Histogram::new([
                0.05, 0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 10.0, 30.0, 60.0,
            ]),
            location_last_result: Family::default(),
            location_silent: Family::default(),
            reports: Family::default(),
            check_runs,
            start_lag,
            check_duration,
            registry: Registry::default(),
        };
        registry.register("check_runs", "Check runs by outcome", m.check_runs.clone());
        registry.register(
            "checks_skipped",
            "Runs skipped because the previous run of the check was still in flight",
            m.checks_skipped.clone(),
        );
        registry.register(
            "check_start_lag_seconds",
            "Delay between a check's scheduled instant and its start",
            m.start_lag.clone(),
        );
        registry.register(
            "check_duration_seconds",
            "How long probes took",
            m.check_duration.clone(),
        );
        registry.register(
            "page_renders",
            "Public page snapshots rendered",
            m.page_renders.clone(),
        );
        registry.register(
            "leader",
            "1 on the node that holds the leader's lease, else 0",
            m.leader.clone(),
        );
        registry.register(
            "lease_changes",
            "Times the leader's lease changed hands (read from the database)",
            m.lease_changes.clone(),
        );
        registry.register(
            "checks_configured",
            "Checks in the configuration",
            m.checks_configured.clone(),
        );
        registry.register(
            "emails_sent",
            "Emails accepted by the SMTP server",
            m.emails_sent.clone(),
        );
        registry.register(
            "emails_failed",
            "Emails given up on",
            m.emails_failed.clone(),
        );
        registry.register(
            "webhooks_sent",
            "Webhook payloads accepted (2xx) by their receiver",
            m.webhooks_sent.clone(),
        );
        registry.register(
            "webhooks_failed",
            "Webhook deliveries given up on",
            m.webhooks_failed.clone(),
        );
        registry.register(
            "outbox_queued",
            "Jobs waiting in the outbox",
            m.outbox_queued.clone(),
        );
        registry.register(
            "outbox_retrying",
            "Outbox jobs waiting to retry",
            m.outbox_retrying.clone(),
        );
        registry.register(
            "outbox_failed",
            "Outbox jobs given up on",
            m.outbox_failed.clone(),
        );
        registry.register("exports", "Live exports run", m.exports.clone());
        registry.register(
            "export_failures",
            "Live exports that could not write or remove every file",
            m.export_failures.clone(),
        );
        registry.register(
            "export_files_written",
            "Files the live export wrote because their bytes changed",
            m.export_files_written.clone(),
        );
        registry.register(
            "location_results",
            "Check results stored, by the location that probed",
            m.location_results.clone(),
        );
        registry.register(
            "agent_lag_seconds",
            "From the end of an agent's newest probe in its last batch to the batch being stored",
            m.agent_lag.clone(),
        );
        registry.register(
            "agent_result_lag_seconds",
            "From the end of each agent probe to its result being stored",
            m.agent_result_lag.clone(),
        );
        registry.register(
            "location_last_result_timestamp_seconds",
            "Unix time of the newest result from each location",
            m.location_last_result.clone(),
        );
        registry.register(
            "location_silent",
            "1 while a location has sent no result within two periods of its checks (no data)",
            m.location_silent.clone(),
        );
        registry.register(
            "reports",
            "Visitors' \"I'm affected\" reports stored, by component",
            m.reports.clone(),
        );
        Self { registry, ..m }
    }

    /// Counts a stored report about `component`.
    pub fn report(&self, component: &str) {
        let label = ComponentLabel {
            component: component.to_owned(),
        };
        self.reports.get_or_create(&label).inc();
    }

    /// Counts `n` results stored from `location`, the newest probed at `newest`.
    pub fn location_results(&self, location: &str, n: u64, newest: i64) {
        let label = LocationLabel {
            location: location.to_owned(),
        };
        self.location_results.get_or_create(&label).inc_by(n);
        self.location_last_result.get_or_create(&label).set(newest);
    }

    /// An agent batch from `location` stored `lag_seconds` after its newest probe ended.
    pub fn agent_lag(&self, location: &str, lag_seconds: f64) {
        let label = LocationLabel {
            location: location.to_owned(),
        };
        self.agent_lag.get_or_create(&label).set(lag_seconds);
    }

    /// Whether `location` is silent (see the metric's help).
    pub fn location_silent(&self, location: &str, silent: bool) {
        let label = LocationLabel {
            location: location.to_owned(),
        };
        self.location_silent
            .get_or_create(&label)
            .set(i64::from(silent));
    }

    pub fn count_run(&self, outcome: Outcome) {
        self.check_runs
            .get_or_create(&OutcomeLabel {
                outcome: outcome.as_str(),
            })
            .inc();
    }

    /// The Prometheus text exposition of every metric.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

//! Results probed in other locations, sent by their agents in batches: they
//! take the same path as this instance's own (`Pipeline::handle_from`), one
//! batch at a time, and the agent is answered once the batch is applied.
//!
//! Sent twice, stored once: a batch is known by its agent process's random
//! `instance` and its `seq`, and every result by its check, location and
//! time: a result no newer than the last one stored for its check from its
//! location is a duplicate. The second rule needs no memory of batches, so it
//! holds across a restart of the server (the states it compares with are
//! stored at every checkpoint, at every status change and at shutdown).

use std::collections::HashMap;

use tokio::sync::{mpsc, oneshot};

use super::Pipeline;
use crate::checks::wire::Stored;
use crate::model::{CheckResult, LocationId};

/// One batch from an agent, checked for form, waiting for the pipeline.
#[derive(Debug)]
pub struct Arrival {
    pub location: LocationId,
    pub instance: u64,
    pub seq: u64,
    /// Results the agent dropped from its full buffer since it started.
    pub dropped: u64,
    pub results: Vec<CheckResult>,
    pub reply: oneshot::Sender<Stored>,
}

/// What the pipeline keeps about agents.
#[derive(Debug, Default)]
pub struct Locations {
    /// Batches from agents; taken by `Pipeline::run`.
    pub arrivals: Option<mpsc::Receiver<Arrival>>,
    /// Per location: the agent process and batch last applied.
    last: HashMap<LocationId, (u64, u64)>,
    /// Per location: the agent process and the results it said it dropped,
    /// as last logged.
    dropped: HashMap<LocationId, (u64, u64)>,
}

impl Locations {
    pub fn new(arrivals: mpsc::Receiver<Arrival>) -> Self {
        Self {
            arrivals: Some(arrivals),
            ..Self::default()
        }
    }
}

impl Pipeline {
    /// Applies one batch; true when something customers see changed.
    pub(super) async fn arrive(&mut self, a: Arrival) -> bool {
        let Arrival {
            location,
            instance,
            seq,
            dropped,
            results,
            reply,
        } = a;
        let mut answer = Stored::default();
        let mut urgent = false;
        let replayed =
            (self.locations.last.get(&location)).is_some_and(|&(i, s)| i == instance && seq <= s);
        if replayed {
            answer.duplicates = results.len();
        } else {
            for r in &results {
                if !self.engine.probes_from(&r.check, &location) {
                    answer.ignored += 1;
                } else if (self.engine.last_from(&r.check, &location))
                    .is_some_and(|last| r.at <= last)
                {
                    answer.duplicates += 1;
                } else {
                    urgent |= self.handle_from(&location, r).await;
                    answer.stored += 1;
                    let ended = r.at + chrono::Duration::from_std(r.duration).unwrap_or_default();
                    let lag = (self.clock.now() - ended).num_milliseconds().max(0) as f64 / 1000.0;
                    self.metrics.agent_result_lag.observe(lag);
                }
            }
            self.locations
                .last
                .insert(location.clone(), (instance, seq));
        }
        self.count(&location, &results, answer.stored, (instance, dropped));
        let _ = reply.send(answer);
        urgent
    }

    fn count(
        &mut self,
        location: &LocationId,
        results: &[CheckResult],
        stored: usize,
        (instance, dropped): (u64, u64),
    ) {
        let now = self.clock.now();
        if let Some(newest) = results.iter().max_by_key(|r| r.at) {
            let ended = newest.at + chrono::Duration::from_std(newest.duration).unwrap_or_default();
            let lag = (now - ended).num_milliseconds().max(0) as f64 / 1000.0;
            self.metrics.agent_lag(location.as_str(), lag);
            self.metrics
                .location_results(location.as_str(), stored as u64, newest.at.timestamp());
        }
        let logged = (self.locations.dropped.entry(location.clone())).or_insert((instance, 0));
        if logged.0 != instance {
            *logged = (instance, 0);
        }
        if dropped > logged.1 {
            tracing::warn!(
                %location,
                dropped = dropped - logged.1,
                "the agent dropped results while it could not reach this server (its buffer was full)"
            );
            logged.1 = dropped;
        }
    }
}

//! Whether storage is failing, as the store sees its own writes, and the one
//! place that says so in the log.
//!
//! Failing from the first backend error (a write, a read or a flush) until a
//! write reaches the disk again: an operation that only touched memory
//! proves nothing, so it never clears a failure. The log says the first
//! failure, a summary now and then while it lasts, and the recovery; not a
//! line per failed write (the workers retry every second).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::StoreError;

/// How often a lasting failure is summed up in the log.
const SUMMARY_EVERY: Duration = Duration::from_secs(60);

/// Storage health, shared by the store's handles.
#[derive(Debug, Default)]
pub struct Health {
    failing: Mutex<Option<Failing>>,
}

/// A failure that has not ended yet.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Failing {
    since: Instant,
    /// Failed operations since the failure began.
    failures: u64,
    /// Failed operations since the last line in the log.
    unsaid: u64,
    last_said: Instant,
    /// A write succeeded since the last failure: the next flush that
    /// succeeds proves the disk takes writes again.
    written: bool,
}

/// What the log says about one failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Say {
    First,
    /// The failure lasts: this many failed operations since the last line.
    StillFailing(u64),
    Nothing,
}

impl Failing {
    fn new(now: Instant) -> Self {
        Self {
            since: now,
            failures: 1,
            unsaid: 0,
            last_said: now,
            written: false,
        }
    }

    /// Counts one more failed operation; a summary once per [`SUMMARY_EVERY`].
    fn again(&mut self, now: Instant) -> Say {
        self.failures += 1;
        self.unsaid += 1;
        self.written = false;
        if now.duration_since(self.last_said) < SUMMARY_EVERY {
            return Say::Nothing;
        }
        self.last_said = now;
        Say::StillFailing(std::mem::take(&mut self.unsaid))
    }
}

impl Health {
    /// True unless a backend error was seen since the last durable write.
    pub fn is_ok(&self) -> bool {
        self.lock().is_none()
    }

    /// Notes a failed operation. Errors that are not the backend's (a record
    /// that does not encode) say nothing about the disk and are left out.
    pub fn failed(&self, e: &StoreError) {
        if !matches!(e, StoreError::Backend(_)) {
            return;
        }
        let say = {
            let mut failing = self.lock();
            match failing.as_mut() {
                Some(f) => f.again(Instant::now()),
                None => {
                    *failing = Some(Failing::new(Instant::now()));
                    Say::First
                }
            }
        };
        match say {
            Say::First => {
                tracing::error!(error = %e, "storage failing: changes are refused until a write succeeds again")
            }
            Say::StillFailing(n) => {
                tracing::error!(error = %e, failed_operations = n, "storage still failing")
            }
            Say::Nothing => {}
        }
    }

    /// Notes a write that succeeded (in memory, until the next flush).
    pub fn written(&self) {
        if let Some(f) = self.lock().as_mut() {
            f.written = true;
        }
    }

    /// Notes a flush that succeeded. It ends a failure only when something
    /// was written since: a flush with nothing to write proves nothing.
    pub fn flushed(&self) {
        let ended = {
            let mut failing = self.lock();
            match failing.as_ref() {
                Some(f) if f.written => failing.take(),
                _ => None,
            }
        };
        if let Some(f) = ended {
            let lasted =
                humantime::format_duration(Duration::from_secs(f.since.elapsed().as_secs()));
            tracing::warn!(failed_operations = f.failures, %lasted, "storage recovered: writes succeed again");
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Failing>> {
        // Plain data: a panic elsewhere cannot leave it torn.
        self.failing.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Logs a storage error a caller met: only at debug level when it is the
/// backend failing, which the store has said itself (once, then summed up);
/// as an error otherwise (a record that does not encode, say).
pub fn log_error(e: &StoreError, what: &str) {
    match e {
        StoreError::Backend(_) => tracing::debug!(error = %e, "{what}"),
        _ => tracing::error!(error = %e, "{what}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lasting_failure_is_said_once_then_summed_up_every_minute() {
        let t0 = Instant::now();
        let mut f = Failing::new(t0);
        let at = |s: u64| t0 + Duration::from_secs(s);
        // One failure a second, as the workers retry.
        let said: Vec<Say> = (1..=125).map(|s| f.again(at(s))).collect();
        let lines: Vec<(usize, Say)> = (said.iter().copied().enumerate())
            .filter(|(_, s)| *s != Say::Nothing)
            .collect();
        assert_eq!(
            lines,
            [(59, Say::StillFailing(60)), (119, Say::StillFailing(60))]
        );
        assert_eq!(f.failures, 126);
    }

    #[test]
    fn only_a_durable_write_ends_a_failure_and_other_errors_do_not_start_one() {
        let h = Health::default();
        h.failed(&StoreError::corrupt("record", "bad json"));
        assert!(h.is_ok(), "an encoding error is not a failing disk");
        h.failed(&StoreError::Backend("No space left on device".into()));
        h.failed(&StoreError::Backend("No space left on device".into()));
        assert!(!h.is_ok());
        h.flushed();
        assert!(!h.is_ok(), "nothing was written: the flush proves nothing");
        h.written();
        h.failed(&StoreError::Backend("No space left on device".into()));
        h.flushed();
        assert!(!h.is_ok(), "the write was before the last failure");
        h.written();
        h.flushed();
        assert!(h.is_ok());
    }
}

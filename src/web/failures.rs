//! The budget of wrong admin tokens per client address, one for both doors:
//! the `/admin/login` form and `Authorization: Bearer` on the admin API. Once
//! an address has used it up, both answer 429 with `Retry-After` (even to the
//! right token, so a guesser cannot tell when it has found it) until the
//! window passes. Counted in memory: a restart forgets, which only ever lets
//! a guesser start over with another ten.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// Failures are counted per address over this window...
pub const WINDOW: Duration = Duration::from_secs(10 * 60);
/// ...and after this many, that address must wait for the window to pass.
pub const MAX_FAILURES: u32 = 10;
/// Bounds the memory an attacker spraying addresses can take.
const MAX_TRACKED: usize = 10_000;

struct Failures {
    count: u32,
    since: Instant,
}

/// Wrong tokens per client address (see `web::client`).
#[derive(Default)]
pub struct Budget {
    failures: Mutex<HashMap<IpAddr, Failures>>,
}

impl Budget {
    /// How long `ip` must wait before trying again, if it failed too often.
    pub fn throttled(&self, ip: IpAddr) -> Option<Duration> {
        let failures = self.lock();
        let f = failures.get(&ip)?;
        let elapsed = f.since.elapsed();
        (f.count >= MAX_FAILURES && elapsed < WINDOW).then(|| WINDOW - elapsed)
    }

    /// Counts a wrong token from `ip`.
    pub fn failed(&self, ip: IpAddr) {
        let now = Instant::now();
        let mut failures = self.lock();
        if failures.len() >= MAX_TRACKED {
            failures.retain(|_, f| now - f.since < WINDOW);
        }
        let f = failures.entry(ip).or_insert(Failures {
            count: 0,
            since: now,
        });
        if now - f.since >= WINDOW {
            *f = Failures {
                count: 0,
                since: now,
            };
        }
        f.count += 1;
    }

    /// The right token from `ip`: its count starts over.
    pub fn succeeded(&self, ip: IpAddr) {
        self.lock().remove(&ip);
    }

    /// A panic while holding the map cannot leave it inconsistent, so a
    /// poisoned lock is still usable.
    fn lock(&self) -> MutexGuard<'_, HashMap<IpAddr, Failures>> {
        self.failures.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_throttled_after_repeated_failures_until_it_succeeds() {
        let budget = Budget::default();
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let other: IpAddr = "192.0.2.2".parse().unwrap();
        for _ in 0..MAX_FAILURES - 1 {
            budget.failed(ip);
        }
        assert!(budget.throttled(ip).is_none());
        budget.failed(ip);
        assert!(budget.throttled(ip).is_some_and(|w| w <= WINDOW));
        assert!(budget.throttled(other).is_none());
        budget.succeeded(ip);
        assert!(budget.throttled(ip).is_none());
    }
}

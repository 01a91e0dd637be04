//! How many subscribe forms one network may post per hour, counted in memory
//! (per running app: a restart forgets, which is fine for a spam brake).
//!
//! The client is the address `web::client` finds: the TCP peer, or behind a
//! reverse proxy listed in `[server] trusted_proxies`, the address that proxy
//! saw. Clients are counted per network, not per address: an IPv4 /24 and an
//! IPv6 /64 are what one household, office or server usually has, so rotating
//! through its addresses gains nothing.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Subscribe POSTs one network may make per [`WINDOW`].
pub const PER_WINDOW: usize = 10;
pub const WINDOW: Duration = Duration::from_secs(3600);

/// A sliding window of recent POST times per network.
pub struct Limits {
    per_window: usize,
    window: Duration,
    seen: Mutex<Seen>,
}

struct Seen {
    by_network: HashMap<Network, VecDeque<Instant>>,
    /// When networks with nothing left in their window are next forgotten,
    /// so the map holds roughly one window's worth of clients.
    next_sweep: Instant,
}

/// The first 24 bits of an IPv4 address, or the first 64 of an IPv6 one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Network {
    V4(u32),
    V6(u64),
}

impl Network {
    fn of(ip: IpAddr) -> Self {
        match ip.to_canonical() {
            IpAddr::V4(v4) => Self::V4(u32::from(v4) >> 8),
            IpAddr::V6(v6) => Self::V6((u128::from(v6) >> 64) as u64),
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self::new(PER_WINDOW, WINDOW)
    }
}

impl Limits {
    /// At most `per_window` POSTs per network in any `window`.
    pub fn new(per_window: usize, window: Duration) -> Self {
        Self {
            per_window,
            window,
            seen: Mutex::new(Seen {
                by_network: HashMap::new(),
                next_sweep: Instant::now() + window,
            }),
        }
    }

    /// Counts a POST from `ip`, or says how long until it may post again.
    pub fn admit(&self, ip: IpAddr) -> Result<(), Duration> {
        self.admit_at(ip, Instant::now())
    }

    fn admit_at(&self, ip: IpAddr, now: Instant) -> Result<(), Duration> {
        // A poisoned lock only means another request panicked mid-count; the
        // counts are still usable.
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        if now >= seen.next_sweep {
            let window = self.window;
            seen.by_network
                .retain(|_, times| times.back().is_some_and(|t| now - *t < window));
            seen.next_sweep = now + window;
        }
        let times = seen.by_network.entry(Network::of(ip)).or_default();
        while times.front().is_some_and(|t| now - *t >= self.window) {
            times.pop_front();
        }
        if times.len() >= self.per_window {
            let oldest = times.front().copied().unwrap_or(now);
            return Err(self.window.saturating_sub(now - oldest));
        }
        times.push_back(now);
        Ok(())
    }

    #[cfg(test)]
    fn tracked(&self) -> usize {
        self.seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .by_network
            .len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn the_post_over_the_limit_waits_until_the_oldest_leaves_the_window() {
        let limits = Limits::new(3, Duration::from_secs(60));
        let t0 = Instant::now();
        let a = ip("192.0.2.1");
        for s in 0..3 {
            assert_eq!(limits.admit_at(a, t0 + Duration::from_secs(s)), Ok(()));
        }
        assert_eq!(
            limits.admit_at(a, t0 + Duration::from_secs(10)),
            Err(Duration::from_secs(50))
        );
        assert_eq!(
            limits.admit_at(ip("192.0.3.1"), t0 + Duration::from_secs(10)),
            Ok(()),
            "another network has its own allowance"
        );
        assert_eq!(limits.admit_at(a, t0 + Duration::from_secs(60)), Ok(()));
        assert!(limits.admit_at(a, t0 + Duration::from_secs(60)).is_err());
    }

    #[test]
    fn an_ipv4_client_is_counted_per_24_block() {
        let limits = Limits::new(2, Duration::from_secs(60));
        let t = Instant::now();
        assert!(limits.admit_at(ip("127.0.0.1"), t).is_ok());
        assert!(limits.admit_at(ip("127.0.0.2"), t).is_ok());
        assert!(limits.admit_at(ip("127.0.0.200"), t).is_err());
        assert!(limits.admit_at(ip("127.0.1.1"), t).is_ok());
    }

    #[test]
    fn an_ipv6_client_is_counted_per_64_block() {
        let limits = Limits::new(2, Duration::from_secs(60));
        let t = Instant::now();
        assert!(limits.admit_at(ip("2001:db8:1:2::1"), t).is_ok());
        assert!(limits.admit_at(ip("2001:db8:1:2::ffff"), t).is_ok());
        assert!(limits.admit_at(ip("2001:db8:1:2:aaaa::9"), t).is_err());
        assert!(limits.admit_at(ip("2001:db8:1:3::1"), t).is_ok());
    }

    #[test]
    fn an_ipv4_mapped_address_counts_as_the_ipv4_one() {
        let limits = Limits::new(1, Duration::from_secs(60));
        let t = Instant::now();
        assert!(limits.admit_at(ip("192.0.2.7"), t).is_ok());
        assert!(limits.admit_at(ip("::ffff:192.0.2.7"), t).is_err());
    }

    #[test]
    fn quiet_networks_are_forgotten() {
        let limits = Limits::new(5, Duration::from_secs(60));
        let t = Instant::now();
        for n in 0..100u8 {
            assert!(limits.admit_at(ip(&format!("198.51.{n}.1")), t).is_ok());
        }
        assert_eq!(limits.tracked(), 100);
        let later = t + Duration::from_secs(121);
        assert!(limits.admit_at(ip("203.0.113.1"), later).is_ok());
        assert_eq!(limits.tracked(), 1);
    }
}

//! Who a request comes from, for the limits that count per client (the
//! subscribe form's, and the wrong-admin-token budget shared by `/admin/login`
//! and the admin API).
//!
//! The client is the TCP peer, unless the peer is one of `[server]
//! trusted_proxies`: then `X-Forwarded-For` is read from the right (each proxy
//! appends the address it got the request from), skipping the trusted
//! proxies, and the first other address is the client. What is left of it was
//! written by the client itself and could say anything, so it is never read.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use actix_web::HttpRequest;
use ipnet::IpNet;

use super::Shared;

/// The client address of `req` under the app's configured proxies.
pub fn of(req: &HttpRequest, shared: &Shared) -> IpAddr {
    let config = shared.snapshots.current().view.config.clone();
    address(req, &config.server.trusted_proxies)
}

/// The client address of `req`: see the module doc. Without a peer (a test
/// harness) it is the unspecified address, which then shares one allowance.
pub fn address(req: &HttpRequest, trusted: &[IpNet]) -> IpAddr {
    let peer = req
        .peer_addr()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |a| a.ip());
    let forwarded = req.headers().get_all("x-forwarded-for");
    let hops = forwarded.filter_map(|v| v.to_str().ok());
    client(peer, hops, trusted)
}

/// The pure rule: `hops` are the `X-Forwarded-For` values in the order
/// received (several headers count as one list).
pub fn client<'a>(peer: IpAddr, hops: impl Iterator<Item = &'a str>, trusted: &[IpNet]) -> IpAddr {
    let peer = peer.to_canonical();
    if !is_trusted(peer, trusted) {
        return peer;
    }
    let hops: Vec<&str> = hops.flat_map(|v| v.split(',')).map(str::trim).collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        // A hop that is not an address was not written by a proxy we trust
        // to write addresses: stop at the last one we could read.
        let Some(ip) = parse(hop) else {
            break;
        };
        client = ip;
        if !is_trusted(ip, trusted) {
            break;
        }
    }
    client
}

fn is_trusted(ip: IpAddr, trusted: &[IpNet]) -> bool {
    trusted.iter().any(|net| net.contains(&ip))
}

/// An address as proxies write it: bare, or with a port (`1.2.3.4:80`,
/// `[2001:db8::1]:443`).
fn parse(hop: &str) -> Option<IpAddr> {
    let ip = hop
        .parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))?;
    Some(ip.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter().map(|n| n.parse().unwrap()).collect()
    }

    fn from(peer: &str, xff: &[&str], trusted: &[&str]) -> IpAddr {
        client(ip(peer), xff.iter().copied(), &nets(trusted))
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        assert_eq!(
            from("203.0.113.9", &["198.51.100.1"], &[]),
            ip("203.0.113.9")
        );
        let untrusted_peer = from("203.0.113.9", &["198.51.100.1"], &["10.0.0.0/8"]);
        assert_eq!(untrusted_peer, ip("203.0.113.9"));
    }

    #[test]
    fn the_rightmost_address_that_is_not_a_trusted_proxy_is_the_client() {
        let trusted = ["127.0.0.1/32", "10.0.0.0/8"];
        // The client wrote a fake first hop; two of our proxies appended.
        let xff = ["6.6.6.6, 198.51.100.7", "10.1.2.3"];
        assert_eq!(from("127.0.0.1", &xff, &trusted), ip("198.51.100.7"));
        assert_eq!(
            from("127.0.0.1", &["198.51.100.7:5123"], &trusted),
            ip("198.51.100.7")
        );
        let v6 = from("127.0.0.1", &["[2001:db8::5]:443"], &trusted);
        assert_eq!(v6, ip("2001:db8::5"));
    }

    #[test]
    fn garbage_or_an_empty_header_leaves_the_last_address_read() {
        let trusted = ["127.0.0.1/32", "10.0.0.0/8"];
        assert_eq!(from("127.0.0.1", &["nonsense"], &trusted), ip("127.0.0.1"));
        assert_eq!(from("127.0.0.1", &[], &trusted), ip("127.0.0.1"));
        let behind = from("127.0.0.1", &["198.51.100.7, junk, 10.0.0.2"], &trusted);
        assert_eq!(behind, ip("10.0.0.2"), "all proxies: the farthest one read");
    }

    #[test]
    fn an_ipv4_mapped_peer_matches_an_ipv4_range() {
        let got = from("::ffff:127.0.0.1", &["198.51.100.7"], &["127.0.0.1/32"]);
        assert_eq!(got, ip("198.51.100.7"));
    }
}

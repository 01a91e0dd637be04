//! `[server] trusted_proxies`: the reverse proxies whose `X-Forwarded-For`
//! says who the client is (see `web::client`).

use std::net::IpAddr;

use ipnet::IpNet;

use super::Problems;

/// Each entry an address range (`"10.0.0.0/8"`, `"::1/128"`) or a single
/// address (`"127.0.0.1"`, taken as /32 or /128); every bad one is named by
/// its index.
pub(super) fn trusted_proxies(p: &mut Problems, raw: Option<Vec<String>>) -> Vec<IpNet> {
    let mut out = Vec::new();
    for (i, text) in raw.unwrap_or_default().iter().enumerate() {
        let place = format!("server.trusted_proxies[{i}]");
        let trimmed = text.trim();
        match trimmed.parse::<IpNet>() {
            // Host bits are dropped: "10.1.2.3/8" means 10.0.0.0/8.
            Ok(net) => out.push(net.trunc()),
            Err(_) => match trimmed.parse::<IpAddr>() {
                Ok(ip) => out.push(IpNet::from(ip)),
                Err(_) => p.add(
                    place,
                    format!(
                        "\"{text}\" is not an address range like \"10.0.0.0/8\", \
                         \"127.0.0.1/32\" or \"::1/128\" (nor a single address)"
                    ),
                ),
            },
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::config::Config;

    #[test]
    fn ranges_and_single_addresses_are_read_and_host_bits_dropped() {
        let toml = "[server]\ntrusted_proxies = [\"127.0.0.1\", \"10.1.2.3/8\", \" ::1/128 \"]\n";
        let config = Config::parse(toml).expect("valid");
        let shown: Vec<String> = (config.server.trusted_proxies.iter())
            .map(ToString::to_string)
            .collect();
        assert_eq!(shown, ["127.0.0.1/32", "10.0.0.0/8", "::1/128"]);
        let none = Config::parse("").expect("valid");
        assert!(none.server.trusted_proxies.is_empty());
    }

    #[test]
    fn every_bad_entry_is_named_by_its_index() {
        let toml =
            "[server]\ntrusted_proxies = [\"127.0.0.1/32\", \"10.0.0.0/33\", \"proxy.local\"]\n";
        let problems: Vec<String> = match Config::parse(toml) {
            Ok(_) => panic!("accepted"),
            Err(ps) => ps.iter().map(ToString::to_string).collect(),
        };
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems[0].starts_with("server.trusted_proxies[1]"),
            "{problems:?}"
        );
        assert!(problems[0].contains("\"10.0.0.0/33\""), "{problems:?}");
        assert!(
            problems[1].starts_with("server.trusted_proxies[2]"),
            "{problems:?}"
        );
        let wrong_type = match Config::parse("[server]\ntrusted_proxies = [\"10.0.0.0/8\", 5]\n") {
            Ok(_) => panic!("accepted"),
            Err(ps) => ps.iter().map(ToString::to_string).collect::<Vec<_>>(),
        };
        assert!(
            wrong_type
                .iter()
                .any(|p| p.starts_with("server.trusted_proxies")),
            "{wrong_type:?}"
        );
    }
}

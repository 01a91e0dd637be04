//! Raw TOML → typed config, collecting every problem with its place.

use std::collections::HashSet;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use reqwest::Url;

use super::raw::{
    RawCheck, RawComponent, RawEmail, RawExport, RawIncidents, RawLocation, RawServer, RawSite,
    RawWebhook,
};
use super::{Component, Config, Email, Problem, Server, Site};
use crate::checks::CheckSpec;
use crate::model::{CheckId, ComponentId, LocationId};

mod check;
mod export;
mod incidents;
mod languages;
mod locations;
mod proxies;
mod section;
mod webhook;

use section::{array, section};

/// Longest retention: older results say nothing about today, and the prune
/// cutoff (now minus retention) stays a valid time. humantime's year is 365.25 days.
const MAX_RETENTION: Duration = Duration::from_secs(10 * 31_557_600);

const TOP_LEVEL: &[&str] = &[
    "site",
    "server",
    "email",
    "incidents",
    "export",
    "components",
    "checks",
    "webhooks",
    "locations",
];

/// Collects problems while reading; each reader method reports instead of failing.
pub(super) struct Problems {
    list: Vec<Problem>,
    /// Keys dropped for having the wrong type: nothing more is said about them
    /// (that they are missing, say), one problem per mistake.
    wrong_type: HashSet<String>,
}

impl Problems {
    fn new() -> Self {
        Self {
            list: Vec::new(),
            wrong_type: HashSet::new(),
        }
    }

    pub fn add(&mut self, place: impl Into<String>, message: impl Into<String>) {
        let place = place.into();
        if !self.wrong_type.contains(&place) {
            self.list.push(Problem::new(place, message));
        }
    }

    /// Reports a value of the wrong type at `place`, whose key `dropped` (the same
    /// place, or the array holding it) was removed before reading on.
    pub fn wrong_type(&mut self, place: String, dropped: String, message: &str) {
        self.list.push(Problem::new(place, message));
        self.wrong_type.insert(dropped);
    }

    /// Whether `place` was dropped for having the wrong type.
    pub fn had_wrong_type(&self, place: &str) -> bool {
        self.wrong_type.contains(place)
    }

    /// Parses a human duration ("5s", "800ms", "7d") if present.
    pub fn duration(&mut self, place: &str, value: Option<&str>) -> Option<Duration> {
        let text = value?;
        match humantime::parse_duration(text.trim()) {
            Ok(d) => Some(d),
            Err(e) => {
                self.add(
                    place,
                    format!("\"{text}\" is not a duration ({e}); write it like \"5s\", \"800ms\" or \"7d\""),
                );
                None
            }
        }
    }

    /// An integer within `range`, or `default` when absent.
    pub fn int_in(
        &mut self,
        place: &str,
        value: Option<i64>,
        range: std::ops::RangeInclusive<i64>,
        default: i64,
    ) -> i64 {
        match value {
            None => default,
            Some(v) if range.contains(&v) => v,
            Some(v) => {
                let (lo, hi) = (range.start(), range.end());
                self.add(place, format!("{v} is out of range: use {lo} to {hi}"));
                default
            }
        }
    }

    pub fn timezone(&mut self, place: &str, value: Option<&str>) -> Option<Tz> {
        let name = value?;
        match Tz::from_str(name.trim()) {
            Ok(tz) => Some(tz),
            Err(_) => {
                self.add(
                    place,
                    format!("unknown time zone \"{name}\": use an IANA name like \"Europe/Berlin\" or \"UTC\""),
                );
                None
            }
        }
    }
}

pub(super) fn parse(text: &str, now: DateTime<Utc>) -> Result<Config, Vec<Problem>> {
    let mut p = Problems::new();
    let mut doc: toml::Table = match text.parse() {
        Ok(t) => t,
        Err(e) => return Err(vec![Problem::new("", format!("not valid TOML: {e}"))]),
    };
    for key in doc.keys() {
        if !TOP_LEVEL.contains(&key.as_str()) {
            p.add(key.clone(), "unknown section (check its spelling)");
        }
    }
    let raw_site: RawSite = section(&mut p, "site", doc.remove("site"));
    let raw_server: RawServer = section(&mut p, "server", doc.remove("server"));
    let raw_email: RawEmail = section(&mut p, "email", doc.remove("email"));
    let raw_incidents: RawIncidents = section(&mut p, "incidents", doc.remove("incidents"));
    let raw_export: Option<RawExport> = doc
        .remove("export")
        .map(|v| section(&mut p, "export", Some(v)));
    let raw_components: Vec<RawComponent> = array(&mut p, "components", doc.remove("components"));
    let raw_checks: Vec<RawCheck> = array(&mut p, "checks", doc.remove("checks"));
    let raw_webhooks: Vec<RawWebhook> = array(&mut p, "webhooks", doc.remove("webhooks"));
    let raw_locations: Vec<RawLocation> = array(&mut p, "locations", doc.remove("locations"));

    let server = server(&mut p, raw_server);
    let site = site(&mut p, raw_site, &server);
    let components = components(&mut p, raw_components);
    let known: HashSet<&ComponentId> = components.iter().map(|c| &c.id).collect();
    let locations = locations::locations(&mut p, raw_locations);
    let places: HashSet<LocationId> = locations.iter().map(|l| l.id.clone()).collect();
    let checks = checks(&mut p, raw_checks, &known, &places, site.timezone, now);
    let webhooks = webhook::webhooks(&mut p, raw_webhooks, &known);
    let email = email(&mut p, raw_email);
    let export = raw_export.and_then(|raw| export::validate(&mut p, raw, &server));
    let incidents = incidents::incidents(&mut p, raw_incidents);
    if p.list.is_empty() {
        Ok(Config {
            site,
            server,
            email,
            incidents,
            export,
            admin_token: None,
            components,
            checks,
            webhooks,
            locations,
            agent_tokens: Vec::new(),
        })
    } else {
        Err(p.list)
    }
}

fn server(p: &mut Problems, raw: RawServer) -> Server {
    let listen = raw.listen.unwrap_or_else(|| "127.0.0.1:8080".into());
    if !valid_listen(&listen) {
        p.add(
            "server.listen",
            format!("\"{listen}\" is not host:port (like \"127.0.0.1:8080\" or \"0.0.0.0:80\")"),
        );
    }
    let data_dir = raw.data_dir.unwrap_or_else(|| "data".into());
    if data_dir.trim().is_empty() {
        p.add("server.data_dir", "must not be empty");
    }
    let retention = p.duration("server.retention", raw.retention.as_deref());
    if retention.is_some_and(|r| r < Duration::from_secs(3600)) {
        p.add("server.retention", "must be at least 1h");
    }
    if retention.is_some_and(|r| r > MAX_RETENTION) {
        p.add("server.retention", "must be at most 10y");
    }
    let max = p.int_in(
        "server.max_concurrent_checks",
        raw.max_concurrent_checks,
        1..=10_000,
        100,
    );
    Server {
        location: locations::own_name(p, raw.location),
        cache_size: cache_size(p, raw.cache_size.as_deref()),
        advertise_url: (raw.advertise_url.as_deref()).and_then(|text| match Url::parse(text) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Some(u),
            Ok(_) | Err(_) => {
                p.add(
                    "server.advertise_url",
                    format!("\"{text}\" is not an http:// or https:// URL with a host"),
                );
                None
            }
        }),
        database_url: (raw.database_url.as_deref()).and_then(|text| {
            super::DatabaseUrl::parse(text)
                .map_err(|why| p.add("server.database_url", why))
                .ok()
        }),
        trusted_proxies: proxies::trusted_proxies(p, raw.trusted_proxies),
        listen,
        data_dir: PathBuf::from(data_dir),
        retention: retention.unwrap_or(Duration::from_secs(7 * 86_400)),
        max_concurrent_checks: max as usize,
    }
}

/// `[server] cache_size`: 8 MB by default. Below 1 MB sled would re-read
/// pages it has just written; above 16 GB is surely a typo.
fn cache_size(p: &mut Problems, raw: Option<&str>) -> u64 {
    const DEFAULT: u64 = super::DEFAULT_CACHE_SIZE;
    const RANGE: std::ops::RangeInclusive<u64> = 1_000_000..=16_000_000_000;
    let Some(text) = raw else {
        return DEFAULT;
    };
    match text.trim().parse::<bytesize::ByteSize>() {
        Ok(size) if RANGE.contains(&size.as_u64()) => size.as_u64(),
        Ok(_) => {
            p.add(
                "server.cache_size",
                format!("\"{text}\" must be between 1MB and 16GB"),
            );
            DEFAULT
        }
        Err(_) => {
            p.add(
                "server.cache_size",
                format!("\"{text}\" is not a size (like \"16MB\" or \"64MiB\")"),
            );
            DEFAULT
        }
    }
}

fn email(p: &mut Problems, raw: RawEmail) -> Email {
    let from_text = raw
        .from
        .unwrap_or_else(|| "Status <status@localhost>".into());
    let from = from_text.parse::<lettre::message::Mailbox>().unwrap_or_else(|e| {
        p.add("email.from", format!("\"{from_text}\" is not an email address ({e}); write it like \"Acme Status <status@acme.example>\""));
        lettre::message::Mailbox::new(None, lettre::Address::new("status", "localhost").unwrap_or_else(|_| unreachable!()))
    });
    if let Some(url) = &raw.smtp_url
        && let Err(e) = crate::config::urls::check_url(url)
    {
        p.add("email.smtp_url", e);
    }
    let reminder = p.duration("email.reminder_before", raw.reminder_before.as_deref());
    let give_up = p.duration("email.give_up_after", raw.give_up_after.as_deref());
    if give_up.is_some_and(|d| d < Duration::from_secs(60)) {
        p.add("email.give_up_after", "must be at least 1m");
    }
    Email {
        from,
        smtp_url: raw.smtp_url,
        reminder_before: reminder.unwrap_or(Duration::from_secs(3600)),
        give_up_after: give_up.unwrap_or(Duration::from_secs(86_400)),
    }
}

fn valid_listen(listen: &str) -> bool {
    match listen.rsplit_once(':') {
        Some((host, port)) => !host.is_empty() && port.parse::<u16>().is_ok(),
        None => false,
    }
}

fn site(p: &mut Problems, raw: RawSite, server: &Server) -> Site {
    let title = raw.title.unwrap_or_else(|| "Status".into());
    if title.trim().is_empty() {
        p.add("site.title", "must not be empty");
    }
    let derived = raw.public_url.is_none();
    let url_text = raw
        .public_url
        .unwrap_or_else(|| format!("http://{}", server.listen));
    let public_url = match Url::parse(&url_text) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => u,
        Ok(_) | Err(_) => {
            p.add(
                "site.public_url",
                format!("\"{url_text}\" is not an http:// or https:// URL"),
            );
            Url::from_str("http://127.0.0.1:8080").unwrap_or_else(|_| unreachable!())
        }
    };
    let timezone = p
        .timezone("site.timezone", raw.timezone.as_deref())
        .unwrap_or(Tz::UTC);
    let refresh = p.duration("site.refresh", raw.refresh.as_deref());
    if refresh.is_some_and(|r| r < Duration::from_secs(5)) {
        p.add("site.refresh", "must be at least 5s");
    }
    let (languages, default_language) =
        languages::languages(p, raw.languages, raw.default_language);
    Site {
        title,
        public_url,
        public_url_derived: derived,
        timezone,
        refresh: refresh.unwrap_or(Duration::from_secs(30)),
        languages,
        default_language,
    }
}

fn components(p: &mut Problems, raw: Vec<RawComponent>) -> Vec<Component> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (i, c) in raw.into_iter().enumerate() {
        let place = format!("components[{i}]");
        let id = match c.id.as_deref().map(ComponentId::parse) {
            None => {
                p.add(
                    format!("{place}.id"),
                    "missing: every component needs an id (like \"api\")",
                );
                continue;
            }
            Some(Err(e)) => {
                p.add(format!("{place}.id"), e);
                continue;
            }
            Some(Ok(id)) => id,
        };
        if !seen.insert(id.clone()) {
            p.add(
                format!("{place}.id"),
                format!("\"{id}\" is used by another component already"),
            );
        }
        let name = c.name.unwrap_or_default();
        if name.trim().is_empty() {
            p.add(
                format!("{place}.name"),
                "missing: every component needs a name to show on the page",
            );
        }
        out.push(Component {
            id,
            name,
            group: c.group.filter(|g| !g.trim().is_empty()),
            description: c.description.filter(|d| !d.trim().is_empty()),
            notify_automatic: c.notify_automatic.unwrap_or(true),
            workaround: workaround(p, &place, c.workaround),
            report_threshold: report_threshold(p, &place, c.report_threshold),
        });
    }
    out
}

/// `[[components]] report_threshold`: reports within 15 minutes that raise
/// the alarm; at most as many as the reports counted per component.
fn report_threshold(p: &mut Problems, place: &str, raw: Option<i64>) -> u32 {
    use super::{DEFAULT_REPORT_THRESHOLD, MAX_REPORT_THRESHOLD};
    let range = 1..=i64::from(MAX_REPORT_THRESHOLD);
    let at = format!("{place}.report_threshold");
    let n = p.int_in(&at, raw, range, i64::from(DEFAULT_REPORT_THRESHOLD));
    u32::try_from(n).unwrap_or(DEFAULT_REPORT_THRESHOLD)
}

/// Longest `[[components]] workaround`: a sentence or two, as an incident's.
const MAX_WORKAROUND_CHARS: usize = 1000;

/// A component's workaround, trimmed; empty is none.
fn workaround(p: &mut Problems, place: &str, raw: Option<String>) -> Option<String> {
    let text = raw?.trim().to_owned();
    let at = format!("{place}.workaround");
    if let Some((i, c)) = text
        .chars()
        .enumerate()
        .find(|(_, c)| c.is_control() && *c != '\n')
    {
        p.add(
            at,
            format!(
                "has a control character (U+{:04X}) at character {}",
                u32::from(c),
                i + 1
            ),
        );
        return None;
    }
    if text.chars().count() > MAX_WORKAROUND_CHARS {
        p.add(
            at,
            format!("is longer than {MAX_WORKAROUND_CHARS} characters"),
        );
        return None;
    }
    (!text.is_empty()).then_some(text)
}

fn checks(
    p: &mut Problems,
    raw: Vec<RawCheck>,
    known: &HashSet<&ComponentId>,
    places: &HashSet<LocationId>,
    site_tz: Tz,
    now: DateTime<Utc>,
) -> Vec<CheckSpec> {
    let mut ids: HashSet<CheckId> = HashSet::new();
    let mut out = Vec::new();
    for (i, c) in raw.into_iter().enumerate() {
        let place = format!("checks[{i}]");
        if let Some(spec) = check::validate(p, &place, c, (known, places), site_tz, now) {
            if !ids.insert(spec.id.clone()) {
                p.add(
                    format!("{place}.id"),
                    format!("\"{}\" is the id of another check already; give one of them an explicit id", spec.id),
                );
            }
            out.push(spec);
        }
    }
    out
}

//! `checks.toml` → a validated [`Config`]. Every problem in the file is reported at
//! once, each naming its place (`checks[1].schedule: ...`), so a broken file is fixed
//! in one pass, and code past this module never re-checks a value.

mod raw;
pub mod urls;
mod validate;

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use reqwest::Url;

use crate::checks::CheckSpec;
use crate::clock::{Clock, SystemClock};
use crate::model::ComponentId;

/// The whole configuration, validated. Its `Debug` hides the admin token and
/// the SMTP URL (which may carry a password).
#[derive(Clone)]
pub struct Config {
    pub site: Site,
    pub server: Server,
    pub email: Email,
    pub incidents: Incidents,
    /// `[export]`: absent unless the file asks for a live static copy.
    pub export: Option<Export>,
    /// `CANDOR_ADMIN_TOKEN` (never read from the file): engineers' bearer token
    /// and admin UI password. None: admin endpoints refuse everyone.
    pub admin_token: Option<String>,
    /// In the order of the file: the page shows them in this order.
    pub components: Vec<Component>,
    pub checks: Vec<CheckSpec>,
    /// `[[webhooks]]`: receivers of Statuspage-shaped payloads, in file order.
    pub webhooks: Vec<Webhook>,
    /// `[[locations]]`: the other places checks are probed from, by agents.
    pub locations: Vec<Location>,
    /// Each location's agent token, read from the environment at start
    /// ([`Config::load_agent_tokens`]); never from the file.
    pub agent_tokens: Vec<(crate::model::LocationId, Secret)>,
}

/// One `[[locations]]` entry: a place an agent (`candor agent`) probes from.
#[derive(Debug, Clone)]
pub struct Location {
    pub id: crate::model::LocationId,
    /// As customers read it: "Virginia".
    pub name: String,
    /// The environment variable that holds this location's agent token (read
    /// at start, never from the file).
    pub token_env: String,
}

#[derive(Debug, Clone)]
pub struct Site {
    pub title: String,
    /// Used in links from emails and feeds.
    pub public_url: Url,
    /// Not set in the file: taken from the listen address, and corrected to the
    /// address actually bound (port 0, 0.0.0.0) at start.
    pub public_url_derived: bool,
    /// Times on the page are shown in this zone, with the zone named.
    pub timezone: Tz,
    /// How often a live page (`/`, a component's, an open record's)
    /// refreshes its content in place (the page script: `pages::layout`).
    pub refresh: Duration,
    /// `languages`: the languages the public pages and emails are offered in,
    /// each chosen per reader (`Accept-Language`, `?lang=`, the language
    /// switch); every language in `locales/` unless set.
    pub languages: Vec<crate::lang::Lang>,
    /// `default_language`: for readers who prefer none of them (and the
    /// static export, the feeds' and API's own words); the first of
    /// `languages` unless set.
    pub default_language: crate::lang::Lang,
}

/// Bytes of storage pages kept in memory unless `[server] cache_size` says
/// otherwise. sled's own default is 1 GB, which it fills as the data grows.
/// Reads are few (at start, and history for the pages), writes are batched
/// at checkpoints (about 1 MB of hourly blocks at 1,000 checks): 8 MB holds
/// the hot pages with room to spare (benches/memory.sh measured no
/// difference from 16 MB at 1,000 checks).
pub const DEFAULT_CACHE_SIZE: u64 = 8_000_000;

/// The largest `failure_threshold` and `success_threshold` a check may have.
pub const MAX_THRESHOLD: u32 = 100;

#[derive(Debug, Clone)]
pub struct Server {
    /// `host:port`; port 0 picks a free port (tests).
    pub listen: String,
    pub data_dir: PathBuf,
    /// How long raw check results are kept.
    pub retention: Duration,
    /// Most probes in flight at once.
    pub max_concurrent_checks: usize,
    /// Bytes of storage pages kept in memory (sled's page cache, whose own
    /// default of 1 GB would let RSS grow with the data directory).
    pub cache_size: u64,
    /// `database_url` (or `CANDOR_DATABASE_URL`): PostgreSQL instead of sled
    /// in `data_dir`.
    pub database_url: Option<DatabaseUrl>,
    /// `advertise_url`: where the other nodes on the database reach this one
    /// (forwarded writes go to the leader's); unset: `http://` + the address
    /// it listens on.
    pub advertise_url: Option<Url>,
    /// `trusted_proxies`: reverse proxies in front of Candor. Only a request
    /// whose TCP peer is in one of these ranges has its `X-Forwarded-For`
    /// read (anyone else could write any address there); empty: the peer is
    /// the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// `location`: the name of this instance's own vantage point ("Frankfurt";
    /// "Primary" by default), the location `local` of the checks.
    pub location: String,
}

/// A PostgreSQL URL (`postgres://user:password@host/db?sslmode=require`).
/// It may hold a password, so its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    /// A URL of the `postgres` or `postgresql` scheme; what is wrong otherwise
    /// (never repeating the text, which may hold a password).
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        let text = text.trim();
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            Ok(Self(text.to_owned()))
        } else {
            Err("must be a PostgreSQL URL (postgres://user@host:5432/candor)")
        }
    }

    /// The URL itself, for the store to connect with.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"postgres://***\"")
    }
}

#[derive(Clone)]
pub struct Email {
    /// Sender of every email.
    pub from: lettre::message::Mailbox,
    /// lettre's URL form (`smtp://user:pass@host:587`, `smtps://...`). None: messages
    /// are written as .eml files under `data_dir/outbox-files/`.
    pub smtp_url: Option<String>,
    /// Maintenance reminder this long before it starts.
    pub reminder_before: Duration,
    /// Stop retrying a message after this long.
    pub give_up_after: Duration,
}

/// `Some("***")` for a value that is set: whether it is, never what it is.
fn redacted<T>(value: &Option<T>) -> Option<&'static str> {
    value.as_ref().map(|_| "***")
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("site", &self.site)
            .field("server", &self.server)
            .field("email", &self.email)
            .field("incidents", &self.incidents)
            .field("export", &self.export)
            .field("admin_token", &redacted(&self.admin_token))
            .field("components", &self.components)
            .field("checks", &self.checks)
            .field("webhooks", &self.webhooks)
            .field("locations", &self.locations)
            .field("agent_tokens", &self.agent_tokens.len())
            .finish()
    }
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Email")
            .field("from", &self.from)
            .field("smtp_url", &redacted(&self.smtp_url))
            .field("reminder_before", &self.reminder_before)
            .field("give_up_after", &self.give_up_after)
            .finish()
    }
}

#[derive(Debug, Clone)]
pub struct Incidents {
    /// How long checks must pass before an automatic incident resolves itself.
    pub quiet_period: Duration,
    /// Components the checks take out of operational within this long of an
    /// open automatic incident's last change join it, rather than opening
    /// one incident each (zero: never).
    pub correlate_within: Duration,
    /// How long the email about an automatic incident (or about components
    /// that joined it) waits, so that components failing together are in
    /// one email (zero: at once).
    pub settle: Duration,
    /// The next update an open incident promises when nobody names a time:
    /// an automatic incident from its opening, an engineer's post from the
    /// post (None: `"off"`, no promise unless an engineer gives one).
    pub next_update_within: Option<Duration>,
}

impl Incidents {
    /// The defaults, but with every email sent at once: for tests of what is
    /// said rather than when.
    #[cfg(test)]
    pub const AT_ONCE: Incidents = Incidents {
        quiet_period: Duration::from_secs(300),
        correlate_within: Duration::from_secs(120),
        settle: Duration::ZERO,
        next_update_within: Some(Duration::from_secs(1800)),
    };
}

/// A live static copy of the public site, kept equal to what `candor export`
/// would write after every render, for a second host or object storage that
/// stays up when this one is down.
#[derive(Debug, Clone)]
pub struct Export {
    /// Owned by Candor: files in it that are not part of the site are removed.
    pub dir: PathBuf,
}

#[derive(Debug, Clone)]
pub struct Component {
    pub id: ComponentId,
    pub name: String,
    pub group: Option<String>,
    pub description: Option<String>,
    /// Whether incidents opened by the checks email subscribers (some teams want
    /// a human to confirm first). Engineers' incidents always may.
    pub notify_automatic: bool,
    /// What customers can do while it is out ("Use the web app at
    /// https://app.example.com"): shown on the incidents the checks open for
    /// it, and in their emails, until an engineer takes them over.
    pub workaround: Option<String>,
    /// How many "I'm affected" reports within 15 minutes, while its checks
    /// are green, tell engineers that customers see a problem the checks do
    /// not (`report_threshold`, default 10): the admin dashboard highlights
    /// it and the webhooks get `component.reports_threshold`.
    pub report_threshold: u32,
}

/// `[[components]] report_threshold` when the file does not set it.
pub const DEFAULT_REPORT_THRESHOLD: u32 = 10;
/// The highest `report_threshold`: as many reports as are counted per
/// component and hour (see `reports::tally`).
pub const MAX_REPORT_THRESHOLD: u32 = 10_000;

/// One `[[webhooks]]` entry: where incident and component payloads are POSTed.
#[derive(Debug, Clone)]
pub struct Webhook {
    /// http:// or https://. Deliveries are keyed by it, so it is unique in the file.
    pub url: Url,
    /// Key of the `X-Candor-Signature` HMAC; None: payloads go unsigned.
    pub secret: Option<Secret>,
    /// Only payloads about these components; None: every component.
    pub components: Option<Vec<ComponentId>>,
}

impl Webhook {
    /// Whether a payload about `affected` goes to this webhook: with a
    /// `components` list, only when one of them is in it.
    pub fn wants<'a>(&self, mut affected: impl Iterator<Item = &'a ComponentId>) -> bool {
        match &self.components {
            None => true,
            Some(list) => affected.any(|c| list.contains(c)),
        }
    }
}

/// A value that must never be printed: its Debug is `Secret(***)`, and it has
/// no Display, so it cannot slip into a log line or a `{:?}` of the config.
#[derive(Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The bytes to key a MAC with.
    pub fn expose(&self) -> &[u8] {
        self.0.as_bytes()
    }

    pub fn is_blank(&self) -> bool {
        self.0.trim().is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// One thing wrong with the file, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Like `checks[1].schedule`; empty for the file as a whole.
    pub place: String,
    pub message: String,
}

impl Problem {
    pub fn new(place: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            place: place.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.place.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.place, self.message)
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} has {} problem{}:\n{}", path.display(), problems.len(),
        if problems.len() == 1 { "" } else { "s" },
        problems.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"))]
    Invalid {
        path: PathBuf,
        problems: Vec<Problem>,
    },
}

impl Config {
    /// Reads and validates the file at `path` as of `now` (a cron schedule
    /// must still fire after it).
    pub fn load(path: &Path, now: DateTime<Utc>) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::parse_at(&text, now).map_err(|problems| ConfigError::Invalid {
            path: path.to_owned(),
            problems,
        })
    }

    /// Validates TOML text as of `now`; every problem found is returned, not
    /// just the first.
    pub fn parse_at(text: &str, now: DateTime<Utc>) -> Result<Self, Vec<Problem>> {
        validate::parse(text, now)
    }

    /// [`Config::parse_at`] at the system clock's now: for fixtures and tests,
    /// whose configs do not depend on the moment. The application loads its
    /// file with [`Config::load`] and its own clock.
    pub fn parse(text: &str) -> Result<Self, Vec<Problem>> {
        Self::parse_at(text, SystemClock.now())
    }

    /// Applies the environment overrides named in the contract
    /// (`CANDOR_SMTP_URL`, `CANDOR_ADMIN_TOKEN`, `CANDOR_DATABASE_URL`); a
    /// database URL there that is not one is an error naming the variable.
    pub fn apply_env(&mut self) -> Result<(), String> {
        if let Ok(url) = std::env::var("CANDOR_DATABASE_URL")
            && !url.trim().is_empty()
        {
            let url =
                DatabaseUrl::parse(&url).map_err(|why| format!("CANDOR_DATABASE_URL {why}"))?;
            self.server.database_url = Some(url);
        }
        if let Ok(url) = std::env::var("CANDOR_SMTP_URL")
            && !url.trim().is_empty()
        {
            self.email.smtp_url = Some(url);
        }
        if let Ok(token) = std::env::var("CANDOR_ADMIN_TOKEN")
            && !token.trim().is_empty()
        {
            self.admin_token = Some(token.trim().to_owned());
        }
        Ok(())
    }

    /// Reads each location's agent token (that is not set yet) from the
    /// environment variable its `token_env` names; every variable missing,
    /// empty or too short is a problem naming its place. Read at start: the
    /// file never holds tokens.
    pub fn load_agent_tokens(&mut self) -> Result<(), Vec<Problem>> {
        let mut problems = Vec::new();
        let mut tokens = Vec::new();
        for (i, l) in self.locations.iter().enumerate() {
            if self.agent_tokens.iter().any(|(id, _)| id == &l.id) {
                continue;
            }
            let place = format!("locations[{i}].token_env");
            match std::env::var(&l.token_env).map(|t| t.trim().to_owned()) {
                Ok(t) if t.chars().count() >= crate::model::MIN_TOKEN_CHARS => {
                    tokens.push((l.id.clone(), Secret::new(t)));
                }
                Ok(t) if !t.is_empty() => problems.push(Problem::new(
                    place,
                    format!(
                        "{} holds fewer than {} characters: use a long random token",
                        l.token_env,
                        crate::model::MIN_TOKEN_CHARS
                    ),
                )),
                _ => problems.push(Problem::new(
                    place,
                    format!(
                        "{} is not set: the agent of {} authenticates with it",
                        l.token_env, l.name
                    ),
                )),
            }
        }
        if problems.is_empty() {
            self.agent_tokens.extend(tokens);
            Ok(())
        } else {
            Err(problems)
        }
    }

    /// A location's name as customers read it: `[server] location` for `local`.
    pub fn location_name<'a>(&'a self, id: &'a crate::model::LocationId) -> &'a str {
        if id.is_local() {
            return &self.server.location;
        }
        (self.locations.iter())
            .find(|l| &l.id == id)
            .map_or(id.as_str(), |l| l.name.as_str())
    }

    pub fn component(&self, id: &ComponentId) -> Option<&Component> {
        self.components.iter().find(|c| &c.id == id)
    }
}

#[cfg(test)]
mod tests;

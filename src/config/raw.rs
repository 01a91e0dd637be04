//! The shape of `checks.toml` as written: strings and numbers, not yet checked.
//! `validate` turns these into the typed [`super::Config`].

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub struct RawSite {
    pub title: Option<String>,
    pub public_url: Option<String>,
    pub timezone: Option<String>,
    pub refresh: Option<String>,
    pub languages: Option<Vec<String>>,
    pub default_language: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct RawServer {
    pub listen: Option<String>,
    pub data_dir: Option<String>,
    pub retention: Option<String>,
    pub max_concurrent_checks: Option<i64>,
    pub cache_size: Option<String>,
    pub database_url: Option<String>,
    pub advertise_url: Option<String>,
    pub trusted_proxies: Option<Vec<String>>,
    pub location: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct RawEmail {
    pub from: Option<String>,
    pub smtp_url: Option<String>,
    pub reminder_before: Option<String>,
    pub give_up_after: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct RawIncidents {
    pub quiet_period: Option<String>,
    pub correlate_within: Option<String>,
    pub settle: Option<String>,
    pub next_update_within: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct RawExport {
    pub dir: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct RawComponent {
    pub id: Option<String>,
    pub name: Option<String>,
    pub group: Option<String>,
    pub description: Option<String>,
    pub notify_automatic: Option<bool>,
    pub workaround: Option<String>,
    pub report_threshold: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
pub struct RawCheck {
    pub id: Option<String>,
    pub component: Option<String>,
    pub name: Option<String>,
    pub url: Option<String>,
    pub schedule: Option<String>,
    pub every: Option<String>,
    pub timezone: Option<String>,
    pub timeout: Option<String>,
    pub method: Option<String>,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    pub body: Option<String>,
    pub expect_status: Option<Vec<i64>>,
    pub body_contains: Option<String>,
    pub json: Option<RawJson>,
    pub degraded_over: Option<String>,
    pub cert_expiry_warning: Option<String>,
    pub max_redirects: Option<i64>,
    pub insecure: Option<bool>,
    pub failure_threshold: Option<i64>,
    pub success_threshold: Option<i64>,
    pub locations: Option<Vec<String>>,
    pub confirm: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
pub struct RawLocation {
    pub id: Option<String>,
    pub name: Option<String>,
    pub token_env: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct RawJson {
    pub pointer: Option<String>,
    pub equals: Option<toml::Value>,
}

/// `secret` is a [`super::Secret`] from the start, so even this raw form never
/// prints it.
#[derive(Debug, Default, Deserialize)]
pub struct RawWebhook {
    pub url: Option<String>,
    pub secret: Option<super::Secret>,
    pub components: Option<Vec<String>>,
}

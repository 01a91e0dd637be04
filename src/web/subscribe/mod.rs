//! Subscribers on the web: the subscribe form, double opt-in, managing and
//! leaving a subscription (RFC 8058 one-click), and answering "is it working
//! for you now?". The secret token in a link is the only credential, so these
//! pages need no login and no CSRF token; they are personal and never cached.
//!
//! Routes (all public):
//! - `GET|POST /subscribe`
//! - `GET /subscriptions/{token}/confirm`
//! - `GET|POST /subscriptions/{token}` (manage)
//! - `GET|POST /subscriptions/{token}/unsubscribe` (POST = one-click)
//! - `GET|POST /feedback/{incident}/{token}/{working|still-broken}`
//! - following one incident: see [`follow`]

pub mod export;
mod feedback;
pub mod follow;
pub mod form;
mod limits;
mod manage;
pub(in crate::web) mod pages;
mod signup;

use std::sync::Arc;

use actix_web::web;

pub use limits::Limits;

use crate::config::{Component, Config, Site};
use crate::lang::Lang;
use crate::model::ComponentId;
use crate::pipeline::desk::{Command, Done, SubscriptionCommand};
use crate::say;
use crate::store::StoreError;
use crate::web::Shared;

/// Registers the subscriber routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/subscribe", web::get().to(signup::show))
        .route("/subscribe", web::post().to(signup::submit))
        .route(
            "/subscriptions/{token}/confirm",
            web::get().to(manage::confirm),
        )
        .route(
            "/subscriptions/{token}/unsubscribe",
            web::get().to(manage::unsubscribe_page),
        )
        .route(
            "/subscriptions/{token}/unsubscribe",
            web::post().to(manage::unsubscribe),
        )
        .route("/subscriptions/{token}", web::get().to(manage::show))
        .route("/subscriptions/{token}", web::post().to(manage::save))
        .route(
            "/feedback/{incident}/{token}/{answer}",
            web::get().to(feedback::record),
        )
        .route(
            "/feedback/{incident}/{token}/{answer}",
            web::post().to(feedback::record),
        );
    follow::routes(cfg);
}

/// The configuration the current snapshot was built from.
/// A visitor's page: the site, in their language (see `web::lang`).
#[derive(Clone, Copy)]
pub struct Here<'a> {
    pub site: &'a Site,
    pub lang: Lang,
}

impl<'a> Here<'a> {
    pub fn of(req: &actix_web::HttpRequest, site: &'a Site) -> Self {
        Self {
            site,
            lang: crate::web::lang::of(req, site),
        }
    }
}

fn config(shared: &Shared) -> Arc<Config> {
    shared.snapshots.current().view.config.clone()
}

/// Storage failed (already logged); the visitor gets a 503 page.
#[derive(Debug)]
struct Unavailable;

/// Runs a blocking store call on actix's blocking pool, logging a failure
/// with its cause.
async fn blocking<T, F>(what: &'static str, call: F) -> Result<T, Unavailable>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, StoreError> + Send + 'static,
{
    match web::block(call).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => {
            tracing::error!(error = %format!("{:#}", anyhow::Error::from(e)), "{what} failed");
            Err(Unavailable)
        }
        Err(e) => {
            tracing::error!(error = %e, "{what}: the blocking pool failed");
            Err(Unavailable)
        }
    }
}

/// A visitor's write, through the pipeline like every other change: answered
/// only once it is on disk, so a subscription (and the confirmation email it
/// queued) survives a kill -9 right after the page says "check your inbox".
async fn write(
    shared: &Shared,
    what: &'static str,
    command: SubscriptionCommand,
) -> Result<Done, Unavailable> {
    match shared.desk.submit(Command::Subscription(command)).await {
        Ok(done) => Ok(done),
        Err(e) => {
            tracing::error!(error = %e, "{what} failed");
            Err(Unavailable)
        }
    }
}

/// The chosen components in page order, or the ids that name none (once each).
fn chosen(
    lang: Lang,
    components: &[Component],
    given: &[String],
) -> Result<Vec<ComponentId>, String> {
    let mut unknown: Vec<&str> = Vec::new();
    for g in given {
        if !components.iter().any(|c| c.id.as_str() == g) && !unknown.contains(&g.as_str()) {
            unknown.push(g);
        }
    }
    if !unknown.is_empty() {
        let quoted: Vec<String> = unknown.iter().map(|u| format!("\"{u}\"")).collect();
        return Err(say!(
            lang,
            "form-unknown-components",
            n = unknown.len(),
            ids = quoted.join(", ")
        ));
    }
    Ok(components
        .iter()
        .filter(|c| given.iter().any(|g| g == c.id.as_str()))
        .map(|c| c.id.clone())
        .collect())
}

/// Whether `token` could be one we issued (hex), so that anything else is
/// turned away without a lookup and never echoed into a page.
fn plausible(token: &str) -> bool {
    (16..=128).contains(&token.len()) && token.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn component(id: &str) -> Component {
        Component {
            id: ComponentId::parse(id).unwrap(),
            name: id.to_uppercase(),
            group: None,
            description: None,
            notify_automatic: true,
            workaround: None,
            report_threshold: 10,
        }
    }

    #[test]
    fn chosen_components_keep_page_order_and_unknown_ones_are_named_once() {
        let all = [component("api"), component("db"), component("web")];
        let given = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let ids = chosen(Lang::english(), &all, &given(&["web", "api", "web"])).unwrap();
        let ids: Vec<&str> = ids.iter().map(ComponentId::as_str).collect();
        assert_eq!(ids, ["api", "web"]);
        assert_eq!(chosen(Lang::english(), &all, &[]).unwrap(), vec![]);
        assert_eq!(
            chosen(
                Lang::english(),
                &all,
                &given(&["api", "nope", "<b>", "nope"])
            )
            .unwrap_err(),
            "There are no components \"nope\", \"<b>\": choose from the list."
        );
    }

    #[test]
    fn only_hex_tokens_are_looked_up() {
        assert!(plausible(&"ab12".repeat(16)));
        assert!(!plausible("short"));
        assert!(!plausible(&"zz".repeat(32)));
        assert!(!plausible(&"a".repeat(129)));
    }
}

//! The admin UI through its real forms: signing in, CSRF, opening and updating
//! incidents, setting components, scheduling maintenance, and what the public
//! page shows afterwards.

pub mod browser;
mod groups;
mod incidents;
mod status;

use std::sync::Arc;

use candor::clock::SystemClock;

use crate::helpers::{TestApp, spawn_app_full};
use browser::{Browser, Fields};

pub const TOKEN: &str = "correct-horse-battery-staple-0123";

/// Two components without checks: whatever they show, an engineer decided.
pub const COMPONENTS: &str = r#"
[[components]]
id = "api"
name = "Public API"

[[components]]
id = "web"
name = "Website"
"#;

/// The app with two components and the admin token `token` (None: disabled).
pub async fn spawn(token: Option<&str>) -> TestApp {
    spawn_app_full(COMPONENTS, token, Arc::new(SystemClock)).await
}

/// A running app with admin enabled, and a browser signed in to it.
pub async fn signed_in() -> (TestApp, Browser) {
    let app = spawn(Some(TOKEN)).await;
    let mut browser = Browser::new(&app.base);
    let page = browser
        .post("/admin/login", &Fields::default().set("token", TOKEN))
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert!(browser.cookie.is_some(), "no session cookie");
    (app, browser)
}

#[tokio::test]
async fn a_wrong_token_gets_401_and_the_right_one_a_strict_http_only_session_cookie() {
    let app = spawn(Some(TOKEN)).await;
    let mut browser = Browser::new(&app.base);

    let wrong = browser
        .post("/admin/login", &Fields::default().set("token", "guess"))
        .await;
    assert_eq!(wrong.status, 401);
    assert!(
        wrong.body.contains("That is not the admin token"),
        "{}",
        wrong.body
    );
    assert!(wrong.body.contains("name=\"token\""), "the form comes back");
    assert!(wrong.set_cookie.is_empty() && browser.cookie.is_none());
    assert_eq!(browser.get("/admin").await.status, 303);

    let right = browser
        .post("/admin/login", &Fields::default().set("token", TOKEN))
        .await;
    assert_eq!(right.status, 303);
    assert_eq!(right.location.as_deref(), Some("/admin"));
    let cookie = right.set_cookie.join("\n");
    for flag in [
        "candor_session=",
        "HttpOnly",
        "SameSite=Strict",
        "Path=/admin",
    ] {
        assert!(cookie.contains(flag), "{flag} missing from {cookie}");
    }
    assert!(
        !cookie.contains("Secure"),
        "the public URL is http: {cookie}"
    );
    let dashboard = browser.get("/admin").await;
    assert_eq!(dashboard.status, 200);
    assert!(
        dashboard.body.contains("Open incidents"),
        "{}",
        dashboard.body
    );
}

#[tokio::test]
async fn admin_pages_and_forms_without_a_session_redirect_to_the_login_page() {
    let app = spawn(Some(TOKEN)).await;
    let mut browser = Browser::new(&app.base);
    for path in ["/admin", "/admin/incidents/new", "/admin/maintenances/new"] {
        let page = browser.get(path).await;
        assert_eq!(page.status, 303, "GET {path}");
        assert!(page.location.unwrap().starts_with("/admin/login"));
    }
    let form = Fields::default().set("name", "x").set("csrf", "x");
    let page = browser.post("/admin/incidents", &form).await;
    assert_eq!(page.status, 303);
    assert_eq!(page.location.as_deref(), Some("/admin/login"));

    browser.cookie = Some(format!("candor_session={}", "ab".repeat(32)));
    assert_eq!(browser.get("/admin").await.status, 303, "a made-up session");
}

#[tokio::test]
async fn a_post_without_the_sessions_csrf_token_is_refused_with_403_and_changes_nothing() {
    let (_app, mut browser) = signed_in().await;
    let form = browser
        .form("/admin/incidents/new", "/admin/incidents")
        .await
        .set("name", "Forged")
        .set("body", "Forged");
    let stolen = form.get("csrf").unwrap().to_owned();
    assert_eq!(stolen.len(), 64, "a random token is in the form");

    let missing = Fields(
        form.0
            .iter()
            .filter(|(k, _)| k != "csrf")
            .cloned()
            .collect(),
    );
    assert_eq!(browser.post("/admin/incidents", &missing).await.status, 403);
    let wrong = form.clone().set("csrf", &"0".repeat(64));
    let page = browser.post("/admin/incidents", &wrong).await;
    assert_eq!(page.status, 403);
    assert!(page.body.contains("nothing was changed"), "{}", page.body);
    let set = Fields::default()
        .set("status", "major_outage")
        .set("csrf", "nope");
    assert_eq!(
        browser.post("/admin/components/api", &set).await.status,
        403
    );

    let dashboard = browser.get("/admin").await.body;
    assert!(dashboard.contains("No open incidents."), "{dashboard}");
    assert!(!dashboard.contains("Forged"));
    let public = browser.get("/").await.body;
    assert!(public.contains("All systems operational"), "{public}");
}

#[tokio::test]
async fn signing_out_ends_the_session_on_the_server() {
    let (_app, mut browser) = signed_in().await;
    let session = browser.cookie.clone();
    let form = browser.form("/admin", "/admin/logout").await;
    let page = browser.post("/admin/logout", &form).await;
    assert_eq!(page.status, 303);
    assert_eq!(page.location.as_deref(), Some("/admin/login"));
    browser.cookie = session;
    assert_eq!(
        browser.get("/admin").await.status,
        303,
        "old cookie is dead"
    );
}

#[tokio::test]
async fn without_a_token_the_login_page_says_admin_is_disabled_and_sign_in_is_refused() {
    let app = spawn(None).await;
    let mut browser = Browser::new(&app.base);
    let page = browser.get("/admin/login").await;
    assert!(page.body.contains("Admin is disabled"), "{}", page.body);
    assert!(page.body.contains("CANDOR_ADMIN_TOKEN"));
    let refused = browser
        .post("/admin/login", &Fields::default().set("token", ""))
        .await;
    assert_eq!(refused.status, 403);
    assert!(refused.set_cookie.is_empty());
    assert_eq!(browser.get("/admin").await.status, 303);
}

//! Limits counted per client: the subscribe form's per-network allowance, the
//! wrong-admin-token budget shared by the login form and the admin API, and
//! the client address behind a trusted reverse proxy.

use std::net::IpAddr;
use std::sync::Arc;

use candor::clock::SystemClock;
use serde_json::json;

use crate::helpers::{API_AND_DB, TOKEN, TestApp, spawn_app_full};

/// `[server]` keys go first: the helper's config ends inside `[server]`.
fn behind_proxy() -> String {
    format!("trusted_proxies = [\"127.0.0.1/32\", \"10.0.0.0/8\"]\n{API_AND_DB}")
}

/// A client whose connections come from `local` (any 127.0.0.0/8 address
/// reaches the app on loopback).
fn client_from(local: &str) -> reqwest::Client {
    crate::helpers::client();
    let local: IpAddr = local.parse().expect("an address");
    reqwest::Client::builder()
        .local_address(local)
        .build()
        .expect("a client")
}

/// Posts the subscribe form for `email`, with an `X-Forwarded-For` if given.
async fn subscribe(
    app: &TestApp,
    client: &reqwest::Client,
    email: &str,
    forwarded: Option<&str>,
) -> reqwest::Response {
    let mut req = client
        .post(format!("{}/subscribe", app.base))
        .header("content-type", FORM)
        .body(form(&[("email", email)]));
    if let Some(hops) = forwarded {
        req = req.header("x-forwarded-for", hops);
    }
    req.send().await.expect("the app answers")
}

const FORM: &str = "application/x-www-form-urlencoded";

fn form(fields: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(fields).expect("form fields")
}

fn retry_after(res: &reqwest::Response) -> u64 {
    (res.headers().get("retry-after"))
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no Retry-After seconds: {:?}", res.headers()))
}

#[tokio::test]
async fn the_subscribe_allowance_is_per_ipv4_24_so_a_neighbour_address_gains_nothing() {
    let app = spawn_app_full(API_AND_DB, Some(TOKEN), Arc::new(SystemClock)).await;
    let first = client_from("127.0.0.1");
    for n in 1..=10 {
        let res = subscribe(&app, &first, &format!("u{n}@example.com"), None).await;
        assert_eq!(res.status(), 200, "#{n}");
    }
    let neighbour = subscribe(&app, &client_from("127.0.0.2"), "n@example.com", None).await;
    assert_eq!(neighbour.status(), 429, "same /24");
    assert!((3500..=3600).contains(&retry_after(&neighbour)));
    let other = subscribe(&app, &client_from("127.0.1.1"), "o@example.com", None).await;
    assert_eq!(other.status(), 200, "another /24");
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_forwarded_client_is_counted_not_its_fake_first_hop() {
    let app = spawn_app_full(&behind_proxy(), Some(TOKEN), Arc::new(SystemClock)).await;
    let proxy = client_from("127.0.0.1");
    for n in 1..=10 {
        // Each request claims another origin; the proxies appended the truth.
        let hops = format!("6.6.6.{n}, 198.51.100.7, 10.0.0.2");
        let res = subscribe(&app, &proxy, &format!("u{n}@example.com"), Some(&hops)).await;
        assert_eq!(res.status(), 200, "#{n}");
    }
    let again = subscribe(&app, &proxy, "x@example.com", Some("198.51.100.9")).await;
    assert_eq!(again.status(), 429, "same /24 behind the proxy");
    assert!(retry_after(&again) > 0);
    let someone_else = subscribe(&app, &proxy, "y@example.com", Some("203.0.113.5")).await;
    assert_eq!(someone_else.status(), 200, "the proxy's other visitors");
}

#[tokio::test]
async fn without_trusted_proxies_x_forwarded_for_is_not_believed() {
    let app = spawn_app_full(API_AND_DB, Some(TOKEN), Arc::new(SystemClock)).await;
    let client = client_from("127.0.0.1");
    for n in 1..=10 {
        let fake = format!("198.51.{n}.1");
        let res = subscribe(&app, &client, &format!("u{n}@example.com"), Some(&fake)).await;
        assert_eq!(res.status(), 200, "#{n}");
    }
    let res = subscribe(&app, &client, "x@example.com", Some("203.0.113.5")).await;
    assert_eq!(res.status(), 429);
}

async fn api(app: &TestApp, client: &reqwest::Client, token: &str) -> reqwest::Response {
    client
        .post(format!("{}/api/admin/v1/incidents", app.base))
        .bearer_auth(token)
        .json(&json!({}))
        .send()
        .await
        .expect("the app answers")
}

async fn login(app: &TestApp, client: &reqwest::Client, token: &str) -> reqwest::Response {
    client
        .post(format!("{}/admin/login", app.base))
        .header("content-type", FORM)
        .body(form(&[("token", token)]))
        .send()
        .await
        .expect("the app answers")
}

#[tokio::test]
async fn wrong_tokens_on_the_api_and_the_login_form_draw_on_one_budget_then_429() {
    let app = spawn_app_full(API_AND_DB, Some(TOKEN), Arc::new(SystemClock)).await;
    let guesser = client_from("127.0.0.3");
    for n in 0..5 {
        assert_eq!(
            api(&app, &guesser, &format!("guess-{n}")).await.status(),
            401
        );
        assert_eq!(
            login(&app, &guesser, &format!("guess-{n}")).await.status(),
            401
        );
    }
    let api_refused = api(&app, &guesser, "guess-x").await;
    assert_eq!(api_refused.status(), 429);
    assert!((1..=600).contains(&retry_after(&api_refused)));
    let login_refused = login(&app, &guesser, "guess-y").await;
    assert_eq!(login_refused.status(), 429);
    assert!(retry_after(&login_refused) > 0);
    // Not even the right token tells the guesser it has found it.
    assert_eq!(api(&app, &guesser, TOKEN).await.status(), 429);
    // Another address still gets in with the token.
    let engineer = client_from("127.0.0.4");
    assert_eq!(api(&app, &engineer, TOKEN).await.status(), 422);
}

#[tokio::test]
async fn an_admin_token_shorter_than_16_characters_is_refused_and_admin_stays_shut() {
    let short = "fifteen-chars-x";
    let app = spawn_app_full(API_AND_DB, Some(short), Arc::new(SystemClock)).await;
    let client = client_from("127.0.0.1");
    let res = api(&app, &client, short).await;
    assert_eq!(res.status(), 403);
    let body = res.text().await.unwrap_or_default();
    assert!(body.contains("at least 16 characters"), "{body}");
    let page = login(&app, &client, short).await;
    assert_eq!(page.status(), 403);
    assert_eq!(
        app.get("/").await.status(),
        200,
        "the public page still serves"
    );
}

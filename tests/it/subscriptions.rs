//! Subscribing, confirming, managing and leaving through the real HTTP
//! routes; feedback links; the rate limits; what engineers see. No mail
//! server: tokens are read from the store, as the emails would carry them.

use std::sync::Arc;

use candor::clock::SystemClock;
use candor::subscribers::Subscriber;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app_full};

const TOKEN: &str = "subscriptions-test-token-0123456789";

const COMPONENTS: &str = r#"
[[components]]
id = "api"
name = "Public API"
group = "Core services"

[[components]]
id = "db"
name = "Database"
group = "Core services"

[[components]]
id = "web"
name = "Website"
"#;

async fn spawn() -> TestApp {
    spawn_app_full(COMPONENTS, Some(TOKEN), Arc::new(SystemClock)).await
}

/// What came back, read in full.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Answer {
    async fn read(res: reqwest::Response) -> Self {
        Self {
            status: res.status(),
            headers: res.headers().clone(),
            body: res.text().await.unwrap(),
        }
    }

    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .map_or("", |v| v.to_str().unwrap_or(""))
    }
}

/// Posts a form as a browser (or a mail client) does: no cookies.
async fn post(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> Answer {
    let res = app
        .client
        .post(format!("{}{path}", app.base))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string(fields).unwrap())
        .send()
        .await
        .unwrap();
    Answer::read(res).await
}

async fn get(app: &TestApp, path: &str) -> Answer {
    Answer::read(app.get(path).await).await
}

async fn subscribe(app: &TestApp, email: &str, components: &[&str]) -> Answer {
    let mut fields = vec![("email", email)];
    fields.extend(components.iter().map(|c| ("components", *c)));
    post(app, "/subscribe", &fields).await
}

fn stored(app: &TestApp, email: &str) -> Option<Subscriber> {
    app.subscriber(email)
}

fn components(s: &Subscriber) -> Vec<&str> {
    s.components.iter().map(|c| c.as_str()).collect()
}

/// Subscribes `email` and follows its confirmation link; returns the token.
async fn confirmed(app: &TestApp, email: &str, components: &[&str]) -> String {
    assert_eq!(subscribe(app, email, components).await.status, 200);
    let token = stored(app, email).expect("stored").token;
    let page = get(app, &format!("/subscriptions/{token}/confirm")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    token
}

async fn admin_api(app: &TestApp, path: &str, token: Option<&str>) -> Answer {
    let mut req = app.client.get(format!("{}/api/admin/v1{path}", app.base));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    Answer::read(req.send().await.unwrap()).await
}

fn json_of(a: &Answer) -> Value {
    serde_json::from_str(&a.body).unwrap_or_else(|_| panic!("not JSON: {}", a.body))
}

#[tokio::test]
async fn the_status_page_has_a_subscribe_form_with_a_labelled_email_input() {
    let app = spawn().await;
    let page = app.page().await;
    let form = &page[page
        .find("action=\"/subscribe\"")
        .expect("no subscribe form")..];
    let form = &form[..form.find("</form>").unwrap()];
    assert!(page.contains("<form class=\"subscribe\" method=\"post\" action=\"/subscribe\""));
    assert!(
        form.contains("<label for=\"subscribe-email\">Email address</label>"),
        "{form}"
    );
    assert!(
        form.contains("id=\"subscribe-email\" type=\"email\" name=\"email\" required"),
        "{form}"
    );
    assert!(form.contains("<button class=\"primary\" type=\"submit\">Subscribe</button>"));
    // A plain form: it posts without JavaScript (the page's one script,
    // from /static, only refreshes the page and shows local times).
    assert!(
        !form.contains("<script")
            && !["onsubmit=", "onclick=", "oninput="]
                .iter()
                .any(|a| form.contains(a)),
        "works without JavaScript: {form}"
    );
    // On `/` the form follows everything (a checkbox per component would be
    // 1,000 on a large site); every public page links to the choosing form.
    assert!(!form.contains("name=\"components\""), "{form}");
    assert!(
        page.contains("<a href=\"/subscribe\">choose components</a>"),
        "{page}"
    );
    assert!(
        page.contains("<a class=\"site__subscribe\" href=\"/subscribe\">Get updates</a>"),
        "{page}"
    );
    let chooser = get(&app, "/subscribe").await.body;
    assert!(
        chooser.contains("Leave all unchecked for everything"),
        "{chooser}"
    );
    assert!(
        chooser.contains("<legend>Core services</legend>"),
        "{chooser}"
    );
    for (id, name) in [
        ("api", "Public API"),
        ("db", "Database"),
        ("web", "Website"),
    ] {
        assert!(
            chooser.contains(&format!(
                "name=\"components\" value=\"{id}\" id=\"choice-{id}\""
            )),
            "{id}: {chooser}"
        );
        assert!(chooser.contains(&format!("<label for=\"choice-{id}\">{name}</label>")));
    }
}

#[tokio::test]
async fn subscribing_answers_the_same_page_for_a_new_a_pending_and_a_confirmed_address() {
    let app = spawn().await;
    let new = subscribe(&app, "Ann@Example.COM", &["web", "api"]).await;
    assert_eq!(new.status, 200, "{}", new.body);
    assert!(new.body.contains("Check your inbox"), "{}", new.body);
    assert_eq!(new.header("cache-control"), "no-store");
    let s = stored(&app, "Ann@example.com").expect("stored with the domain lowercased");
    assert!(!s.is_confirmed());
    assert_eq!(components(&s), ["api", "web"]);

    let pending = subscribe(&app, "Ann@Example.COM", &["web", "api"]).await;
    get(&app, &format!("/subscriptions/{}/confirm", s.token)).await;
    assert!(stored(&app, "Ann@example.com").unwrap().is_confirmed());
    let subscribed = subscribe(&app, "Ann@Example.COM", &["web", "api"]).await;

    for other in [&pending, &subscribed] {
        assert_eq!(other.status, 200);
        assert_eq!(other.body, new.body, "the answer must not tell them apart");
    }
}

#[tokio::test]
async fn an_invalid_address_is_422_escaped_and_nothing_is_stored() {
    let app = spawn().await;
    for bad in ["", "not-an-email", "ann@", "<script>alert(1)</script>"] {
        let page = subscribe(&app, bad, &[]).await;
        assert_eq!(page.status, 422, "{bad:?}: {}", page.body);
        assert!(page.body.contains("name=\"email\""), "the form comes back");
        assert!(!page.body.contains("<script>alert"), "{}", page.body);
    }
    let page = subscribe(&app, "not-an-email", &[]).await;
    assert!(
        page.body.contains("is not an email address we can send to"),
        "{}",
        page.body
    );
    assert!(app.store.all_subscribers().unwrap().is_empty());
}

#[tokio::test]
async fn an_unknown_component_is_422_naming_it_and_nothing_is_stored() {
    let app = spawn().await;
    let page = subscribe(&app, "ann@example.com", &["api", "payments"]).await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(
        page.body
            .contains("There is no component &quot;payments&quot;"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("value=\"ann@example.com\""),
        "what was typed is kept"
    );
    assert!(stored(&app, "ann@example.com").is_none());
}

#[tokio::test]
async fn the_confirmation_link_confirms_and_says_what_they_follow() {
    let app = spawn().await;
    subscribe(&app, "ann@example.com", &["db"]).await;
    let token = stored(&app, "ann@example.com").unwrap().token;
    let page = get(&app, &format!("/subscriptions/{token}/confirm")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("You're subscribed"), "{}", page.body);
    assert!(page.body.contains("<li>Database</li>"), "{}", page.body);
    assert!(
        page.body
            .contains(&format!("href=\"/subscriptions/{token}\""))
    );
    assert_eq!(page.header("cache-control"), "no-store");
    assert_eq!(page.header("referrer-policy"), "no-referrer");
    assert!(stored(&app, "ann@example.com").unwrap().is_confirmed());

    let again = get(&app, &format!("/subscriptions/{token}/confirm")).await;
    assert_eq!(again.status, 200, "following the link twice is fine");

    for unknown in ["0123456789abcdef".repeat(4), "not-a-token".into()] {
        let gone = get(&app, &format!("/subscriptions/{unknown}/confirm")).await;
        assert_eq!(gone.status, 404, "{unknown}");
        assert!(
            gone.body
                .contains("This link has expired or was already used"),
            "{}",
            gone.body
        );
    }
}

#[tokio::test]
async fn the_manage_page_changes_what_a_subscriber_follows() {
    let app = spawn().await;
    let token = confirmed(&app, "ann@example.com", &["api"]).await;
    let path = format!("/subscriptions/{token}");
    let page = get(&app, &path).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains("value=\"api\" id=\"choice-api\" checked"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("value=\"db\" id=\"choice-db\" checked"));
    assert!(
        page.body
            .contains(&format!("action=\"{path}/unsubscribe\""))
    );

    let saved = post(&app, &path, &[("components", "db"), ("components", "web")]).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert!(saved.body.contains("Saved."));
    assert_eq!(
        components(&stored(&app, "ann@example.com").unwrap()),
        ["db", "web"]
    );

    let everything = post(&app, &path, &[]).await;
    assert_eq!(everything.status, 200);
    assert!(
        everything.body.contains("every component"),
        "{}",
        everything.body
    );
    assert!(
        stored(&app, "ann@example.com")
            .unwrap()
            .components
            .is_empty()
    );

    let bad = post(&app, &path, &[("components", "nope")]).await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("&quot;nope&quot;"), "{}", bad.body);
    assert!(
        stored(&app, "ann@example.com")
            .unwrap()
            .components
            .is_empty()
    );
}

#[tokio::test]
async fn opening_the_unsubscribe_link_shows_a_button_and_unsubscribes_nobody() {
    let app = spawn().await;
    let token = confirmed(&app, "ann@example.com", &[]).await;
    let path = format!("/subscriptions/{token}/unsubscribe");
    let page = get(&app, &path).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(&format!(
        "<form class=\"action\" method=\"post\" action=\"{path}\">"
    )));
    assert!(
        page.body
            .contains("<button class=\"primary\" type=\"submit\">Unsubscribe</button>")
    );
    assert!(
        stored(&app, "ann@example.com").is_some(),
        "a GET must not unsubscribe"
    );
}

#[tokio::test]
async fn a_one_click_post_without_cookies_unsubscribes_and_repeating_it_is_harmless() {
    let app = spawn().await;
    let token = confirmed(&app, "ann@example.com", &[]).await;
    let path = format!("/subscriptions/{token}/unsubscribe");
    let one_click = [("List-Unsubscribe", "One-Click")];
    let done = post(&app, &path, &one_click).await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.body.contains("You're unsubscribed"));
    assert!(stored(&app, "ann@example.com").is_none());

    let again = post(&app, &path, &one_click).await;
    let unknown = post(
        &app,
        &format!("/subscriptions/{}/unsubscribe", "ab".repeat(32)),
        &one_click,
    )
    .await;
    for other in [again, unknown] {
        assert_eq!(other.status, 200);
        assert_eq!(other.body, done.body);
    }
    assert_eq!(
        get(&app, &format!("/subscriptions/{token}")).await.status,
        404
    );
}

#[tokio::test]
async fn the_fourth_subscribe_to_one_address_in_a_day_is_429() {
    let app = spawn().await;
    for n in 1..=3 {
        assert_eq!(
            subscribe(&app, "ann@example.com", &[]).await.status,
            200,
            "#{n}"
        );
    }
    let fourth = subscribe(&app, "ann@example.com", &[]).await;
    assert_eq!(fourth.status, 429);
    let retry: u64 = fourth.header("retry-after").parse().expect("Retry-After");
    assert!(
        (86_000..=86_400).contains(&retry),
        "a day after the first: {retry}"
    );
    assert!(
        fourth.body.contains("try again tomorrow"),
        "{}",
        fourth.body
    );
    assert_eq!(
        stored(&app, "ann@example.com")
            .unwrap()
            .confirmations_sent
            .len(),
        3,
        "no fourth email queued"
    );
}

#[tokio::test]
async fn the_eleventh_post_from_one_network_in_an_hour_is_429_with_retry_after() {
    let app = spawn().await;
    for n in 1..=10 {
        let email = format!("user{n}@example.com");
        assert_eq!(subscribe(&app, &email, &[]).await.status, 200, "#{n}");
    }
    let eleventh = subscribe(&app, "user11@example.com", &[]).await;
    assert_eq!(eleventh.status, 429);
    let retry: u64 = eleventh
        .header("retry-after")
        .parse()
        .expect("Retry-After seconds");
    assert!((3500..=3600).contains(&retry), "{retry}");
    assert!(
        eleventh
            .body
            .contains("Too many requests from your network; try again in 60 minutes"),
        "{}",
        eleventh.body
    );
    assert!(stored(&app, "user11@example.com").is_none());
}

#[tokio::test]
async fn a_feedback_link_records_an_answer_the_admin_api_counts_and_the_last_one_wins() {
    let app = spawn().await;
    let incident = open_incident(&app).await;
    let token = confirmed(&app, "ann@example.com", &[]).await;
    let path = |answer: &str| format!("/feedback/{incident}/{token}/{answer}");

    let thanks = get(&app, &path("still-broken")).await;
    assert_eq!(thanks.status, 200, "{}", thanks.body);
    assert!(
        thanks.body.contains("still broken for you"),
        "{}",
        thanks.body
    );
    assert!(
        thanks
            .body
            .contains(&format!("action=\"{}\"", path("working"))),
        "a button changes the answer: {}",
        thanks.body
    );
    let counts = admin_api(
        &app,
        &format!("/incidents/{incident}/feedback"),
        Some(TOKEN),
    )
    .await;
    assert_eq!(counts.status, 200, "{}", counts.body);
    let counts = json_of(&counts);
    assert_eq!(
        (counts["working"].clone(), counts["still_broken"].clone()),
        (json!(0), json!(1))
    );
    assert!(counts["last_still_broken"].is_string());

    assert_eq!(post(&app, &path("working"), &[]).await.status, 200);
    let counts = json_of(
        &admin_api(
            &app,
            &format!("/incidents/{incident}/feedback"),
            Some(TOKEN),
        )
        .await,
    );
    assert_eq!(
        (counts["working"].clone(), counts["still_broken"].clone()),
        (json!(1), json!(0))
    );

    let wrong = [
        format!("/feedback/{incident}/{}/working", "ab".repeat(32)),
        format!("/feedback/{incident}/{token}/maybe"),
        format!("/feedback/no-such-incident/{token}/working"),
    ];
    for p in wrong {
        assert_eq!(get(&app, &p).await.status, 404, "{p}");
    }
    let refused = admin_api(&app, &format!("/incidents/{incident}/feedback"), None).await;
    assert_eq!(refused.status, 401);
}

#[tokio::test]
async fn the_admin_api_lists_subscribers_to_the_token_holder_as_json_or_csv() {
    let app = spawn().await;
    confirmed(&app, "ann@example.com", &["api"]).await;
    subscribe(&app, "bob@example.com", &[]).await;

    assert_eq!(admin_api(&app, "/subscribers", None).await.status, 401);
    assert_eq!(
        admin_api(&app, "/subscribers", Some("wrong")).await.status,
        401
    );

    let list = admin_api(&app, "/subscribers", Some(TOKEN)).await;
    assert_eq!(list.status, 200, "{}", list.body);
    let v = json_of(&list);
    assert_eq!(v["counts"], json!({"confirmed": 1, "pending": 1}));
    let ann = v["subscribers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["email"] == "ann@example.com")
        .expect("ann listed");
    assert_eq!(ann["components"], json!(["api"]));
    assert!(ann["confirmed_at"].is_string() && ann["created_at"].is_string());
    let token = stored(&app, "ann@example.com").unwrap().token;
    assert!(!list.body.contains(&token), "tokens are never exported");

    let csv = admin_api(&app, "/subscribers?format=csv", Some(TOKEN)).await;
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-type").starts_with("text/csv"));
    assert!(
        csv.body
            .starts_with("email,components,confirmed_at,created_at\r\n")
    );
    assert!(csv.body.contains("ann@example.com,api,20"), "{}", csv.body);
    assert!(
        csv.body.contains("bob@example.com,(all),,20"),
        "{}",
        csv.body
    );

    assert_eq!(
        admin_api(&app, "/subscribers?format=xml", Some(TOKEN))
            .await
            .status,
        422
    );
}

#[tokio::test]
async fn the_admin_ui_shows_counts_feedback_and_a_csv_download_to_engineers_only() {
    let app = spawn().await;
    let incident = open_incident(&app).await;
    let token = confirmed(&app, "ann@example.com", &[]).await;
    subscribe(&app, "bob@example.com", &[]).await;
    get(&app, &format!("/feedback/{incident}/{token}/still-broken")).await;

    let anonymous = no_redirects()
        .get(format!("{}/admin/subscribers.csv", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 303, "sign in first");

    let cookie = sign_in(&app).await;
    let admin = |path: &'static str| {
        no_redirects()
            .get(format!("{}{path}", app.base))
            .header("Cookie", cookie.clone())
            .send()
    };
    let dashboard = Answer::read(admin("/admin").await.unwrap()).await;
    assert!(
        dashboard
            .body
            .contains("Subscribers: 1 confirmed, 1 pending."),
        "{}",
        dashboard.body
    );
    assert!(dashboard.body.contains("href=\"/admin/subscribers.csv\""));
    assert!(
        dashboard.body.contains("Outbox: "),
        "the outbox figures are on the dashboard"
    );

    let csv = Answer::read(admin("/admin/subscribers.csv").await.unwrap()).await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.header("content-disposition")
            .starts_with("attachment; filename=\"subscribers-")
    );
    assert!(
        csv.body.contains("ann@example.com,(all),20"),
        "{}",
        csv.body
    );

    let page = no_redirects()
        .get(format!("{}/admin/incidents/{incident}", app.base))
        .header("Cookie", cookie.clone())
        .send()
        .await
        .unwrap();
    let page = Answer::read(page).await;
    assert!(
        page.body
            .contains("After resolution: 0 say it works, 1 still broken (latest"),
        "{}",
        page.body
    );
}

/// Opens an incident through the admin API; returns its id.
async fn open_incident(app: &TestApp) -> String {
    let res = app
        .client
        .post(format!("{}/api/admin/v1/incidents", app.base))
        .bearer_auth(TOKEN)
        .json(&json!({
            "name": "Checkout errors", "status": "investigating", "impact": "major",
            "body": "Looking into it.", "components": {"api": "major_outage"}, "notify": false
        }))
        .send()
        .await
        .unwrap();
    let answer = Answer::read(res).await;
    assert_eq!(answer.status, 201, "{}", answer.body);
    json_of(&answer)["id"].as_str().unwrap().to_owned()
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Signs in to the admin UI; returns the session cookie.
async fn sign_in(app: &TestApp) -> String {
    let res = no_redirects()
        .post(format!("{}/admin/login", app.base))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string([("token", TOKEN)]).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let set = res.headers().get("set-cookie").expect("a session cookie");
    set.to_str().unwrap().split(';').next().unwrap().to_owned()
}

//! Incident, maintenance and update ids in URLs: a path segment that is not
//! an id, or names nothing, is a 404 with the same words on every route, and
//! only after the checks that come before it (token, JSON body).

use std::sync::Arc;

use candor::clock::ManualClock;
use serde_json::{Value, json};

use crate::helpers::{TOKEN, TestApp, admin_request, spawn_app_full};

const COMPONENTS: &str = "[[components]]\nid = \"api\"\nname = \"Public API\"\n";

async fn spawn() -> TestApp {
    spawn_app_full(COMPONENTS, Some(TOKEN), Arc::new(ManualClock::default())).await
}

/// The admin API's routes that read an id: method, path, body, what it names.
fn admin_routes(id: &str) -> [(&'static str, String, Value, &'static str); 5] {
    let update = json!({"status": "resolved", "body": "Fixed."});
    [
        ("GET", format!("/incidents/{id}"), json!({}), "incident"),
        (
            "POST",
            format!("/incidents/{id}/updates"),
            update,
            "incident",
        ),
        (
            "PUT",
            format!("/incidents/{id}/postmortem"),
            json!({"body": "x"}),
            "incident",
        ),
        (
            "GET",
            format!("/incidents/{id}/feedback"),
            json!({}),
            "incident",
        ),
        (
            "POST",
            format!("/maintenances/{id}/updates"),
            json!({"status": "completed", "body": "Done."}),
            "maintenance",
        ),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_id_that_is_no_id_or_names_nothing_is_a_404_on_every_route() {
    let app = spawn().await;
    // Not ids (a word, upper case, one too long, a dot), and one naming nothing.
    for id in [
        "nope",
        "K3V9Q0X2M7AB",
        "k3v9q0x2m7abc",
        "k3v9q0x2m7.b",
        "k3v9q0x2m7ab",
    ] {
        for (method, path, body, what) in admin_routes(id) {
            let words = json!({ "error": format!("no {what} with id \"{id}\"") });
            let answer = admin_request(&app.base, method, &path, body).await;
            assert_eq!(answer, (404, words), "{method} {path}");
        }
        for path in [
            format!("/incidents/{id}"),
            format!("/feedback/{id}/{}/working", "ab".repeat(32)),
        ] {
            assert_eq!(app.get(&path).await.status(), 404, "{path}");
        }
    }
    let trick = app.get("/incidents/..%2F..%2Fetc%2Fpasswd").await;
    assert_eq!(trick.status(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_id_is_judged_after_the_token_and_the_body() {
    let app = spawn().await;
    let url = format!("{}/api/admin/v1/incidents/nope/updates", app.base);
    let without_token = app.client.post(&url).json(&json!({})).send().await;
    assert_eq!(without_token.unwrap().status(), 401);
    let not_json = app.client.post(&url).bearer_auth(TOKEN).body("{not json");
    assert_eq!(not_json.send().await.unwrap().status(), 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ids_candor_makes_are_ones_its_routes_accept() {
    let app = spawn().await;
    let new = json!({"name": "API down", "status": "investigating", "body": "Looking."});
    let (status, i) = admin_request(&app.base, "POST", "/incidents", new).await;
    assert_eq!(status, 201, "{i}");
    let id = i["id"].as_str().unwrap();
    for made in [id, i["updates"][0]["id"].as_str().unwrap()] {
        let well_formed = made
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        assert!(made.len() == 12 && well_formed, "{made}");
    }
    let got = admin_request(&app.base, "GET", &format!("/incidents/{id}"), json!({})).await;
    assert_eq!(got, (200, i.clone()));
    app.wait_for_page("the incident", |p| p.contains("API down"))
        .await;
    assert_eq!(app.get(&format!("/incidents/{id}")).await.status(), 200);
}

//! `GET /healthz`: 200 when storage answers and the scheduler is turning, 503
//! otherwise, with which part failed, for load balancers and Docker.

use std::sync::atomic::Ordering;

use actix_web::{HttpResponse, web};
use serde_json::json;

use super::Shared;

/// The scheduler turns at least every second; allow for a busy machine.
const STALE_AFTER_SECS: i64 = 10;

pub async fn healthz(shared: web::Data<Shared>) -> HttpResponse {
    let storage = shared.store.healthy();
    let beat = shared.heartbeat.load(Ordering::Relaxed);
    let age = shared.clock.now().timestamp() - beat;
    let node = shared.node.as_ref().map(|n| n.state());
    // A standby runs no scheduler: that is its role, not a failure.
    let standby = node.as_ref().is_some_and(|n| !n.leader);
    let scheduler = standby || (beat > 0 && age <= STALE_AFTER_SECS);
    let mut body = json!({
        "status": if storage && scheduler { "ok" } else { "unhealthy" },
        "storage": if storage { "ok" } else { "failing" },
        "scheduler": if standby { "standby" } else if scheduler { "ok" } else { "stalled" },
    });
    if let (Some(state), Some(me)) = (&node, &shared.node) {
        body["role"] = json!(if state.leader { "leader" } else { "standby" });
        body["node"] = json!(me.id);
        body["leader"] = json!(state.leader_url);
        body["epoch"] = json!(state.epoch);
    }
    let mut res = if storage && scheduler {
        HttpResponse::Ok()
    } else {
        HttpResponse::ServiceUnavailable()
    };
    res.insert_header(("Cache-Control", "no-store")).json(body)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::AtomicI64;

    use actix_web::{App, test, web};
    use serde_json::{Value, json};

    use super::healthz;
    use crate::clock::SystemClock;
    use crate::config::Config;
    use crate::metrics::Metrics;
    use crate::pipeline::desk::Desk;
    use crate::read::view::View;
    use crate::store::Store;
    use crate::web::Shared;
    use crate::web::snapshot::Snapshots;

    fn shared(store: Store, heartbeat: i64) -> Shared {
        let view = View {
            config: Arc::new(Config::parse("").unwrap()),
            components: Arc::default(),
            book: Arc::default(),
            uptime: Arc::default(),
            now: chrono::Utc::now(),
            lang: crate::lang::Lang::english(),
        };
        let snapshot = crate::web::render::render(view, None);
        Shared {
            snapshots: Arc::new(Snapshots::new(snapshot)),
            limits: Arc::default(),
            report_limits: Arc::default(),
            failures: Arc::default(),
            store,
            metrics: Arc::new(Metrics::new()),
            heartbeat: Arc::new(AtomicI64::new(heartbeat)),
            desk: Desk::new(1).0,
            admin_token: None,
            clock: Arc::new(SystemClock),
            agents: Arc::new(crate::web::agents::Agents::new(
                &Config::parse("").unwrap(),
                tokio::sync::mpsc::channel(1).0,
            )),
            node: None,
        }
    }

    async fn get(shared: Shared) -> (u16, Value) {
        let app = test::init_service(
            App::new()
                .app_data(web::Data::new(shared))
                .route("/healthz", web::get().to(healthz)),
        )
        .await;
        let res =
            test::call_service(&app, test::TestRequest::get().uri("/healthz").to_request()).await;
        let status = res.status().as_u16();
        (status, test::read_body_json(res).await)
    }

    #[actix_web::test]
    async fn healthz_answers_503_naming_the_failing_part() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::open(dir.path()).unwrap();
        let now = chrono::Utc::now().timestamp();
        let ok = json!({"status": "ok", "storage": "ok", "scheduler": "ok"});
        let stalled = json!({"status": "unhealthy", "storage": "ok", "scheduler": "stalled"});
        // (heartbeat, storage failed) → answer
        let table = [
            (now, false, 200, ok),
            (now - 60, false, 503, stalled.clone()),
            (0, false, 503, stalled),
            (
                now,
                true,
                503,
                json!({"status": "unhealthy", "storage": "failing", "scheduler": "ok"}),
            ),
        ];
        for (beat, failed, code, body) in table {
            store.inject_disk_full(failed);
            if failed {
                let refused = store.commit(&crate::store::Commit::default());
                assert!(refused.is_err());
            } else {
                store.recover().await.unwrap();
            }
            let got = get(shared(store.clone(), beat)).await;
            assert_eq!(
                got,
                (code, body),
                "heartbeat {beat}, storage failed {failed}"
            );
        }
    }
}

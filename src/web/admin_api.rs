//! The engineers' JSON API under `/api/admin/v1` (bearer `CANDOR_ADMIN_TOKEN`).
//! Every write goes through the desk and is on disk before the 2xx.
//! Errors: 401 without a valid token, 403 when no token is configured, 400 for a
//! body that is not a JSON object, 422 `{"error", "fields"}` naming each bad field.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::Shared;
use super::auth::{self, Access};
use super::subscribe::export;
use crate::incidents::input::{self, ComponentStatusInput, FieldErrors, PostmortemInput};
use crate::pipeline::desk::{Command, CommandError, Done};
use crate::read::records;

/// Registers the admin API routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/admin/v1")
            .route("/incidents", web::get().to(list_incidents))
            .route("/incidents", web::post().to(open_incident))
            .route("/incidents/{id}", web::get().to(get_incident))
            .route("/incidents/{id}/updates", web::post().to(update_incident))
            .route("/incidents/{id}/postmortem", web::put().to(postmortem))
            .route("/incidents/{id}/feedback", web::get().to(incident_feedback))
            .route("/subscribers", web::get().to(list_subscribers))
            .route("/maintenances", web::post().to(schedule_maintenance))
            .route(
                "/maintenances/{id}/updates",
                web::post().to(update_maintenance),
            )
            .route("/components/{id}", web::patch().to(set_component)),
    );
}

async fn open_incident(
    req: HttpRequest,
    shared: web::Data<Shared>,
    body: web::Bytes,
) -> HttpResponse {
    write(
        &req,
        &shared,
        &body,
        StatusCode::CREATED,
        Command::OpenIncident,
    )
    .await
}

async fn update_incident(
    req: HttpRequest,
    shared: web::Data<Shared>,
    id: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let id = id.into_inner();
    write(&req, &shared, &body, StatusCode::CREATED, |input| {
        Command::UpdateIncident { id, input }
    })
    .await
}

async fn postmortem(
    req: HttpRequest,
    shared: web::Data<Shared>,
    id: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let id = id.into_inner();
    write(
        &req,
        &shared,
        &body,
        StatusCode::OK,
        |p: PostmortemInput| Command::WritePostmortem { id, body: p.body },
    )
    .await
}

async fn schedule_maintenance(
    req: HttpRequest,
    shared: web::Data<Shared>,
    body: web::Bytes,
) -> HttpResponse {
    write(
        &req,
        &shared,
        &body,
        StatusCode::CREATED,
        Command::ScheduleMaintenance,
    )
    .await
}

async fn update_maintenance(
    req: HttpRequest,
    shared: web::Data<Shared>,
    id: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let id = id.into_inner();
    write(&req, &shared, &body, StatusCode::CREATED, |input| {
        Command::UpdateMaintenance { id, input }
    })
    .await
}

async fn set_component(
    req: HttpRequest,
    shared: web::Data<Shared>,
    id: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let id = id.into_inner();
    write(
        &req,
        &shared,
        &body,
        StatusCode::OK,
        |c: ComponentStatusInput| Command::SetComponent {
            id,
            status: c.status,
        },
    )
    .await
}

async fn list_incidents(req: HttpRequest, shared: web::Data<Shared>) -> HttpResponse {
    if let Some(refused) = refuse(&req, &shared) {
        return refused;
    }
    let view = shared.snapshots.current().view.clone();
    let mut incidents: Vec<_> = view.book.incidents.values().collect();
    incidents.sort_by_key(|i| std::cmp::Reverse(i.started_at));
    let tz = view.config.site.timezone;
    let incidents: Vec<Value> = incidents.iter().map(|i| records::incident(i, tz)).collect();
    HttpResponse::Ok().json(json!({ "incidents": incidents }))
}

async fn get_incident(
    req: HttpRequest,
    shared: web::Data<Shared>,
    id: web::Path<String>,
) -> HttpResponse {
    if let Some(refused) = refuse(&req, &shared) {
        return refused;
    }
    let view = shared.snapshots.current().view.clone();
    match view.book.incidents.get(id.as_str()) {
        Some(i) => HttpResponse::Ok().json(records::incident(i, view.config.site.timezone)),
        None => error(
            StatusCode::NOT_FOUND,
            &format!("no incident with id \"{id}\""),
        ),
    }
}

/// Subscribers' answers to "is it working for you now?" for one incident.
async fn incident_feedback(
    req: HttpRequest,
    shared: web::Data<Shared>,
    id: web::Path<String>,
) -> HttpResponse {
    if let Some(refused) = refuse(&req, &shared) {
        return refused;
    }
    let id = id.into_inner();
    if !shared
        .snapshots
        .current()
        .view
        .book
        .incidents
        .contains_key(&id)
    {
        return error(
            StatusCode::NOT_FOUND,
            &format!("no incident with id \"{id}\""),
        );
    }
    let store = shared.store.clone();
    match web::block(move || store.feedback(&id)).await {
        Ok(Ok(counts)) => HttpResponse::Ok().json(counts),
        Ok(Err(e)) => unavailable("reading feedback", e.into()),
        Err(e) => unavailable("reading feedback", e.into()),
    }
}

#[derive(Deserialize)]
struct ListQuery {
    format: Option<String>,
}

/// Every subscriber: JSON (counts and list), or `?format=csv`.
async fn list_subscribers(
    req: HttpRequest,
    shared: web::Data<Shared>,
    query: web::Query<ListQuery>,
) -> HttpResponse {
    if let Some(refused) = refuse(&req, &shared) {
        return refused;
    }
    let csv = match query.format.as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(_) => {
            let mut errors = FieldErrors::default();
            errors.add("format", "must be json or csv");
            return invalid(&errors);
        }
    };
    let store = shared.store.clone();
    match web::block(move || store.all_subscribers()).await {
        Ok(Ok(list)) if csv => export::csv_response(&list, shared.clock.now()),
        Ok(Ok(list)) => HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .json(export::json(&list)),
        Ok(Err(e)) => unavailable("listing subscribers", e.into()),
        Err(e) => unavailable("listing subscribers", e.into()),
    }
}

/// 503 for a storage failure, whose cause goes to the log.
fn unavailable(what: &str, e: anyhow::Error) -> HttpResponse {
    tracing::error!(error = %format!("{e:#}"), "{what} failed");
    error(
        StatusCode::SERVICE_UNAVAILABLE,
        &format!("{what} failed; try again"),
    )
}

/// Authenticates, reads the JSON object into the command's input (with the
/// one reader the admin forms use too), builds the command, submits it.
async fn write<T: DeserializeOwned + Default>(
    req: &HttpRequest,
    shared: &Shared,
    body: &[u8],
    success: StatusCode,
    build: impl FnOnce(T) -> Command,
) -> HttpResponse {
    if let Some(refused) = refuse(req, shared) {
        return refused;
    }
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                &format!("the body is not valid JSON: {e}"),
            );
        }
    };
    let Value::Object(object) = value else {
        return error(StatusCode::BAD_REQUEST, "the body must be a JSON object");
    };
    let (input, problems) = input::read(object);
    let command = build(input);
    match shared.desk.submit_with(command, problems).await {
        Ok(done) => {
            let tz = shared.snapshots.current().view.config.site.timezone;
            HttpResponse::build(success).json(done_json(&done, tz))
        }
        Err(CommandError::Invalid(errors)) => invalid(&errors),
        Err(CommandError::NotFound(message)) => error(StatusCode::NOT_FOUND, &message),
        Err(e @ (CommandError::Storage | CommandError::Stopped)) => error(
            StatusCode::SERVICE_UNAVAILABLE,
            &format!("{e}; nothing was changed, try again"),
        ),
    }
}

fn done_json(done: &Done, tz: chrono_tz::Tz) -> Value {
    match done {
        Done::Incident(i) => records::incident(i, tz),
        Done::Maintenance(m) => records::maintenance(m, tz),
        Done::Component { id, status } => json!({ "id": id, "status": status }),
        // Visitors' writes never come through the admin API.
        Done::Subscribed(_)
        | Done::Subscriber(_)
        | Done::Removed(_)
        | Done::Answered(_)
        | Done::Expired(_) => json!({}),
    }
}

/// Some(response) when the request may not use the API.
fn refuse(req: &HttpRequest, shared: &Shared) -> Option<HttpResponse> {
    match auth::bearer(req, shared.admin_token.as_deref()) {
        Access::Granted => None,
        Access::Denied => Some(
            HttpResponse::Unauthorized()
                .insert_header(("WWW-Authenticate", "Bearer"))
                .json(json!({ "error": "missing or wrong token: send Authorization: Bearer <CANDOR_ADMIN_TOKEN>" })),
        ),
        Access::Disabled => Some(error(
            StatusCode::FORBIDDEN,
            "the admin API is disabled: start Candor with CANDOR_ADMIN_TOKEN set to a long random secret",
        )),
    }
}

fn error(status: StatusCode, message: &str) -> HttpResponse {
    HttpResponse::build(status).json(json!({ "error": message }))
}

fn invalid(errors: &FieldErrors) -> HttpResponse {
    HttpResponse::UnprocessableEntity()
        .json(json!({ "error": errors.summary(), "fields": errors.0 }))
}

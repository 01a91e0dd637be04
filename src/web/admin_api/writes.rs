//! The admin API's writes: each reads its JSON body with the one reader the
//! admin forms use too, goes through the desk, and answers once the change is
//! on disk, with the record as [`shapes`] writes it.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::errors::{error, invalid, refuse};
use super::shapes;
use crate::incidents::input::{self, ComponentStatusInput, PostmortemInput};
use crate::incidents::{IncidentId, MaintenanceId};
use crate::pipeline::desk::{Command, CommandError, Done};
use crate::web::Shared;

pub async fn open_incident(
    req: HttpRequest,
    shared: web::Data<Shared>,
    body: web::Bytes,
) -> HttpResponse {
    write(&req, &shared, &body, StatusCode::CREATED, |i| {
        Ok(Command::OpenIncident(i))
    })
    .await
}

pub async fn update_incident(
    req: HttpRequest,
    shared: web::Data<Shared>,
    id: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let id = IncidentId::parse(&id).map_err(|_| CommandError::no_such("incident", &id));
    write(&req, &shared, &body, StatusCode::CREATED, |input| {
        Ok(Command::UpdateIncident { id: id?, input })
    })
    .await
}

pub async fn split_incident(
    req: HttpRequest,
    shared: web::Data<Shared>,
    id: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let id = IncidentId::parse(&id).map_err(|_| CommandError::no_such("incident", &id));
    write(&req, &shared, &body, StatusCode::CREATED, |input| {
        Ok(Command::SplitIncident { id: id?, input })
    })
    .await
}

pub async fn postmortem(
    req: HttpRequest,
    shared: web::Data<Shared>,
    id: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let id = IncidentId::parse(&id).map_err(|_| CommandError::no_such("incident", &id));
    write(
        &req,
        &shared,
        &body,
        StatusCode::OK,
        |p: PostmortemInput| {
            Ok(Command::WritePostmortem {
                id: id?,
                body: p.body,
            })
        },
    )
    .await
}

pub async fn schedule_maintenance(
    req: HttpRequest,
    shared: web::Data<Shared>,
    body: web::Bytes,
) -> HttpResponse {
    write(&req, &shared, &body, StatusCode::CREATED, |m| {
        Ok(Command::ScheduleMaintenance(m))
    })
    .await
}

pub async fn update_maintenance(
    req: HttpRequest,
    shared: web::Data<Shared>,
    id: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let id = MaintenanceId::parse(&id).map_err(|_| CommandError::no_such("maintenance", &id));
    write(&req, &shared, &body, StatusCode::CREATED, |input| {
        Ok(Command::UpdateMaintenance { id: id?, input })
    })
    .await
}

pub async fn set_component(
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
        |c: ComponentStatusInput| {
            Ok(Command::SetComponent {
                id,
                status: c.status,
            })
        },
    )
    .await
}

/// Authenticates, reads the JSON object into the command's input (with the
/// one reader the admin forms use too), builds the command (which fails for an
/// id in the path that names nothing), submits it.
async fn write<T: DeserializeOwned + Default>(
    req: &HttpRequest,
    shared: &Shared,
    body: &[u8],
    success: StatusCode,
    build: impl FnOnce(T) -> Result<Command, CommandError>,
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
    let done = match build(input) {
        Ok(command) => shared.desk.submit_with(command, problems).await,
        Err(e) => Err(e),
    };
    match done {
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
        Done::Incident(i) => json!(shapes::incident(i, tz)),
        Done::Maintenance(m) => json!(shapes::maintenance(m, tz)),
        Done::Component { id, status } => shapes::component(id, *status),
        // Visitors' writes never come through the admin API.
        Done::Group { .. }
        | Done::Subscribed(_)
        | Done::Subscriber(_)
        | Done::Removed(_)
        | Done::Answered(_)
        | Done::Expired(_)
        | Done::Reported => json!({}),
    }
}

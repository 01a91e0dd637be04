//! `GET|POST /feedback/{incident}/{token}/{working|still-broken}`: the two
//! links in a resolution email ("is everything working for you now?"). The
//! latest answer counts; the thank-you page offers the other one.

use actix_web::{HttpRequest, HttpResponse, web};

use super::manage::lookup;
use super::pages::{self, answer_slug};
use super::{Here, Unavailable, write};
use crate::incidents::IncidentId;
use crate::pipeline::desk::{Done, SubscriptionCommand};
use crate::subscribers::Answer;
use crate::web::Shared;

#[tracing::instrument(skip_all)]
pub async fn record(
    req: HttpRequest,
    shared: web::Data<Shared>,
    path: web::Path<(String, String, String)>,
) -> HttpResponse {
    let (incident, token, answer) = path.into_inner();
    let snapshot = shared.snapshots.current();
    let site = Here::of(&req, &snapshot.view.config.site);
    let found = IncidentId::parse(&incident)
        .ok()
        .and_then(|id| snapshot.view.book.incidents.get(&id));
    let (Some(answer), Some(found)) = (parse(&answer), found) else {
        return pages::link_gone(site);
    };
    // Only confirmed subscribers were asked; a pending one's token is no vote.
    match lookup(&shared, token.clone()).await {
        Ok(Some(s)) if s.is_confirmed() => {}
        Ok(_) => return pages::link_gone(site),
        Err(Unavailable) => return pages::unavailable(site),
    }
    let command = SubscriptionCommand::Answer {
        incident: found.id.clone(),
        token: token.clone(),
        answer,
    };
    match write(&shared, "record feedback", command).await {
        Ok(Done::Answered(true)) => pages::thanks(site, found, &token, answer),
        Ok(_) => pages::link_gone(site),
        Err(Unavailable) => pages::unavailable(site),
    }
}

fn parse(slug: &str) -> Option<Answer> {
    [Answer::Working, Answer::StillBroken]
        .into_iter()
        .find(|a| answer_slug(*a) == slug)
}

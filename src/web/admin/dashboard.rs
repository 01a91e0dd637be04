//! `GET /admin`: what is open, what each component shows and who decided it,
//! and what maintenance is coming; plus setting a component's status by hand.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use maud::{Markup, html};

use super::guard::Engineer;
use super::layout::{frame, html, message};
use super::state::Session;
use crate::incidents::{Incident, MaintenanceStatus};
use crate::read::time;
use crate::read::view::View;
use crate::read::words;
use crate::web::subscribe::export;

/// How many resolved incidents the dashboard lists (for postmortems).
const RECENTLY_RESOLVED: usize = 5;

pub use super::components::COMPONENT_STATUSES;

pub async fn show(engineer: Engineer) -> HttpResponse {
    let snapshot = engineer.shared.snapshots.current();
    let store = engineer.shared.store.clone();
    let counts = match web::block(move || store.subscriber_counts()).await {
        Ok(Ok(counts)) => Some(counts),
        Ok(Err(e)) => unreadable("the subscriber counts", e.into()),
        Err(e) => unreadable("the subscriber counts", e.into()),
    };
    let delivery = outbox(&engineer.shared.metrics);
    let reports = crate::web::reports::overview::load(&engineer.shared).await;
    let reports = super::reports::section(&snapshot.view, reports.ok().as_ref());
    let nodes = nodes(&engineer.shared).await;
    let sections = Sections {
        reports,
        delivery,
        nodes,
    };
    html(
        StatusCode::OK,
        page(&snapshot.view, &engineer.session, counts, sections),
    )
}

/// Dashboard sections read from elsewhere than the snapshot.
struct Sections {
    /// Customers' reports (from storage).
    reports: Markup,
    /// Email delivery (from the metrics).
    delivery: Markup,
    /// The nodes on the database seen in the last minute (several nodes only).
    nodes: Markup,
}

/// How far back the dashboard lists nodes.
const NODES_SEEN_WITHIN: std::time::Duration = std::time::Duration::from_secs(60);

/// The nodes that said they were alive in the last minute, and which leads.
async fn nodes(shared: &crate::web::Shared) -> Markup {
    let Some(node) = shared.node.clone() else {
        return html! {};
    };
    let lease = node.lease.clone();
    let seen = match web::block(move || lease.nodes(NODES_SEEN_WITHIN)).await {
        Ok(Ok(seen)) => Some(seen),
        Ok(Err(e)) => unreadable("the nodes", e.into()),
        Err(e) => unreadable("the nodes", e.into()),
    };
    let state = node.state();
    html! {
        section aria-labelledby="nodes-title" {
            h2 #nodes-title { "Nodes" }
            p { "Epoch " (state.epoch) " of the leader's lease. Nodes seen in the last minute:" }
            @if seen.is_none() {
                p.empty { "The list of nodes cannot be read from the database right now." }
            }
            ul {
                @for n in seen.iter().flatten() {
                    li {
                        strong { (n.role) } " " (n.advertise_url) " (" (n.node)
                        @if n.node == node.id { ", this node" }
                        "), seen " (n.seen_ago.as_secs()) " s ago"
                    }
                }
            }
        }
    }
}

/// Email delivery as the worker last counted it (numbers only, no user text).
fn outbox(m: &crate::metrics::Metrics) -> Markup {
    html! {
        section aria-labelledby="outbox-title" {
            h2 #outbox-title { "Email delivery" }
            p {
                "Outbox: " (m.outbox_queued.get()) " queued, " (m.outbox_retrying.get()) " retrying, "
                (m.outbox_failed.get()) " failed (kept). Since start: "
                (m.emails_sent.get()) " sent, " (m.emails_failed.get()) " given up."
            }
        }
    }
}

/// `GET /admin/subscribers.csv`: every subscriber, for a spreadsheet.
pub async fn subscribers_csv(engineer: Engineer) -> HttpResponse {
    let store = engineer.shared.store.clone();
    let list = match web::block(move || store.all_subscribers()).await {
        Ok(Ok(list)) => Some(export::subscriptions(list)),
        Ok(Err(e)) => unreadable("the subscriber list", e.into()),
        Err(e) => unreadable("the subscriber list", e.into()),
    };
    match list {
        Some(list) => export::csv_response(&list, engineer.shared.clock.now()),
        None => message(
            StatusCode::SERVICE_UNAVAILABLE,
            "Not available",
            Some(&engineer.session),
            "The subscriber list could not be read. Try again.",
        ),
    }
}

/// Logs a storage failure with its cause; the page shows what it can.
fn unreadable<T>(what: &str, e: anyhow::Error) -> Option<T> {
    tracing::error!(error = %format!("{e:#}"), "reading {what} failed");
    None
}

fn page(v: &View, session: &Session, subscribers: Option<(u64, u64)>, more: Sections) -> Markup {
    let content = html! {
        h1 { "Dashboard" }
        p.actions {
            a.button.primary href="/admin/incidents/new" { "Open an incident" }
            a.button href="/admin/maintenances/new" { "Schedule maintenance" }
        }
        (open_incidents(v))
        (more.reports)
        (super::components::section(v, session))
        (maintenances(v))
        (locations(v))
        (recently_resolved(v))
        (subscriber_counts(subscribers))
        (more.delivery)
        (more.nodes)
    };
    frame("Dashboard", Some(session), content)
}

fn open_incidents(v: &View) -> Markup {
    let open = v.book.open_incidents();
    html! {
        section aria-labelledby="open-title" {
            h2 #open-title { "Open incidents" }
            @if open.is_empty() {
                p.empty { "No open incidents." }
            } @else {
                (incident_table(v, &open))
            }
        }
    }
}

fn recently_resolved(v: &View) -> Markup {
    let mut done: Vec<&Incident> = v
        .book
        .incidents
        .values()
        .filter(|i| !i.status.is_open())
        .collect();
    done.sort_by_key(|i| std::cmp::Reverse(i.updated_at));
    done.truncate(RECENTLY_RESOLVED);
    html! {
        @if !done.is_empty() {
            section aria-labelledby="resolved-title" {
                h2 #resolved-title { "Recently resolved" }
                (incident_table(v, &done))
            }
        }
    }
}

fn incident_table(v: &View, incidents: &[&Incident]) -> Markup {
    let tz = v.config.site.timezone;
    html! {
        table.list {
            thead { tr { th { "Incident" } th { "Impact" } th { "Status" } th { "Latest update" } } }
            tbody {
                @for i in incidents {
                    tr {
                        td { a href={"/admin/incidents/" (i.id)} { (words::incident_name(crate::lang::Lang::english(), &i.name)) } }
                        td { (i.impact.label()) }
                        td { (i.status.label()) }
                        td {
                            @if let Some(u) = i.latest() {
                                time datetime=(time::iso(u.at)) { (time::short(crate::lang::Lang::english(), u.at, v.now, tz)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn maintenances(v: &View) -> Markup {
    let tz = v.config.site.timezone;
    let mut coming: Vec<_> = v
        .book
        .maintenances
        .values()
        .filter(|m| m.status != MaintenanceStatus::Completed)
        .collect();
    coming.sort_by_key(|m| m.scheduled_for);
    html! {
        section aria-labelledby="maintenance-title" {
            h2 #maintenance-title { "Maintenance" }
            @if coming.is_empty() {
                p.empty { "No maintenance scheduled or in progress." }
            } @else {
                table.list {
                    thead { tr { th { "Maintenance" } th { "Status" } th { "Window" } } }
                    tbody {
                        @for m in coming {
                            tr {
                                td { a href={"/admin/maintenances/" (m.id)} { (m.name) } }
                                td { (m.status.label()) }
                                td {
                                    (time::short(crate::lang::Lang::english(), m.scheduled_for, v.now, tz)) " – "
                                    (time::short(crate::lang::Lang::english(), m.scheduled_until, v.now, tz))
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Each place checks are probed from (when any check lists another than this
/// instance): whether it reports, and failures seen from too few places.
fn locations(v: &View) -> Markup {
    use std::collections::BTreeMap;
    let mut seen: BTreeMap<
        &crate::model::LocationId,
        (bool, Option<chrono::DateTime<chrono::Utc>>),
    > = BTreeMap::new();
    let mut unconfirmed = Vec::new();
    for (id, c) in v.components.iter() {
        for p in &c.places.places {
            let e = seen.entry(&p.location).or_insert((false, None));
            e.0 |= p.health.is_some();
            e.1 = e.1.max(p.last.as_ref().map(|l| l.at));
        }
        unconfirmed.extend(c.places.unconfirmed.iter().map(|f| (id, f)));
    }
    if seen.is_empty() {
        return html! {};
    }
    let tz = v.config.site.timezone;
    let named = |id: &crate::model::LocationId| v.config.location_name(id).to_owned();
    html! {
        section aria-labelledby="locations-title" {
            h2 #locations-title { "Locations" }
            ul {
                @for (id, (fresh, last)) in &seen {
                    li {
                        strong { (named(id)) } " (" (id) "): "
                        @match (fresh, last) {
                            (true, Some(at)) => { "reporting, last result " (time::precise(crate::lang::Lang::english(), *at, tz)) }
                            (_, Some(at)) => { "no data since " (time::short(crate::lang::Lang::english(), *at, v.now, tz)) }
                            (_, None) => { "no data yet" }
                        }
                    }
                }
            }
            @for (component, f) in &unconfirmed {
                p.hint {
                    (component) ": problem seen from "
                    (f.seen_from.as_ref().map_or_else(String::new, |s| crate::read::words::and_list(crate::lang::Lang::english(), &s.failing)))
                    " only, not confirmed: " (crate::read::words::findings(crate::lang::Lang::english(), std::slice::from_ref(*f)))
                }
            }
        }
    }
}

fn subscriber_counts(counts: Option<(u64, u64)>) -> Markup {
    html! {
        section aria-labelledby="subscribers-title" {
            h2 #subscribers-title { "Subscribers" }
            p {
                @match counts {
                    Some((confirmed, pending)) => {
                        "Subscribers: " (confirmed) " confirmed, " (pending) " pending. "
                    }
                    None => { "Subscribers: could not be counted (see the log). " }
                }
                a href="/admin/subscribers.csv" download { "Download the list (CSV)" }
            }
        }
    }
}

//! `GET /feed.atom` and `GET /feed.rss`: incidents and maintenances for feed
//! readers, newest first. Written by `atom_syndication` and `rss` (escaping,
//! dates, namespaces), rendered into the snapshot with the pages.

use std::borrow::Cow;

use actix_web::{HttpRequest, HttpResponse, web};
use atom_syndication as atom;
use chrono::{DateTime, Utc};
use reqwest::Url;

use super::Shared;
use super::public::PAGE_CACHE;
use super::snapshot::Rendered;
use crate::incidents::{Incident, Maintenance, promise};
use crate::model::ComponentId;
use crate::read::view::View;
use crate::read::words::promise as promised;
use crate::read::{time, words};

pub const ATOM: &str = "application/atom+xml; charset=utf-8";
pub const RSS: &str = "application/rss+xml; charset=utf-8";

/// Readers poll; the newest records are what they need.
const MAX_ENTRIES: usize = 50;

pub async fn atom_feed(req: HttpRequest, shared: web::Data<Shared>) -> HttpResponse {
    let snapshot = super::public::localized(&req, &shared);
    let res = snapshot.feed_atom.respond(&req, PAGE_CACHE);
    super::public::answer(&req, &snapshot, res)
}

pub async fn rss_feed(req: HttpRequest, shared: web::Data<Shared>) -> HttpResponse {
    let snapshot = super::public::localized(&req, &shared);
    let res = snapshot.feed_rss.respond(&req, PAGE_CACHE);
    super::public::answer(&req, &snapshot, res)
}

/// One incident or maintenance, as both formats show it.
#[derive(Debug)]
struct Item<'a> {
    /// "Elevated API errors — Resolved".
    title: String,
    /// The latest update's text, plain.
    text: Cow<'a, str>,
    link: String,
    updated: DateTime<Utc>,
}

/// A record the feeds may show.
enum Record<'a> {
    Incident(&'a Incident),
    Maintenance(&'a Maintenance),
}

/// Every incident and maintenance, newest change first, at most [`MAX_ENTRIES`].
/// The newest are chosen before any is put into words, so years of history
/// cost one comparison per record, not a title and a text each.
fn items(v: &View) -> Vec<Item<'_>> {
    let incidents =
        (v.book.incidents.values()).map(|i| (i.updated_at, i.id.as_str(), Record::Incident(i)));
    let maintenances = (v.book.maintenances.values())
        .map(|m| (m.updated_at, m.id.as_str(), Record::Maintenance(m)));
    let mut newest: Vec<_> = incidents.chain(maintenances).collect();
    // Ties broken by id so the same state always gives the same bytes (ETag).
    let order = |a: &(DateTime<Utc>, &str, Record), b: &(DateTime<Utc>, &str, Record)| {
        b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1))
    };
    if newest.len() > MAX_ENTRIES {
        newest.select_nth_unstable_by(MAX_ENTRIES - 1, order);
        newest.truncate(MAX_ENTRIES);
    }
    newest.sort_by(order);
    newest.into_iter().map(|(_, _, r)| item(v, r)).collect()
}

fn item<'a>(v: &View, record: Record<'a>) -> Item<'a> {
    let base = &v.config.site.public_url;
    let (tz, l) = (v.config.site.timezone, v.lang);
    match record {
        Record::Incident(i) => Item {
            title: format!(
                "{} — {}",
                words::incident_name(l, &i.name),
                words::incident_status(l, i.status)
            ),
            text: Cow::Owned(incident_text(v, i)),
            link: link(base, &["incidents", i.id.as_str()]),
            updated: i.updated_at,
        },
        Record::Maintenance(m) => Item {
            title: format!("{} — {}", m.name, words::maintenance_status(l, m.status)),
            text: m.latest().map_or(Cow::Borrowed(m.body.as_str()), |u| {
                words::update(l, &u.body, tz)
            }),
            link: link(base, &["incidents", m.id.as_str()]),
            updated: m.updated_at,
        },
    }
}

/// The latest update's text, then the why and, while one is promised, when
/// the next update comes (nothing that changes with the time of the render).
fn incident_text(v: &View, i: &Incident) -> String {
    let (tz, l) = (v.config.site.timezone, v.lang);
    let latest = i
        .latest()
        .map_or(Cow::Borrowed(""), |u| words::update(l, &u.body, tz));
    let name =
        |c: &ComponentId| (v.config.component(c)).map_or_else(|| c.to_string(), |k| k.name.clone());
    let postmortem = format!(
        "{}#postmortem",
        link(&v.config.site.public_url, &["incidents", i.id.as_str()])
    );
    let why = promised::why(
        l,
        &promise::grounds(i, &name, &|c| v.seen_now(c)),
        tz,
        &postmortem,
    );
    let why = promised::why_line(l, &why);
    let mut text = match latest.trim() {
        "" => why,
        latest => format!("{latest}\n\n{why}"),
    };
    if let Some(by) = i.next_update_by.filter(|_| i.status.is_open()) {
        text.push('\n');
        text.push_str(&promised::next_update_by(l, &time::day_time(l, by, tz)));
    }
    text
}

/// `segments` appended to the public URL's path (which may be a prefix).
fn link(base: &Url, segments: &[&str]) -> String {
    let mut url = base.clone();
    url.set_query(None);
    url.set_fragment(None);
    // Only a cannot-be-a-base URL refuses, and the config accepts http(s) only.
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty().extend(segments);
    }
    url.into()
}

/// The feed's own date: its newest entry's, not the render time, so an
/// unchanged book keeps its ETag (an empty feed dates from the epoch).
fn newest(items: &[Item]) -> DateTime<Utc> {
    items.first().map_or(DateTime::UNIX_EPOCH, |i| i.updated)
}

/// Both feeds, from one choice of entries.
pub fn both(v: &View) -> (Rendered, Rendered) {
    let items = items(v);
    (atom_of(v, &items), rss_of(v, &items))
}

/// The Atom feed (RFC 4287).
#[cfg(test)]
pub fn atom(v: &View) -> Rendered {
    atom_of(v, &items(v))
}

fn atom_of(v: &View, items: &[Item<'_>]) -> Rendered {
    let site = &v.config.site;
    let home = site.public_url.to_string();
    let feed = atom::Feed {
        title: site.title.clone().into(),
        lang: Some(v.lang.tag().to_owned()),
        id: home.clone(),
        updated: newest(items).fixed_offset(),
        authors: vec![atom::Person {
            name: site.title.clone(),
            uri: Some(home.clone()),
            ..Default::default()
        }],
        links: vec![
            atom_link(&home, "alternate", "text/html"),
            atom_link(&link(&site.public_url, &["feed.atom"]), "self", ATOM),
        ],
        entries: items.iter().map(atom_entry).collect(),
        ..Default::default()
    };
    let body = feed.write_to(Vec::new()).unwrap_or_else(|e| {
        tracing::error!(error = %e, "could not write the Atom feed");
        Vec::new()
    });
    Rendered::new(body, ATOM)
}

fn atom_link(href: &str, rel: &str, mime: &str) -> atom::Link {
    atom::Link {
        href: href.to_owned(),
        rel: rel.to_owned(),
        mime_type: Some(mime.split(';').next().unwrap_or(mime).to_owned()),
        ..Default::default()
    }
}

fn atom_entry(item: &Item) -> atom::Entry {
    atom::Entry {
        title: item.title.clone().into(),
        id: item.link.clone(),
        updated: item.updated.fixed_offset(),
        links: vec![atom_link(&item.link, "alternate", "text/html")],
        // `type="text"`: readers show it as plain text; the crate escapes it.
        content: Some(atom::Content {
            value: Some(item.text.clone().into_owned()),
            content_type: Some("text".to_owned()),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// The RSS 2.0 feed.
#[cfg(test)]
pub fn rss(v: &View) -> Rendered {
    rss_of(v, &items(v))
}

fn rss_of(v: &View, items: &[Item<'_>]) -> Rendered {
    let site = &v.config.site;
    let channel = rss::Channel {
        title: site.title.clone(),
        link: site.public_url.to_string(),
        description: crate::say!(v.lang, "feed-description", site = site.title.as_str()),
        language: Some(v.lang.tag().to_owned()),
        last_build_date: items.first().map(|i| i.updated.to_rfc2822()),
        items: items.iter().map(rss_item).collect(),
        ..Default::default()
    };
    let body = channel.write_to(Vec::new()).unwrap_or_else(|e| {
        tracing::error!(error = %e, "could not write the RSS feed");
        Vec::new()
    });
    Rendered::new(body, RSS)
}

fn rss_item(item: &Item) -> rss::Item {
    rss::Item {
        title: Some(item.title.clone()),
        link: Some(item.link.clone()),
        // RSS readers treat a description as HTML: escape the plain text for
        // HTML first (the crate then only wraps it for XML).
        description: Some(maud::html! { (item.text) }.into_string()),
        guid: Some(rss::Guid {
            value: item.link.clone(),
            permalink: true,
        }),
        pub_date: Some(item.updated.to_rfc2822()),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests;

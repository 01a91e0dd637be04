//! Rendering the public site from a [`View`] into a [`Snapshot`].
//!
//! With thousands of past incidents, rendering every permalink on every status
//! change would be most of the work; closed records do not change, so their
//! pages (and the history, while no record changed) are taken from the previous
//! snapshot.

use std::sync::Arc;

use super::component_pages::ComponentPages;
use super::record_pages::{Changed, RecordPages};
use super::snapshot::{Rendered, Snapshot};
use super::{badges, feeds, history_pages, pages};
use crate::lang::Lang;
use crate::read::view::View;

pub(super) const HTML: &str = "text/html; charset=utf-8";

/// Renders every public page in the site's default language and in each
/// language of `read` the site offers, the default first; `previous` (the
/// last snapshots) lets unchanged pages be reused, each in its own language.
/// The Statuspage JSON names no words of Candor's own but incident names and
/// notes, which it gives in the default language: it is made once and shared.
pub fn render_all(view: View, previous: &[Arc<Snapshot>], read: &[Lang]) -> Vec<Snapshot> {
    let site = &view.config.site;
    let mut langs = vec![site.default_language];
    langs.extend(
        site.languages
            .iter()
            .filter(|l| **l != site.default_language && read.contains(l)),
    );
    let mut out: Vec<Snapshot> = Vec::with_capacity(langs.len());
    for lang in langs {
        let before = previous.iter().find(|p| p.view.lang == lang).map(|p| &**p);
        let one = View {
            lang,
            ..view.clone()
        };
        let snapshot = render_in(one, before, out.first());
        out.push(snapshot);
    }
    out
}

/// Every public page of `first`'s state in `lang`, sharing its Statuspage
/// JSON: a language's first snapshot.
pub fn render_lang(first: &Snapshot, lang: Lang) -> Snapshot {
    let view = View {
        lang,
        ..first.view.clone()
    };
    render_in(view, None, Some(first))
}

/// Renders every public page in `view.lang`. `previous` lets unchanged pages
/// be reused.
pub fn render(view: View, previous: Option<&Snapshot>) -> Snapshot {
    render_in(view, previous, None)
}

/// [`render`], with the Statuspage JSON of `api_from` when given.
fn render_in(view: View, previous: Option<&Snapshot>, api_from: Option<&Snapshot>) -> Snapshot {
    // Pages show component names and times in the site zone: a new config
    // invalidates everything.
    let previous = previous.filter(|p| Arc::ptr_eq(&p.view.config, &view.config));
    let (index, group_rows) = pages::status::render_with(&view, previous.map(|p| &p.group_rows));
    let index = Rendered::new(index.into_string(), HTML);
    // Which records changed since the previous render: pages of the others,
    // the history and the feeds are kept when they show none of them.
    let changed = previous.map(|p| (p, Changed::between(&view, &p.view)));
    let incidents = RecordPages::render(
        &view,
        (changed.as_ref()).map(|(p, c)| (&p.incidents, &p.view, c)),
    );
    // Shared with the previous snapshot: its cached pages stay valid for as
    // long as they show what this view shows.
    let components = match previous {
        Some(p) => p.components.clone(),
        None => Arc::new(ComponentPages::for_config(&view.config)),
    };
    let badges = badges::Badges::render(&view, previous.map(|p| &p.badges));
    let (history, history_order) = match &changed {
        Some((p, c)) if !c.touch_closed(&view, &p.view) => {
            (p.history.clone(), p.history_order.clone())
        }
        Some((p, c)) => history_pages::render(&view, Some((&p.history, &p.history_order, c))),
        None => history_pages::render(&view, None),
    };
    // The feeds list open incidents too.
    let (feed_atom, feed_rss) = match &changed {
        Some((p, c)) if c.is_empty() => (p.feed_atom.clone(), p.feed_rss.clone()),
        _ => feeds::both(&view),
    };
    let (api, api_made) = match api_from {
        Some(first) => (first.api.clone(), first.api_made.clone()),
        None => {
            let (api, made) = super::api_v2::render(&view, previous.map(|p| &*p.api_made));
            (Arc::new(api), made)
        }
    };
    Snapshot {
        view,
        index,
        incidents,
        components,
        history,
        feed_atom,
        feed_rss,
        badges,
        api,
        api_made,
        group_rows,
        history_order,
    }
}

pub(super) fn html(page: maud::Markup) -> Arc<Rendered> {
    Arc::new(Rendered::new(page.into_string(), HTML))
}

/// Hand-built views for the pages' unit tests.
#[cfg(test)]
pub(crate) mod fixtures {
    use std::collections::BTreeMap;
    use std::sync::Arc;

    use chrono::{DateTime, TimeZone, Utc};

    use crate::config::Config;
    use crate::incidents::{
        Author, Book, Impact, Incident, IncidentId, IncidentStatus, Maintenance, MaintenanceId,
        MaintenanceStatus, Update, UpdateId,
    };
    use crate::model::{ComponentId, ComponentStatus};
    use crate::read::view::{ComponentView, Decider, View};

    const CONFIG: &str = r#"
[site]
title = "Acme Status"
timezone = "Europe/Berlin"

[[components]]
id = "api"
name = "Public API"

[[components]]
id = "db"
name = "Database"
"#;

    pub fn config() -> Arc<Config> {
        Arc::new(Config::parse(CONFIG).expect("the fixture config is valid"))
    }

    pub fn id(s: &str) -> ComponentId {
        ComponentId::parse(s).expect("a valid id")
    }

    /// 22 November 2026 (a Sunday), `h:m` UTC (one hour behind the site zone).
    pub fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 22, h, m, 0).unwrap()
    }

    /// Every component operational by its checks.
    pub fn view(config: Arc<Config>, book: Book, now: DateTime<Utc>) -> View {
        let components = config
            .components
            .iter()
            .map(|c| (c.id.clone(), component(ComponentStatus::Operational)))
            .collect();
        View {
            config,
            components: Arc::new(components),
            book: Arc::new(book),
            uptime: Arc::default(),
            now,
            lang: crate::lang::Lang::english(),
        }
    }

    pub fn component(status: ComponentStatus) -> ComponentView {
        ComponentView {
            status,
            decided_by: Decider::Checks,
            reason: None,
            since: at(0, 0),
            last_checked: Some(at(0, 0)),
            first_seen: at(0, 0) - chrono::Duration::days(30),
            checks_status: status,
            places: Default::default(),
            evidence: Vec::new(),
        }
    }

    pub fn update<S>(status: S, body: &str, at: DateTime<Utc>) -> Update<S> {
        Update {
            id: UpdateId::fixture(&format!("u{}", at.timestamp())),
            status,
            body: body.into(),
            at,
            changes: Vec::new(),
            notify: true,
            author: Author::Engineer,
        }
    }

    /// An open, critical incident on the API, investigating since `started`.
    pub fn incident(id: &str, name: &str, started: DateTime<Utc>) -> Incident {
        let status = IncidentStatus::Investigating;
        Incident {
            id: IncidentId::fixture(id),
            name: name.into(),
            status,
            impact: Impact::Critical,
            components: BTreeMap::from([(self::id("api"), ComponentStatus::MajorOutage)]),
            created_at: started,
            updated_at: started,
            started_at: started,
            monitoring_at: None,
            resolved_at: None,
            cause: None,
            expected_resolution_at: None,
            next_update_by: None,
            workaround: None,
            postmortem: None,
            source: Author::Engineer,
            taken_over: false,
            recovered_at: None,
            held: None,
            updates: vec![update(status, "We are looking into it.", started)],
        }
    }

    /// `i`, resolved at `at` with a last update.
    pub fn resolve(mut i: Incident, at: DateTime<Utc>) -> Incident {
        i.status = IncidentStatus::Resolved;
        i.resolved_at = Some(at);
        i.updated_at = at;
        i.updates
            .push(update(IncidentStatus::Resolved, "All good again.", at));
        i
    }

    pub fn maintenance(
        id: &str,
        status: MaintenanceStatus,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Maintenance {
        Maintenance {
            id: MaintenanceId::fixture(id),
            name: format!("Maintenance {id}"),
            body: "Upgrading the database.".to_owned(),
            status,
            scheduled_for: from,
            scheduled_until: until,
            components: vec![self::id("db")],
            created_at: from,
            updated_at: from,
            updates: vec![update(status, "Maintenance scheduled.", from)],
            reminded: false,
        }
    }

    pub fn book(incidents: Vec<Incident>, maintenances: Vec<Maintenance>) -> Book {
        Book {
            incidents: incidents.into_iter().map(|i| (i.id.clone(), i)).collect(),
            maintenances: maintenances
                .into_iter()
                .map(|m| (m.id.clone(), m))
                .collect(),
            overrides: BTreeMap::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::fixtures::*;
    use super::render;
    use crate::incidents::MaintenanceStatus;

    fn body(r: &crate::web::snapshot::Rendered) -> String {
        String::from_utf8_lossy(&r.body().expect("our own gzip")).into_owned()
    }

    #[test]
    fn every_incident_and_maintenance_gets_a_page() {
        let config = config();
        let book = book(
            vec![incident("inc1", "API down", at(10, 0))],
            vec![maintenance(
                "mnt1",
                MaintenanceStatus::Scheduled,
                at(20, 0),
                at(22, 0),
            )],
        );
        let snap = render(view(config, book, at(10, 5)), None);
        assert!(body(&snap.incidents["inc1"]).contains("API down"));
        assert!(body(&snap.incidents["mnt1"]).contains("Maintenance mnt1"));
        assert_eq!(snap.history.len(), 2, "/history, and page 1");
        assert!(Arc::ptr_eq(&snap.history[0], &snap.history[1]));
        assert!(body(&snap.history[0]).contains("No past incidents"));
        assert!(body(&snap.index).contains("API down"));
    }

    #[test]
    fn unchanged_closed_pages_are_reused_and_changed_ones_are_not() {
        let config = config();
        let closed = resolve(incident("old", "Old outage", at(8, 0)), at(9, 0));
        let open = incident("new", "New outage", at(10, 0));
        let done = maintenance("mnt", MaintenanceStatus::Completed, at(1, 0), at(2, 0));
        let first = book(vec![closed, open.clone()], vec![done]);
        let one = render(view(config.clone(), first.clone(), at(10, 5)), None);

        let two = render(view(config.clone(), first.clone(), at(10, 6)), Some(&one));
        assert!(Arc::ptr_eq(&one.incidents["old"], &two.incidents["old"]));
        assert!(Arc::ptr_eq(&one.incidents["mnt"], &two.incidents["mnt"]));
        assert!(!Arc::ptr_eq(&one.incidents["new"], &two.incidents["new"]));
        assert!(Arc::ptr_eq(&one.history[0], &two.history[0]));

        // The pipeline changes a copy of the book: untouched records are
        // shared, so they are known unchanged without reading them.
        let mut third = first;
        third
            .incidents
            .insert(open.id.clone(), resolve(open, at(10, 7)));
        let three = render(view(config.clone(), third, at(10, 8)), Some(&two));
        assert!(Arc::ptr_eq(&two.incidents["old"], &three.incidents["old"]));
        assert!(!Arc::ptr_eq(&two.incidents["new"], &three.incidents["new"]));
        assert!(!Arc::ptr_eq(&two.history[0], &three.history[0]));
        assert!(body(&three.history[0]).contains("New outage"));
    }

    /// 100 resolved incidents, a day apart: five history pages.
    fn long_history() -> Vec<crate::incidents::Incident> {
        (0..100)
            .map(|n| {
                let start = at(0, 0) - chrono::Duration::days(n);
                resolve(
                    incident(&format!("i{n:03}"), &format!("Outage {n}"), start),
                    start + chrono::Duration::hours(1),
                )
            })
            .collect()
    }

    #[test]
    fn a_write_renders_again_only_the_history_pages_it_changes() {
        let config = config();
        let history = long_history();
        let open = incident("open", "Ongoing", at(9, 0));
        let first = book([history.clone(), vec![open.clone()]].concat(), vec![]);
        let one = render(view(config.clone(), first, at(10, 0)), None);
        assert_eq!(one.history.len(), 6, "/history and pages 1 to 5");
        assert!(
            Arc::ptr_eq(&one.history[0], &one.history[5]),
            "/history is the newest page"
        );

        // An update to an open incident changes no history page.
        let mut updated = open.clone();
        updated.updated_at = at(10, 1);
        let second = book([history.clone(), vec![updated.clone()]].concat(), vec![]);
        let two = render(view(config.clone(), second, at(10, 2)), Some(&one));
        for n in 0..6 {
            assert!(
                Arc::ptr_eq(&one.history[n], &two.history[n]),
                "page {n} kept"
            );
        }

        // Resolving it renders the newest page again, and only that one.
        let resolved = resolve(updated, at(10, 3));
        let third = book([history, vec![resolved]].concat(), vec![]);
        let three = render(view(config, third, at(10, 4)), Some(&two));
        for n in 1..5 {
            assert!(
                Arc::ptr_eq(&two.history[n], &three.history[n]),
                "page {n} kept"
            );
        }
        assert!(!Arc::ptr_eq(&two.history[5], &three.history[5]));
        assert!(body(&three.history[0]).contains("Ongoing"));
        assert!(Arc::ptr_eq(&three.history[0], &three.history[5]));
    }

    #[test]
    fn an_edited_closed_incident_is_rendered_again() {
        let config = config();
        let closed = resolve(incident("old", "Old outage", at(8, 0)), at(9, 0));
        let one = render(
            view(
                config.clone(),
                book(vec![closed.clone()], vec![]),
                at(10, 0),
            ),
            None,
        );
        let mut edited = closed;
        edited.postmortem = Some(crate::incidents::Postmortem {
            body: "A disk filled up.".into(),
            at: at(11, 0),
        });
        edited.updated_at = at(11, 0);
        let two = render(
            view(config, book(vec![edited], vec![]), at(11, 1)),
            Some(&one),
        );
        assert!(!Arc::ptr_eq(&one.incidents["old"], &two.incidents["old"]));
        assert!(body(&two.incidents["old"]).contains("A disk filled up."));
    }

    /// A language of the site nobody has read costs no snapshot; its first
    /// reader's request renders it, and every render after that includes it.
    /// A language the site does not offer is answered in the default one.
    #[test]
    fn a_language_is_rendered_once_someone_reads_it() {
        use crate::lang::Lang;
        use crate::web::snapshot::Snapshots;
        let (en, es) = (Lang::english(), Lang::parse("es").expect("Spanish"));
        let config = config();
        assert!(config.site.languages.contains(&es));
        let first = view(config.clone(), book(vec![], vec![]), at(10, 0));
        let snapshots = Snapshots::of(super::render_all(first.clone(), &[], &[]));
        assert!(snapshots.languages_read().is_empty());
        let spanish = snapshots.in_lang(es);
        assert_eq!(spanish.view.lang, es);
        assert!(body(&spanish.index).contains("lang=\"es\""));
        assert!(Arc::ptr_eq(&spanish.api, &snapshots.current().api));
        assert!(Arc::ptr_eq(&snapshots.in_lang(es), &spanish), "kept");
        assert_eq!(snapshots.languages_read(), vec![es]);
        let next = super::render_all(first.clone(), &[], &snapshots.languages_read());
        assert_eq!(
            next.iter().map(|s| s.view.lang).collect::<Vec<_>>(),
            [en, es]
        );

        let mut only_english = (*config).clone();
        only_english.site.languages = vec![en];
        let view = view(Arc::new(only_english), book(vec![], vec![]), at(10, 0));
        let snapshots = Snapshots::of(super::render_all(view, &[], &[es]));
        assert_eq!(snapshots.in_lang(es).view.lang, en);
        assert!(snapshots.languages_read().is_empty());
    }
}

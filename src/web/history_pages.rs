//! `/history` (index 0: the newest page) and `/history?page=N` (index N),
//! with the order of past records kept from one render to the next.
//!
//! Pages are cut from the oldest record, so a change moves records on the
//! pages from its own onwards only (usually the newest); every other page,
//! showing the same versions of the same records as before, is kept. The
//! order itself is kept too: a render after an incident is resolved takes
//! the changed records out of the previous order and puts the closed ones
//! back where they sort, instead of sorting years of history again.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::pages::history::{self, Item, PER_PAGE};
use super::record_pages::Changed;
use super::render::html;
use super::snapshot::Rendered;
use crate::incidents::{IncidentId, MaintenanceId, MaintenanceStatus};
use crate::read::view::View;

/// Past records, oldest first (ties by id), as the pages list them.
#[derive(Debug, Clone, Default)]
pub struct Order(Arc<Vec<Entry>>);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Incident(IncidentId),
    Maintenance(MaintenanceId),
}

/// One past record: where it sorts, and which version of it a page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    at: DateTime<Utc>,
    key: Key,
    updated: DateTime<Utc>,
}

impl Entry {
    fn id(&self) -> &str {
        match &self.key {
            Key::Incident(id) => id.as_str(),
            Key::Maintenance(id) => id.as_str(),
        }
    }

    fn sorts_before(&self, other: &Entry) -> std::cmp::Ordering {
        (self.at, self.id()).cmp(&(other.at, other.id()))
    }

    fn incident(v: &View, id: &IncidentId) -> Option<Self> {
        let i = v.book.incidents.get(id).filter(|i| !i.status.is_open())?;
        let key = Key::Incident(id.clone());
        Some(Self {
            at: i.started_at,
            key,
            updated: i.updated_at,
        })
    }

    fn maintenance(v: &View, id: &MaintenanceId) -> Option<Self> {
        let m =
            (v.book.maintenances.get(id)).filter(|m| m.status == MaintenanceStatus::Completed)?;
        let key = Key::Maintenance(id.clone());
        Some(Self {
            at: m.scheduled_for,
            key,
            updated: m.updated_at,
        })
    }

    /// The record in `v`.
    fn item<'a>(&self, v: &'a View) -> Option<Item<'a>> {
        match &self.key {
            Key::Incident(id) => v.book.incidents.get(id).map(Item::Incident),
            Key::Maintenance(id) => v.book.maintenances.get(id).map(Item::Maintenance),
        }
    }
}

impl Order {
    /// Every past record of `v`, sorted.
    fn of(v: &View) -> Self {
        let incidents = v
            .book
            .incidents
            .keys()
            .filter_map(|id| Entry::incident(v, id));
        let maintenances = (v.book.maintenances.keys()).filter_map(|id| Entry::maintenance(v, id));
        let mut entries: Vec<Entry> = incidents.chain(maintenances).collect();
        entries.sort_by(Entry::sorts_before);
        Self(Arc::new(entries))
    }

    /// `self` (the order of the previous render) with the `changed` records
    /// taken out and those past in `v` put back where they sort.
    fn with(&self, v: &View, changed: &Changed) -> Self {
        let keys: HashSet<Key> = (changed.incidents.iter().cloned().map(Key::Incident))
            .chain(changed.maintenances.iter().cloned().map(Key::Maintenance))
            .collect();
        let mut entries: Vec<Entry> = (self.0.iter())
            .filter(|e| !keys.contains(&e.key))
            .cloned()
            .collect();
        let incidents = changed
            .incidents
            .iter()
            .filter_map(|id| Entry::incident(v, id));
        let maintenances = (changed.maintenances.iter()).filter_map(|id| Entry::maintenance(v, id));
        for entry in incidents.chain(maintenances) {
            let at = entries
                .binary_search_by(|e| e.sorts_before(&entry))
                .unwrap_or_else(|at| at);
            entries.insert(at, entry);
        }
        Self(Arc::new(entries))
    }
}

/// The pages of `v`'s past records and their order. With the previous
/// render's pages, order and view, and the records changed since, only the
/// pages whose records changed are rendered.
pub fn render(
    v: &View,
    previous: Option<(&[Arc<Rendered>], &Order, &Changed)>,
) -> (Vec<Arc<Rendered>>, Order) {
    let order = match previous {
        Some((_, order, changed)) => order.with(v, changed),
        None => Order::of(v),
    };
    let cuts = cut(order.0.len());
    let before = previous.map(|(pages, order, _)| (pages, cut(order.0.len()), order));
    let count = cuts.len();
    let mut numbered: Vec<Arc<Rendered>> = Vec::with_capacity(count);
    for (i, range) in cuts.iter().enumerate() {
        let newest = i + 1 == count;
        let entries = &order.0[range.clone()];
        let kept = before.as_ref().and_then(|(pages, cuts, old)| {
            let was = &old.0[cuts.get(i)?.clone()];
            let same = (i + 1 == cuts.len()) == newest && was == entries;
            same.then(|| pages.get(i + 1).cloned()).flatten()
        });
        let page = kept.unwrap_or_else(|| {
            let items: Vec<Item> = entries.iter().filter_map(|e| e.item(v)).collect();
            html(history::page(v, &items, i + 1, newest))
        });
        numbered.push(page);
    }
    let newest = numbered.last().cloned();
    (newest.into_iter().chain(numbered).collect(), order)
}

/// `len` records cut into pages, page 1 first: [`PER_PAGE`] each, the last
/// (newest) taking the rest; always at least one page.
fn cut(len: usize) -> Vec<std::ops::Range<usize>> {
    let count = (len / PER_PAGE).max(1);
    (0..count)
        .map(|n| {
            n * PER_PAGE..if n + 1 == count {
                len
            } else {
                (n + 1) * PER_PAGE
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{Order, render};
    use crate::web::record_pages::Changed;
    use crate::web::render::fixtures::*;

    #[test]
    fn the_order_kept_from_the_previous_render_is_the_order_made_afresh() {
        let old: Vec<_> = (0..45)
            .map(|n| {
                let start = at(0, 0) - chrono::Duration::days(n);
                resolve(
                    incident(&format!("i{n:02}"), "Outage", start),
                    start + chrono::Duration::hours(1),
                )
            })
            .collect();
        let open = incident("open", "Ongoing", at(9, 0));
        let first = book([old.clone(), vec![open.clone()]].concat(), vec![]);
        let one = view(config(), first.clone(), at(10, 0));
        let (pages, order) = render(&one, None);
        assert_eq!(pages.len(), 3, "/history, pages 1 and 2");

        // Resolve the open incident and edit an old one, as the pipeline does:
        // on a copy of the book, so untouched records are shared.
        let mut second = first;
        second
            .incidents
            .insert(open.id.clone(), resolve(open, at(9, 30)));
        let edited = second.incidents.get_mut(&old[44].id).expect("present");
        edited.updated_at = at(11, 0);
        let two = view(config(), second, at(11, 1));
        let changed = Changed::between(&two, &one);
        let (kept, order) = render(&two, Some((&pages, &order, &changed)));
        assert_eq!(order.0, Order::of(&two).0);
        assert!(
            !std::sync::Arc::ptr_eq(&pages[1], &kept[1]),
            "page 1 holds the edited record"
        );
        assert!(
            !std::sync::Arc::ptr_eq(&pages[2], &kept[2]),
            "the newest page gains one"
        );
        let (fresh, _) = render(&two, None);
        for (a, b) in kept.iter().zip(&fresh) {
            assert_eq!(a.etag, b.etag);
        }
    }
}

//! `/incidents/{id}`: a page for every incident and maintenance.
//!
//! Years of history are thousands of closed records whose pages never change,
//! beside a few open ones that show relative times and are rendered afresh
//! each time. The closed pages sit in one map shared from snapshot to
//! snapshot, copied only when a record closes or a closed one is edited, so
//! a render for an update to an open incident costs the open records, not
//! the history.

use std::collections::HashMap;
use std::sync::Arc;

use super::pages;
use super::render::html;
use super::snapshot::Rendered;
use crate::incidents::{IncidentId, MaintenanceId, MaintenanceStatus, RecordId};
use crate::read::view::View;

#[derive(Debug, Default)]
pub struct RecordPages {
    /// Resolved incidents and completed maintenance.
    closed: Arc<HashMap<RecordId, Arc<Rendered>>>,
    /// Every other record.
    open: HashMap<RecordId, Arc<Rendered>>,
    /// Which records those are.
    open_ids: (Vec<IncidentId>, Vec<MaintenanceId>),
}

/// The records that are not the very same version as in the previous
/// render's book (see `Records::changed`).
#[derive(Debug, Default)]
pub struct Changed {
    pub incidents: Vec<IncidentId>,
    pub maintenances: Vec<MaintenanceId>,
}

impl Changed {
    pub fn between(v: &View, before: &View) -> Self {
        let (new, old) = (&v.book, &before.book);
        Self {
            incidents: (new.incidents.changed(&old.incidents).into_iter().cloned()).collect(),
            maintenances: (new.maintenances.changed(&old.maintenances).into_iter())
                .cloned()
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.incidents.is_empty() && self.maintenances.is_empty()
    }

    /// Whether a changed record is closed in `v` or was in `before`: the
    /// history and the closed pages show it.
    pub fn touch_closed(&self, v: &View, before: &View) -> bool {
        let (incidents, maintenances) = self.closed(v, before);
        !incidents.is_empty() || !maintenances.is_empty()
    }

    fn closed<'a>(
        &'a self,
        v: &View,
        before: &View,
    ) -> (Vec<&'a IncidentId>, Vec<&'a MaintenanceId>) {
        let incidents = (self.incidents.iter())
            .filter(|id| incident_closed(v, id) || incident_closed(before, id));
        let maintenances = (self.maintenances.iter())
            .filter(|id| maintenance_closed(v, id) || maintenance_closed(before, id));
        (incidents.collect(), maintenances.collect())
    }
}

fn incident_closed(v: &View, id: &IncidentId) -> bool {
    v.book
        .incidents
        .get(id)
        .is_some_and(|i| !i.status.is_open())
}

fn maintenance_closed(v: &View, id: &MaintenanceId) -> bool {
    (v.book.maintenances.get(id)).is_some_and(|m| m.status == MaintenanceStatus::Completed)
}

impl RecordPages {
    /// The pages of `v`'s records; closed pages are taken from the
    /// previous render's, except those of changed records.
    pub fn render(v: &View, previous: Option<(&RecordPages, &View, &Changed)>) -> Self {
        let closed = match previous {
            Some((p, before, changed)) => match changed.closed(v, before) {
                (incidents, maintenances) if incidents.is_empty() && maintenances.is_empty() => {
                    p.closed.clone()
                }
                (incidents, maintenances) => {
                    let mut kept = HashMap::clone(&p.closed);
                    for id in incidents {
                        let page = (v.book.incidents.get(id).filter(|i| !i.status.is_open()))
                            .map(|i| html(pages::incident::incident_page(v, i)));
                        set(&mut kept, RecordId::from(id), page);
                    }
                    for id in maintenances {
                        let page = (v.book.maintenances.get(id))
                            .filter(|m| m.status == MaintenanceStatus::Completed)
                            .map(|m| html(pages::incident::maintenance_page(v, m)));
                        set(&mut kept, RecordId::from(id), page);
                    }
                    Arc::new(kept)
                }
            },
            None => Arc::new(all_closed(v)),
        };
        let open_ids = match previous {
            Some((p, _, changed)) => open_since(v, p, changed),
            None => all_open(v),
        };
        let incidents = (open_ids.0.iter()).filter_map(|id| {
            let i = v.book.incidents.get(id)?;
            Some((
                RecordId::from(id),
                html(pages::incident::incident_page(v, i)),
            ))
        });
        let maintenances = (open_ids.1.iter()).filter_map(|id| {
            let m = v.book.maintenances.get(id)?;
            Some((
                RecordId::from(id),
                html(pages::incident::maintenance_page(v, m)),
            ))
        });
        let open = incidents.chain(maintenances).collect();
        Self {
            closed,
            open,
            open_ids,
        }
    }

    pub fn get<Q>(&self, id: &Q) -> Option<&Arc<Rendered>>
    where
        RecordId: std::borrow::Borrow<Q>,
        Q: std::hash::Hash + Eq + ?Sized,
    {
        self.open.get(id).or_else(|| self.closed.get(id))
    }

    pub fn iter(&self) -> impl Iterator<Item = (&RecordId, &Arc<Rendered>)> {
        self.closed.iter().chain(&self.open)
    }

    pub fn len(&self) -> usize {
        self.closed.len() + self.open.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl std::ops::Index<&str> for RecordPages {
    type Output = Arc<Rendered>;

    /// Panics for an unknown id, like a map's index (tests only read known ones).
    fn index(&self, id: &str) -> &Self::Output {
        match self.get(id) {
            Some(page) => page,
            None => panic!("no page for record {id}"),
        }
    }
}

/// Puts `page` at `id`, or takes the page away when there is none.
fn set(pages: &mut HashMap<RecordId, Arc<Rendered>>, id: RecordId, page: Option<Arc<Rendered>>) {
    match page {
        Some(page) => pages.insert(id, page),
        None => pages.remove(&id),
    };
}

fn all_closed(v: &View) -> HashMap<RecordId, Arc<Rendered>> {
    let incidents = (v.book.incidents.iter())
        .filter(|(_, i)| !i.status.is_open())
        .map(|(id, i)| {
            (
                RecordId::from(id),
                html(pages::incident::incident_page(v, i)),
            )
        });
    let maintenances = (v.book.maintenances.iter())
        .filter(|(_, m)| m.status == MaintenanceStatus::Completed)
        .map(|(id, m)| {
            (
                RecordId::from(id),
                html(pages::incident::maintenance_page(v, m)),
            )
        });
    incidents.chain(maintenances).collect()
}

/// The open records, found from the previous render's and the changed
/// records (a record opens or closes only by changing), rather than by
/// reading every record of the history.
fn open_since(v: &View, previous: &RecordPages, changed: &Changed) -> OpenIds {
    let (incidents, maintenances) = &previous.open_ids;
    let incident = |id: &&IncidentId| v.book.incidents.get(id).is_some_and(|i| i.status.is_open());
    let maintenance = |id: &&MaintenanceId| {
        (v.book.maintenances.get(id)).is_some_and(|m| m.status != MaintenanceStatus::Completed)
    };
    let mut incidents: Vec<IncidentId> = (incidents.iter().chain(&changed.incidents))
        .filter(incident)
        .cloned()
        .collect();
    let mut maintenances: Vec<MaintenanceId> = (maintenances.iter().chain(&changed.maintenances))
        .filter(maintenance)
        .cloned()
        .collect();
    incidents.sort_unstable();
    incidents.dedup();
    maintenances.sort_unstable();
    maintenances.dedup();
    (incidents, maintenances)
}

type OpenIds = (Vec<IncidentId>, Vec<MaintenanceId>);

fn all_open(v: &View) -> OpenIds {
    let incidents = (v.book.incidents.iter()).filter(|(_, i)| i.status.is_open());
    let maintenances =
        (v.book.maintenances.iter()).filter(|(_, m)| m.status != MaintenanceStatus::Completed);
    (
        incidents.map(|(id, _)| id.clone()).collect(),
        maintenances.map(|(id, _)| id.clone()).collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::{Changed, RecordPages};
    use crate::web::render::fixtures::*;

    #[test]
    fn open_records_are_followed_through_changes_without_reading_the_history() {
        let old = resolve(incident("old", "Old outage", at(8, 0)), at(9, 0));
        let first = book(vec![old, incident("one", "First", at(10, 0))], vec![]);
        let v1 = view(config(), first.clone(), at(10, 1));
        let p1 = RecordPages::render(&v1, None);
        assert_eq!((p1.open.len(), p1.closed.len()), (1, 1));

        // "one" resolves and "two" opens, on a copy of the book.
        let mut second = first;
        let id = crate::incidents::IncidentId::fixture("one");
        let one = second.incidents.get(&id).cloned();
        let one = resolve(one.expect("present"), at(10, 5));
        second.incidents.insert(one.id.clone(), one);
        let two = incident("two", "Second", at(10, 6));
        second.incidents.insert(two.id.clone(), two);
        let v2 = view(config(), second, at(10, 7));
        let changed = Changed::between(&v2, &v1);
        let p2 = RecordPages::render(&v2, Some((&p1, &v1, &changed)));
        assert!(p2.open.contains_key("two") && !p2.open.contains_key("one"));
        assert!(p2.closed.contains_key("one") && p2.closed.contains_key("old"));
        assert_eq!(p2.len(), 3);
    }
}

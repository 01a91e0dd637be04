//! Incident and maintenance objects as JSON text, kept between renders.
//!
//! `incidents.json` and `scheduled-maintenances.json` list the newest 50
//! records, and every render shaped all 50 again: a third of a write's
//! render with years of history. A record's object depends on the record,
//! the config and the objects of the components it names, so it is kept
//! while the record is the very same version (`Arc::ptr_eq`, see
//! `incidents::records`) and so are those component objects (the catalog
//! keeps them shared while their state is the same).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::Value;
use serde_json::value::RawValue;

use crate::incidents::{Incident, IncidentId, Maintenance, MaintenanceId};
use crate::read::shapes::Catalog;

/// The objects made for one render, for the next to reuse (same config:
/// the caller drops them with the catalog when the config changes). Locked
/// only by the render that fills them; the next render only reads them.
#[derive(Debug, Default)]
pub struct Objects {
    incidents: Mutex<HashMap<IncidentId, Made<Incident>>>,
    maintenances: Mutex<HashMap<MaintenanceId, Made<Maintenance>>>,
}

/// One object's text and what it was made from.
#[derive(Debug)]
struct Made<T> {
    record: Arc<T>,
    components: Vec<Arc<RawValue>>,
    text: Arc<RawValue>,
}

impl Objects {
    /// `record`'s object: this render's, the previous render's if nothing it
    /// shows changed, or made by `shape`.
    pub fn incident(
        &self,
        previous: Option<&Objects>,
        catalog: &Catalog,
        record: &Arc<Incident>,
        shape: impl FnOnce() -> Value,
    ) -> Arc<RawValue> {
        let components = catalog.texts(record.components.keys());
        let previous = previous.map(|p| &p.incidents);
        object(
            &self.incidents,
            previous,
            &record.id,
            record,
            components,
            shape,
        )
    }

    /// As [`Self::incident`], for a maintenance.
    pub fn maintenance(
        &self,
        previous: Option<&Objects>,
        catalog: &Catalog,
        record: &Arc<Maintenance>,
        shape: impl FnOnce() -> Value,
    ) -> Arc<RawValue> {
        let components = catalog.texts(&record.components);
        let previous = previous.map(|p| &p.maintenances);
        object(
            &self.maintenances,
            previous,
            &record.id,
            record,
            components,
            shape,
        )
    }
}

fn object<K: Hash + Eq + Clone, T>(
    made: &Mutex<HashMap<K, Made<T>>>,
    previous: Option<&Mutex<HashMap<K, Made<T>>>>,
    id: &K,
    record: &Arc<T>,
    components: Vec<Arc<RawValue>>,
    shape: impl FnOnce() -> Value,
) -> Arc<RawValue> {
    let same = |m: &Made<T>| {
        Arc::ptr_eq(&m.record, record)
            && m.components.len() == components.len()
            && (m.components.iter().zip(&components)).all(|(a, b)| Arc::ptr_eq(a, b))
    };
    if let Some(m) = lock(made).get(id).filter(|m| same(m)) {
        return m.text.clone();
    }
    let kept = previous.and_then(|p| lock(p).get(id).filter(|m| same(m)).map(|m| m.text.clone()));
    let text = kept.unwrap_or_else(|| {
        // Serializing a `Value` cannot fail; `null` stands in if it did.
        let raw = serde_json::value::to_raw_value(&shape());
        raw.unwrap_or_else(|_| RawValue::NULL.to_owned()).into()
    });
    let entry = Made {
        record: record.clone(),
        components,
        text: text.clone(),
    };
    lock(made).insert(id.clone(), entry);
    text
}

fn lock<K, T>(map: &Mutex<HashMap<K, Made<T>>>) -> std::sync::MutexGuard<'_, HashMap<K, Made<T>>> {
    map.lock().unwrap_or_else(PoisonError::into_inner)
}

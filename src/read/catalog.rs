//! Every Statuspage component object, groups included, in position order, as
//! JSON text: made once per render and shared by the API bodies, the
//! incidents' `components` and the webhook payloads.
//!
//! At 1,000 components making every object afresh was a third of an
//! engineer's write; a component's object changes only with its own state,
//! so each is kept from the previous catalog while that state is the same.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;
use serde_json::value::RawValue;

use super::shapes::{component, group, group_id};
use super::view::{ComponentView, View};
use crate::config::{Component, Config};
use crate::model::ComponentId;

#[derive(Debug)]
pub struct Catalog {
    /// What the objects were made from: another config makes them all again.
    config: Arc<Config>,
    /// Each object as JSON text, in position order.
    list: Vec<Arc<RawValue>>,
    index: HashMap<ComponentId, usize>,
    /// The state each component's object was made from.
    made_from: HashMap<ComponentId, Option<ComponentView>>,
}

impl Catalog {
    /// Config order; a group comes where its first member is, followed by all
    /// its members. Positions are 1-based over that list. Objects of
    /// components whose state is as in `previous` are taken from it.
    pub fn new(v: &View, previous: Option<&Catalog>) -> Self {
        let previous = previous.filter(|p| Arc::ptr_eq(&p.config, &v.config));
        let n = v.config.components.len();
        let mut cat = Catalog {
            config: v.config.clone(),
            list: Vec::with_capacity(n + n / 8),
            index: HashMap::with_capacity(n),
            made_from: HashMap::with_capacity(n),
        };
        // Each group's members, in config order, keyed by the group's id.
        let ids: Vec<Option<String>> = (v.config.components.iter())
            .map(|c| c.group.as_deref().map(group_id))
            .collect();
        let mut members: HashMap<&str, Vec<&Component>> = HashMap::new();
        for (c, gid) in v.config.components.iter().zip(&ids) {
            if let Some(gid) = gid {
                members.entry(gid).or_default().push(c);
            }
        }
        for (c, gid) in v.config.components.iter().zip(&ids) {
            let Some(gid) = gid else {
                cat.push_member(v, c, None, previous);
                continue;
            };
            // The group's first member brings the group and all its members.
            let Some(members) = members.remove(gid.as_str()) else {
                continue;
            };
            let name = c.group.as_deref().unwrap_or_default();
            let object = group(v, name, gid, &members, cat.list.len() + 1);
            cat.list.push(raw(&object));
            for m in members {
                cat.push_member(v, m, Some(gid), previous);
            }
        }
        cat
    }

    fn push_member(
        &mut self,
        v: &View,
        c: &Component,
        group: Option<&str>,
        previous: Option<&Catalog>,
    ) {
        let state = v.components.get(&c.id);
        let kept = previous.and_then(|p| {
            let same = p.made_from.get(&c.id)?.as_ref() == state;
            // Same config, so the same position and group too.
            same.then(|| p.list.get(*p.index.get(&c.id)?).cloned())?
        });
        let object = kept.unwrap_or_else(|| raw(&component(v, c, group, self.list.len() + 1)));
        self.index.insert(c.id.clone(), self.list.len());
        self.made_from.insert(c.id.clone(), state.cloned());
        self.list.push(object);
    }

    /// One component's object (not a group's); None for an unknown id.
    pub fn one(&self, id: &ComponentId) -> Option<Value> {
        let i = self.index.get(id)?;
        self.list.get(*i).map(|r| value(r))
    }

    /// The objects of these components, in position order (unknown ids skipped).
    pub fn objects<'a>(&self, ids: impl IntoIterator<Item = &'a ComponentId>) -> Value {
        Value::Array(self.texts(ids).iter().map(|r| value(r)).collect())
    }

    /// The shared texts `objects` is made of: equal (pointer for pointer)
    /// between two catalogs exactly when those objects did not change.
    pub fn texts<'a>(&self, ids: impl IntoIterator<Item = &'a ComponentId>) -> Vec<Arc<RawValue>> {
        let mut at: Vec<usize> = ids
            .into_iter()
            .filter_map(|id| self.index.get(id))
            .copied()
            .collect();
        at.sort_unstable();
        at.dedup();
        at.into_iter()
            .filter_map(|i| self.list.get(i).cloned())
            .collect()
    }

    /// Every object, as one JSON array.
    pub fn array(&self) -> Box<RawValue> {
        array_of(&self.list)
    }
}

/// JSON texts as one JSON array.
pub fn array_of(objects: &[Arc<RawValue>]) -> Box<RawValue> {
    let len = objects.iter().map(|o| o.get().len() + 1).sum::<usize>();
    let mut text = String::with_capacity(len + 2);
    text.push('[');
    for (i, object) in objects.iter().enumerate() {
        if i > 0 {
            text.push(',');
        }
        text.push_str(object.get());
    }
    text.push(']');
    // Valid JSON by construction: objects serialized by serde_json, joined.
    RawValue::from_string(text).unwrap_or_else(|_| RawValue::NULL.to_owned())
}

/// An object as JSON text. Serializing a `Value` cannot fail (its keys are
/// strings); `null` stands in if it ever did.
fn raw(object: &Value) -> Arc<RawValue> {
    serde_json::value::to_raw_value(object)
        .unwrap_or_else(|_| RawValue::NULL.to_owned())
        .into()
}

/// Text this module made from a `Value`, as a `Value` again.
fn value(object: &RawValue) -> Value {
    serde_json::from_str(object.get()).unwrap_or(Value::Null)
}

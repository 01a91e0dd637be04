//! Splitting components off an incident into one of their own: an engineer's
//! "these are a separate problem".

use serde::Deserialize;

use super::shape::{ids, text};
use super::values::{known_component, text as checked};
use super::{FieldErrors, MAX_NAME};
use crate::config::Config;
use crate::model::ComponentId;

/// Raw fields of a split, as sent.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SplitInput {
    /// The components that move to the new incident.
    #[serde(deserialize_with = "ids")]
    pub components: Vec<String>,
    /// The new incident's name; absent: named for its components, as Candor
    /// names its own.
    #[serde(deserialize_with = "text")]
    pub name: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewSplit {
    pub components: Vec<ComponentId>,
    pub name: Option<String>,
}

impl SplitInput {
    pub fn validate(self, config: &Config) -> Result<NewSplit, FieldErrors> {
        let mut e = FieldErrors::default();
        let name = checked(&mut e, "name", self.name, MAX_NAME, false);
        let name = (!name.is_empty()).then_some(name);
        if self.components.is_empty() {
            e.add("components", "name at least one component to move");
        }
        let mut components = Vec::new();
        for id in self.components {
            match known_component(config, &id) {
                Some(c) if !components.contains(&c) => components.push(c),
                Some(_) => {}
                None => e.add(
                    format!("components.{id}"),
                    format!("unknown component \"{id}\""),
                ),
            }
        }
        match e.is_empty() {
            true => Ok(NewSplit { components, name }),
            false => Err(e),
        }
    }
}

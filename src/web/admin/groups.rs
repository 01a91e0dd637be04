//! Components by their `group`, for pickers that stay usable with 1,000
//! components: each group is a native `<details>` (no script) holding its
//! components, with one whole-group choice that sets every component of the
//! group at once. On the way in, a whole-group choice becomes the
//! per-component fields the desk already reads, so the desk validates one
//! shape; an individual choice made beside it wins for its component.

use crate::config::{Component, Config};
use crate::incidents::input::{FieldErrors, parse_component_status};
use crate::web::form_data::FormData;

/// Whole-group status choices are sent as `groups.<group name>`; the
/// maintenance form's whole-group checkboxes as `groups` = group name.
pub const FIELD: &str = "groups";

/// One group's components, in the order of the config.
pub struct Group<'a> {
    pub name: &'a str,
    pub components: Vec<&'a Component>,
}

/// Components without a group (shown first, one by one), then each group in
/// the order its first component appears in the config.
pub fn of(config: &Config) -> (Vec<&Component>, Vec<Group<'_>>) {
    let mut loose = Vec::new();
    let mut groups: Vec<Group> = Vec::new();
    for c in &config.components {
        match c.group.as_deref() {
            None => loose.push(c),
            Some(name) => match groups.iter_mut().find(|g| g.name == name) {
                Some(g) => g.components.push(c),
                None => groups.push(Group {
                    name,
                    components: vec![c],
                }),
            },
        }
    }
    (loose, groups)
}

/// The field of a whole-group status choice.
pub fn status_field(group: &str) -> String {
    format!("{FIELD}.{group}")
}

fn members<'a>(config: &'a Config, group: &str) -> Option<Vec<&'a Component>> {
    let (_, groups) = of(config);
    groups
        .into_iter()
        .find(|g| g.name == group)
        .map(|g| g.components)
}

fn unknown(group: &str) -> String {
    format!("no group named \"{group}\": choose one of the groups listed")
}

/// Incident forms: each `groups.<name>` status becomes `components.<id>`
/// for every component of the group not given a status of its own.
pub fn expand_statuses(form: &FormData, config: &Config) -> (FormData, FieldErrors) {
    let prefix = format!("{FIELD}.");
    let mut out = form.filtered(|name, _| !name.starts_with(&prefix));
    let mut problems = FieldErrors::default();
    for (group, status) in form.prefixed(&prefix).filter(|(_, s)| !s.is_empty()) {
        let field = status_field(group);
        let Some(components) = members(config, group) else {
            problems.add(field, unknown(group));
            continue;
        };
        if parse_component_status(status).is_none() {
            problems.add(field, format!("\"{status}\" is not a component status"));
            continue;
        }
        for c in components {
            let name = format!("components.{}", c.id);
            if form.get(&name).is_none_or(str::is_empty) {
                out = out.filtered(|n, _| n != name).with(&name, status);
            }
        }
    }
    (out, problems)
}

/// The maintenance form: each checked `groups` = name adds every component
/// of the group to `components`.
pub fn expand_members(form: &FormData, config: &Config) -> (FormData, FieldErrors) {
    let mut out = form.filtered(|name, _| name != FIELD);
    let mut problems = FieldErrors::default();
    for group in form.all(FIELD) {
        let Some(components) = members(config, group) else {
            problems.add(status_field(group), unknown(group));
            continue;
        };
        for c in components {
            if !out.has("components", c.id.as_str()) {
                out = out.with("components", c.id.as_str());
            }
        }
    }
    (out, problems)
}

/// `found` added to `problems` (the first finding for a field stands).
pub fn merge(problems: &mut FieldErrors, found: FieldErrors) {
    for (field, message) in found.0 {
        problems.add(field, message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = r#"
[[components]]
id = "api"
name = "Public API"
group = "Europe West"

[[components]]
id = "web"
name = "Website"

[[components]]
id = "db"
name = "Database"
group = "Europe West"
"#;

    fn config() -> Config {
        Config::parse(CONFIG).expect("a valid config")
    }

    #[test]
    fn groups_keep_the_configs_order_and_loose_components_stand_apart() {
        let config = config();
        let (loose, groups) = of(&config);
        assert_eq!(loose.len(), 1);
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].name, "Europe West");
        let ids: Vec<&str> = groups[0].components.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["api", "db"]);
    }

    #[test]
    fn a_whole_group_status_sets_each_component_not_chosen_on_its_own() {
        let form = FormData::default()
            .with("groups.Europe West", "major_outage")
            .with("components.api", "")
            .with("components.db", "degraded_performance");
        let (out, problems) = expand_statuses(&form, &config());
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(out.get("components.api"), Some("major_outage"));
        assert_eq!(out.get("components.db"), Some("degraded_performance"));
        assert_eq!(out.get("groups.Europe West"), None);
    }

    #[test]
    fn an_unknown_group_or_status_is_named_on_its_field() {
        let form = FormData::default()
            .with("groups.Mars", "major_outage")
            .with("groups.Europe West", "on_fire")
            .with("groups.Asia", "");
        let (out, problems) = expand_statuses(&form, &config());
        assert!(
            problems
                .get("groups.Mars")
                .is_some_and(|m| m.contains("no group named \"Mars\""))
        );
        assert!(
            problems
                .get("groups.Europe West")
                .is_some_and(|m| m.contains("on_fire"))
        );
        assert_eq!(problems.0.len(), 2, "an unchosen group is no problem");
        assert_eq!(out.get("components.api"), None);
    }

    #[test]
    fn a_checked_group_adds_its_components_to_a_maintenance() {
        let form = FormData::default()
            .with("groups", "Europe West")
            .with("components", "api")
            .with("groups", "Nowhere");
        let (out, problems) = expand_members(&form, &config());
        let ids: Vec<&str> = out.all("components").collect();
        assert_eq!(ids, ["api", "db"]);
        assert!(problems.get("groups.Nowhere").is_some());
    }
}

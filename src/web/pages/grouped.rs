//! A long list of affected components told by group: a row per group
//! ("All of Europe West (50 components): Major outage", "12 components of
//! Europe West"), and the components outside any group by name.

use maud::{Markup, html};

use super::incident::{component_name, status_label};
use crate::model::{ComponentId, ComponentStatus};
use crate::read::view::View;
use crate::say;

/// Lists longer than this are told by group.
pub const LONG: usize = 8;

/// One row: a group (with how many of it are affected and the worst status
/// among them) or a component outside any group.
struct Row<'a> {
    label: String,
    group: Option<&'a str>,
    count: usize,
    worst: Option<ComponentStatus>,
}

pub fn affected(v: &View, list: &[(&ComponentId, Option<ComponentStatus>)]) -> Markup {
    let rows = rows(v, list);
    html! {
        ul.affected {
            @for row in &rows {
                li {
                    (row.label)
                    @if let Some(s) = row.worst { (status_label(v.lang, s)) }
                }
            }
        }
    }
}

fn rows<'a>(v: &'a View, list: &[(&'a ComponentId, Option<ComponentStatus>)]) -> Vec<Row<'a>> {
    let mut rows: Vec<Row<'a>> = Vec::new();
    for (id, status) in list {
        let group = v.config.component(id).and_then(|c| c.group.as_deref());
        match rows
            .iter_mut()
            .find(|r| group.is_some() && r.group == group)
        {
            Some(row) => {
                row.count += 1;
                row.worst = worse(row.worst, *status);
            }
            None => rows.push(Row {
                label: component_name(v, id).to_owned(),
                group,
                count: 1,
                worst: *status,
            }),
        }
    }
    for row in rows.iter_mut().filter(|r| r.count > 1) {
        let Some(g) = row.group else { continue };
        let size = (v.config.components.iter())
            .filter(|c| c.group.as_deref() == Some(g))
            .count();
        row.label = match row.count == size {
            true => say!(v.lang, "group-all", group = g, n = size),
            false => say!(v.lang, "group-some", group = g, n = row.count),
        };
    }
    rows
}

fn worse(a: Option<ComponentStatus>, b: Option<ComponentStatus>) -> Option<ComponentStatus> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if b.severity() > a.severity() { b } else { a }),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crate::config::Config;
    use crate::model::{ComponentId, ComponentStatus};
    use crate::web::render::fixtures::{at, book, view};

    #[test]
    fn a_long_list_is_told_by_group_and_a_short_one_by_name() {
        let mut toml = String::new();
        for n in 0..12 {
            toml += &format!(
                "[[components]]\nid = \"eu{n}\"\nname = \"EU {n}\"\ngroup = \"Europe West\"\n"
            );
        }
        for n in 0..3 {
            toml += &format!(
                "[[components]]\nid = \"us{n}\"\nname = \"US {n}\"\ngroup = \"US East\"\n"
            );
        }
        toml += "[[components]]\nid = \"pay\"\nname = \"Payments\"\n";
        let config = Arc::new(Config::parse(&toml).unwrap());
        let v = view(config, book(vec![], vec![]), at(10, 0));
        let id = |s: &str| ComponentId::parse(s).unwrap();
        let ids: Vec<ComponentId> = (0..12)
            .map(|n| id(&format!("eu{n}")))
            .chain([id("us0"), id("us1"), id("pay")])
            .collect();
        let major = Some(ComponentStatus::MajorOutage);
        let long: Vec<_> = ids.iter().map(|c| (c, major)).collect();
        let html = super::super::incident::affected(&v, long.into_iter()).into_string();
        assert!(
            html.contains("All of Europe West (12 components)"),
            "{html}"
        );
        assert!(html.contains("2 components of US East"), "{html}");
        assert!(html.contains("Payments"), "{html}");
        assert!(!html.contains("EU 3"), "{html}");
        assert_eq!(html.matches("<li>").count(), 3, "{html}");
        let short: Vec<_> = ids[12..].iter().map(|c| (c, major)).collect();
        let html = super::super::incident::affected(&v, short.into_iter()).into_string();
        assert!(html.contains("US 0") && html.contains("US 1"), "{html}");
    }
}

//! `GET /`: the overall state, then every component with its status and, when
//! something is wrong, why and since when.

use maud::{Markup, html};

use super::{layout, time};
use crate::config::Component;
use crate::engine::overall;
use crate::model::ComponentStatus;
use crate::web::view::View;

pub fn render(v: &View) -> Markup {
    let site = &v.config.site;
    let content = html! {
        (banner(v))
        section aria-labelledby="components-title" {
            h2 #components-title { "Components" }
            @for (group, members) in groups(&v.config.components) {
                @if let Some(name) = group {
                    h3.group { (name) }
                }
                ul.components {
                    @for c in members { (component(v, c)) }
                }
            }
        }
    };
    layout::page(site, &site.title, Some(site.refresh.as_secs()), content)
}

fn banner(v: &View) -> Markup {
    let worst = overall(v.components.values().map(|s| s.status));
    let text = match worst {
        ComponentStatus::Operational => "All systems operational",
        ComponentStatus::DegradedPerformance => "Degraded performance",
        ComponentStatus::PartialOutage => "Partial outage",
        ComponentStatus::MajorOutage => "Major outage",
        ComponentStatus::UnderMaintenance => "Under maintenance",
    };
    let affected: Vec<&str> = v
        .config
        .components
        .iter()
        .filter(|c| {
            v.components
                .get(&c.id)
                .is_some_and(|s| s.status != ComponentStatus::Operational)
        })
        .map(|c| c.name.as_str())
        .collect();
    html! {
        section.banner.{"banner--" (worst.as_str())} role="status" {
            span.icon aria-hidden="true" { (icon(worst)) }
            div {
                p.banner__text { (text) }
                @if !affected.is_empty() {
                    p.banner__affected { "Affected: " (list(&affected)) }
                }
                p.banner__updated {
                    "Updated " time datetime=(time::iso(v.now)) { (time::precise(v.now, v.config.site.timezone)) }
                }
            }
        }
    }
}

fn component(v: &View, c: &Component) -> Markup {
    let tz = v.config.site.timezone;
    let state = v.components.get(&c.id);
    let status = state.map_or(ComponentStatus::Operational, |s| s.status);
    html! {
        li.component.{"component--" (status.as_str())} #{"component-" (c.id)} {
            div.component__head {
                h4.component__name { (c.name) }
                span.status.{"status--" (status.as_str())} {
                    span.status__icon aria-hidden="true" { (icon(status)) }
                    " " (status.label())
                }
            }
            @if let Some(d) = &c.description { p.component__desc { (d) } }
            @if let Some(s) = state.filter(|s| s.status != ComponentStatus::Operational) {
                @if let Some(reason) = &s.reason {
                    p.component__reason { strong { "Why: " } (reason) }
                }
                p.component__since {
                    (status.label()) " since "
                    time datetime=(time::iso(s.since)) { (time::short(s.since, v.now, tz)) }
                    " (" (time::lasted(s.since, v.now)) ")"
                }
            }
            p.component__checked {
                @match state.and_then(|s| s.last_checked) {
                    Some(at) => { "Last checked " time datetime=(time::iso(at)) { (time::precise(at, tz)) } }
                    None => { "Not checked yet" }
                }
            }
        }
    }
}

/// "A", "A and B", "A, B and C", "A, B, C and 4 more".
fn list(names: &[&str]) -> String {
    const SHOWN: usize = 3;
    match names {
        [] => String::new(),
        [one] => (*one).to_owned(),
        _ if names.len() <= SHOWN => {
            let (last, rest) = names.split_last().unwrap_or((&"", &[]));
            format!("{} and {last}", rest.join(", "))
        }
        _ => format!(
            "{} and {} more",
            names[..SHOWN].join(", "),
            names.len() - SHOWN
        ),
    }
}

/// Components by group, groups in order of first appearance; ungrouped ones
/// form their own unnamed group where they first appear.
fn groups(components: &[Component]) -> Vec<(Option<&str>, Vec<&Component>)> {
    let mut out: Vec<(Option<&str>, Vec<&Component>)> = Vec::new();
    for c in components {
        let g = c.group.as_deref();
        match out.iter_mut().find(|(name, _)| *name == g) {
            Some((_, members)) => members.push(c),
            None => out.push((g, vec![c])),
        }
    }
    out
}

/// A shape per status, so status is never told by colour alone.
fn icon(status: ComponentStatus) -> &'static str {
    match status {
        ComponentStatus::Operational => "✓",
        ComponentStatus::DegradedPerformance => "▲",
        ComponentStatus::PartialOutage => "◆",
        ComponentStatus::MajorOutage => "✕",
        ComponentStatus::UnderMaintenance => "⚙",
    }
}

#[cfg(test)]
mod tests {
    use super::list;

    #[test]
    fn affected_components_are_listed_in_words() {
        assert_eq!(list(&["A"]), "A");
        assert_eq!(list(&["A", "B"]), "A and B");
        assert_eq!(list(&["A", "B", "C"]), "A, B and C");
        assert_eq!(list(&["A", "B", "C", "D", "E"]), "A, B, C and 2 more");
    }
}

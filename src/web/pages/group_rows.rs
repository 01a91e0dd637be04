//! The group rows of `/`, kept from one render to the next.
//!
//! At 1,000 components the rows are most of `/` (about 450 KB of its HTML)
//! and nearly all of them show operational components whose rows depend on
//! nothing but the config and their uptime summaries. A group whose members
//! are all operational, with the very same summaries (`Arc::ptr_eq`: the
//! uptime report shares unchanged ones), is taken from the previous render
//! as text; a group with anything else in it is rendered afresh, since its
//! rows say "for 12 minutes".

use std::collections::HashMap;
use std::sync::Arc;

use maud::{Markup, PreEscaped};

use crate::config::Component;
use crate::model::ComponentStatus;
use crate::read::view::View;
use crate::uptime::report::Summary;

/// A group row's markup and the summaries it shows.
#[derive(Debug)]
struct Made {
    summaries: Vec<Option<Arc<Summary>>>,
    html: Arc<str>,
}

/// The rows of one render, by group name (for the next render to reuse;
/// only valid with the same config, which the caller checks).
#[derive(Debug, Default)]
pub struct GroupRows(HashMap<String, Made>);

impl GroupRows {
    /// `name`'s row: the previous render's when nothing it shows changed,
    /// otherwise made by `make` (and kept for the next render if it shows
    /// operational components only).
    pub fn row(
        &mut self,
        previous: Option<&GroupRows>,
        v: &View,
        name: &str,
        members: &[&Component],
        make: impl FnOnce() -> Markup,
    ) -> Markup {
        let operational = members.iter().all(|c| {
            (v.components.get(&c.id)).is_none_or(|s| s.status == ComponentStatus::Operational)
        });
        if !operational {
            return make();
        }
        let summaries: Vec<_> = (members.iter())
            .map(|c| v.uptime.components.get(&c.id).cloned())
            .collect();
        let kept = previous
            .and_then(|p| p.0.get(name))
            .filter(|made| same(&made.summaries, &summaries))
            .map(|made| made.html.clone());
        let html = kept.unwrap_or_else(|| Arc::from(make().into_string()));
        let row = PreEscaped(html.to_string());
        self.0.insert(name.to_owned(), Made { summaries, html });
        row
    }
}

fn same(a: &[Option<Arc<Summary>>], b: &[Option<Arc<Summary>>]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|pair| match pair {
            (Some(x), Some(y)) => Arc::ptr_eq(x, y),
            (None, None) => true,
            _ => false,
        })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crate::config::Config;
    use crate::model::ComponentStatus;
    use crate::uptime::Report;
    use crate::web::pages::status::render_with;
    use crate::web::render::fixtures::{at, book, component, id, view};

    const CONFIG: &str = r#"
[[components]]
id = "api"
name = "Public API"
group = "Core"

[[components]]
id = "db"
name = "Database"
group = "Core"
"#;

    fn with_summaries(v: &mut crate::read::view::View) {
        let report = Report {
            components: [id("api"), id("db")]
                .into_iter()
                .map(|c| (c, Arc::default()))
                .collect(),
            latency: Default::default(),
        };
        v.uptime = Arc::new(report);
    }

    #[test]
    fn a_group_row_is_reused_while_it_shows_the_same_operational_components() {
        let config = Arc::new(Config::parse(CONFIG).expect("valid"));
        let mut one = view(config.clone(), book(vec![], vec![]), at(10, 0));
        with_summaries(&mut one);
        let (_, rows) = render_with(&one, None);

        // Later, nothing changed: the very same text.
        let mut two = view(config.clone(), book(vec![], vec![]), at(10, 5));
        two.uptime = one.uptime.clone();
        let (second, kept) = render_with(&two, Some(&rows));
        assert!(Arc::ptr_eq(&rows.0["Core"].html, &kept.0["Core"].html));
        let fresh = render_with(&two, None).0;
        assert_eq!(
            second.into_string(),
            fresh.into_string(),
            "as if made afresh"
        );

        // New summaries (the report was made again): made again.
        let mut three = view(config.clone(), book(vec![], vec![]), at(10, 6));
        with_summaries(&mut three);
        let (_, remade) = render_with(&three, Some(&kept));
        assert!(!Arc::ptr_eq(&kept.0["Core"].html, &remade.0["Core"].html));

        // A member down: rendered afresh, and not kept (it shows times).
        let mut four = view(config, book(vec![], vec![]), at(10, 7));
        four.uptime = three.uptime.clone();
        let mut components = (*four.components).clone();
        components.insert(id("db"), component(ComponentStatus::MajorOutage));
        four.components = Arc::new(components);
        let (page, rows) = render_with(&four, Some(&remade));
        assert!(page.into_string().contains("Major outage"));
        assert!(!rows.0.contains_key("Core"));
    }
}

//! The component pickers of the incident and maintenance forms, grouped as
//! [`super::groups`] describes. A group is open when something in it was
//! chosen or is wrong, so a form sent back with errors shows them; with no
//! groups configured the pickers are the plain list they always were.

use maud::{Markup, html};

use super::groups::{self, FIELD, Group};
use super::widgets::{self, Form};
use crate::config::Component;
use crate::read::view::View;

/// One select per component (`components.<id>`, options as given, the first
/// the blank "no change"), and per group one select for all of it.
pub fn statuses(v: &View, form: Form<'_>, options: &[(&str, &str)]) -> Markup {
    let (loose, groups) = groups::of(&v.config);
    let one = |c: &Component| form.select(&format!("components.{}", c.id), &c.name, options);
    html! {
        fieldset.components-field id=(widgets::id("components")) {
            legend { "Components" }
            (form.error("components"))
            (unknown_groups(v, form))
            @if !groups.is_empty() {
                p.hint { "Open a group to set its components one by one, or set the whole group at once." }
            }
            @for c in &loose { (one(c)) }
            @for (n, g) in groups.iter().enumerate() {
                @let chosen = chosen(g, |c| !form.fields.value(&format!("components.{}", c.id)).is_empty());
                details.group open[chosen || wrong(form, g)] {
                    summary { (g.name) " " span.hint { (count(g)) } }
                    (whole_group(form, g, n, options))
                    @for c in &g.components { (one(c)) }
                }
            }
        }
    }
}

/// The maintenance form's checkboxes (`components` = id), and per group one
/// checkbox for all of it (`groups` = name).
pub fn members(v: &View, form: Form<'_>) -> Markup {
    let (loose, groups) = groups::of(&v.config);
    let checked = |c: &Component| form.fields.has("components", c.id.as_str());
    let one = |c: &Component| {
        html! {
            div.field.field--check {
                label {
                    input type="checkbox" name="components" value=(c.id) checked[checked(c)];
                    " " (c.name)
                }
                (form.error(&format!("components.{}", c.id)))
            }
        }
    };
    html! {
        fieldset.components-field.field--error[form.errors.get("components").is_some()] id=(widgets::id("components")) {
            legend { "Components under maintenance" }
            (form.error("components"))
            (unknown_groups(v, form))
            @for c in &loose { (one(c)) }
            @for g in &groups {
                @let whole = form.fields.has(FIELD, g.name);
                details.group open[whole || chosen(g, checked) || wrong(form, g)] {
                    summary { (g.name) " " span.hint { (count(g)) } }
                    div.field.field--check.group__all {
                        label {
                            input type="checkbox" name=(FIELD) value=(g.name) checked[whole];
                            " " strong { "All of " (g.name) }
                        }
                    }
                    @for c in &g.components { (one(c)) }
                }
            }
        }
    }
}

/// The whole-group select, its error beside it.
fn whole_group(form: Form<'_>, g: &Group, n: usize, options: &[(&str, &str)]) -> Markup {
    let name = groups::status_field(g.name);
    let id = format!("f-group-{n}");
    let error = form.errors.get(&name);
    let chosen = form.fields.value(&name);
    let blank = "No change for the whole group";
    html! {
        div.field.group__all.field--error[error.is_some()] {
            label for=(id) { "Every component in " (g.name) }
            select id=(id) name=(name) aria-invalid=[error.map(|_| "true")] {
                @for (i, (value, words)) in options.iter().enumerate() {
                    option value=(value) selected[*value == chosen] { @if i == 0 { (blank) } @else { (words) } }
                }
            }
            @if let Some(message) = error { p.field__error { "✕ " (message) } }
        }
    }
}

/// Errors for whole-group choices naming no group on this form.
fn unknown_groups(v: &View, form: Form<'_>) -> Markup {
    let (_, groups) = groups::of(&v.config);
    let prefix = format!("{FIELD}.");
    let unknown = form.errors.0.iter().filter(|(field, _)| {
        field
            .strip_prefix(&prefix)
            .is_some_and(|name| !groups.iter().any(|g| g.name == name))
    });
    html! {
        @for (_, message) in unknown { p.field__error role="alert" { "✕ " (message) } }
    }
}

fn chosen(g: &Group, pick: impl Fn(&Component) -> bool) -> bool {
    g.components.iter().any(|c| pick(c))
}

/// Whether anything in the group is marked wrong.
fn wrong(form: Form<'_>, g: &Group) -> bool {
    form.errors.get(&groups::status_field(g.name)).is_some()
        || (g.components.iter()).any(|c| form.errors.get(&format!("components.{}", c.id)).is_some())
}

fn count(g: &Group) -> String {
    match g.components.len() {
        1 => "(1 component)".to_owned(),
        n => format!("({n} components)"),
    }
}

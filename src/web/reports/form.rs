//! The report forms: on `/` (a component choice, or on a large site a link
//! to `/report`), on each component's page (its one button), and `/report`
//! itself. Plain forms posting to `/report`: no script, no session. Their
//! words are the `report-*` messages of `locales/*.ftl`, in the page's
//! language, which each form also posts (the answer is in it).

use maud::{Markup, html};

use crate::config::Component;
use crate::lang::Lang;
use crate::reports::TEXT_MAX;
use crate::say;
use crate::web::pages::status::groups;

/// Up to this many components, `/` carries the choice itself; beyond, a
/// link to `/report` (1,000 options would be 1,000 elements and ~45 KB on
/// a page that must stay small).
pub const CHOICE_ON_INDEX: usize = 50;

const COMPONENT: &str = "report-component";
const TEXT: &str = "report-text";

/// What a visitor sent, kept when the form comes back with problems.
#[derive(Debug, Default)]
pub struct Entered {
    pub component: String,
    pub text: String,
    pub component_problem: Option<String>,
    pub text_problem: Option<String>,
}

/// The block on `/`.
pub fn on_index(l: Lang, components: &[Component]) -> Markup {
    if components.is_empty() {
        return html! {};
    }
    html! {
        section.report-section aria-labelledby="report-title" {
            h2 #report-title { (l.say("report-index-title")) }
            @if components.len() > CHOICE_ON_INDEX {
                p { a href="/report" { (l.say("report-index-link")) } }
            } @else {
                p.hint { (l.say("report-index-hint")) }
                form.report method="post" action="/report" {
                    input type="hidden" name="lang" value=(l.tag());
                    (choice(l, components, &Entered::default()))
                    (text(l, &Entered::default()))
                    p { button.primary type="submit" { (l.say("report-button")) } }
                }
            }
        }
    }
}

/// The block on a component's page: one click reports it.
pub fn on_component(l: Lang, c: &Component) -> Markup {
    html! {
        section.report-section aria-labelledby="report-title" {
            h2 #report-title { (l.say("report-component-title")) }
            p.hint { (say!(l, "report-component-hint", name = c.name.as_str())) }
            form.report method="post" action="/report" {
                input type="hidden" name="lang" value=(l.tag());
                input type="hidden" name="component" value=(c.id);
                (text(l, &Entered::default()))
                p { button.primary type="submit" { (l.say("report-button")) } }
            }
        }
    }
}

/// `/report`'s form, with what was sent and its problems.
pub fn full(l: Lang, components: &[Component], entered: &Entered) -> Markup {
    let problems: Vec<(&str, &str)> = [
        (COMPONENT, entered.component_problem.as_deref()),
        (TEXT, entered.text_problem.as_deref()),
    ]
    .into_iter()
    .filter_map(|(field, p)| Some((field, p?)))
    .collect();
    html! {
        form.report method="post" action="/report" {
            input type="hidden" name="lang" value=(l.tag());
            @if !problems.is_empty() {
                div.problems role="alert" {
                    p { strong { (l.say("report-fix-this")) } }
                    ul { @for (field, p) in &problems { li { a href={"#" (field)} { (p) } } } }
                }
            }
            (choice(l, components, entered))
            (text(l, entered))
            p { button.primary type="submit" { (l.say("report-button")) } }
        }
    }
}

/// The component choice, grouped as on `/`, nothing chosen unless sent (a
/// placeholder is: the page's refresh then sees an untouched form).
fn choice(l: Lang, components: &[Component], entered: &Entered) -> Markup {
    let error = entered.component_problem.as_deref();
    let chosen = |c: &Component| c.id.as_str() == entered.component;
    let any = components.iter().any(chosen);
    html! {
        p.field.field--error[error.is_some()] {
            label for=(COMPONENT) { (l.say("report-component-label")) }
            select #report-component name="component" required
                aria-invalid=[error.map(|_| "true")]
                aria-describedby=[error.map(|_| "report-component-error")]
                autofocus[error.is_some()] {
                option value="" selected[!any] { (l.say("report-component-placeholder")) }
                @for (group, members) in groups(components) {
                    @match group {
                        Some(name) => optgroup label=(name) { (options(&members, &chosen)) },
                        None => (options(&members, &chosen)),
                    }
                }
            }
            @if let Some(e) = error {
                span.field__error #report-component-error { "✕ " (e) }
            }
        }
    }
}

fn options(members: &[&Component], chosen: &impl Fn(&Component) -> bool) -> Markup {
    html! { @for c in members { option value=(c.id) selected[chosen(c)] { (c.name) } } }
}

/// The optional text.
fn text(l: Lang, entered: &Entered) -> Markup {
    let error = entered.text_problem.as_deref();
    let described = match error {
        Some(_) => "report-text-error report-text-hint",
        None => "report-text-hint",
    };
    html! {
        p.field.field--error[error.is_some()] {
            label for=(TEXT) { (l.say("report-text-label")) }
            input #report-text type="text" name="text" maxlength=(TEXT_MAX)
                autocomplete="off" value=(entered.text)
                aria-invalid=[error.map(|_| "true")]
                autofocus[error.is_some() && entered.component_problem.is_none()]
                aria-describedby=(described);
            @if let Some(e) = error {
                span.field__error #report-text-error { "✕ " (e) }
            }
            span.hint #report-text-hint { (say!(l, "report-text-hint", max = TEXT_MAX)) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn components(n: usize) -> Vec<Component> {
        let text: String = (0..n)
            .map(|i| format!("[[components]]\nid = \"c{i}\"\nname = \"Component {i}\"\n"))
            .collect();
        Config::parse(&text).unwrap().components
    }

    #[test]
    fn the_status_page_chooses_among_a_few_components_and_links_past_fifty() {
        let l = Lang::english();
        let few = on_index(l, &components(CHOICE_ON_INDEX)).into_string();
        assert!(few.contains("<form class=\"report\" method=\"post\" action=\"/report\">"));
        assert_eq!(few.matches("<option").count(), CHOICE_ON_INDEX + 1);
        assert!(
            few.contains("<option value=\"\" selected>"),
            "a placeholder is chosen"
        );
        let many = on_index(l, &components(CHOICE_ON_INDEX + 1)).into_string();
        assert!(
            !many.contains("<select") && !many.contains("<form"),
            "{many}"
        );
        assert!(many.contains("<a href=\"/report\">"), "{many}");
        assert!(many.len() < 300, "{} bytes", many.len());
        assert_eq!(on_index(l, &[]).into_string(), "", "nothing to report on");
    }

    #[test]
    fn a_components_page_reports_it_in_one_click() {
        let c = &components(1)[0];
        let form = on_component(Lang::english(), c).into_string();
        assert!(form.contains("<input type=\"hidden\" name=\"component\" value=\"c0\">"));
        assert!(form.contains("<button class=\"primary\" type=\"submit\">I'm affected</button>"));
        assert!(!form.contains("required"), "the text is optional: {form}");
        let es = Lang::parse("es").expect("Spanish");
        let form = on_component(es, c).into_string();
        assert!(form.contains("<input type=\"hidden\" name=\"lang\" value=\"es\">"));
        assert!(form.contains(">Me afecta</button>"), "{form}");
    }
}

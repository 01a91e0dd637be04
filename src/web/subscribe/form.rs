//! The subscribe form (on the status page and on its own page) and the
//! component checkboxes it shares with the manage page.

use maud::{Markup, html};

use crate::config::Component;
use crate::lang::Lang;
use crate::model::ComponentId;
use crate::web::pages::status::groups;

/// What a visitor typed, kept when the form comes back with problems.
#[derive(Debug, Default)]
pub struct Entered {
    pub email: String,
    pub components: Vec<String>,
    /// What is wrong with the address, shown at its field.
    pub email_problem: Option<String>,
    /// What is wrong with the chosen components, shown at their list.
    pub components_problem: Option<String>,
}

impl Entered {
    fn problems(&self) -> Vec<(&'static str, &str)> {
        let email = self.email_problem.as_deref().map(|p| (EMAIL, p));
        let components = (self.components_problem.as_deref()).map(|p| (COMPONENTS, p));
        email.into_iter().chain(components).collect()
    }
}

const EMAIL: &str = "subscribe-email";
const COMPONENTS: &str = "subscribe-components";

/// The subscribe form: an email address and, optionally, components. A
/// field with a problem is marked invalid, names its message as part of its
/// description, and takes the focus (the first one, when both are wrong), as
/// the admin forms do: a screen reader lands on the field with the reason,
/// and a keyboard user can retype at once.
pub fn render(lang: Lang, components: &[Component], entered: &Entered) -> Markup {
    let email_error = entered.email_problem.as_deref();
    let described = match email_error {
        Some(_) => "subscribe-email-error subscribe-email-hint",
        None => "subscribe-email-hint",
    };
    html! {
        form.subscribe method="post" action="/subscribe" {
            // The page's language: their emails will be in it.
            input type="hidden" name="lang" value=(lang.tag());
            (summary(lang, &entered.problems()))
            p.field.field--error[email_error.is_some()] {
                label for=(EMAIL) { (lang.say("form-email")) }
                input #subscribe-email type="email" name="email" required
                    autocomplete="email" inputmode="email" maxlength="254"
                    value=(entered.email)
                    aria-invalid=[email_error.map(|_| "true")]
                    autofocus[email_error.is_some()]
                    aria-describedby=(described);
                @if let Some(e) = email_error {
                    span.field__error #subscribe-email-error { "✕ " (e) }
                }
                span.hint #subscribe-email-hint { (lang.say("form-email-hint")) }
            }
            (choices_checked(lang, components, &entered.components, entered))
            p { button.primary type="submit" { (lang.say("form-subscribe")) } }
        }
    }
}

/// Above the form: each problem, linked to its field.
fn summary(lang: Lang, problems: &[(&str, &str)]) -> Markup {
    html! {
        @if !problems.is_empty() {
            div.problems role="alert" {
                p { strong { (lang.say("form-fix")) } }
                ul { @for (field, p) in problems { li { a href={"#" (field)} { (p) } } } }
            }
        }
    }
}

/// The component checkboxes, grouped as on the status page. None checked
/// means every component, including ones added later.
pub fn choices(lang: Lang, components: &[Component], checked: &[String]) -> Markup {
    choices_checked(lang, components, checked, &Entered::default())
}

/// [`choices`], with the list's problem (if any) at the list: the fieldset
/// is described by it, and its first box takes the focus when the address
/// is fine.
fn choices_checked(
    lang: Lang,
    components: &[Component],
    checked: &[String],
    entered: &Entered,
) -> Markup {
    let error = entered.components_problem.as_deref();
    let focus = (error.is_some() && entered.email_problem.is_none())
        .then(|| components.first().map(|c| c.id.as_str()))
        .flatten();
    html! {
        @if !components.is_empty() {
            fieldset.choices #subscribe-components
                aria-describedby=[error.map(|_| "subscribe-components-error")] {
                legend { (lang.say("form-which")) }
                @if let Some(e) = error {
                    p.field__error #subscribe-components-error { "✕ " (e) }
                }
                p.hint { (lang.say("form-which-hint")) }
                @for (group, members) in groups(components) {
                    @match group {
                        Some(name) => fieldset.choices__group {
                            legend { (name) }
                            (boxes(&members, checked, focus))
                        },
                        None => (boxes(&members, checked, focus)),
                    }
                }
            }
        }
    }
}

fn boxes(members: &[&Component], checked: &[String], focus: Option<&str>) -> Markup {
    html! {
        ul.choices__list {
            @for c in members {
                li {
                    input type="checkbox" name="components" value=(c.id)
                        id={"choice-" (c.id)}
                        autofocus[focus == Some(c.id.as_str())]
                        checked[checked.iter().any(|id| id == c.id.as_str())];
                    " "
                    label for={"choice-" (c.id)} { (c.name) }
                }
            }
        }
    }
}

/// "Every component" or the names of the chosen ones (ids no longer in the
/// config are shown as ids).
pub fn following(lang: Lang, components: &[Component], chosen: &[ComponentId]) -> Markup {
    html! {
        @if chosen.is_empty() {
            p { (lang.say("form-follow-all")) }
        } @else {
            p { (lang.say("form-follow")) }
            ul {
                @for id in chosen {
                    li { (components.iter().find(|c| &c.id == id).map_or(id.as_str(), |c| c.name.as_str())) }
                }
            }
        }
    }
}

pub fn problems(lang: Lang, problems: &[String]) -> Markup {
    html! {
        @if !problems.is_empty() {
            div.problems role="alert" {
                p { strong { (lang.say("form-fix")) } }
                ul { @for p in problems { li { (p) } } }
            }
        }
    }
}

/// The language of their emails, on the manage page, when there is a choice.
pub fn language(offered: &[Lang], current: Lang) -> Markup {
    html! {
        @if offered.len() > 1 {
            p.field {
                label for="subscribe-language" { (current.say("form-language")) }
                select #subscribe-language name="language" {
                    @for l in offered {
                        option value=(l.tag()) lang=(l.tag()) selected[*l == current] { (l.name()) }
                    }
                }
            }
        }
    }
}

//! The subscribe form (on the status page and on its own page) and the
//! component checkboxes it shares with the manage page.

use maud::{Markup, html};

use crate::config::Component;
use crate::model::ComponentId;
use crate::web::pages::status::groups;

/// What a visitor typed, kept when the form comes back with problems.
#[derive(Debug, Default)]
pub struct Entered {
    pub email: String,
    pub components: Vec<String>,
    pub problems: Vec<String>,
}

/// The subscribe form: an email address and, optionally, components.
pub fn render(components: &[Component], entered: &Entered) -> Markup {
    html! {
        form.subscribe method="post" action="/subscribe" {
            (problems(&entered.problems))
            p.field {
                label for="subscribe-email" { "Email address" }
                input #subscribe-email type="email" name="email" required
                    autocomplete="email" inputmode="email" maxlength="254"
                    value=(entered.email)
                    aria-describedby="subscribe-email-hint";
                span.hint #subscribe-email-hint {
                    "We'll email you a link to confirm. We send nothing else until you do."
                }
            }
            (choices(components, &entered.components))
            p { button.primary type="submit" { "Subscribe" } }
        }
    }
}

/// The component checkboxes, grouped as on the status page. None checked
/// means every component, including ones added later.
pub fn choices(components: &[Component], checked: &[String]) -> Markup {
    html! {
        @if !components.is_empty() {
            fieldset.choices {
                legend { "Which components?" }
                p.hint { "Leave all unchecked for everything, including components added later." }
                @for (group, members) in groups(components) {
                    @match group {
                        Some(name) => fieldset.choices__group {
                            legend { (name) }
                            (boxes(&members, checked))
                        },
                        None => (boxes(&members, checked)),
                    }
                }
            }
        }
    }
}

fn boxes(members: &[&Component], checked: &[String]) -> Markup {
    html! {
        ul.choices__list {
            @for c in members {
                li {
                    input type="checkbox" name="components" value=(c.id)
                        id={"choice-" (c.id)}
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
pub fn following(components: &[Component], chosen: &[ComponentId]) -> Markup {
    html! {
        @if chosen.is_empty() {
            p { "You follow " strong { "every component" } ", including ones added later." }
        } @else {
            p { "You follow:" }
            ul {
                @for id in chosen {
                    li { (components.iter().find(|c| &c.id == id).map_or(id.as_str(), |c| c.name.as_str())) }
                }
            }
        }
    }
}

pub fn problems(problems: &[String]) -> Markup {
    html! {
        @if !problems.is_empty() {
            div.problems role="alert" {
                p { strong { "Please fix this:" } }
                ul { @for p in problems { li { (p) } } }
            }
        }
    }
}

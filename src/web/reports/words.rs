//! Every sentence a visitor reads about "I'm affected" reports, in one
//! place (English), so that a second language replaces this file's
//! functions and nothing else: the forms, the answers and the errors call
//! these rather than holding their own text.

use std::time::Duration;

/// `/` and `/report`: the heading above the form.
pub fn index_title() -> &'static str {
    "Something not working for you?"
}

/// `/`: what the form is for.
pub fn index_hint() -> &'static str {
    "Tell us which part: our team sees every report, and many reports about \
     one part tell us to look even when our checks see nothing wrong."
}

/// `/` on a site with many components: the link to the form of its own.
pub fn index_link() -> &'static str {
    "Tell us what isn't working"
}

/// A component's page: the heading above its button.
pub fn component_title() -> &'static str {
    "Not working for you?"
}

/// A component's page: what pressing the button does.
pub fn component_hint(name: &str) -> String {
    format!("If {name} isn't working for you, press the button: our team sees every report.")
}

/// The component choice's label.
pub fn component_label() -> &'static str {
    "Which part isn't working?"
}

/// The choice before one is made.
pub fn component_placeholder() -> &'static str {
    "Choose…"
}

/// The optional text's label.
pub fn text_label() -> &'static str {
    "What happens? (optional)"
}

/// Under the text field.
pub fn text_hint(max: usize) -> String {
    format!(
        "At most {max} characters. Only our team reads it; please leave out \
         passwords and personal details. No email address is needed."
    )
}

/// The one button.
pub fn button() -> &'static str {
    "I'm affected"
}

/// The `/report` page's title.
pub fn page_title() -> &'static str {
    "Report a problem"
}

/// After a report: the title, and what happens with it. Honest: nobody
/// promises a reply.
pub fn thanks_title() -> &'static str {
    "Thanks — the team sees your report"
}

pub fn thanks_lead(name: &str) -> String {
    format!("Thanks — the team sees your report about {name}.")
}

pub fn thanks_body() -> &'static str {
    "Reports help us notice problems our checks may miss. We don't reply to \
     reports, and what you wrote is never shown on the status page. What we \
     know, and when it is fixed, is on the status page."
}

pub fn back_to(name: &str) -> String {
    format!("Back to {name}")
}

pub fn back_to_status() -> &'static str {
    "Back to the status page"
}

/// 429: too many reports from one network.
pub fn too_many_title() -> &'static str {
    "Too many reports"
}

pub fn too_many(wait: Duration) -> String {
    let minutes = wait.as_secs().div_ceil(60).max(1);
    let unit = if minutes == 1 { "minute" } else { "minutes" };
    format!(
        "We received several reports from your network just now, so this one \
         was not counted. Try again in {minutes} {unit}; the earlier reports \
         already reached our team."
    )
}

/// 404: the form named a component the page does not have.
pub fn unknown_title() -> &'static str {
    "No such component"
}

pub fn unknown(id: &str) -> String {
    format!("There is no component \"{id}\" on this status page, so nothing was reported.")
}

/// 400: the form's problems, each at its field.
pub fn fix_this() -> &'static str {
    "Please fix this:"
}

pub fn bad_form_title() -> &'static str {
    "Report not sent"
}

pub fn no_component() -> &'static str {
    "Choose which part isn't working."
}

pub fn text_too_long(chars: usize, max: usize) -> String {
    format!(
        "What you wrote is {chars} characters long; a report keeps at most {max}. Shorten it and send it again."
    )
}

/// 400: the body was not a form at all.
pub fn unreadable() -> &'static str {
    "The form could not be read, so nothing was reported. Go back, reload the page and try again."
}

/// 503: storage failed.
pub fn unavailable_title() -> &'static str {
    "Not saved"
}

pub fn unavailable() -> &'static str {
    "Something went wrong on our side and your report was not saved. Please try again in a minute."
}

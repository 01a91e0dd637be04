//! Form fields that show what was submitted and, next to each field, what is
//! wrong with it. Every value goes through maud, so it is escaped.

use chrono_tz::Tz;
use maud::{Markup, html};

use super::inputs::WAS;
use super::state::Session;
use crate::incidents::input::FieldErrors;
use crate::web::form_data::FormData;

/// The hidden CSRF field every admin form carries.
pub fn csrf(session: &Session) -> Markup {
    html! { input type="hidden" name="csrf" value=(session.csrf); }
}

/// A form's values and its errors, from one submission (or the defaults).
#[derive(Clone, Copy)]
pub struct Form<'a> {
    pub fields: &'a FormData,
    pub errors: &'a FieldErrors,
    /// Keeps element ids apart when a page has two forms with the same names.
    scope: &'static str,
}

impl<'a> Form<'a> {
    pub fn new(fields: &'a FormData, errors: &'a FieldErrors) -> Self {
        Self {
            fields,
            errors,
            scope: "",
        }
    }

    pub fn within(self, scope: &'static str) -> Self {
        Self { scope, ..self }
    }

    pub fn text(&self, name: &str, label: &str, hint: Option<&str>) -> Markup {
        self.field(name, label, hint, |described| {
            html! {
                input type="text" id=(self.id(name)) name=(name) value=(self.fields.value(name))
                    aria-invalid=[self.invalid(name)] aria-describedby=[described];
            }
        })
    }

    pub fn area(&self, name: &str, label: &str, rows: u8, hint: Option<&str>) -> Markup {
        self.field(name, label, hint, |described| {
            html! {
                textarea id=(self.id(name)) name=(name) rows=(rows)
                    aria-invalid=[self.invalid(name)] aria-describedby=[described] {
                    (self.fields.value(name))
                }
            }
        })
    }

    /// `options` are (value, words); the submitted value is selected.
    pub fn select(&self, name: &str, label: &str, options: &[(&str, &str)]) -> Markup {
        let chosen = self.fields.value(name);
        self.field(name, label, None, |described| {
            html! {
                select id=(self.id(name)) name=(name)
                    aria-invalid=[self.invalid(name)] aria-describedby=[described] {
                    @for (value, words) in options {
                        option value=(value) selected[*value == chosen] { (words) }
                    }
                }
            }
        })
    }

    /// A local date and time, read in the site's zone (named next to it).
    pub fn datetime(&self, name: &str, label: &str, tz: Tz) -> Markup {
        self.datetime_hint(name, label, tz, "")
    }

    /// [`Self::datetime`] with a hint of its own before the zone's
    /// ("Empty: 30m after this post. ").
    pub fn datetime_hint(&self, name: &str, label: &str, tz: Tz, hint: &str) -> Markup {
        let hint = format!("{hint}In {} time.", tz.name());
        self.field(name, label, Some(&hint), |described| {
            html! {
                input type="datetime-local" id=(self.id(name)) name=(name) value=(self.fields.value(name))
                    aria-invalid=[self.invalid(name)] aria-describedby=[described];
            }
        })
    }

    pub fn checkbox(&self, name: &str, label: &str) -> Markup {
        html! {
            div.field.field--check {
                label {
                    input type="checkbox" name=(name) value="on" checked[self.fields.checked(name)];
                    " " (label)
                }
            }
        }
    }

    /// What a prefilled field showed, so an untouched field changes nothing.
    pub fn was(&self, name: &str) -> Markup {
        let was = format!("{name}{WAS}");
        html! { input type="hidden" name=(was) value=(self.fields.value(&was)); }
    }

    /// Above the form: that nothing changed, and which fields to fix.
    pub fn summary(&self) -> Markup {
        html! {
            @if !self.errors.is_empty() {
                div.errors role="alert" {
                    p { strong { "Nothing was changed." } " Fix the fields marked below:" }
                    ul {
                        @for (field, message) in &self.errors.0 {
                            li { a href={"#" (self.id(field))} { (label_of(field)) } ": " (message) }
                        }
                    }
                }
            }
        }
    }

    /// The error for `name`, where a group of inputs has no single field.
    pub fn error(&self, name: &str) -> Markup {
        html! {
            @if let Some(message) = self.errors.get(name) {
                p.field__error id=(format!("{}-error", self.id(name))) { "✕ " (message) }
            }
        }
    }

    fn invalid(&self, name: &str) -> Option<&'static str> {
        self.errors.get(name).map(|_| "true")
    }

    fn field(
        &self,
        name: &str,
        label: &str,
        hint: Option<&str>,
        control: impl FnOnce(Option<String>) -> Markup,
    ) -> Markup {
        let fid = self.id(name);
        let mut described = Vec::new();
        if hint.is_some() {
            described.push(format!("{fid}-hint"));
        }
        if self.errors.get(name).is_some() {
            described.push(format!("{fid}-error"));
        }
        let described = (!described.is_empty()).then(|| described.join(" "));
        html! {
            div.field.field--error[self.errors.get(name).is_some()] {
                label for=(fid) { (label) }
                @if let Some(h) = hint { span.hint id=(format!("{fid}-hint")) { (h) } }
                (control(described))
                (self.error(name))
            }
        }
    }

    fn id(&self, name: &str) -> String {
        if self.scope.is_empty() {
            id(name)
        } else {
            id(&format!("{}.{name}", self.scope))
        }
    }
}

/// The element id of a field.
pub fn id(name: &str) -> String {
    format!("f-{}", name.replace('.', "-"))
}

/// Every error as one line of prose, for pages without a form.
pub fn sentences(errors: &FieldErrors) -> String {
    errors
        .0
        .iter()
        .map(|(field, message)| format!("{}: {message}.", label_of(field)))
        .collect::<Vec<_>>()
        .join(" ")
}

fn label_of(field: &str) -> String {
    if let Some(component) = field.strip_prefix("components.") {
        return format!("Component {component}");
    }
    if let Some(group) = field.strip_prefix("groups.") {
        return format!("Group {group}");
    }
    match field {
        "name" => "Name",
        "status" => "Status",
        "impact" => "Impact",
        "body" => "Message",
        "cause" => "Cause",
        "expected_resolution_at" => "Expected back",
        "next_update_at" => "Next update by",
        "workaround" => "Workaround",
        "scheduled_for" => "From",
        "scheduled_until" => "Until",
        "components" => "Components",
        "group" => "Group",
        other => other,
    }
    .to_owned()
}

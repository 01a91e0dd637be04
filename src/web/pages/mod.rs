//! Public HTML pages, rendered with maud (which escapes every inserted string).

pub mod chart;
pub mod component;
pub mod components;
pub mod group_rows;
mod grouped;
pub mod history;
pub mod incident;
pub mod layout;
pub mod note;
pub mod places;
pub mod status;
pub mod strip;
pub mod timeline;
pub mod uptime;

/// Stands for markup inside a message: a message's argument given `MARK`
/// is replaced by the markup by [`sentence`] (a `<time>`, a link), so the
/// language decides where in the sentence it goes.
pub const MARK: &str = "\u{E000}";

/// `said` with the markup `inner` where its [`MARK`] is.
pub fn sentence(said: &str, inner: maud::Markup) -> maud::Markup {
    match said.split_once(MARK) {
        Some((before, after)) => maud::html! { (before) (inner) (after) },
        None => maud::html! { (said) },
    }
}

//! Rendering the public site from a [`View`] into a [`Snapshot`].

use std::collections::HashMap;

use super::pages;
use super::snapshot::{Rendered, Snapshot};
use super::view::View;

const HTML: &str = "text/html; charset=utf-8";

/// Renders every public page. `previous` lets unchanged pages be reused.
pub fn render(view: View, _previous: Option<&Snapshot>) -> Snapshot {
    let index = Rendered::new(pages::status::render(&view).into_string(), HTML);
    Snapshot {
        view,
        index,
        incidents: HashMap::new(),
        history: Vec::new(),
    }
}

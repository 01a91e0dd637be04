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

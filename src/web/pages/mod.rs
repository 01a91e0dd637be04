//! Public HTML pages, rendered with maud (which escapes every inserted string).

pub mod layout;
pub mod status;
pub mod text;
pub mod time;

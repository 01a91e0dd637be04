//! The read model: what every reader of Candor's state is made from, the
//! status page, the emails, the webhooks and the static export alike.
//!
//! - [`view`]: each component's effective status (maintenance > engineer >
//!   checks) with its why and since, beside the book of incidents and the
//!   uptime report, at one instant.
//! - [`shapes`]: Atlassian Statuspage's v2 objects, as JSON data.
//! - [`time`]: times and durations in words, in the site's zone.
//! - [`words`]: what Candor says by itself (reasons, evidence, automatic
//!   notes), stored as data, in words.
//!
//! Part of the core: no storage, web framework or HTML here. Adapters (web,
//! notify, export) read it; nothing here reads them.

mod catalog;
pub mod shapes;
pub mod time;
pub mod view;
pub mod words;

pub use view::{ComponentView, Decider, View, Why};

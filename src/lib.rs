//! Candor: a self-hosted public status page and outage notifier.
//!
//! Data flows one way: `config` → `scheduler` → `checks::probe` → `pipeline`
//! (the pure `engine`, then `store`, then the public `web` snapshot).

pub mod agent;
pub mod app;
pub mod checks;
pub mod clock;
pub mod config;
pub mod engine;
pub mod export;
pub mod incidents;
pub mod lang;
pub mod markup;
pub mod metrics;
pub mod model;
pub mod notify;
pub mod outbox;
pub mod pipeline;
pub mod read;
pub mod scheduler;
pub mod store;
pub mod subscribers;
pub mod telemetry;
pub mod uptime;
pub mod web;

pub use app::Application;
pub use config::Config;

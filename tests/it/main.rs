//! Black-box integration tests: the real app on port 0 with a temporary data dir,
//! real HTTP targets and webhook receivers on loopback whose answers each test
//! scripts.

mod admin_api;
mod admin_ui;
mod agents;
mod api_v2;
mod architecture;
mod axe;
mod brotli_bodies;
mod browser;
mod chromium;
mod cli;
mod client_limits;
mod clock;
mod correlated;
mod email;
mod export;
mod faults;
mod feeds;
mod fuzz;
mod helpers;
mod history;
mod hostile_input;
mod ids;
mod incidents;
mod live_page;
mod phone;
mod receiver;
mod security_headers;
mod smtp;
mod status_page;
mod subscriptions;
mod target;
mod times;
mod tls;
mod webhooks;

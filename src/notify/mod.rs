//! Telling subscribers: notices, the durable outbox, composing and delivering
//! email, and webhook payloads.

pub mod compose;
pub mod nodelay;
pub mod transport;
pub mod webhook;
pub mod worker;

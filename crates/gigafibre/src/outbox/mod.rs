//! The outbox: every e-mail and SMS is a row in `outbox_messages` before it
//! is anything else.
//!
//! A feature calls [`enqueue`] (inside its own transaction, so a message
//! exists exactly when the change that caused it does). Workers inside
//! `gigafibre serve` claim due rows from the database — never from memory —
//! so any number of app instances share the work and a restart loses
//! nothing. A [`Provider`] hands the message over; the default [`Sandbox`]
//! delivers nothing and marks the row `sandboxed`, for the ops Outbox page
//! and `gigafibre outbox` to show. [`Router`] sends through [`Smtp`] and
//! [`SmsApi`] when they are configured, and outside production only to
//! allowlisted recipients.
//!
//! Delivery is at least once: a worker that dies between handing a message
//! over and recording it leaves the row `sending`; it is taken again once its
//! claim lapses ([`CLAIM_LEASE`]).

mod backoff;
mod message;
mod provider;
mod queue;
pub mod report;
mod router;
mod sms;
mod smtp;
mod worker;

pub use backoff::{CLAIM_LEASE, MAX_ATTEMPTS, backoff};
pub use message::{Channel, Message, NewMessage, Status};
pub use provider::{Delivered, DeliveryError, Provider, Sandbox, SendFuture};
pub use queue::{RetryError, claim_next, enqueue, find, list, retry};
pub use router::Router;
pub use sms::SmsApi;
pub use smtp::Smtp;
pub use worker::{POLL_INTERVAL, Worker, deliver_due, deliver_next, run_worker, spawn_worker};

//! Who hands a message over: the sandbox, SMTP ([`super::Smtp`]) and a
//! Twilio-compatible SMS API ([`super::SmsApi`]), behind the same trait;
//! [`super::Router`] picks one per message.

use std::future::Future;
use std::pin::Pin;

use super::message::Message;

/// What a provider did with a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Delivered {
    /// Accepted by the real service: the row becomes `sent`.
    Sent,
    /// Kept here on purpose: the row becomes `sandboxed`.
    Sandboxed,
    /// Kept here by a rule (a recipient outside the allowlist): the row
    /// becomes `sandboxed`, with the reason as its last error.
    Withheld(String),
}

/// Why a provider did not deliver.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryError {
    /// Worth another try later (timeout, 4xx from SMTP, HTTP 5xx or 429).
    #[error("{0}")]
    Temporary(String),
    /// Will never work (malformed address, number refused): fails at once.
    #[error("{0}")]
    Permanent(String),
}

/// The future [`Provider::send`] returns (boxed, so that the worker can hold
/// any provider as `Arc<dyn Provider>`).
pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<Delivered, DeliveryError>> + Send + 'a>>;

/// Hands one message to the outside world. Called by a worker that holds the
/// message's claim; the worker records the outcome.
pub trait Provider: Send + Sync {
    /// A short name for logs: `sandbox`, `smtp`, `sms`.
    fn name(&self) -> &'static str;

    /// Delivers `message`. Implementations write `Box::pin(async move { … })`.
    fn send<'a>(&'a self, message: &'a Message) -> SendFuture<'a>;
}

/// The default provider: delivers nothing, and says so. The message stays
/// readable in the outbox.
#[derive(Clone, Copy, Debug, Default)]
pub struct Sandbox;

impl Provider for Sandbox {
    fn name(&self) -> &'static str {
        "sandbox"
    }

    fn send<'a>(&'a self, _message: &'a Message) -> SendFuture<'a> {
        Box::pin(std::future::ready(Ok(Delivered::Sandboxed)))
    }
}

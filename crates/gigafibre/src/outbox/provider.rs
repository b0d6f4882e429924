//! Who hands a message over: the sandbox now; SMTP and a Twilio-compatible
//! SMS API later, behind the same trait.

use std::future::Future;
use std::pin::Pin;

use super::message::Message;

/// What a provider did with a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivered {
    /// Accepted by the real service: the row becomes `sent`.
    Sent,
    /// Kept here on purpose: the row becomes `sandboxed`.
    Sandboxed,
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

//! Card payments through Stripe: a narrow client with a configurable base
//! URL (Checkout sessions, refunds) and the webhook that records what Stripe
//! says was paid, verified and processed once per event.

mod client;
mod events;
mod off_session;
mod signature;
mod webhook;

use axum::Router;
use axum::routing::post;

pub use client::{CheckoutRequest, CheckoutSession, StripeClient, StripeError};
pub use events::{Event, Outcome, process};
pub use off_session::{ChargeOutcome, OffSessionCharge, SavedCard};
pub use signature::{SignatureError, TOLERANCE_SECONDS, sign, verify};

use crate::web::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/webhook/stripe", post(webhook::receive))
}

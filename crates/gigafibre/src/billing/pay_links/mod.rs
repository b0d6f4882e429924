//! Payment links: staff send a customer, by e-mail or SMS through the
//! outbox, a link that pays one invoice (or the balance) by card without
//! signing in. The link is a random token whose SHA-256 is stored with an
//! end date ([`LIFETIME_DAYS`]); it opens a page whose button starts a
//! Stripe Checkout for what is owed at that moment, and is refused once
//! expired or once nothing is owed. The payment itself is recorded by the
//! Stripe webhook, as for any Checkout.

mod link;
mod message;
mod pages;
mod send;

use axum::Router;
use axum::routing::get;

pub use link::{LIFETIME_DAYS, NewLink, Refusal, attach_message, mint, open, url};
pub use message::{LinkMessage, compose};
pub use send::{LinkRequest, SendError, address, send};

use crate::web::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/pay/done", get(pages::done)).route("/pay/{token}", get(pages::show).post(pages::pay))
}

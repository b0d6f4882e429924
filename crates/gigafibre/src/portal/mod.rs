//! The customer portal (`/portal`): passwordless sign-in, then the
//! customer's balance, invoices and support requests, phone first, in French
//! and English.

mod account;
mod autopay;
mod current;
pub mod identifier;
pub mod links;
mod messages;
pub(crate) mod payments;
pub(crate) mod profile;
mod sign_in;
mod tickets;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};
use sea_orm::DatabaseConnection;

pub use current::{CurrentCustomer, END_PATH as IMPERSONATION_END, urlencoding};

use crate::clock::Clock;
use crate::web::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/portal/sign-in", get(sign_in::page))
        .route("/portal/request-link", post(sign_in::request_link))
        .route("/portal/auth", get(sign_in::open_link).post(sign_in::confirm_link))
        .route("/portal/code", post(sign_in::confirm_code))
        .route("/portal/sign-out", post(sign_in::sign_out))
        .route("/portal/sign-out-everywhere", post(sign_in::sign_out_everywhere))
        .route("/portal", get(account::dashboard))
        .route("/portal/invoices", get(account::invoices))
        .route("/portal/invoices/{number}", get(account::invoice))
        .route("/portal/pay", post(payments::pay))
        .route("/portal/cards", post(payments::cards))
        .route("/portal/autopay", get(autopay::page).post(autopay::choose))
        .route("/portal/payment/success", get(payments::success))
        .route("/portal/payment/cancel", get(payments::cancelled))
        .route("/portal/account", get(profile::page).post(profile::save))
        .route("/portal/messages", get(messages::page))
        .route("/portal/tickets", get(tickets::list).post(tickets::create))
        .route("/portal/tickets/new", get(tickets::new_form))
        .route("/portal/tickets/{id}", get(tickets::show))
        .route("/portal/tickets/{id}/reply", post(tickets::reply))
        .route("/login", get(sign_in::old_address))
        .route("/update-password", get(sign_in::old_address))
}

/// Answers sign-in requests as they arrive and prunes old rate-limit hits.
pub fn spawn_background(db: DatabaseConnection, public_url: url::Url, clock: Arc<dyn Clock>) {
    tokio::spawn(async move {
        let mut ticks: u64 = 0;
        loop {
            let now = clock.now();
            if let Err(error) = links::answer_pending(&db, &public_url, now).await {
                tracing::warn!(%error, "answering sign-in requests failed; retrying");
            }
            if ticks.is_multiple_of(3600)
                && let Err(error) = crate::auth::rate_limit::prune(&db, now).await
            {
                tracing::warn!(%error, "pruning rate-limit hits failed");
            }
            ticks += 1;
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    });
}

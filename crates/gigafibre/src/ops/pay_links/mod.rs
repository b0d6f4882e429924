//! "Send a payment link" from the ops app: for one invoice
//! (`/ops/invoices/{id}/payment-link`) or a customer's whole balance
//! (`/ops/clients/{id}/payment-link`), by e-mail or SMS through the outbox.
//! Agents and billing (`Staff<ReadReceivables>`); each link sent is written
//! to the audit log.

mod send;

use axum::Router;
use axum::routing::get;

use crate::web::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ops/invoices/{id}/payment-link", get(send::invoice_page).post(send::invoice_send))
        .route("/ops/clients/{id}/payment-link", get(send::balance_page).post(send::balance_send))
}

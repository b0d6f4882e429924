//! Receivables: recording a payment on a client's page, refunding one,
//! crediting an invoice, the customer's statement and the aging of what
//! every customer owes. Billing staff and admins move money
//! (`Staff<HandleMoney>`); agents read (`Staff<ReadReceivables>`).

pub(crate) mod aging;
mod credit_note;
pub(crate) mod form;
mod payment;
mod refund;
mod statement;

use axum::Router;
use axum::routing::get;

use crate::web::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ops/receivables", get(aging::page))
        .route("/ops/clients/{id}/statement", get(statement::page))
        .route("/ops/clients/{id}/payments/new", get(payment::new_form).post(payment::record))
        .route("/ops/payments/{id}/refund", get(refund::confirm_form).post(refund::refund))
        .route("/ops/invoices/{id}/credit-note", get(credit_note::new_form).post(credit_note::issue))
}

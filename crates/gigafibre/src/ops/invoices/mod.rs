//! Invoices in the ops app: every invoice with filters, one invoice with its
//! lines, taxes, payments and credit notes, and voiding a draft. Agents and
//! billing read (`Staff<ReadReceivables>`); only billing voids
//! (`Staff<HandleMoney>`). An issued invoice is corrected by a credit note.

mod detail;
mod list;
mod void;

use axum::Router;
use axum::routing::{get, post};

use crate::web::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ops/invoices", get(list::page))
        .route("/ops/invoices/{id}", get(detail::page))
        .route("/ops/invoices/{id}/void", post(void::void))
}

//! Ops tickets: the list support works from all day, one ticket with its
//! whole thread, the actions on it (reply, internal note, assign, status,
//! priority) and opening a ticket for a customer.
//!
//! Reading is open to every member of staff (`Staff<AnyRole>`); changing a
//! ticket takes `Staff<WorkTickets>`. Every change is written with its audit
//! entry in one transaction, answers htmx with the part of the page it
//! changed and a plain form post with a redirect to the ticket.

mod actions;
mod detail;
mod list;
mod new;
#[cfg(test)]
mod plans;
pub(crate) mod rules;
mod store;
mod views;

use axum::Router;
use axum::routing::{get, post};

use crate::web::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ops/tickets", get(list::page))
        .route("/ops/tickets/new", get(new::form).post(new::create))
        .route("/ops/tickets/{id}", get(detail::page))
        .route("/ops/tickets/{id}/reply", post(actions::reply))
        .route("/ops/tickets/{id}/note", post(actions::note))
        .route("/ops/tickets/{id}/assign", post(actions::assign))
        .route("/ops/tickets/{id}/status", post(actions::status))
        .route("/ops/tickets/{id}/priority", post(actions::priority))
}

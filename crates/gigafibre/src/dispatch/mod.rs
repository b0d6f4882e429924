//! Dispatch jobs and their life: a visit created from a ticket, booked on a
//! technician's day, driven to, done (with the equipment it moved and the
//! ticket it closes) or stopped with a reason; the customer told through the
//! outbox when it is booked, the day before and when the technician is on
//! the way.
//!
//! The rules with no I/O are in [`status`] (which moves a job may make),
//! [`create`] (a new job's duration and window) and
//! [`crate::equipment::moves`]; the writes in [`transitions`] and
//! [`completion`], each inside one transaction with its audit entry. What
//! the technician records at the visit (checklist, photos, signature) is in
//! [`onsite`]; the frame every job write of the JSON API shares in
//! [`job_api`].
//! Planning a day is in [`planning`]; the board and the map in
//! `ops::dispatch`.

pub mod api;
pub mod completion;
pub mod create;
pub mod error;
pub mod job_api;
pub mod job_types;
pub mod notices;
pub mod onsite;
pub mod planning;
pub mod reminders;
pub mod status;
pub mod store;
pub mod ticket_link;
pub mod transitions;

use axum::Router;
use axum::routing::post;

use crate::web::AppState;

/// The JSON API the technician app calls.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/jobs/{id}/status", post(api::status))
        .route("/api/v1/jobs/{id}/completion", post(api::completion))
        .merge(onsite::routes())
}

//! What a technician records at the visit, kept with the job: the job
//! type's checklist as ticked, photos taken on site and the customer's
//! signature when the type requires one. Written through `/api/v1` (each
//! write with an `Idempotency-Key`, so the phone's offline queue may send it
//! again), read back by the technician's job page and the ops job page.
//!
//! The rules with no I/O are [`photos::check`] and [`signature::check`];
//! the writes refuse a job whose visit is over.

pub mod api;
pub mod checklist;
pub mod error;
pub mod photos;
pub mod records;
pub mod signature;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post, put};
use gigafibre_db::entities::dispatch_job;

use self::error::SiteError;
use super::status::Status;
use crate::web::AppState;

/// The visit is not over (done, cancelled or could not complete).
pub fn is_open(job: &dispatch_job::Model) -> bool {
    !Status::from_code(&job.status).is_some_and(Status::is_final)
}

fn ensure_open(job: &dispatch_job::Model) -> Result<(), SiteError> {
    if is_open(job) { Ok(()) } else { Err(SiteError::Closed) }
}

pub fn routes() -> Router<AppState> {
    // A photo may be larger than the default body limit; the handler refuses
    // one over `photos::MAX_BYTES` with a problem of its own.
    let photo_limit = DefaultBodyLimit::max(photos::MAX_BYTES + 1);
    Router::new()
        .route("/api/v1/jobs/{id}/checklist/{index}", put(api::tick))
        .route("/api/v1/jobs/{id}/photos", post(api::add_photo).layer(photo_limit))
        .route("/api/v1/jobs/{id}/photos/{photo_id}", get(api::photo))
        .route("/api/v1/jobs/{id}/signature", post(api::sign).get(api::signature_image))
}

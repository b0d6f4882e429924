//! What every JSON endpoint under `/api/v1` shares: errors as RFC 9457
//! `application/problem+json`, and idempotency keys that let a client (the
//! technician app's offline queue) send the same request again safely.

pub mod idempotency;
pub mod problem;

pub use problem::Problem;

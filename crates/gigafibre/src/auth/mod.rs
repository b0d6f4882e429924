//! Who is signed in: sessions, one-time secrets and rate limits, shared by
//! the portal, the ops app and the technician app.

pub mod rate_limit;
pub mod secret;
pub mod session;

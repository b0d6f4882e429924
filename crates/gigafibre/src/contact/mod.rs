//! Customer contact details, normalised once on the way in so they compare, dedupe and dial reliably.

pub mod email;
pub mod phone;

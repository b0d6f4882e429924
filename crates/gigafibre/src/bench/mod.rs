//! `gigafibre bench`: our figures beside a bare-bones program doing the same
//! work in the same run, so that the ratio holds on a noisy machine.

mod aging;
mod billing;
pub mod dispatch_day;
mod load;
mod ops;
mod portal;
mod seed;
pub mod solomon;

pub use aging::{AgingFigures, aging_report};
pub use billing::{BillingFigures, PostgresFigures, billing};
pub use load::{Latency, Load};
pub use ops::{OpsFigures, ops};
pub use portal::{PortalFigures, portal};
pub use seed::{SeedFigures, seed};

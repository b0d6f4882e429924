//! Invoicing arithmetic: exact money amounts and the Québec sales taxes applied to them.

pub mod balances;
pub mod money;
pub mod payments;
pub mod stripe;
pub mod taxes;

//! Billing: exact money amounts, the Québec sales taxes, billing periods and
//! proration, invoice totals, balances.

pub mod autopay;
pub mod balances;
pub mod daily_job;
pub mod dunning;
pub mod money;
pub mod pay_links;
pub mod payments;
pub mod periods;
pub mod printable;
pub mod proration;
pub mod run;
pub mod stripe;
pub mod taxes;
pub mod totals;

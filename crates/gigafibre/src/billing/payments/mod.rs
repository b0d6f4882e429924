//! Payments and what settles an invoice besides them.
//!
//! A payment is allocated to open invoices, oldest first or to the invoices
//! chosen; what is left stays with the customer as credit and goes to the
//! next invoice ([`apply_credit`], which the billing run calls after it
//! issues one). A refund gives back part or all of a payment; a credit note
//! corrects an issued invoice and has its own number. Every change keeps the
//! invoice and customer balances in step in the same transaction:
//! a customer owes every invoice, less what they paid and was not refunded,
//! less their credit notes.

mod allocate;
mod credit_notes;
mod error;
mod ledger;
mod method;
mod record;
mod refund;

pub use allocate::{Owing, Share, spread};
pub use credit_notes::{NewCreditNote, issue_credit_note};
pub use error::PaymentError;
pub use ledger::refresh_balances;
pub use method::Method;
pub use record::{NewPayment, Recorded, Target, apply_credit, record};
pub use refund::{NewRefund, refund, refundable};

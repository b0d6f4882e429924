//! Recording a payment and spending customer credit on open invoices.

use chrono::{DateTime, Utc};
use gigafibre_db::entities::payment;
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ConnectionTrait, EntityTrait};

use super::PaymentError;
use super::allocate::spread;
use super::ledger::{allocate, lock_customer, open_invoices, owing, refresh_balances, unspent_of, unspent_payments};
use super::method::Method;
use crate::billing::money::Money;

/// Where a payment goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// The customer's open invoices, the oldest first.
    OldestFirst,
    /// These invoices of the customer's, the oldest first; the rest goes to
    /// their other open invoices, then stays as credit.
    Invoices(Vec<i64>),
}

#[derive(Clone, Debug)]
pub struct NewPayment {
    pub customer_id: i64,
    pub amount: Money,
    pub method: Method,
    pub reference: String,
    pub received_at: DateTime<Utc>,
    pub target: Target,
}

/// A recorded payment: what settled invoices, what stays as credit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Recorded {
    pub payment_id: i64,
    pub applied: Money,
    pub credit: Money,
}

/// Records a payment and allocates it, in the caller's transaction.
/// Paying with nothing due is allowed: it all stays as credit.
pub async fn record<C: ConnectionTrait>(
    conn: &C,
    new: NewPayment,
    now: DateTime<Utc>,
) -> Result<Recorded, PaymentError> {
    if new.amount <= Money::ZERO {
        return Err(PaymentError::NotPositive);
    }
    lock_customer(conn, new.customer_id).await?;
    let mut open = open_invoices(conn, new.customer_id).await?;
    if let Target::Invoices(chosen) = &new.target {
        if chosen.iter().any(|id| !open.iter().any(|i| i.id == *id)) {
            return Err(PaymentError::UnknownInvoice);
        }
        open.retain(|i| chosen.contains(&i.id));
    }
    let row = payment::ActiveModel {
        id: NotSet,
        legacy_id: Set(None),
        customer_id: Set(new.customer_id),
        amount_cents: Set(new.amount.cents()),
        method: Set(new.method.code().to_owned()),
        reference: Set(new.reference.trim().to_owned()),
        received_at: Set(new.received_at),
        created_at: Set(now),
    };
    let payment_id = payment::Entity::insert(row).exec(conn).await?.last_insert_id;
    let (shares, _) = spread(new.amount, &owing(&open));
    allocate(conn, payment_id, &shares).await?;
    refresh_balances(conn, new.customer_id).await?;
    // What the chosen invoices did not take settles the others before it
    // stays as credit.
    apply_credit(conn, new.customer_id).await?;
    let paid = payment::Entity::find_by_id(payment_id).one(conn).await?.ok_or(PaymentError::UnknownPayment)?;
    let credit = unspent_of(conn, &paid).await?;
    Ok(Recorded { payment_id, applied: new.amount - credit, credit })
}

/// Spends the customer's credit (payments not yet allocated or refunded) on
/// their open invoices, oldest payment on oldest invoice, in the caller's
/// transaction. The billing run calls it after it issues an invoice.
/// Returns how much was applied.
pub async fn apply_credit<C: ConnectionTrait>(conn: &C, customer_id: i64) -> Result<Money, PaymentError> {
    lock_customer(conn, customer_id).await?;
    let mut owed = owing(&open_invoices(conn, customer_id).await?);
    let mut applied = Money::ZERO;
    for unspent in unspent_payments(conn, customer_id).await? {
        let (shares, _) = spread(unspent.amount, &owed);
        if shares.is_empty() {
            break;
        }
        for share in &shares {
            if let Some(invoice) = owed.iter_mut().find(|o| o.id == share.id) {
                invoice.amount -= share.amount;
            }
            applied += share.amount;
        }
        owed.retain(|o| o.amount > Money::ZERO);
        allocate(conn, unspent.id, &shares).await?;
    }
    if applied > Money::ZERO {
        refresh_balances(conn, customer_id).await?;
    }
    Ok(applied)
}

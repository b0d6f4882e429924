//! Giving back part or all of a payment.

use chrono::{DateTime, Utc};
use gigafibre_db::entities::{invoice, payment, refund as refund_row};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::PaymentError;
use super::allocate::{Owing, spread};
use super::ledger::{allocations_of, lock_customer, refresh_balances, refunded_of, take_back, unspent_of};
use super::record::apply_credit;
use crate::billing::money::Money;

#[derive(Clone, Debug)]
pub struct NewRefund {
    pub payment_id: i64,
    pub amount: Money,
    pub reason: String,
    /// The provider's id for it (Stripe `re_…`) when the money went back through one.
    pub provider_reference: Option<String>,
    pub at: DateTime<Utc>,
}

/// How much of a payment can still be refunded.
pub async fn refundable<C: ConnectionTrait>(conn: &C, paid: &payment::Model) -> Result<Money, PaymentError> {
    Ok(Money::from_cents(paid.amount_cents) - refunded_of(conn, paid.id).await?)
}

/// Records a refund in the caller's transaction. The unspent part of the
/// payment goes back first; beyond it, the payment is taken back from the
/// invoices it settled, the most recent first, and they owe again unless
/// the customer's credit from other payments covers them.
pub async fn refund<C: ConnectionTrait>(conn: &C, new: NewRefund) -> Result<refund_row::Model, PaymentError> {
    if new.amount <= Money::ZERO {
        return Err(PaymentError::NotPositive);
    }
    let paid = payment::Entity::find_by_id(new.payment_id).one(conn).await?.ok_or(PaymentError::UnknownPayment)?;
    lock_customer(conn, paid.customer_id).await?;
    let left = refundable(conn, &paid).await?;
    if new.amount > left {
        return Err(PaymentError::RefundTooLarge(left));
    }
    let unspent = unspent_of(conn, &paid).await?;
    if new.amount > unspent {
        let rows = allocations_of(conn, paid.id).await?;
        let invoice_ids: Vec<i64> = rows.iter().map(|r| r.invoice_id).collect();
        let invoices = invoice::Entity::find().filter(invoice::Column::Id.is_in(invoice_ids)).all(conn).await?;
        let mut ordered = rows.clone();
        // The invoice due last is reopened first.
        ordered.sort_by_key(|r| {
            let due = invoices.iter().find(|i| i.id == r.invoice_id).map(|i| (i.due_date, i.id));
            std::cmp::Reverse(due)
        });
        let owing: Vec<Owing> =
            ordered.iter().map(|r| Owing { id: r.id, amount: Money::from_cents(r.amount_cents) }).collect();
        let (shares, _) = spread(new.amount - unspent, &owing);
        take_back(conn, &rows, &shares).await?;
    }
    let row = refund_row::ActiveModel {
        id: NotSet,
        payment_id: Set(paid.id),
        customer_id: Set(paid.customer_id),
        amount_cents: Set(new.amount.cents()),
        reason: Set(new.reason.trim().to_owned()),
        provider_reference: Set(new.provider_reference),
        refunded_at: Set(new.at),
    };
    let saved = refund_row::Entity::insert(row).exec_with_returning(conn).await?;
    refresh_balances(conn, paid.customer_id).await?;
    // Another payment's credit settles what this one no longer does.
    apply_credit(conn, paid.customer_id).await?;
    Ok(saved)
}

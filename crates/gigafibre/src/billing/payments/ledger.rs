//! The rows a payment touches: the customer's lock, what is owed, what is
//! still unspent, allocations made and taken back, and the stored balances.

use std::collections::HashMap;

use gigafibre_db::entities::{customer, invoice, payment, payment_allocation, refund};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::PaymentError;
use super::allocate::{Owing, Share};
use crate::billing::money::Money;

/// The customer, locked until the transaction ends on PostgreSQL, so that two
/// payments of one customer take turns (a SQLite write transaction already
/// holds the whole database).
pub(super) async fn lock_customer<C: ConnectionTrait>(conn: &C, id: i64) -> Result<customer::Model, PaymentError> {
    let mut query = customer::Entity::find_by_id(id);
    if conn.get_database_backend() == DatabaseBackend::Postgres {
        query = query.lock_exclusive();
    }
    query.one(conn).await?.ok_or(PaymentError::UnknownCustomer)
}

/// The customer's open invoices that still owe something, oldest first
/// (due date, then issue date, then number order).
pub(super) async fn open_invoices<C: ConnectionTrait>(
    conn: &C,
    customer_id: i64,
) -> Result<Vec<invoice::Model>, DbErr> {
    invoice::Entity::find()
        .filter(invoice::Column::CustomerId.eq(customer_id))
        .filter(invoice::Column::Status.eq("open"))
        .filter(invoice::Column::BalanceCents.gt(0))
        .order_by_asc(invoice::Column::DueDate)
        .order_by_asc(invoice::Column::IssueDate)
        .order_by_asc(invoice::Column::Id)
        .all(conn)
        .await
}

pub(super) fn owing(invoices: &[invoice::Model]) -> Vec<Owing> {
    invoices.iter().map(|i| Owing { id: i.id, amount: Money::from_cents(i.balance_cents) }).collect()
}

/// What of each payment is neither allocated nor refunded, oldest payment
/// first; payments fully spent are left out.
pub(super) async fn unspent_payments<C: ConnectionTrait>(conn: &C, customer_id: i64) -> Result<Vec<Owing>, DbErr> {
    let payments = payment::Entity::find()
        .filter(payment::Column::CustomerId.eq(customer_id))
        .order_by_asc(payment::Column::ReceivedAt)
        .order_by_asc(payment::Column::Id)
        .all(conn)
        .await?;
    let ids: Vec<i64> = payments.iter().map(|p| p.id).collect();
    let mut spent: HashMap<i64, i64> = HashMap::new();
    let allocations =
        payment_allocation::Entity::find().filter(payment_allocation::Column::PaymentId.is_in(ids)).all(conn).await?;
    for a in allocations {
        *spent.entry(a.payment_id).or_default() += a.amount_cents;
    }
    let refunds = refund::Entity::find().filter(refund::Column::CustomerId.eq(customer_id)).all(conn).await?;
    for r in refunds {
        *spent.entry(r.payment_id).or_default() += r.amount_cents;
    }
    Ok(payments
        .into_iter()
        .map(|p| Owing { id: p.id, amount: Money::from_cents(p.amount_cents - spent.get(&p.id).copied().unwrap_or(0)) })
        .filter(|o| o.amount > Money::ZERO)
        .collect())
}

/// What of one payment is neither allocated nor refunded.
pub(super) async fn unspent_of<C: ConnectionTrait>(conn: &C, paid: &payment::Model) -> Result<Money, DbErr> {
    let allocated: i64 = allocations_of(conn, paid.id).await?.iter().map(|a| a.amount_cents).sum();
    Ok(Money::from_cents(paid.amount_cents - allocated) - refunded_of(conn, paid.id).await?)
}

pub(super) async fn refunded_of<C: ConnectionTrait>(conn: &C, payment_id: i64) -> Result<Money, DbErr> {
    let refunds = refund::Entity::find().filter(refund::Column::PaymentId.eq(payment_id)).all(conn).await?;
    Ok(Money::from_cents(refunds.iter().map(|r| r.amount_cents).sum()))
}

pub(super) async fn allocations_of<C: ConnectionTrait>(
    conn: &C,
    payment_id: i64,
) -> Result<Vec<payment_allocation::Model>, DbErr> {
    payment_allocation::Entity::find()
        .filter(payment_allocation::Column::PaymentId.eq(payment_id))
        .order_by_desc(payment_allocation::Column::Id)
        .all(conn)
        .await
}

/// Allocates `shares` of one payment to invoices, adding to an allocation
/// the payment already has on the same invoice.
pub(super) async fn allocate<C: ConnectionTrait>(conn: &C, payment_id: i64, shares: &[Share]) -> Result<(), DbErr> {
    for share in shares {
        let existing = payment_allocation::Entity::find()
            .filter(payment_allocation::Column::PaymentId.eq(payment_id))
            .filter(payment_allocation::Column::InvoiceId.eq(share.id))
            .one(conn)
            .await?;
        match existing {
            Some(row) => {
                let amount = row.amount_cents + share.amount.cents();
                let mut row: payment_allocation::ActiveModel = row.into();
                row.amount_cents = Set(amount);
                payment_allocation::Entity::update(row).exec(conn).await?;
            }
            None => {
                let row = payment_allocation::ActiveModel {
                    id: NotSet,
                    payment_id: Set(payment_id),
                    invoice_id: Set(share.id),
                    amount_cents: Set(share.amount.cents()),
                };
                payment_allocation::Entity::insert(row).exec_without_returning(conn).await?;
            }
        }
    }
    Ok(())
}

/// Takes back `shares` of allocation rows (by allocation id): an allocation
/// taken back whole is removed.
pub(super) async fn take_back<C: ConnectionTrait>(
    conn: &C,
    rows: &[payment_allocation::Model],
    shares: &[Share],
) -> Result<(), DbErr> {
    for share in shares {
        let Some(row) = rows.iter().find(|r| r.id == share.id) else { continue };
        let left = row.amount_cents - share.amount.cents();
        if left == 0 {
            payment_allocation::Entity::delete_by_id(row.id).exec(conn).await?;
        } else {
            let mut active: payment_allocation::ActiveModel = row.clone().into();
            active.amount_cents = Set(left);
            payment_allocation::Entity::update(active).exec(conn).await?;
        }
    }
    Ok(())
}

/// Recomputes the customer's invoice balances and statuses and their own
/// balance from the ledger rows: every invoice (void ones excepted) less
/// payments, plus refunds, less credit notes.
pub async fn refresh_balances<C: ConnectionTrait>(conn: &C, customer_id: i64) -> Result<(), DbErr> {
    // `customer_id` is an integer: written into the statement as digits.
    conn.execute_unprepared(&format!(
        "UPDATE invoices SET balance_cents = total_cents \
         - COALESCE((SELECT SUM(a.amount_cents) FROM payment_allocations a WHERE a.invoice_id = invoices.id), 0) \
         - COALESCE((SELECT SUM(n.total_cents) FROM credit_notes n WHERE n.invoice_id = invoices.id), 0) \
         WHERE customer_id = {customer_id}"
    ))
    .await?;
    conn.execute_unprepared(&format!(
        "UPDATE invoices SET status = CASE WHEN balance_cents = 0 THEN 'paid' ELSE 'open' END \
         WHERE customer_id = {customer_id} AND status IN ('open', 'paid')"
    ))
    .await?;
    conn.execute_unprepared(&format!(
        "UPDATE customers SET balance_cents = {} WHERE id = {customer_id}",
        crate::billing::balances::CUSTOMER_BALANCE
    ))
    .await?;
    Ok(())
}

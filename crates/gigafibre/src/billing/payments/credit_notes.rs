//! Credit notes: the one way to correct an issued invoice, numbered in a
//! sequence of their own without gaps.

use chrono::{DateTime, Utc};
use gigafibre_db::entities::{credit_note, credit_note_counter, invoice, payment_allocation};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::PaymentError;
use super::allocate::{Owing, spread};
use super::ledger::{lock_customer, refresh_balances, take_back};
use super::record::apply_credit;
use crate::billing::money::Money;
use crate::billing::taxes::quebec_taxes;

#[derive(Clone, Debug)]
pub struct NewCreditNote {
    pub invoice_id: i64,
    /// Before taxes; GST and QST are added as on the invoice.
    pub subtotal: Money,
    pub reason: String,
    pub at: DateTime<Utc>,
}

/// Issues a credit note on an invoice in the caller's transaction. When it
/// credits more than the invoice still owes, the payments that settled the
/// invoice are released by that much: they become the customer's credit
/// and go to their other open invoices.
pub async fn issue_credit_note<C: ConnectionTrait>(
    conn: &C,
    new: NewCreditNote,
) -> Result<credit_note::Model, PaymentError> {
    if new.subtotal <= Money::ZERO {
        return Err(PaymentError::NotPositive);
    }
    let found = invoice::Entity::find_by_id(new.invoice_id).one(conn).await?.ok_or(PaymentError::UnknownInvoice)?;
    if !matches!(found.status.as_str(), "open" | "paid") {
        return Err(PaymentError::NotIssued);
    }
    lock_customer(conn, found.customer_id).await?;
    let taxes = quebec_taxes(new.subtotal);
    let total = new.subtotal + taxes.total();
    let earlier = credit_note::Entity::find().filter(credit_note::Column::InvoiceId.eq(found.id)).all(conn).await?;
    let creditable = Money::from_cents(found.total_cents - earlier.iter().map(|n| n.total_cents).sum::<i64>());
    if total > creditable {
        return Err(PaymentError::CreditTooLarge(creditable));
    }
    let owed = Money::from_cents(found.balance_cents);
    if total > owed {
        let rows = payment_allocation::Entity::find()
            .filter(payment_allocation::Column::InvoiceId.eq(found.id))
            .order_by_desc(payment_allocation::Column::Id)
            .all(conn)
            .await?;
        let owing: Vec<Owing> =
            rows.iter().map(|r| Owing { id: r.id, amount: Money::from_cents(r.amount_cents) }).collect();
        let (shares, _) = spread(total - owed, &owing);
        take_back(conn, &rows, &shares).await?;
    }
    let row = credit_note::ActiveModel {
        id: NotSet,
        number: Set(next_number(conn).await?),
        customer_id: Set(found.customer_id),
        invoice_id: Set(Some(found.id)),
        reason: Set(new.reason.trim().to_owned()),
        subtotal_cents: Set(new.subtotal.cents()),
        gst_cents: Set(taxes.gst.cents()),
        qst_cents: Set(taxes.qst.cents()),
        total_cents: Set(total.cents()),
        issued_at: Set(new.at),
    };
    let saved = credit_note::Entity::insert(row).exec_with_returning(conn).await?;
    refresh_balances(conn, found.customer_id).await?;
    apply_credit(conn, found.customer_id).await?;
    Ok(saved)
}

/// The next credit note number, `NC-000123`. The counter row is locked for
/// the rest of the transaction (PostgreSQL; SQLite's write transaction holds
/// the database), so two credit notes never share a number and a rolled
/// back one leaves no gap. Numbers that imported notes already hold are
/// stepped over.
async fn next_number<C: ConnectionTrait>(conn: &C) -> Result<String, DbErr> {
    let mut query = credit_note_counter::Entity::find_by_id(1);
    if conn.get_database_backend() == DatabaseBackend::Postgres {
        query = query.lock_exclusive();
    }
    let last = query.one(conn).await?.map_or(0, |row| row.last_number);
    let existing = credit_note::Entity::find().count(conn).await? as i64;
    let mut next = (last + 1).max(existing + 1);
    while credit_note::Entity::find().filter(credit_note::Column::Number.eq(number(next))).count(conn).await? > 0 {
        next += 1;
    }
    let row = credit_note_counter::ActiveModel { id: Set(1), last_number: Set(next) };
    credit_note_counter::Entity::update(row).exec(conn).await?;
    Ok(number(next))
}

fn number(sequence: i64) -> String {
    format!("NC-{sequence:06}")
}

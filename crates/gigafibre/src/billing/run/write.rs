//! Issuing one batch of customers in one transaction: invoices with their
//! numbers, lines, billed-through dates and balances commit together or not
//! at all, so a run killed half way leaves whole customers and an unbroken
//! numbering behind it.

use std::collections::HashMap;

use chrono::{DateTime, Days, NaiveDate, Utc};
use gigafibre_db::entities::{customer, invoice, number_sequence};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LockType, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Value,
};

use super::draft::Draft;
use crate::db::{BulkWriter, begin_write};

/// The name of the invoice numbering sequence.
const INVOICES: &str = "invoice";
/// Days between the issue date and the due date.
pub const PAYMENT_TERMS_DAYS: u64 = 21;

/// The invoice number for the `value`th invoice: `F-0000123`.
pub fn invoice_number(value: i64) -> String {
    format!("F-{value:07}")
}

fn parse_invoice_number(number: &str) -> Option<i64> {
    number.strip_prefix("F-")?.parse().ok()
}

/// Creates the invoice sequence if it is missing, starting after the
/// highest `F-` number already issued (by the demo data or an import).
pub async fn ensure_sequence(db: &DatabaseConnection) -> Result<(), DbErr> {
    if number_sequence::Entity::find_by_id(INVOICES).one(db).await?.is_some() {
        return Ok(());
    }
    let highest: Vec<String> = invoice::Entity::find()
        .select_only()
        .column(invoice::Column::Number)
        .filter(invoice::Column::Number.starts_with("F-"))
        .order_by_desc(Func::char_length(Expr::col(invoice::Column::Number)))
        .order_by_desc(invoice::Column::Number)
        .limit(50)
        .into_tuple()
        .all(db)
        .await?;
    let last = highest.iter().find_map(|n| parse_invoice_number(n)).unwrap_or(0);
    let row = number_sequence::ActiveModel {
        name: sea_orm::ActiveValue::Set(INVOICES.into()),
        last_value: sea_orm::ActiveValue::Set(last),
    };
    number_sequence::Entity::insert(row).on_conflict_do_nothing_on([number_sequence::Column::Name]).exec(db).await?;
    Ok(())
}

/// Opens a batch: the write transaction, with the invoice sequence row
/// locked (`FOR UPDATE` on PostgreSQL; SQLite's `BEGIN IMMEDIATE` already
/// holds the only write lock). A second run waits here, then reads the
/// billed-through dates this batch leaves behind.
pub async fn begin(db: &DatabaseConnection) -> Result<(sea_orm::DatabaseTransaction, i64), DbErr> {
    let txn = begin_write(db).await?;
    let last: Option<i64> = number_sequence::Entity::find_by_id(INVOICES)
        .select_only()
        .column(number_sequence::Column::LastValue)
        .lock(LockType::Update)
        .into_tuple()
        .one(&txn)
        .await?;
    let last = last.ok_or_else(|| DbErr::RecordNotFound("the invoice number sequence".into()))?;
    Ok((txn, last))
}

/// Takes the next invoice number for one invoice issued outside a run (a
/// late fee), in the caller's write transaction: the sequence row is locked
/// until it commits, so numbers stay gapless. [`ensure_sequence`] first.
pub async fn take_invoice_number<C: ConnectionTrait>(conn: &C) -> Result<String, DbErr> {
    let last: Option<i64> = number_sequence::Entity::find_by_id(INVOICES)
        .select_only()
        .column(number_sequence::Column::LastValue)
        .lock(LockType::Update)
        .into_tuple()
        .one(conn)
        .await?;
    let next = last.ok_or_else(|| DbErr::RecordNotFound("the invoice number sequence".into()))? + 1;
    number_sequence::Entity::update_many()
        .col_expr(number_sequence::Column::LastValue, Expr::value(next))
        .filter(number_sequence::Column::Name.eq(INVOICES))
        .exec(conn)
        .await?;
    Ok(invoice_number(next))
}

/// Writes the drafts of one batch and commits. `last` is the sequence's
/// value read by [`begin`].
pub async fn commit(
    txn: sea_orm::DatabaseTransaction,
    last: i64,
    drafts: &[&Draft],
    run_date: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let invoices: Vec<_> = drafts.iter().flat_map(|d| &d.invoices).collect();
    let settled: Vec<_> = drafts.iter().flat_map(|d| &d.settled).collect();
    if invoices.is_empty() && settled.is_empty() {
        return txn.rollback().await;
    }
    let due_date = run_date + Days::new(PAYMENT_TERMS_DAYS);
    let numbers: Vec<String> = (1..=invoices.len() as i64).map(|i| invoice_number(last + i)).collect();

    let mut rows: Vec<Vec<Value>> = Vec::with_capacity(invoices.len());
    for (draft, number) in invoices.iter().zip(&numbers) {
        let t = draft.totals;
        rows.push(vec![
            number.clone().into(),
            draft.customer_id.into(),
            "open".into(),
            run_date.into(),
            due_date.into(),
            draft.period.start.into(),
            draft.period.end.into(),
            t.subtotal.cents().into(),
            t.gst.cents().into(),
            t.qst.cents().into(),
            t.total.cents().into(),
            t.total.cents().into(),
            now.into(),
        ]);
    }
    BulkWriter::new(&txn, "invoices", INVOICE_COLUMNS).write(rows).await?;

    let ids = invoice_ids(&txn, &numbers).await?;
    let mut lines = Vec::new();
    let mut invoice_ids = Vec::with_capacity(invoices.len());
    for (draft, number) in invoices.iter().zip(&numbers) {
        let invoice_id = *ids.get(number).ok_or_else(|| DbErr::RecordNotFound(number.clone()))?;
        invoice_ids.push(invoice_id);
        for (position, line) in draft.lines.iter().enumerate() {
            lines.push(vec![
                invoice_id.into(),
                (position as i32 + 1).into(),
                line.subscription_id.into(),
                line.plan_id.into(),
                line.description.clone().into(),
                line.quantity.into(),
                line.unit_price.cents().into(),
                line.amount.cents().into(),
                line.first_day.into(),
                line.last_day.into(),
            ]);
        }
    }
    BulkWriter::new(&txn, "invoice_lines", LINE_COLUMNS).write(lines).await?;

    let settled_rows: Vec<Vec<Value>> =
        settled.iter().map(|(id, through)| vec![Value::from(*id), Value::from(*through)]).collect();
    BulkWriter::new(&txn, "subscription_billing", &["subscription_id", "billed_through"])
        .upsert_on(&["subscription_id"])
        .write(settled_rows)
        .await?;

    add_to_balances(&txn, &invoice_ids).await?;
    super::credit::spend_credit(&txn, &owed_by_customer(&invoices)).await?;

    number_sequence::Entity::update_many()
        .col_expr(number_sequence::Column::LastValue, Expr::value(last + invoices.len() as i64))
        .filter(number_sequence::Column::Name.eq(INVOICES))
        .exec(&txn)
        .await?;
    txn.commit().await
}

const INVOICE_COLUMNS: &[&str] = &[
    "number",
    "customer_id",
    "status",
    "issue_date",
    "due_date",
    "period_start",
    "period_end",
    "subtotal_cents",
    "gst_cents",
    "qst_cents",
    "total_cents",
    "balance_cents",
    "created_at",
];

const LINE_COLUMNS: &[&str] = &[
    "invoice_id",
    "position",
    "subscription_id",
    "plan_id",
    "description",
    "quantity",
    "unit_price_cents",
    "amount_cents",
    "period_start",
    "period_end",
];

async fn invoice_ids<C: ConnectionTrait>(conn: &C, numbers: &[String]) -> Result<HashMap<String, i64>, DbErr> {
    let mut ids = HashMap::with_capacity(numbers.len());
    for chunk in numbers.chunks(10_000) {
        let rows: Vec<(i64, String)> = invoice::Entity::find()
            .select_only()
            .columns([invoice::Column::Id, invoice::Column::Number])
            .filter(invoice::Column::Number.is_in(chunk.iter().cloned()))
            .into_tuple()
            .all(conn)
            .await?;
        ids.extend(rows.into_iter().map(|(id, number)| (number, id)));
    }
    Ok(ids)
}

/// Each customer of the batch with what their new invoices add to their
/// balance.
fn owed_by_customer(invoices: &[&super::draft::Invoice]) -> Vec<(i64, i64)> {
    let mut owed: Vec<(i64, i64)> = Vec::new();
    for invoice in invoices {
        match owed.last_mut() {
            Some((customer, total)) if *customer == invoice.customer_id => *total += invoice.totals.total.cents(),
            _ => owed.push((invoice.customer_id, invoice.totals.total.cents())),
        }
    }
    owed
}

/// Each customer owes the new invoices' totals, summed by the database from
/// the rows just written: one short statement, whatever the batch size.
async fn add_to_balances<C: ConnectionTrait>(conn: &C, invoice_ids: &[i64]) -> Result<(), DbErr> {
    for chunk in invoice_ids.chunks(10_000) {
        let owed = Query::select()
            .expr(Expr::col((invoice::Entity, invoice::Column::TotalCents)).sum().cast_as("BIGINT"))
            .from(invoice::Entity)
            .and_where(
                Expr::col((invoice::Entity, invoice::Column::CustomerId))
                    .equals((customer::Entity, customer::Column::Id)),
            )
            .and_where(Expr::col((invoice::Entity, invoice::Column::Id)).is_in(chunk.iter().copied()))
            .to_owned();
        let billed = Query::select()
            .column(invoice::Column::CustomerId)
            .from(invoice::Entity)
            .and_where(Expr::col(invoice::Column::Id).is_in(chunk.iter().copied()))
            .to_owned();
        customer::Entity::update_many()
            .col_expr(customer::Column::BalanceCents, Expr::col(customer::Column::BalanceCents).add(owed))
            .filter(customer::Column::Id.in_subquery(billed))
            .exec(conn)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invoice_numbers_read_back() {
        assert_eq!(invoice_number(115_001), "F-0115001");
        assert_eq!(parse_invoice_number("F-0115001"), Some(115_001));
        assert_eq!(invoice_number(12_345_678), "F-12345678");
        assert_eq!(parse_invoice_number("NC-000001"), None);
    }
}

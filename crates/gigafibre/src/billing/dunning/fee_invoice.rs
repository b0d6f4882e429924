//! A late fee, issued as an invoice of its own (see [`super::fees`] for why).

use chrono::{DateTime, Days, NaiveDate, Utc};
use gigafibre_db::entities::{invoice, invoice_line};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};

use crate::billing::money::Money;
use crate::billing::payments::{apply_credit, refresh_balances};
use crate::billing::run::{PAYMENT_TERMS_DAYS, take_invoice_number};
use crate::i18n::{Lang, text};

/// Issues `fee` to the customer for the overdue invoice `overdue_number`,
/// in the caller's transaction; returns the fee invoice's id and number.
/// No tax: a late fee is not consideration for a taxable supply.
pub async fn issue<C: ConnectionTrait>(
    conn: &C,
    customer_id: i64,
    overdue_number: &str,
    fee: Money,
    lang: Lang,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(i64, String), DbErr> {
    let number = take_invoice_number(conn).await?;
    let row = invoice::ActiveModel {
        id: NotSet,
        number: Set(number.clone()),
        legacy_id: Set(None),
        customer_id: Set(customer_id),
        status: Set("open".into()),
        issue_date: Set(today),
        due_date: Set(today + Days::new(PAYMENT_TERMS_DAYS)),
        period_start: Set(None),
        period_end: Set(None),
        subtotal_cents: Set(fee.cents()),
        gst_cents: Set(0),
        qst_cents: Set(0),
        total_cents: Set(fee.cents()),
        balance_cents: Set(fee.cents()),
        created_at: Set(now),
    };
    let id = invoice::Entity::insert(row).exec(conn).await?.last_insert_id;
    let line = invoice_line::ActiveModel {
        id: NotSet,
        invoice_id: Set(id),
        position: Set(1),
        subscription_id: Set(None),
        plan_id: Set(None),
        description: Set(text(lang, "dunning.fee_line").replace("{number}", overdue_number)),
        quantity: Set(1),
        unit_price_cents: Set(fee.cents()),
        amount_cents: Set(fee.cents()),
        period_start: Set(None),
        period_end: Set(None),
    };
    invoice_line::Entity::insert(line).exec_without_returning(conn).await?;
    refresh_balances(conn, customer_id).await?;
    apply_credit(conn, customer_id).await.map_err(|error| DbErr::Custom(error.to_string()))?;
    Ok((id, number))
}

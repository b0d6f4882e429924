//! Charging one invoice: claim today's charge row (unique per invoice and
//! day), ask Stripe with the row's idempotency key, then record the payment
//! or mark the charge failed and tell the customer.

use chrono::{DateTime, NaiveDate, Utc};
use gigafibre_db::entities::autopay_charge;
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};

use super::due::Due;
use super::settle::{mark_failed, note_intent, settle};
use super::{Attempt, AttemptOutcome, notice};
use crate::billing::money::Money;
use crate::billing::payments::PaymentError;
use crate::billing::stripe::{ChargeOutcome, OffSessionCharge, StripeClient, StripeError};
use crate::config::Config;

/// The row of today's charge for `due`: a new one, or the pending one a
/// run before did not finish. `None` when another run claimed it first.
async fn claim<C: ConnectionTrait>(
    conn: &C,
    due: &Due,
    retry: Option<i64>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Option<autopay_charge::Model>, DbErr> {
    if let Some(id) = retry {
        return autopay_charge::Entity::find_by_id(id).one(conn).await;
    }
    let row = autopay_charge::ActiveModel {
        id: NotSet,
        invoice_id: Set(due.invoice.id),
        customer_id: Set(due.customer.id),
        day: Set(today),
        amount_cents: Set(due.invoice.balance_cents),
        idempotency_key: Set(format!("autopay-{}-{today}", due.invoice.id)),
        payment_intent_id: Set(None),
        status: Set("pending".to_owned()),
        failure: Set(String::new()),
        payment_id: Set(None),
        outbox_message_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let inserted = autopay_charge::Entity::insert(row)
        .on_conflict_do_nothing_on([autopay_charge::Column::InvoiceId, autopay_charge::Column::Day])
        .exec(conn)
        .await?;
    match inserted {
        sea_orm::TryInsertResult::Inserted(result) => {
            autopay_charge::Entity::find_by_id(result.last_insert_id).one(conn).await
        }
        _ => Ok(None),
    }
}

/// Charges one invoice and says how it went.
pub async fn charge(
    db: &DatabaseConnection,
    config: &Config,
    client: &StripeClient,
    due: &Due,
    retry: Option<i64>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Option<Attempt>, PaymentError> {
    let Some(row) = claim(db, due, retry, today, now).await? else { return Ok(None) };
    let amount = Money::from_cents(row.amount_cents);
    let attempt = |outcome| Some(Attempt::of(due, amount, outcome));
    let card = match client.saved_card(&due.stripe_customer).await {
        Ok(Some(card)) => card,
        Ok(None) => {
            fail(db, config, due, &row, None, "no saved card", &due.card_label, now).await?;
            return Ok(attempt(AttemptOutcome::NoCard));
        }
        Err(error) => return Ok(attempt(unanswered(&error))),
    };
    let description = format!("{} {}", config.company.name, due.invoice.number);
    let request = OffSessionCharge {
        stripe_customer: &due.stripe_customer,
        card: &card.id,
        amount,
        description: &description,
        customer_id: due.customer.id,
        invoice_id: due.invoice.id,
        charge_id: row.id,
    };
    match client.charge_off_session(&request, &row.idempotency_key).await {
        Ok(ChargeOutcome::Succeeded { payment_intent }) => {
            let txn = crate::db::begin_write(db).await?;
            settle(&txn, row.id, &payment_intent, amount, now).await?;
            txn.commit().await?;
            Ok(attempt(AttemptOutcome::Paid))
        }
        Ok(ChargeOutcome::Processing { payment_intent }) => {
            note_intent(db, row.id, &payment_intent, now).await?;
            Ok(attempt(AttemptOutcome::Processing))
        }
        Ok(ChargeOutcome::Declined { payment_intent, reason }) => {
            fail(db, config, due, &row, payment_intent.as_deref(), &reason, &card.label, now).await?;
            Ok(attempt(AttemptOutcome::Declined))
        }
        Err(StripeError::Refused { status, message }) if (400..500).contains(&status) => {
            fail(db, config, due, &row, None, &message, &card.label, now).await?;
            Ok(attempt(AttemptOutcome::Declined))
        }
        Err(error) => Ok(attempt(unanswered(&error))),
    }
}

/// Stripe gave no clear answer: the charge stays pending and a re-run
/// today asks again with the same key.
fn unanswered(error: &StripeError) -> AttemptOutcome {
    tracing::warn!(%error, "an automatic payment got no answer from Stripe; a re-run today asks again");
    AttemptOutcome::NoAnswer
}

/// Marks the charge failed and tells the customer, in one transaction.
#[allow(clippy::too_many_arguments)]
async fn fail(
    db: &DatabaseConnection,
    config: &Config,
    due: &Due,
    row: &autopay_charge::Model,
    payment_intent: Option<&str>,
    reason: &str,
    card: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let txn = crate::db::begin_write(db).await?;
    if !mark_failed(&txn, row.id, payment_intent, reason, now).await? {
        return txn.rollback().await;
    }
    let amount = Money::from_cents(row.amount_cents);
    let message = notice::tell(&txn, config, &due.customer, &due.invoice, amount, card, now).await?;
    autopay_charge::Entity::update_many()
        .col_expr(autopay_charge::Column::OutboxMessageId, message.into())
        .filter(autopay_charge::Column::Id.eq(row.id))
        .exec(&txn)
        .await?;
    txn.commit().await
}

//! Sending one reminder: the notice row, the late fee and the outbox
//! message in one transaction, or nothing.

use chrono::{DateTime, NaiveDate, Utc};
use gigafibre_db::entities::{customer, dunning_notice, invoice};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};

use super::load::Candidate;
use super::messages::{Reminder, compose};
use super::{Notice, contact::reminder_contact, fee_invoice};
use crate::billing::money::Money;
use crate::config::Config;
use crate::i18n::Lang;
use crate::outbox::{self, NewMessage};

/// What [`send`] would do, written nowhere.
pub fn preview(
    config: &Config,
    invoice: &invoice::Model,
    customer: &customer::Model,
    sent: usize,
    step: usize,
) -> Notice {
    let steps = &config.collections.dunning;
    let balance = Money::from_cents(invoice.balance_cents);
    let fee = config.collections.late_fee.charge(balance, steps.days_between(sent, step));
    Notice {
        invoice_number: invoice.number.clone(),
        account_number: customer.account_number.clone(),
        step,
        last: step == steps.last(),
        balance,
        channel: reminder_contact(customer).map(|(channel, _)| channel),
        fee,
        fee_invoice: None,
    }
}

/// Sends `step` for the candidate's invoice. `None` when another run sent
/// it first or the invoice was paid meanwhile.
pub async fn send(
    db: &DatabaseConnection,
    config: &Config,
    candidate: &Candidate,
    step: usize,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Option<Notice>, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let Some(notice_id) = claim(&txn, config, candidate.invoice.id, step, today, now).await? else {
        txn.rollback().await?;
        return Ok(None);
    };
    // Read again under the write lock: a payment may have landed since.
    let current = invoice::Entity::find_by_id(candidate.invoice.id)
        .filter(invoice::Column::Status.eq("open"))
        .filter(invoice::Column::BalanceCents.gt(0))
        .one(&txn)
        .await?;
    let Some(current) = current else {
        txn.rollback().await?;
        return Ok(None);
    };
    let mut notice = preview(config, &current, &candidate.customer, candidate.sent, step);
    let lang = Lang::from_code(&candidate.customer.language).unwrap_or_default();
    let fee_invoice = if notice.fee > Money::ZERO {
        let customer_id = candidate.customer.id;
        let number = &candidate.invoice.number;
        Some(fee_invoice::issue(&txn, customer_id, number, notice.fee, lang, today, now).await?)
    } else {
        None
    };
    notice.fee_invoice = fee_invoice.as_ref().map(|(_, number)| number.clone());
    let message_id = match reminder_contact(&candidate.customer) {
        Some((channel, to)) => {
            let pay_url = pay_url(config, &candidate.invoice.number);
            let (subject, body_text) = compose(&reminder(config, candidate, &notice, lang, channel, &pay_url));
            let message = NewMessage {
                channel,
                to,
                subject,
                body_text,
                body_html: None,
                language: lang,
                customer_id: Some(candidate.customer.id),
                ticket_id: None,
            };
            Some(outbox::enqueue(&txn, message, now).await?)
        }
        None => None,
    };
    dunning_notice::Entity::update_many()
        .col_expr(dunning_notice::Column::OutboxMessageId, message_id.into())
        .col_expr(dunning_notice::Column::FeeCents, notice.fee.cents().into())
        .col_expr(dunning_notice::Column::FeeInvoiceId, fee_invoice.map(|(id, _)| id).into())
        .filter(dunning_notice::Column::Id.eq(notice_id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(Some(notice))
}

/// Records that `step` goes out for `invoice_id`; `None` when it already did.
async fn claim<C: ConnectionTrait>(
    conn: &C,
    config: &Config,
    invoice_id: i64,
    step: usize,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Option<i64>, DbErr> {
    let days = config.collections.dunning.days().get(step - 1).copied().unwrap_or(0);
    let row = dunning_notice::ActiveModel {
        id: NotSet,
        invoice_id: Set(invoice_id),
        step: Set(i16::try_from(step).unwrap_or(i16::MAX)),
        days_after_due: Set(i32::try_from(days).unwrap_or(i32::MAX)),
        sent_on: Set(today),
        outbox_message_id: Set(None),
        fee_cents: Set(0),
        fee_invoice_id: Set(None),
        created_at: Set(now),
    };
    let inserted = dunning_notice::Entity::insert(row)
        .on_conflict_do_nothing_on([dunning_notice::Column::InvoiceId, dunning_notice::Column::Step])
        .exec(conn)
        .await?;
    Ok(match inserted {
        sea_orm::TryInsertResult::Inserted(result) => Some(result.last_insert_id),
        _ => None,
    })
}

fn reminder<'a>(
    config: &'a Config,
    candidate: &'a Candidate,
    notice: &'a Notice,
    lang: Lang,
    channel: outbox::Channel,
    pay_url: &'a str,
) -> Reminder<'a> {
    Reminder {
        lang,
        channel,
        last: notice.last,
        greeting_name: greeting_name(&candidate.customer),
        company: &config.company.name,
        number: &candidate.invoice.number,
        due_date: candidate.invoice.due_date,
        balance: notice.balance,
        fee: notice.fee_invoice.as_deref().map(|number| (notice.fee, number)),
        pay_url,
    }
}

/// The invoice's page in the portal, where the customer signs in and pays.
fn pay_url(config: &Config, number: &str) -> String {
    config.public_url.join(&format!("portal/invoices/{number}")).map(String::from).unwrap_or_default()
}

fn greeting_name(customer: &customer::Model) -> &str {
    match &customer.company_name {
        Some(company) if !company.trim().is_empty() => company,
        _ => &customer.first_name,
    }
}

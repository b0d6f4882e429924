//! Sending a payment link: the link and the message that carries it, in one
//! transaction, to the customer's e-mail or cell.

use chrono::{DateTime, Utc};
use gigafibre_db::entities::{customer, invoice};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};

use super::link::{self, NewLink};
use super::message::{LinkMessage, compose};
use crate::billing::money::Money;
use crate::config::Config;
use crate::i18n::Lang;
use crate::outbox::{self, Channel, NewMessage};

/// What to send and who asks.
pub struct LinkRequest {
    pub customer_id: i64,
    /// `None`: the customer's whole balance.
    pub invoice_id: Option<i64>,
    pub channel: Channel,
    pub staff_id: Option<i64>,
}

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("the customer has no address for this channel")]
    NoAddress,
    #[error("nothing is owed")]
    NothingOwed,
    #[error("unknown customer or invoice")]
    Unknown,
    #[error(transparent)]
    Database(#[from] DbErr),
}

impl SendError {
    /// The catalogue key of what staff read.
    pub fn message_key(&self) -> &'static str {
        match self {
            SendError::NoAddress => "ops.pay_link.no_address",
            SendError::NothingOwed => "ops.pay_link.nothing_owed",
            SendError::Unknown | SendError::Database(_) => "ops.pay_link.failed",
        }
    }
}

/// The address `channel` reaches the customer at: the billing e-mail before
/// the main one, the cell for SMS.
pub fn address(customer: &customer::Model, channel: Channel) -> Option<String> {
    let present = |value: &Option<String>| value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
    match channel {
        Channel::Email => present(&customer.billing_email).or_else(|| present(&customer.email)),
        Channel::Sms => present(&customer.cell),
    }
}

/// Queues a payment link for `request`, inside the caller's transaction.
/// Returns the outbox message id.
pub async fn send<C: ConnectionTrait>(
    conn: &C,
    config: &Config,
    request: LinkRequest,
    now: DateTime<Utc>,
) -> Result<i64, SendError> {
    let customer = customer::Entity::find_by_id(request.customer_id).one(conn).await?.ok_or(SendError::Unknown)?;
    let invoice = match request.invoice_id {
        Some(id) => Some(
            invoice::Entity::find_by_id(id)
                .one(conn)
                .await?
                .filter(|i| i.customer_id == customer.id)
                .ok_or(SendError::Unknown)?,
        ),
        None => None,
    };
    let owed = match &invoice {
        Some(invoice) if invoice.status == "open" => invoice.balance_cents,
        Some(_) => 0,
        None => customer.balance_cents,
    };
    if owed <= 0 {
        return Err(SendError::NothingOwed);
    }
    let to = address(&customer, request.channel).ok_or(SendError::NoAddress)?;
    let new = NewLink {
        customer_id: customer.id,
        invoice_id: request.invoice_id,
        channel: request.channel,
        recipient: to.clone(),
        staff_id: request.staff_id,
    };
    let (link_id, token) = link::mint(conn, new, now).await?;
    let lang = Lang::from_code(&customer.language).unwrap_or_default();
    let url = link::url(config, &token);
    let greeting = match &customer.company_name {
        Some(company) if !company.trim().is_empty() => company.as_str(),
        _ => customer.first_name.as_str(),
    };
    let (subject, body_text) = compose(&LinkMessage {
        lang,
        channel: request.channel,
        greeting_name: greeting,
        company: &config.company.name,
        invoice_number: invoice.as_ref().map(|i| i.number.as_str()),
        amount: Money::from_cents(owed),
        url: &url,
    });
    let message = NewMessage {
        channel: request.channel,
        to,
        subject,
        body_text,
        body_html: None,
        language: lang,
        customer_id: Some(customer.id),
        ticket_id: None,
    };
    let message_id = outbox::enqueue(conn, message, now).await?;
    link::attach_message(conn, link_id, message_id).await?;
    Ok(message_id)
}

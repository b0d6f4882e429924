//! The link itself: a random token shown once (in the message), its
//! SHA-256 kept, an end date; what it is for read back from the token.

use chrono::{DateTime, Duration, Utc};
use gigafibre_db::entities::{customer, invoice, payment_link};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use crate::auth::secret;
use crate::config::Config;
use crate::outbox::Channel;

/// How long a payment link works: long enough to pay after the weekend.
pub const LIFETIME_DAYS: i64 = 7;

/// What a new link is for and where it goes.
pub struct NewLink {
    pub customer_id: i64,
    /// `None`: the customer's whole balance.
    pub invoice_id: Option<i64>,
    pub channel: Channel,
    pub recipient: String,
    pub staff_id: Option<i64>,
}

/// Records a link and returns its row id and its token (never stored).
pub async fn mint<C: ConnectionTrait>(conn: &C, link: NewLink, now: DateTime<Utc>) -> Result<(i64, String), DbErr> {
    let token = secret::new_token();
    let row = payment_link::ActiveModel {
        id: NotSet,
        token_hash: Set(secret::hash(&token)),
        customer_id: Set(link.customer_id),
        invoice_id: Set(link.invoice_id),
        channel: Set(link.channel.as_str().to_owned()),
        recipient: Set(link.recipient),
        staff_id: Set(link.staff_id),
        outbox_message_id: Set(None),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(LIFETIME_DAYS)),
    };
    let id = payment_link::Entity::insert(row).exec(conn).await?.last_insert_id;
    Ok((id, token))
}

/// Notes the message that carries link `id`.
pub async fn attach_message<C: ConnectionTrait>(conn: &C, id: i64, message_id: i64) -> Result<(), DbErr> {
    payment_link::Entity::update_many()
        .col_expr(payment_link::Column::OutboxMessageId, Some(message_id).into())
        .filter(payment_link::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// The address the customer opens.
pub fn url(config: &Config, token: &str) -> String {
    config.public_url.join(&format!("pay/{token}")).map(String::from).unwrap_or_default()
}

/// A link that still works, with what it pays.
pub struct Payable {
    pub link: payment_link::Model,
    pub customer: customer::Model,
    pub invoice: Option<invoice::Model>,
    /// What is owed now: the invoice's balance, or the customer's.
    pub owed_cents: i64,
}

/// Why a link no longer opens a payment.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Not a link we sent (or its customer or invoice is gone).
    Unknown,
    Expired,
    /// Nothing is owed any more.
    Paid,
}

/// What `token` pays at `now`, or why it does not.
pub async fn open<C: ConnectionTrait>(
    conn: &C,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Result<Payable, Refusal>, DbErr> {
    let well_formed = token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit());
    if !well_formed {
        return Ok(Err(Refusal::Unknown));
    }
    let found = payment_link::Entity::find()
        .filter(payment_link::Column::TokenHash.eq(secret::hash(&token.to_ascii_lowercase())))
        .one(conn)
        .await?;
    let Some(link) = found else { return Ok(Err(Refusal::Unknown)) };
    if now >= link.expires_at {
        return Ok(Err(Refusal::Expired));
    }
    let Some(customer) = customer::Entity::find_by_id(link.customer_id).one(conn).await? else {
        return Ok(Err(Refusal::Unknown));
    };
    let (invoice, owed_cents) = match link.invoice_id {
        Some(id) => {
            let Some(found) = invoice::Entity::find_by_id(id).one(conn).await? else {
                return Ok(Err(Refusal::Unknown));
            };
            let owed = if found.status == "open" { found.balance_cents } else { 0 };
            (Some(found), owed)
        }
        None => (None, customer.balance_cents),
    };
    if owed_cents <= 0 {
        return Ok(Err(Refusal::Paid));
    }
    Ok(Ok(Payable { link, customer, invoice, owed_cents }))
}

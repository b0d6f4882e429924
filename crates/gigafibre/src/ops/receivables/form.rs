//! What the money forms share: reading a posted form with repeated fields,
//! the customer a form is about, dates and amounts as staff type them.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::America::Toronto;
use gigafibre_db::entities::customer;
use sea_orm::{ConnectionTrait, EntityTrait};

use crate::billing::money::Money;
use crate::i18n::Lang;
use crate::ops::dashboard::display_name;
use crate::web::PageError;

/// A posted form: each field's values in order (checkboxes repeat a name).
pub struct Posted(HashMap<String, Vec<String>>);

impl Posted {
    pub fn parse(body: &[u8]) -> Posted {
        let mut fields: HashMap<String, Vec<String>> = HashMap::new();
        for (name, value) in url::form_urlencoded::parse(body) {
            fields.entry(name.into_owned()).or_default().push(value.into_owned());
        }
        Posted(fields)
    }

    /// The first value of a field, trimmed; empty when absent.
    pub fn one(&self, name: &str) -> String {
        self.0.get(name).and_then(|values| values.first()).map(|v| v.trim().to_owned()).unwrap_or_default()
    }

    pub fn all(&self, name: &str) -> &[String] {
        self.0.get(name).map(Vec::as_slice).unwrap_or_default()
    }
}

/// The customer a page is about, or a 404.
pub async fn customer_of<C: ConnectionTrait>(conn: &C, id: i64, lang: Lang) -> Result<customer::Model, PageError> {
    let found = customer::Entity::find_by_id(id).one(conn).await.map_err(|e| PageError::database(lang, e))?;
    found.ok_or_else(|| PageError::not_found(lang))
}

pub fn name_of(found: &customer::Model) -> String {
    display_name(found)
}

/// An amount staff typed, more than zero; the error is a catalogue key.
pub fn positive_amount(typed: &str) -> Result<Money, &'static str> {
    match Money::parse_decimal(typed) {
        Ok(amount) if amount > Money::ZERO => Ok(amount),
        Ok(_) => Err("billing.error.not_positive"),
        Err(_) if typed.trim().is_empty() => Err("ops.receivables.amount_required"),
        Err(_) => Err("ops.receivables.amount_invalid"),
    }
}

/// Today in Québec.
pub fn today(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&Toronto).date_naive()
}

/// When money received on `day` is dated: now if today, else noon that day in Québec.
pub fn received_at(day: NaiveDate, now: DateTime<Utc>) -> DateTime<Utc> {
    if day == today(now) {
        return now;
    }
    day.and_hms_opt(12, 0, 0)
        .and_then(|noon| noon.and_local_timezone(Toronto).earliest())
        .map_or_else(|| day.and_hms_opt(12, 0, 0).unwrap_or_default().and_utc(), |at| at.with_timezone(&Utc))
}

/// An amount as staff type it back into a form: `12.34`.
pub fn typed(amount: Money) -> String {
    amount.to_string()
}

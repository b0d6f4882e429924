//! What the customer is told about a visit: when it is booked, the day
//! before, and when the technician is on the way. Each notice goes through
//! the outbox in the customer's language, by every channel they agreed to
//! (e-mail, text) and have an address for, inside the transaction of the
//! change that caused it.

use chrono::{DateTime, Datelike, Utc};
use chrono_tz::America::Toronto;
use gigafibre_db::entities::{customer, dispatch_job, service_location, technician};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};

use super::job_types;
use crate::i18n::{Lang, text};
use crate::outbox::{self, Channel, NewMessage};

/// The moments a customer hears about a visit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice {
    Booked,
    DayBefore,
    OnTheWay,
}

impl Notice {
    fn key(self) -> &'static str {
        match self {
            Notice::Booked => "booked",
            Notice::DayBefore => "day_before",
            Notice::OnTheWay => "on_the_way",
        }
    }
}

/// What a notice says about the visit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Visit {
    pub customer_name: String,
    pub job_type: String,
    pub address: String,
    /// The arrival window promised (the customer's, else the booked time).
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub technician: String,
}

/// A day as a person says it: `mardi 1 décembre`, `Tuesday, December 1`.
pub fn spoken_day(lang: Lang, at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&Toronto);
    let weekday = text(lang, &format!("dispatch.weekday.{}", local.weekday().num_days_from_monday())).to_owned();
    let month = text(lang, &format!("dispatch.month.{}", local.month())).to_owned();
    text(lang, "dispatch.day")
        .replace("{weekday}", &weekday)
        .replace("{day}", &local.day().to_string())
        .replace("{month}", &month)
}

/// A time of day as a person says it: `8 h 30`, `8:30 AM`.
pub fn spoken_time(lang: Lang, at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&Toronto);
    match lang {
        Lang::Fr => local.format("%-H h %M").to_string(),
        Lang::En => local.format("%-I:%M %p").to_string(),
    }
}

/// When the visit is, in words; empty when it is not known.
fn when(lang: Lang, visit: &Visit) -> String {
    match (visit.from, visit.until) {
        (Some(from), Some(until)) => text(lang, "dispatch.notice.window")
            .replace("{day}", &spoken_day(lang, from))
            .replace("{from}", &spoken_time(lang, from))
            .replace("{until}", &spoken_time(lang, until)),
        (Some(from), None) => text(lang, "dispatch.notice.at")
            .replace("{day}", &spoken_day(lang, from))
            .replace("{from}", &spoken_time(lang, from)),
        _ => String::new(),
    }
}

/// The subject (e-mail only) and text of a notice.
pub fn compose(lang: Lang, channel: Channel, notice: Notice, visit: &Visit) -> (Option<String>, String) {
    let fill = |key: String| {
        text(lang, &key)
            .replace("{name}", &visit.customer_name)
            .replace("{type}", &visit.job_type)
            .replace("{address}", &visit.address)
            .replace("{when}", &when(lang, visit))
            .replace("{technician}", &visit.technician)
    };
    match channel {
        Channel::Email => (
            Some(fill(format!("dispatch.notice.{}.subject", notice.key()))),
            fill(format!("dispatch.notice.{}.email", notice.key())),
        ),
        Channel::Sms => (None, fill(format!("dispatch.notice.{}.sms", notice.key()))),
    }
}

/// Where the customer agreed to hear from us, and has an address.
pub fn channels(customer: &customer::Model) -> Vec<(Channel, String)> {
    let mut found = Vec::new();
    let present = |value: &Option<String>| value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
    if let Some(email) = present(&customer.email).filter(|_| customer.notify_by_email) {
        found.push((Channel::Email, email));
    }
    if let Some(cell) = present(&customer.cell).filter(|_| customer.notify_by_sms) {
        found.push((Channel::Sms, cell));
    }
    found
}

/// An address on one line: `120 rue Principale, app. 3, Saint-Jérôme`.
pub fn address(location: &service_location::Model) -> String {
    let unit = location.unit.as_deref().map(str::trim).filter(|u| !u.is_empty());
    match unit {
        Some(unit) => format!("{}, app. {unit}, {}", location.street, location.municipality),
        None => format!("{}, {}", location.street, location.municipality),
    }
}

/// Queues `notice` about `job` for its customer; the ids of the messages.
pub async fn send<C: ConnectionTrait>(
    conn: &C,
    notice: Notice,
    job: &dispatch_job::Model,
    now: DateTime<Utc>,
) -> Result<Vec<i64>, DbErr> {
    let Some(customer) = customer::Entity::find_by_id(job.customer_id).one(conn).await? else {
        return Ok(Vec::new());
    };
    let lang = Lang::from_code(&customer.language).unwrap_or_default();
    let location = service_location::Entity::find_by_id(job.service_location_id).one(conn).await?;
    let technician = match job.technician_id {
        Some(id) => technician::Entity::find_by_id(id).one(conn).await?,
        None => None,
    };
    let kind = job_types::by_code(conn, &job.job_type).await?;
    let visit = Visit {
        customer_name: customer.first_name.clone(),
        job_type: kind.as_ref().map_or_else(|| job.job_type.clone(), |k| job_types::name(k, lang).to_owned()),
        address: location.as_ref().map(address).unwrap_or_default(),
        from: job.window_start.or(job.scheduled_start),
        until: job.window_end.or(job.scheduled_end),
        technician: technician.map(|t| first_word(&t.name)).unwrap_or_default(),
    };
    let mut ids = Vec::new();
    for (channel, to) in channels(&customer) {
        let (subject, body_text) = compose(lang, channel, notice, &visit);
        let message = NewMessage {
            channel,
            to,
            subject,
            body_text,
            body_html: None,
            language: lang,
            customer_id: Some(customer.id),
            ticket_id: job.ticket_id,
        };
        ids.push(outbox::enqueue(conn, message, now).await?);
    }
    Ok(ids)
}

/// A technician is introduced by first name.
fn first_word(name: &str) -> String {
    name.split_whitespace().next().unwrap_or_default().to_owned()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn visit() -> Visit {
        let from = Toronto.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap().with_timezone(&Utc);
        let until = Toronto.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap().with_timezone(&Utc);
        Visit {
            customer_name: "Julie".into(),
            job_type: "Réparation".into(),
            address: "120 rue Principale, Saint-Jérôme".into(),
            from: Some(from),
            until: Some(until),
            technician: "Marc".into(),
        }
    }

    #[test]
    fn a_booking_says_when_and_where_in_the_customers_words() {
        let (subject, body) = compose(Lang::Fr, Channel::Email, Notice::Booked, &visit());
        assert!(subject.unwrap().contains("confirmé"));
        assert!(body.contains("Bonjour Julie"), "{body}");
        assert!(body.contains("mardi 1 décembre, entre 8 h 00 et 12 h 00"), "{body}");
        assert!(body.contains("120 rue Principale, Saint-Jérôme"));
        let (_, english) = compose(Lang::En, Channel::Email, Notice::Booked, &visit());
        assert!(english.contains("Tuesday, December 1, between 8:00 AM and 12:00 PM"), "{english}");
    }

    #[test]
    fn a_text_has_no_subject_and_stays_short() {
        for notice in [Notice::Booked, Notice::DayBefore, Notice::OnTheWay] {
            for lang in Lang::ALL {
                let (subject, body) = compose(lang, Channel::Sms, notice, &visit());
                assert!(subject.is_none());
                assert!(body.chars().count() <= 320, "{notice:?} {lang:?}: {body}");
                assert!(!body.contains('{'), "every blank is filled: {body}");
            }
        }
    }

    #[test]
    fn on_the_way_names_the_technician() {
        let (_, body) = compose(Lang::Fr, Channel::Sms, Notice::OnTheWay, &visit());
        assert!(body.contains("Marc"), "{body}");
    }
}

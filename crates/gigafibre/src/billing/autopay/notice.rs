//! Telling a customer their automatic payment failed: the message, in their
//! language and fitted to its channel, with a payment link for the invoice.

use chrono::{DateTime, Utc};
use gigafibre_db::entities::{customer, invoice};
use sea_orm::{ConnectionTrait, DbErr};

use crate::billing::dunning::reminder_contact;
use crate::billing::money::Money;
use crate::billing::pay_links::{self, NewLink};
use crate::config::Config;
use crate::i18n::{Lang, text};
use crate::outbox::{self, Channel, NewMessage};

/// What a failure message is about.
pub struct Failure<'a> {
    pub lang: Lang,
    pub channel: Channel,
    pub greeting_name: &'a str,
    pub company: &'a str,
    pub number: &'a str,
    pub amount: Money,
    /// The card tried, as the customer knows it.
    pub card: &'a str,
    pub url: &'a str,
}

/// The subject (e-mail only) and text.
pub fn compose(failure: &Failure<'_>) -> (Option<String>, String) {
    let lang = failure.lang;
    let fill = |key: &str| {
        text(lang, key)
            .replace("{name}", failure.greeting_name.trim())
            .replace("{company}", failure.company)
            .replace("{number}", failure.number)
            .replace("{amount}", &failure.amount.format(lang))
            .replace("{card}", failure.card)
            .replace("{url}", failure.url)
            .replace("{days}", &pay_links::LIFETIME_DAYS.to_string())
    };
    match failure.channel {
        Channel::Email => (Some(fill("autopay.failed.email.subject")), fill("autopay.failed.email.body")),
        Channel::Sms => (None, fill("autopay.failed.sms")),
    }
}

/// Queues the message in the caller's transaction; `None` when the
/// customer has neither e-mail nor cell.
pub async fn tell<C: ConnectionTrait>(
    conn: &C,
    config: &Config,
    customer: &customer::Model,
    invoice: &invoice::Model,
    amount: Money,
    card: &str,
    now: DateTime<Utc>,
) -> Result<Option<i64>, DbErr> {
    let Some((channel, to)) = reminder_contact(customer) else { return Ok(None) };
    let link = NewLink {
        customer_id: customer.id,
        invoice_id: Some(invoice.id),
        channel,
        recipient: to.clone(),
        staff_id: None,
    };
    let (link_id, token) = pay_links::mint(conn, link, now).await?;
    let url = pay_links::url(config, &token);
    let lang = Lang::from_code(&customer.language).unwrap_or_default();
    let greeting = match &customer.company_name {
        Some(company) if !company.trim().is_empty() => company.as_str(),
        _ => customer.first_name.as_str(),
    };
    let (subject, body_text) = compose(&Failure {
        lang,
        channel,
        greeting_name: greeting,
        company: &config.company.name,
        number: &invoice.number,
        amount,
        card,
        url: &url,
    });
    let message = NewMessage {
        channel,
        to,
        subject,
        body_text,
        body_html: None,
        language: lang,
        customer_id: Some(customer.id),
        ticket_id: None,
    };
    let message_id = outbox::enqueue(conn, message, now).await?;
    pay_links::attach_message(conn, link_id, message_id).await?;
    Ok(Some(message_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(lang: Lang, channel: Channel) -> Failure<'static> {
        Failure {
            lang,
            channel,
            greeting_name: "Camille",
            company: "Gigafibre",
            number: "F-0000123",
            amount: Money::from_cents(8_623),
            card: "Visa •••• 4242",
            url: "https://portail.example/pay/abc",
        }
    }

    #[test]
    fn the_customer_reads_which_invoice_which_card_and_where_to_pay() {
        let (subject, body) = compose(&failure(Lang::Fr, Channel::Email));
        assert_eq!(subject.as_deref(), Some("Votre paiement automatique de la facture F-0000123 n'a pas abouti"));
        for part in ["Visa •••• 4242", "86,23\u{a0}$", "https://portail.example/pay/abc", "reste à payer"] {
            assert!(body.contains(part), "{part} in {body}");
        }
        let (_, english) = compose(&failure(Lang::En, Channel::Email));
        assert!(english.contains("still open") && english.contains("$86.23"), "{english}");
        let (none, sms) = compose(&failure(Lang::En, Channel::Sms));
        assert!(none.is_none() && sms.contains("F-0000123") && sms.contains("/pay/abc"), "{sms}");
        assert!(!sms.contains('{') && !body.contains('{'));
    }
}

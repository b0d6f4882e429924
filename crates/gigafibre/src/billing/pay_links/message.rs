//! What a payment link message says, in the customer's language and fitted
//! to its channel: pure text, no I/O.

use crate::billing::money::Money;
use crate::i18n::{Lang, text};
use crate::outbox::Channel;

/// A payment link to write about.
pub struct LinkMessage<'a> {
    pub lang: Lang,
    pub channel: Channel,
    pub greeting_name: &'a str,
    pub company: &'a str,
    /// The invoice paid, or `None` for the balance.
    pub invoice_number: Option<&'a str>,
    pub amount: Money,
    pub url: &'a str,
}

/// The subject (e-mail only) and text.
pub fn compose(message: &LinkMessage<'_>) -> (Option<String>, String) {
    let lang = message.lang;
    let what = match message.invoice_number {
        Some(number) => text(lang, "pay_link.what.invoice").replace("{number}", number),
        None => text(lang, "pay_link.what.balance").to_owned(),
    };
    let fill = |key: &str| {
        text(lang, key)
            .replace("{name}", message.greeting_name.trim())
            .replace("{company}", message.company)
            .replace("{what}", &what)
            .replace("{amount}", &message.amount.format(lang))
            .replace("{url}", message.url)
            .replace("{days}", &super::LIFETIME_DAYS.to_string())
    };
    match message.channel {
        Channel::Email => (Some(fill("pay_link.email.subject")), fill("pay_link.email.body")),
        Channel::Sms => (None, fill("pay_link.sms")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(lang: Lang, channel: Channel, invoice: Option<&'static str>) -> LinkMessage<'static> {
        LinkMessage {
            lang,
            channel,
            greeting_name: "Camille",
            company: "Gigafibre",
            invoice_number: invoice,
            amount: Money::from_cents(8_623),
            url: "https://portail.example/pay/abc",
        }
    }

    #[test]
    fn an_email_names_what_is_paid_the_amount_the_link_and_how_long_it_works() {
        let (subject, body) = compose(&message(Lang::Fr, Channel::Email, Some("F-0000123")));
        assert_eq!(subject.as_deref(), Some("Payer la facture F-0000123 en ligne"));
        assert!(body.contains("86,23\u{a0}$") && body.contains("https://portail.example/pay/abc"), "{body}");
        assert!(body.contains("7 jours") && !body.contains('{'), "{body}");
        let (_, english) = compose(&message(Lang::En, Channel::Email, None));
        assert!(english.contains("your balance") && english.contains("$86.23") && english.contains("7 days"));
    }

    #[test]
    fn an_sms_is_one_short_message() {
        let (subject, sms) = compose(&message(Lang::Fr, Channel::Sms, Some("F-0000123")));
        assert!(subject.is_none());
        assert!(sms.contains("F-0000123") && sms.contains("https://portail.example/pay/abc"), "{sms}");
        assert!(sms.chars().count() <= 160 + 64, "{sms}");
    }
}

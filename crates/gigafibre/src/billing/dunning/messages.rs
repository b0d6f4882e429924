//! What a reminder says, in the customer's language and fitted to its
//! channel: pure text, no I/O.

use chrono::{Datelike, NaiveDate};

use crate::billing::money::Money;
use crate::i18n::{Lang, text};
use crate::outbox::Channel;

/// What a reminder is about.
#[derive(Clone, Debug)]
pub struct Reminder<'a> {
    pub lang: Lang,
    pub channel: Channel,
    /// The suspension notice (the last step) rather than a plain reminder.
    pub last: bool,
    /// How the customer is greeted: their first name, or their company.
    pub greeting_name: &'a str,
    pub company: &'a str,
    pub number: &'a str,
    pub due_date: NaiveDate,
    pub balance: Money,
    /// The late fee this step charged, with the fee invoice's number.
    pub fee: Option<(Money, &'a str)>,
    /// Where the customer pays: the invoice in the portal.
    pub pay_url: &'a str,
}

/// The subject (e-mail only) and the text of a reminder.
pub fn compose(reminder: &Reminder<'_>) -> (Option<String>, String) {
    let lang = reminder.lang;
    let kind = if reminder.last { "final" } else { "reminder" };
    let fee_text = reminder.fee.map(|(amount, number)| {
        let key = if reminder.channel == Channel::Sms { "dunning.sms.fee" } else { "dunning.email.fee" };
        text(lang, key).replace("{fee}", &amount.format(lang)).replace("{fee_number}", number)
    });
    let fill = |key: &str| {
        text(lang, key)
            .replace("{name}", reminder.greeting_name.trim())
            .replace("{company}", reminder.company)
            .replace("{number}", reminder.number)
            .replace("{due}", &long_date(lang, reminder.due_date))
            .replace("{balance}", &reminder.balance.format(lang))
            .replace("{url}", reminder.pay_url)
            .replace("{fee_text}", fee_text.as_deref().unwrap_or(""))
    };
    match reminder.channel {
        Channel::Email => {
            let subject = fill(&format!("dunning.email.{kind}.subject"));
            let body = fill(&format!("dunning.email.{kind}.body"));
            (Some(subject), tidy(&body))
        }
        Channel::Sms => (None, fill(&format!("dunning.sms.{kind}")).replace("  ", " ")),
    }
}

/// A day as a letter writes it: `14 octobre 2026`, `October 14, 2026`.
pub fn long_date(lang: Lang, day: NaiveDate) -> String {
    let key = format!("month.{}", day.month());
    let month = text(lang, &key);
    match lang {
        Lang::Fr if day.day() == 1 => format!("1er {month} {}", day.year()),
        Lang::Fr => format!("{} {month} {}", day.day(), day.year()),
        Lang::En => format!("{month} {}, {}", day.day(), day.year()),
    }
}

/// No blank paragraph where an optional sentence was left out, no space
/// before a line's end.
fn tidy(body: &str) -> String {
    let lines: Vec<&str> = body.lines().map(str::trim_end).collect();
    let mut out = String::with_capacity(body.len());
    for (index, line) in lines.iter().enumerate() {
        let blank_run = line.is_empty() && (index == 0 || lines[index - 1].is_empty());
        if !blank_run {
            out.push_str(line);
            out.push('\n');
        }
    }
    out.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reminder(lang: Lang, channel: Channel, last: bool) -> Reminder<'static> {
        Reminder {
            lang,
            channel,
            last,
            greeting_name: "Camille",
            company: "Gigafibre",
            number: "F-0000123",
            due_date: NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
            balance: Money::from_cents(8_623),
            fee: None,
            pay_url: "https://portail.example/portal/invoices/F-0000123",
        }
    }

    #[test]
    fn a_french_reminder_names_the_invoice_the_amount_the_day_and_where_to_pay() {
        let (subject, body) = compose(&reminder(Lang::Fr, Channel::Email, false));
        assert_eq!(subject.as_deref(), Some("Rappel : votre facture F-0000123 est en souffrance"));
        assert!(body.starts_with("Bonjour Camille,\n\n"), "{body}");
        assert!(body.contains("la facture F-0000123, échue le 1er octobre 2026"), "{body}");
        assert!(body.contains("86,23\u{a0}$"), "{body}");
        assert!(body.contains("https://portail.example/portal/invoices/F-0000123"), "{body}");
        assert!(!body.contains("{") && !body.contains("\n\n\n"), "{body}");
    }

    #[test]
    fn the_last_notice_warns_of_suspension_and_an_sms_is_short() {
        let (subject, body) = compose(&reminder(Lang::En, Channel::Email, true));
        assert!(subject.unwrap().starts_with("Final notice"));
        assert!(body.contains("suspended") && body.contains("$86.23") && body.contains("October 1, 2026"), "{body}");
        let (subject, sms) = compose(&reminder(Lang::Fr, Channel::Sms, true));
        assert!(subject.is_none());
        assert!(sms.contains("suspendu") && sms.contains("F-0000123"), "{sms}");
        assert!(sms.chars().count() <= 320, "two SMS segments at most: {}", sms.chars().count());
        assert!(!sms.contains("  "), "no gap where the fee sentence is left out: {sms}");
    }

    #[test]
    fn a_late_fee_is_named_with_its_invoice() {
        let mut with_fee = reminder(Lang::En, Channel::Email, false);
        with_fee.fee = Some((Money::from_cents(47), "F-0000200"));
        let (_, body) = compose(&with_fee);
        assert!(body.contains("A late fee of $0.47 was added to your account (invoice F-0000200)."), "{body}");
        let (_, without) = compose(&reminder(Lang::En, Channel::Email, false));
        assert!(!without.contains("late fee"), "{without}");
    }

    #[test]
    fn dates_read_as_a_letter_writes_them() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 25).unwrap();
        assert_eq!(long_date(Lang::Fr, day), "25 décembre 2026");
        assert_eq!(long_date(Lang::En, day), "December 25, 2026");
    }
}

//! The rules of a ticket's life, with no I/O: the values a field may take,
//! what a reply does to the status, what a person may write, the version
//! that tells whether someone changed the ticket meanwhile, and the message
//! a customer receives.

use chrono::{DateTime, TimeDelta, Utc};
use gigafibre_db::entities::customer;

use crate::i18n::{Lang, text};
use crate::outbox::Channel;

/// A ticket's statuses in the order of its life, with their catalogue keys.
pub const STATUSES: [(&str, &str); 4] = [
    ("open", "ops.tickets.status.open"),
    ("pending", "ops.tickets.status.pending"),
    ("resolved", "ops.tickets.status.resolved"),
    ("closed", "ops.tickets.status.closed"),
];

/// The categories staff can pick, with their catalogue keys. Imported
/// tickets may carry others; those show as they are.
pub const CATEGORIES: [(&str, &str); 10] = [
    ("no_internet", "ops.tickets.category.no_internet"),
    ("slow_speed", "ops.tickets.category.slow_speed"),
    ("wifi", "ops.tickets.category.wifi"),
    ("tv", "ops.tickets.category.tv"),
    ("phone", "ops.tickets.category.phone"),
    ("billing", "ops.tickets.category.billing"),
    ("installation", "ops.tickets.category.installation"),
    ("move", "ops.tickets.category.move"),
    ("cancellation", "ops.tickets.category.cancellation"),
    ("other", "ops.tickets.category.other"),
];

/// The longest reply or note, as in the portal.
pub const MAX_TEXT: usize = 5_000;

/// Reads a status code; `None` for anything else.
pub fn status(code: &str) -> Option<(&'static str, &'static str)> {
    STATUSES.into_iter().find(|(known, _)| *known == code)
}

/// Reads a priority code; `None` for anything else.
pub fn priority(code: &str) -> Option<(&'static str, &'static str)> {
    super::super::dashboard::PRIORITIES.into_iter().find(|(known, _)| *known == code)
}

pub fn category(code: &str) -> Option<(&'static str, &'static str)> {
    CATEGORIES.into_iter().find(|(known, _)| *known == code)
}

/// How a category reads in `lang`; an unknown (imported) one as it is stored.
pub fn category_label(lang: Lang, code: &str) -> String {
    category(code).map_or_else(|| code.to_owned(), |(_, key)| text(lang, key).to_owned())
}

/// Whether a reply or a note can be saved: the reason when it cannot.
pub fn check_text(body: &str) -> Option<&'static str> {
    let length = body.trim().chars().count();
    if length == 0 {
        Some("ops.tickets.text.empty")
    } else if length > MAX_TEXT {
        Some("ops.tickets.text.long")
    } else {
        None
    }
}

/// Whether a new ticket's subject is acceptable (the portal's bounds).
pub fn check_subject(subject: &str) -> Option<&'static str> {
    let length = subject.trim().chars().count();
    if length < 3 {
        Some("ops.tickets.new.subject_short")
    } else if length > 150 {
        Some("ops.tickets.new.subject_long")
    } else {
        None
    }
}

/// A new ticket's description may be empty (the subject says enough when a
/// customer calls about an outage), but not longer than a message.
pub fn check_description(description: &str) -> Option<&'static str> {
    (description.trim().chars().count() > MAX_TEXT).then_some("ops.tickets.text.long")
}

/// The status a ticket takes when staff answer the customer: `pending`,
/// waiting for the customer, whatever it was. An answer to a `resolved` or
/// `closed` ticket reopens it as `pending` too: staff wrote because there is
/// something left to settle, and the customer must be able to answer in the
/// portal (which refuses answers on a closed ticket).
pub fn status_after_reply(_current: &str) -> &'static str {
    "pending"
}

/// When a ticket counts as closed after a change to `new_status`: a resolved
/// or closed ticket keeps the moment it first stopped being active, an active
/// one has none.
pub fn closed_at_after(new_status: &str, before: Option<DateTime<Utc>>, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if matches!(new_status, "resolved" | "closed") { before.or(Some(at)) } else { None }
}

/// The version of a ticket a form carries: its last change, in microseconds
/// (the precision both engines keep).
pub fn version_of(updated_at: DateTime<Utc>) -> i64 {
    updated_at.timestamp_micros()
}

/// The `updated_at` a change writes: now, but always after the previous one,
/// so that two changes in the same microsecond still make two versions.
pub fn next_stamp(previous: DateTime<Utc>, now: DateTime<Utc>) -> DateTime<Utc> {
    let floor = version_of(previous).saturating_add(1);
    if version_of(now) >= floor {
        now
    } else {
        DateTime::<Utc>::from_timestamp_micros(floor).unwrap_or(now + TimeDelta::microseconds(1))
    }
}

/// A way to reach the customer with an answer: the channel and the address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contact {
    pub channel: Channel,
    pub to: String,
}

/// The ways the customer can be answered, e-mail first.
pub fn contacts(customer: &customer::Model) -> Vec<Contact> {
    let mut found = Vec::new();
    if let Some(email) = customer.email.as_deref().filter(|e| !e.trim().is_empty()) {
        found.push(Contact { channel: Channel::Email, to: email.to_owned() });
    }
    if let Some(cell) = customer.cell.as_deref().filter(|c| !c.trim().is_empty()) {
        found.push(Contact { channel: Channel::Sms, to: cell.to_owned() });
    }
    found
}

/// What the customer receives when staff answer: the subject of an e-mail
/// (none for an SMS) and the text, which ends with where to read and answer.
pub fn customer_message(
    lang: Lang,
    channel: Channel,
    ticket_id: i64,
    ticket_subject: &str,
    body: &str,
    messages_url: &str,
) -> (Option<String>, String) {
    let footer = text(lang, "ops.tickets.mail.footer").replace("{url}", messages_url);
    let subject = (channel == Channel::Email).then(|| {
        text(lang, "ops.tickets.mail.subject")
            .replace("{id}", &ticket_id.to_string())
            .replace("{subject}", ticket_subject.trim())
    });
    (subject, format!("{}\n\n{footer}", body.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(micros: i64) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp_micros(micros).unwrap()
    }

    #[test]
    fn texts_are_between_one_and_five_thousand_characters() {
        assert_eq!(check_text(" \n\t "), Some("ops.tickets.text.empty"));
        assert_eq!(check_text("Bonjour"), None);
        assert_eq!(check_text(&"é".repeat(MAX_TEXT)), None, "characters, not bytes");
        assert_eq!(check_text(&"x".repeat(MAX_TEXT + 1)), Some("ops.tickets.text.long"));
        assert_eq!(check_subject("ab"), Some("ops.tickets.new.subject_short"));
        assert_eq!(check_subject("Panne"), None);
        assert_eq!(check_description(""), None);
    }

    #[test]
    fn unknown_codes_are_refused() {
        assert!(status("pending").is_some() && status("deleted").is_none() && status("Open").is_none());
        assert!(priority("urgent").is_some() && priority("critical").is_none());
        assert!(category("wifi").is_some() && category("DROP TABLE").is_none());
        assert_eq!(category_label(Lang::Fr, "legacy_kind"), "legacy_kind");
    }

    #[test]
    fn a_reply_waits_for_the_customer_and_reopens_a_finished_ticket() {
        for status in ["open", "pending", "resolved", "closed"] {
            assert_eq!(status_after_reply(status), "pending");
        }
        let now = at(2_000_000);
        assert_eq!(closed_at_after("closed", None, now), Some(now));
        assert_eq!(closed_at_after("closed", Some(at(5)), now), Some(at(5)), "resolved then closed keeps the first");
        assert_eq!(closed_at_after("pending", Some(at(5)), now), None);
    }

    #[test]
    fn every_change_makes_a_new_version_even_in_the_same_microsecond() {
        let previous = at(1_000);
        assert_eq!(next_stamp(previous, at(5_000)), at(5_000));
        assert_eq!(next_stamp(previous, previous), at(1_001));
        assert_eq!(next_stamp(previous, at(10)), at(1_001), "a clock behind the last change");
        assert_ne!(version_of(next_stamp(previous, previous)), version_of(previous));
    }

    #[test]
    fn the_customer_reads_the_answer_in_their_language_with_the_way_back() {
        let url = "https://x.test/portal/messages";
        let (subject, body) = customer_message(Lang::En, Channel::Email, 42, " No dial tone ", "Fixed. ", url);
        assert_eq!(subject.as_deref(), Some("Your request #42: No dial tone"));
        assert!(body.starts_with("Fixed.\n\n") && body.ends_with(url), "{body}");
        let (subject, body) = customer_message(Lang::Fr, Channel::Sms, 42, "Panne", "Réglé", url);
        assert_eq!(subject, None);
        assert!(body.contains("Réglé") && body.contains(url));
    }
}

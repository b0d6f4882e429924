//! How `gigafibre outbox` prints messages: JSON for scripts, an aligned table
//! for people, and one message as its recipient reads it.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::message::{Channel, Message, Status};

/// What `outbox list --json` prints for each message.
#[derive(Debug, Serialize)]
pub struct Listed<'a> {
    pub id: i64,
    pub channel: Channel,
    pub to: &'a str,
    pub status: Status,
    pub subject: Option<&'a str>,
    pub body: &'a str,
}

impl<'a> From<&'a Message> for Listed<'a> {
    fn from(message: &'a Message) -> Listed<'a> {
        Listed {
            id: message.id,
            channel: message.channel,
            to: &message.to,
            status: message.status,
            subject: message.subject.as_deref(),
            body: &message.body_text,
        }
    }
}

pub fn json(messages: &[Message]) -> Result<String, serde_json::Error> {
    serde_json::to_string_pretty(&messages.iter().map(Listed::from).collect::<Vec<_>>())
}

const SUMMARY_CHARS: usize = 60;

/// The messages as an aligned table, in the order given (newest first), or a
/// line saying there is none.
pub fn table(messages: &[Message], status: Option<Status>) -> String {
    if messages.is_empty() {
        return match status {
            Some(status) => format!("No {status} message in the outbox.\n"),
            None => "The outbox is empty.\n".to_owned(),
        };
    }
    let header = ["ID", "CHANNEL", "STATUS", "TRIES", "CREATED (UTC)", "TO", "SUBJECT"];
    let rows: Vec<[String; 7]> = messages
        .iter()
        .map(|message| {
            [
                message.id.to_string(),
                message.channel.as_str().to_owned(),
                message.status.as_str().to_owned(),
                message.attempts.to_string(),
                message.created_at.format("%Y-%m-%d %H:%M").to_string(),
                message.to.clone(),
                summary(message),
            ]
        })
        .collect();
    let mut widths = header.map(|title| title.chars().count());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for cells in std::iter::once(header.map(str::to_owned)).chain(rows) {
        let mut line = String::new();
        for (column, cell) in cells.iter().enumerate() {
            let width = widths[column];
            let padded = match column {
                0 | 3 => format!("{cell:>width$}"),
                6 => cell.clone(),
                _ => format!("{cell:<width$}"),
            };
            line.push_str(&padded);
            line.push_str("  ");
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The subject, or for a message without one (an SMS) the start of its text,
/// on one line.
fn summary(message: &Message) -> String {
    let text = message.subject.as_deref().unwrap_or(&message.body_text);
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() > SUMMARY_CHARS {
        let mut cut: String = line.chars().take(SUMMARY_CHARS - 1).collect();
        cut.push('…');
        cut
    } else {
        line
    }
}

/// One message: its headers, a blank line, then the text as the recipient
/// reads it.
pub fn show(message: &Message) -> String {
    let mut headers: Vec<(&str, String)> = vec![
        ("Message", message.id.to_string()),
        ("Channel", message.channel.as_str().to_owned()),
        ("To", message.to.clone()),
    ];
    if let Some(subject) = &message.subject {
        headers.push(("Subject", subject.clone()));
    }
    headers.push(("Language", message.language.code().to_owned()));
    headers.push(("Status", status_line(message)));
    headers.push(("Attempts", message.attempts.to_string()));
    headers.push(("Created", timestamp(message.created_at)));
    if let Some(sent_at) = message.sent_at {
        headers.push(("Sent", timestamp(sent_at)));
    }
    if let Some(customer) = message.customer_id {
        headers.push(("Customer", customer.to_string()));
    }
    if let Some(ticket) = message.ticket_id {
        headers.push(("Ticket", ticket.to_string()));
    }
    if let Some(error) = &message.last_error {
        headers.push(("Last error", error.clone()));
    }
    if let Some(html) = &message.body_html {
        headers.push(("HTML part", format!("{} characters, not shown", html.chars().count())));
    }
    let width = headers.iter().map(|(label, _)| label.len() + 1).max().unwrap_or(0);
    let mut out = String::new();
    for (label, value) in headers {
        out.push_str(&format!("{:<width$} {value}\n", format!("{label}:")));
    }
    out.push('\n');
    out.push_str(&message.body_text);
    if !message.body_text.ends_with('\n') {
        out.push('\n');
    }
    out
}

fn status_line(message: &Message) -> String {
    match message.status {
        Status::Queued => format!("queued, next try {}", timestamp(message.available_at)),
        Status::Sending => format!("sending, claimed until {}", timestamp(message.available_at)),
        Status::Sent => "sent".to_owned(),
        Status::Failed => "failed (`gigafibre outbox retry` queues it again)".to_owned(),
        Status::Sandboxed => "sandboxed (kept here: nothing left the machine)".to_owned(),
    }
}

fn timestamp(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use chrono::TimeZone;

    fn message(id: i64, channel: Channel, to: &str, subject: Option<&str>, body: &str) -> Message {
        let at = Utc.with_ymd_and_hms(2026, 11, 25, 15, 4, 5).unwrap();
        Message {
            id,
            channel,
            to: to.to_owned(),
            subject: subject.map(str::to_owned),
            body_text: body.to_owned(),
            body_html: None,
            language: Lang::Fr,
            status: Status::Sandboxed,
            attempts: 1,
            last_error: None,
            customer_id: None,
            ticket_id: None,
            available_at: at,
            sent_at: Some(at),
            created_at: at,
        }
    }

    #[test]
    fn the_table_is_aligned_and_summarises_an_sms_by_its_text() {
        let messages = [
            message(12, Channel::Sms, "+15145550123", None, "Votre technicien\narrive dans 30 minutes."),
            message(3, Channel::Email, "marie.tremblay@example.com", Some("Votre facture"), "Bonjour"),
        ];
        let out = table(&messages, None);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 3, "{out}");
        assert!(lines[0].starts_with("ID  CHANNEL  STATUS     TRIES  CREATED (UTC)     TO"), "{out}");
        assert!(lines[1].starts_with("12  sms      sandboxed      1  2026-11-25 15:04  +15145550123"), "{out}");
        assert!(lines[1].ends_with("Votre technicien arrive dans 30 minutes."), "{out}");
        assert!(lines[2].starts_with(" 3  email"), "{out}");
        let subject_column = lines[0].find("SUBJECT").unwrap();
        assert_eq!(lines[2].find("Votre facture"), Some(subject_column), "{out}");
    }

    #[test]
    fn an_empty_table_says_so() {
        assert_eq!(table(&[], None), "The outbox is empty.\n");
        assert_eq!(table(&[], Some(Status::Failed)), "No failed message in the outbox.\n");
    }

    #[test]
    fn a_long_summary_is_cut_with_an_ellipsis() {
        let long = "é".repeat(200);
        let summarised = summary(&message(1, Channel::Sms, "+15145550123", None, &long));
        assert_eq!(summarised.chars().count(), SUMMARY_CHARS);
        assert!(summarised.ends_with('…'));
    }

    #[test]
    fn show_prints_headers_then_the_body() {
        let out = show(&message(3, Channel::Email, "marie@example.com", Some("Votre facture"), "Bonjour Marie,\n"));
        assert!(out.contains("To:       marie@example.com\n"), "{out}");
        assert!(out.contains("Subject:  Votre facture\n"), "{out}");
        assert!(out.ends_with("\n\nBonjour Marie,\n"), "{out}");
    }
}

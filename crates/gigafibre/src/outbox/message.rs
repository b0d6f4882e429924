//! What a message is: the one a feature writes, and the one read back.

use chrono::{DateTime, Utc};
use gigafibre_db::entities::outbox_message;
use sea_orm::DbErr;
use serde::Serialize;

use crate::i18n::Lang;

/// How a message travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Email,
    Sms,
}

impl Channel {
    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
        }
    }

    pub fn from_code(code: &str) -> Option<Channel> {
        match code {
            "email" => Some(Channel::Email),
            "sms" => Some(Channel::Sms),
            _ => None,
        }
    }
}

/// Where a message is on its way out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Waiting for a worker (now, or after a failed attempt, later).
    Queued,
    /// A worker holds it and is handing it to the provider.
    Sending,
    /// The provider accepted it.
    Sent,
    /// Given up after too many attempts or a permanent refusal.
    Failed,
    /// Kept in the sandbox: nothing left the machine.
    Sandboxed,
}

impl Status {
    pub const ALL: [Status; 5] = [Status::Queued, Status::Sending, Status::Sent, Status::Failed, Status::Sandboxed];

    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Queued => "queued",
            Status::Sending => "sending",
            Status::Sent => "sent",
            Status::Failed => "failed",
            Status::Sandboxed => "sandboxed",
        }
    }

    pub fn from_code(code: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|status| status.as_str() == code)
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A message a feature wants sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewMessage {
    pub channel: Channel,
    /// An e-mail address or an E.164 phone number, already normalised
    /// (see [`crate::contact`]).
    pub to: String,
    pub subject: Option<String>,
    pub body_text: String,
    pub body_html: Option<String>,
    pub language: Lang,
    pub customer_id: Option<i64>,
    pub ticket_id: Option<i64>,
}

/// A message as the outbox holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Message {
    pub id: i64,
    pub channel: Channel,
    pub to: String,
    pub subject: Option<String>,
    pub body_text: String,
    pub body_html: Option<String>,
    pub language: Lang,
    pub status: Status,
    /// Delivery attempts started so far.
    pub attempts: i32,
    pub last_error: Option<String>,
    pub customer_id: Option<i64>,
    pub ticket_id: Option<i64>,
    /// For a `queued` message, when it is next due; for a `sending` one, when
    /// its worker's claim lapses.
    pub available_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl TryFrom<outbox_message::Model> for Message {
    type Error = DbErr;

    fn try_from(row: outbox_message::Model) -> Result<Message, DbErr> {
        let channel = Channel::from_code(&row.channel).ok_or_else(|| {
            DbErr::Custom(format!("outbox message {} has an unknown channel '{}'", row.id, row.channel))
        })?;
        let status = Status::from_code(&row.status).ok_or_else(|| {
            DbErr::Custom(format!("outbox message {} has an unknown status '{}'", row.id, row.status))
        })?;
        Ok(Message {
            id: row.id,
            channel,
            to: row.recipient,
            subject: row.subject,
            body_text: row.body_text,
            body_html: row.body_html,
            language: Lang::from_code(&row.language).unwrap_or_default(),
            status,
            attempts: row.attempts,
            last_error: row.last_error,
            customer_id: row.customer_id,
            ticket_id: row.ticket_id,
            available_at: row.available_at,
            sent_at: row.sent_at,
            created_at: row.created_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for channel in [Channel::Email, Channel::Sms] {
            assert_eq!(Channel::from_code(channel.as_str()), Some(channel));
        }
        for status in Status::ALL {
            assert_eq!(Status::from_code(status.as_str()), Some(status));
        }
        assert_eq!(Channel::from_code("fax"), None);
        assert_eq!(Status::from_code("Queued"), None);
    }

    #[test]
    fn an_unknown_channel_in_the_database_is_an_error_naming_the_row() {
        let now = Utc::now();
        let row = outbox_message::Model {
            id: 7,
            channel: "fax".to_owned(),
            recipient: "x".to_owned(),
            subject: None,
            body_text: String::new(),
            body_html: None,
            language: "fr".to_owned(),
            status: "queued".to_owned(),
            attempts: 0,
            last_error: None,
            customer_id: None,
            ticket_id: None,
            available_at: now,
            sent_at: None,
            created_at: now,
        };
        let error = Message::try_from(row).unwrap_err().to_string();
        assert!(error.contains("outbox message 7 has an unknown channel 'fax'"), "{error}");
    }
}

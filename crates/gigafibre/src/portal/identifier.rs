//! What a customer types to sign in: an e-mail, a phone number or a
//! customer number, normalised so that the same thing written two ways is
//! one identifier (one rate limit, one lookup).

use gigafibre_db::entities::{customer, equipment};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

use crate::contact::email::normalise_email;
use crate::contact::phone::normalise_phone;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identifier {
    Email(String),
    Phone(String),
    /// A customer number: the new one (`GF-100123`) or the legacy one.
    Account(String),
    /// A device's serial, from its label (`device:ONT1000002A`): the link
    /// goes to the subscriber it is installed for, never named.
    Device(String),
}

/// How a device's serial is written as an identifier.
pub const DEVICE_PREFIX: &str = "device:";

impl Identifier {
    /// Reads what was typed; `None` when it is none of the three.
    pub fn parse(typed: &str) -> Option<Identifier> {
        let typed = typed.trim();
        if typed.is_empty() || typed.len() > 254 {
            return None;
        }
        if let Some(serial) = typed.strip_prefix(DEVICE_PREFIX) {
            let serial = serial.trim().to_uppercase();
            let plausible = (3..=64).contains(&serial.len())
                && serial.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
            return plausible.then_some(Identifier::Device(serial));
        }
        if typed.contains('@') {
            return normalise_email(typed).ok().map(|e| Identifier::Email(e.as_str().to_owned()));
        }
        let digits = typed.chars().filter(char::is_ascii_digit).count();
        if digits >= 10
            && let Ok(phone) = normalise_phone(typed)
        {
            return Some(Identifier::Phone(phone.as_str().to_owned()));
        }
        let account: String = typed.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
        let plausible = account.len() <= 20 && account.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        (plausible && account.chars().any(|c| c.is_ascii_digit())).then_some(Identifier::Account(account))
    }

    /// The stored, normalised form: the rate-limit bucket and the link's owner.
    pub fn key(&self) -> String {
        match self {
            Identifier::Email(email) => format!("email:{email}"),
            Identifier::Phone(phone) => format!("phone:{phone}"),
            Identifier::Account(account) => format!("account:{account}"),
            Identifier::Device(serial) => format!("device:{serial}"),
        }
    }

    pub fn from_key(key: &str) -> Option<Identifier> {
        let (kind, value) = key.split_once(':')?;
        match kind {
            "email" => Some(Identifier::Email(value.to_owned())),
            "phone" => Some(Identifier::Phone(value.to_owned())),
            "account" => Some(Identifier::Account(value.to_owned())),
            "device" => Some(Identifier::Device(value.to_owned())),
            _ => None,
        }
    }

    /// Where a link would go, built only from what was typed, so it tells
    /// nothing about whether an account exists.
    pub fn hint(&self) -> Hint {
        match self {
            Identifier::Email(email) => Hint::Email(redact_email(email)),
            Identifier::Phone(phone) => Hint::Phone(format!("•••-•••-{}", &phone[phone.len().saturating_sub(4)..])),
            Identifier::Account(_) | Identifier::Device(_) => Hint::OnFile,
        }
    }

    /// The customer this identifier names. Closed accounts cannot sign in;
    /// when several accounts share a contact, the oldest open one answers.
    pub async fn find_customer<C: ConnectionTrait>(&self, conn: &C) -> Result<Option<customer::Model>, DbErr> {
        let matches = match self {
            Identifier::Device(serial) => {
                let device = equipment::Entity::find().filter(equipment::Column::Serial.eq(serial.as_str()));
                let Some(customer_id) = device.one(conn).await?.and_then(|d| d.customer_id) else { return Ok(None) };
                Condition::all().add(customer::Column::Id.eq(customer_id))
            }
            Identifier::Email(email) => Condition::any()
                .add(customer::Column::Email.eq(email.as_str()))
                .add(customer::Column::BillingEmail.eq(email.as_str())),
            Identifier::Phone(phone) => Condition::any()
                .add(customer::Column::Cell.eq(phone.as_str()))
                .add(customer::Column::HomePhone.eq(phone.as_str())),
            Identifier::Account(account) => {
                let legacy = account.strip_prefix('L').unwrap_or(account);
                Condition::any()
                    .add(customer::Column::AccountNumber.eq(account.as_str()))
                    .add(customer::Column::LegacyId.eq(account.as_str()))
                    .add(customer::Column::LegacyId.eq(legacy))
            }
        };
        customer::Entity::find()
            .filter(matches)
            .filter(customer::Column::Status.ne("closed"))
            .order_by_asc(customer::Column::Id)
            .one(conn)
            .await
    }
}

/// The redacted destination shown after a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hint {
    Email(String),
    Phone(String),
    /// A customer number was typed: "the e-mail and phone on file".
    OnFile,
}

/// `jean.tremblay@gmail.com` → `j***@g***.com`.
fn redact_email(email: &str) -> String {
    let (local, domain) = email.split_once('@').unwrap_or((email, ""));
    let (host, tld) = domain.rsplit_once('.').unwrap_or((domain, ""));
    let first = |s: &str| s.chars().next().map(String::from).unwrap_or_default();
    format!("{}***@{}***.{tld}", first(local), first(host))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_phone_written_four_ways_is_one_identifier() {
        let keys: Vec<String> = ["(514) 555-1234", "514.555.1234", "+1 514 555 1234", "15145551234"]
            .iter()
            .map(|typed| Identifier::parse(typed).unwrap().key())
            .collect();
        assert!(keys.iter().all(|k| k == "phone:+15145551234"), "{keys:?}");
    }

    #[test]
    fn reads_emails_and_customer_numbers() {
        assert_eq!(Identifier::parse(" Jean@Gmail.COM ").unwrap().key(), "email:jean@gmail.com");
        assert_eq!(Identifier::parse("gf-100123").unwrap(), Identifier::Account("GF-100123".into()));
        assert_eq!(Identifier::parse("20001").unwrap(), Identifier::Account("20001".into()));
        assert_eq!(Identifier::parse("bonjour"), None);
        assert_eq!(Identifier::parse(""), None);
        assert_eq!(Identifier::parse("x@"), None);
    }

    #[test]
    fn hints_reveal_only_what_was_typed() {
        let email = Identifier::parse("jean.tremblay@gmail.com").unwrap();
        assert_eq!(email.hint(), Hint::Email("j***@g***.com".into()));
        let phone = Identifier::parse("450-555-9876").unwrap();
        assert_eq!(phone.hint(), Hint::Phone("•••-•••-9876".into()));
        assert_eq!(Identifier::parse("GF-100001").unwrap().hint(), Hint::OnFile);
        assert_eq!(Identifier::parse("device:ONT1000002A").unwrap().hint(), Hint::OnFile);
        assert_eq!(Identifier::parse("device:a b"), None);
    }

    #[test]
    fn keys_round_trip() {
        for typed in ["a@b.ca", "514 555 1234", "GF-1", "device:ont1000002a"] {
            let identifier = Identifier::parse(typed).unwrap();
            assert_eq!(Identifier::from_key(&identifier.key()), Some(identifier));
        }
    }
}

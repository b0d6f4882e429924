//! The fields of a customer record an agent corrects every day, each with
//! how it is shown, checked and stored.

use gigafibre_db::entities::customer;
use sea_orm::ActiveValue::Set;

use crate::contact::email::normalise_email;
use crate::contact::phone::normalise_phone;
use crate::i18n::Lang;

/// A field that can be edited in place on the client page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    FirstName,
    LastName,
    CompanyName,
    Email,
    BillingEmail,
    Cell,
    HomePhone,
    Language,
    Notes,
}

/// How the edit control looks.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Control {
    Text,
    Email,
    Phone,
    Language,
    LongText,
}

impl Field {
    pub const ALL: [Field; 9] = [
        Field::FirstName,
        Field::LastName,
        Field::CompanyName,
        Field::Email,
        Field::BillingEmail,
        Field::Cell,
        Field::HomePhone,
        Field::Language,
        Field::Notes,
    ];

    /// The name in URLs, forms and the audit log (the column's name).
    pub fn code(self) -> &'static str {
        match self {
            Field::FirstName => "first_name",
            Field::LastName => "last_name",
            Field::CompanyName => "company_name",
            Field::Email => "email",
            Field::BillingEmail => "billing_email",
            Field::Cell => "cell",
            Field::HomePhone => "home_phone",
            Field::Language => "language",
            Field::Notes => "notes",
        }
    }

    pub fn from_code(code: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.code() == code)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Field::FirstName => "ops.client.first_name",
            Field::LastName => "ops.client.last_name",
            Field::CompanyName => "ops.client.company_name",
            Field::Email => "ops.client.email",
            Field::BillingEmail => "ops.client.billing_email",
            Field::Cell => "ops.client.cell",
            Field::HomePhone => "ops.client.home_phone",
            Field::Language => "ops.client.language",
            Field::Notes => "ops.client.notes",
        }
    }

    pub fn control(self) -> Control {
        match self {
            Field::Email | Field::BillingEmail => Control::Email,
            Field::Cell | Field::HomePhone => Control::Phone,
            Field::Language => Control::Language,
            Field::Notes => Control::LongText,
            Field::FirstName | Field::LastName | Field::CompanyName => Control::Text,
        }
    }

    /// The stored value (`None` for an empty optional field).
    pub fn stored(self, c: &customer::Model) -> Option<String> {
        match self {
            Field::FirstName => Some(c.first_name.clone()),
            Field::LastName => Some(c.last_name.clone()),
            Field::CompanyName => c.company_name.clone(),
            Field::Email => c.email.clone(),
            Field::BillingEmail => c.billing_email.clone(),
            Field::Cell => c.cell.clone(),
            Field::HomePhone => c.home_phone.clone(),
            Field::Language => Some(c.language.clone()),
            Field::Notes => Some(c.notes.clone()).filter(|n| !n.is_empty()),
        }
    }

    /// The value as a person reads it (phones as `514-555-1234`).
    pub fn shown(self, c: &customer::Model, lang: Lang) -> String {
        let stored = self.stored(c).unwrap_or_default();
        match self.control() {
            Control::Phone => normalise_phone(&stored).map(|p| p.national()).unwrap_or(stored),
            Control::Language => match Lang::from_code(&stored) {
                Some(Lang::Fr) => crate::i18n::text(lang, "ops.client.french").to_owned(),
                Some(Lang::En) => crate::i18n::text(lang, "ops.client.english").to_owned(),
                None => stored,
            },
            _ => stored,
        }
    }

    /// Checks what was typed: the value to store, or the catalogue key of the problem.
    pub fn check(self, typed: &str) -> Result<Option<String>, &'static str> {
        let typed = typed.trim();
        let limit = |max: usize, value: &str| {
            if value.chars().count() > max { Err("ops.client.too_long") } else { Ok(()) }
        };
        match self {
            Field::FirstName | Field::LastName => {
                if typed.is_empty() {
                    return Err("ops.client.name_required");
                }
                limit(100, typed)?;
                Ok(Some(typed.to_owned()))
            }
            Field::CompanyName => {
                limit(150, typed)?;
                Ok(Some(typed.to_owned()).filter(|t| !t.is_empty()))
            }
            Field::Email | Field::BillingEmail if typed.is_empty() => Ok(None),
            Field::Email | Field::BillingEmail => {
                normalise_email(typed).map(|e| Some(e.as_str().to_owned())).map_err(|_| "ops.client.email_invalid")
            }
            Field::Cell | Field::HomePhone if typed.is_empty() => Ok(None),
            Field::Cell | Field::HomePhone => {
                normalise_phone(typed).map(|p| Some(p.as_str().to_owned())).map_err(|_| "ops.client.phone_invalid")
            }
            Field::Language => {
                Lang::from_code(typed).map(|l| Some(l.code().to_owned())).ok_or("ops.client.language_invalid")
            }
            Field::Notes => {
                limit(5_000, typed)?;
                Ok(Some(typed.to_owned()).filter(|t| !t.is_empty()))
            }
        }
    }

    /// Puts a checked value on the row to update.
    pub fn assign(self, row: &mut customer::ActiveModel, value: Option<String>) {
        let text = || value.clone().unwrap_or_default();
        match self {
            Field::FirstName => row.first_name = Set(text()),
            Field::LastName => row.last_name = Set(text()),
            Field::CompanyName => row.company_name = Set(value),
            Field::Email => row.email = Set(value),
            Field::BillingEmail => row.billing_email = Set(value),
            Field::Cell => row.cell = Set(value),
            Field::HomePhone => row.home_phone = Set(value),
            Field::Language => row.language = Set(text()),
            Field::Notes => row.notes = Set(text()),
        }
    }

    /// Whether clearing this field would leave the customer nowhere to
    /// receive a sign-in link (the portal needs an e-mail or a cell).
    pub fn leaves_no_way_in(self, c: &customer::Model, value: &Option<String>) -> bool {
        match self {
            Field::Email => value.is_none() && c.cell.is_none(),
            Field::Cell => value.is_none() && c.email.is_none(),
            _ => false,
        }
    }

    /// A change of where sign-in links go: outstanding links must die.
    pub fn carries_sign_in(self) -> bool {
        matches!(self, Field::Email | Field::BillingEmail | Field::Cell | Field::HomePhone)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_values_are_checked_and_normalised_per_field() {
        assert_eq!(Field::Email.check(" Julie@Outlook.COM "), Ok(Some("julie@outlook.com".into())));
        assert_eq!(Field::Email.check("julie@"), Err("ops.client.email_invalid"));
        assert_eq!(Field::BillingEmail.check("  "), Ok(None));
        assert_eq!(Field::Cell.check("(514) 838.9458"), Ok(Some("+15148389458".into())));
        assert_eq!(Field::HomePhone.check("838-9458"), Err("ops.client.phone_invalid"));
        assert_eq!(Field::LastName.check(" "), Err("ops.client.name_required"));
        assert_eq!(Field::FirstName.check(&"é".repeat(101)), Err("ops.client.too_long"));
        assert_eq!(Field::Language.check("EN"), Ok(Some("en".into())));
        assert_eq!(Field::Language.check("de"), Err("ops.client.language_invalid"));
        assert_eq!(Field::CompanyName.check(""), Ok(None));
    }

    #[test]
    fn every_field_round_trips_through_its_code() {
        for field in Field::ALL {
            assert_eq!(Field::from_code(field.code()), Some(field));
        }
        assert_eq!(Field::from_code("balance_cents"), None, "only the listed fields are editable");
    }
}

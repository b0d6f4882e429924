//! The languages people read the system in, and the message catalogue.

use serde::{Deserialize, Serialize};

/// A language a person reads: French first, English second.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Fr,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Fr, Lang::En];

    /// The two-letter code stored in the database and used in URLs.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// Reads a stored or typed code; anything unknown is `None`.
    pub fn from_code(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "fr" | "fr-ca" | "fr_ca" | "french" | "français" => Some(Lang::Fr),
            "en" | "en-ca" | "en_ca" | "english" | "anglais" => Some(Lang::En),
            _ => None,
        }
    }
}

mod catalogue;
mod negotiate;
mod numbers;
mod time;

pub use catalogue::text;
pub use negotiate::from_accept_language;
pub use numbers::{format_count, group_thousands};
pub use time::{local_date, local_time};

/// What a template needs to speak the reader's language.
#[derive(Clone, Copy, Debug)]
pub struct Messages {
    pub lang: Lang,
}

impl Messages {
    pub fn new(lang: Lang) -> Messages {
        Messages { lang }
    }

    /// The message for `key`.
    pub fn t<'a>(&self, key: &'a str) -> &'a str {
        text(self.lang, key)
    }

    /// The reader's word for a stored code such as `active` or `en_route`
    /// (catalogue key `code.<value>`); the code itself when there is none.
    pub fn code(&self, value: &str) -> String {
        let key = format!("code.{value}");
        match text(self.lang, &key) {
            found if found == key => value.to_owned(),
            found => found.to_owned(),
        }
    }

    /// A count with thousands grouped the reader's way.
    pub fn count(&self, count: &u64) -> String {
        format_count(self.lang, *count)
    }

    /// The other language, for the switch in the top bar.
    pub fn other(&self) -> Lang {
        match self.lang {
            Lang::Fr => Lang::En,
            Lang::En => Lang::Fr,
        }
    }
}

//! What a search box entry could be: a phone number, an e-mail, a MAC
//! address, an identifier (account, legacy id, serial, barcode, invoice) or
//! words of a name or street. One entry can be several at once.

use crate::contact::phone::normalise_phone;
use crate::equipment::mac::normalise_mac;

/// The ways to look an entry up, each already normalised.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Probe {
    /// A whole number in E.164, when the entry is one.
    pub phone: Option<String>,
    /// Digits of part of a phone number (4 or more), when no letters were typed.
    pub phone_digits: Option<String>,
    /// The start of an e-mail address, lower case.
    pub email: Option<String>,
    /// A MAC address as stored (`AA:BB:CC:DD:EE:FF`).
    pub mac: Option<String>,
    /// Identifiers to match exactly, upper case (account, legacy id, serial, barcode, invoice number).
    pub codes: Vec<String>,
    /// Words of a name or a street (when letters were typed).
    pub words: Vec<String>,
    /// The whole entry, for a street with its civic number.
    pub phrase: Option<String>,
}

/// Entries shorter than this find nothing (a single letter matches everyone).
pub const MIN_LENGTH: usize = 2;

pub fn probe(typed: &str) -> Probe {
    let typed = typed.trim();
    if typed.chars().count() < MIN_LENGTH {
        return Probe::default();
    }
    let has_letters = typed.chars().any(char::is_alphabetic);
    let digits: String = typed.chars().filter(char::is_ascii_digit).collect();
    let single_token = !typed.contains(char::is_whitespace);
    let mut found = Probe::default();
    if let Ok(phone) = normalise_phone(typed) {
        found.phone = Some(phone.as_str().to_owned());
    } else if !has_letters && digits.len() >= 4 && digits.len() <= 11 {
        found.phone_digits = Some(digits.clone());
    }
    if typed.contains('@') && single_token {
        found.email = Some(typed.to_lowercase());
    }
    if let Ok(mac) = normalise_mac(typed) {
        found.mac = Some(mac.as_str().to_owned());
    }
    if single_token && typed.len() <= 40 {
        let upper = typed.to_uppercase();
        if !digits.is_empty() && digits.len() == typed.len() {
            // A bare number: the account, legacy or invoice number without its prefix.
            found.codes.push(format!("GF-{digits}"));
            found.codes.push(format!("F-{digits:0>7}"));
        }
        found.codes.insert(0, upper);
    }
    if has_letters && found.email.is_none() {
        found.words = typed.split_whitespace().take(5).map(str::to_owned).collect();
        found.phrase = Some(typed.to_owned());
    } else if !has_letters && !single_token {
        // "912 rue" has letters; "912" alone may be a civic number too.
        found.phrase = Some(typed.to_owned());
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phone_number_is_found_however_punctuated() {
        for typed in ["514 838-9458", "(514) 838.9458", "+1 514 838 9458", "15148389458"] {
            assert_eq!(probe(typed).phone.as_deref(), Some("+15148389458"), "{typed}");
        }
        assert_eq!(probe("838-9458").phone_digits.as_deref(), Some("8389458"));
        assert_eq!(probe("rue 838").phone_digits, None, "letters: not a phone");
    }

    #[test]
    fn identifiers_and_addresses_are_told_apart() {
        let mac = probe("AA-BB-CC-00-11-22");
        assert_eq!(mac.mac.as_deref(), Some("AA:BB:CC:00:11:22"));
        let account = probe("gf-100002");
        assert_eq!(account.codes, vec!["GF-100002".to_owned()]);
        let bare = probe("100002");
        assert!(bare.codes.contains(&"GF-100002".to_owned()) && bare.codes.contains(&"F-0100002".to_owned()));
        let email = probe("Julie.Leclerc2@");
        assert_eq!(email.email.as_deref(), Some("julie.leclerc2@"));
        assert!(email.words.is_empty());
        let street = probe("912 rue Dubois");
        assert_eq!(street.words, ["912", "rue", "Dubois"]);
        assert_eq!(street.phrase.as_deref(), Some("912 rue Dubois"));
        assert!(street.codes.is_empty());
        assert_eq!(probe("a"), Probe::default(), "one letter finds nothing");
    }
}

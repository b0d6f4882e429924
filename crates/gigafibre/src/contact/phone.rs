//! North-American phone numbers, stored in E.164 (`+15145551234`).
//!
//! People type the same number a dozen ways; storing one canonical form lets
//! the system find a customer by phone and hand the number to an SMS gateway.

use std::fmt;

/// A valid North-American (NANP) number in E.164 form: `+1` and 10 digits.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PhoneNumber(String);

/// Why a typed phone number was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PhoneError {
    #[error("a phone number is empty")]
    Empty,
    #[error("a phone number holds digits only; found the letter {0:?} (write extensions elsewhere)")]
    Letter(char),
    #[error("a phone number may only hold digits, spaces, dashes, dots, parentheses and a leading +; found {0:?}")]
    InvalidCharacter(char),
    #[error("a phone number needs 10 digits (area code + number); this one has {0}")]
    TooFewDigits(usize),
    #[error("a phone number has 10 digits (area code + number), after an optional 1; this one has {0}")]
    TooManyDigits(usize),
    #[error("only North-American numbers (country code +1) are accepted")]
    NotNorthAmerican,
    #[error("an area code cannot start with 0 or 1; this one is {0}")]
    AreaCode(String),
    #[error("an exchange (the 3 digits after the area code) cannot start with 0 or 1; this one is {0}")]
    Exchange(String),
}

impl PhoneNumber {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The last four digits, enough for a person to confirm a number on screen.
    pub fn last_four(&self) -> &str {
        &self.0[8..]
    }

    /// The familiar `514-555-1234` form, for printing on invoices and screens.
    pub fn national(&self) -> String {
        format!("{}-{}-{}", &self.0[2..5], &self.0[5..8], &self.0[8..])
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Reads a North-American number however it was punctuated.
///
/// A leading `+` announces a country code, which must be 1; without it, an
/// eleventh digit is accepted only as the leading long-distance prefix 1.
pub fn normalise_phone(input: &str) -> Result<PhoneNumber, PhoneError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(PhoneError::Empty);
    }
    let (international, rest) = match trimmed.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, trimmed),
    };
    let mut digits = String::with_capacity(11);
    for c in rest.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else if c.is_alphabetic() {
            return Err(PhoneError::Letter(c));
        } else if !(c.is_whitespace() || matches!(c, '-' | '.' | '(' | ')')) {
            return Err(PhoneError::InvalidCharacter(c));
        }
    }
    let national = if international {
        match digits.strip_prefix('1') {
            Some(national) => national,
            None if digits.is_empty() => return Err(PhoneError::TooFewDigits(0)),
            None => return Err(PhoneError::NotNorthAmerican),
        }
    } else {
        // Without a `+`, an eleventh digit other than 1 is a typo, not a country.
        match digits.strip_prefix('1') {
            Some(national) if digits.len() == 11 => national,
            _ => &digits,
        }
    };
    check_national(national)?;
    Ok(PhoneNumber(format!("+1{national}")))
}

/// Applies the NANP rules to the 10 digits after the country code.
fn check_national(national: &str) -> Result<(), PhoneError> {
    match national.len() {
        n if n < 10 => return Err(PhoneError::TooFewDigits(n)),
        n if n > 10 => return Err(PhoneError::TooManyDigits(n)),
        _ => {}
    }
    let starts_badly = |part: &str| part.starts_with(['0', '1']);
    let (area, exchange) = (&national[..3], &national[3..6]);
    if starts_badly(area) {
        return Err(PhoneError::AreaCode(area.to_owned()));
    }
    if starts_badly(exchange) {
        return Err(PhoneError::Exchange(exchange.to_owned()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn e164(input: &str) -> Result<String, PhoneError> {
        normalise_phone(input).map(|p| p.as_str().to_owned())
    }

    #[test]
    fn accepts_the_usual_ways_of_writing_a_number() {
        for input in [
            "(514) 555-1234",
            "514.555.1234",
            "514-555-1234",
            "5145551234",
            "+1 514 555 1234",
            "1-514-555-1234",
            "+1 (514) 555-1234",
            "  514 555 1234\t",
            "+15145551234",
            "514\u{a0}555\u{a0}1234",
        ] {
            assert_eq!(e164(input), Ok("+15145551234".to_owned()), "{input}");
        }
    }

    #[test]
    fn presents_the_number_in_several_forms() {
        let phone = normalise_phone("(438) 555-0199").unwrap();
        assert_eq!(phone.as_str(), "+14385550199");
        assert_eq!(phone.to_string(), "+14385550199");
        assert_eq!(phone.national(), "438-555-0199");
        assert_eq!(phone.last_four(), "0199");
    }

    #[test]
    fn refuses_with_a_reason() {
        use PhoneError::*;
        assert_eq!(e164(""), Err(Empty));
        assert_eq!(e164("   "), Err(Empty));
        assert_eq!(e164("514-555-CALL"), Err(Letter('C')));
        assert_eq!(e164("514 555 1234 ext 2"), Err(Letter('e')));
        assert_eq!(e164("514/555/1234"), Err(InvalidCharacter('/')));
        assert_eq!(e164("514+555+1234"), Err(InvalidCharacter('+')));
        assert_eq!(e164("555-1234"), Err(TooFewDigits(7)));
        assert_eq!(e164("+"), Err(TooFewDigits(0)));
        assert_eq!(e164("+1 555 1234"), Err(TooFewDigits(7)));
        assert_eq!(e164("514-555-12345"), Err(TooManyDigits(11)));
        assert_eq!(e164("1-514-555-12345"), Err(TooManyDigits(12)));
        assert_eq!(e164("+1 514 555 12345"), Err(TooManyDigits(11)));
        assert_eq!(e164("+33 1 23 45 67 89"), Err(NotNorthAmerican));
        assert_eq!(e164("+44 20 7946 0958"), Err(NotNorthAmerican));
        assert_eq!(e164("(123) 555-1234"), Err(AreaCode("123".to_owned())));
        assert_eq!(e164("1-014-555-1234"), Err(AreaCode("014".to_owned())));
        assert_eq!(e164("514-055-1234"), Err(Exchange("055".to_owned())));
        assert_eq!(e164("+1 514 155 1234"), Err(Exchange("155".to_owned())));
    }

    #[test]
    fn error_messages_say_what_is_wrong() {
        assert_eq!(
            PhoneError::TooFewDigits(7).to_string(),
            "a phone number needs 10 digits (area code + number); this one has 7"
        );
    }

    /// Area code, exchange and line of a valid NANP number.
    fn nanp() -> impl Strategy<Value = (String, String, String)> {
        ("[2-9][0-9]{2}", "[2-9][0-9]{2}", "[0-9]{4}")
    }

    proptest! {
        #[test]
        fn every_written_form_gives_the_same_number((a, x, l) in nanp()) {
            let expected = format!("+1{a}{x}{l}");
            for input in [
                format!("({a}) {x}-{l}"),
                format!("{a}.{x}.{l}"),
                format!("{a}-{x}-{l}"),
                format!("{a}{x}{l}"),
                format!("+1 {a} {x} {l}"),
                format!("1-{a}-{x}-{l}"),
                format!("+1 ({a}) {x}-{l}"),
                format!("  {a} {x} {l}  "),
            ] {
                let phone = normalise_phone(&input);
                prop_assert_eq!(phone.as_ref().map(PhoneNumber::as_str), Ok(expected.as_str()));
                prop_assert_eq!(phone.map(|p| p.national()), Ok(format!("{a}-{x}-{l}")));
            }
        }

        #[test]
        fn normalising_twice_changes_nothing(input in "[0-9 ()+.\\-]{0,20}") {
            if let Ok(phone) = normalise_phone(&input) {
                prop_assert_eq!(normalise_phone(phone.as_str()), Ok(phone));
            }
        }

        #[test]
        fn normalising_a_valid_number_twice_changes_nothing((a, x, l) in nanp()) {
            let phone = normalise_phone(&format!("{a} {x} {l}")).unwrap();
            prop_assert_eq!(normalise_phone(phone.as_str()), Ok(phone));
        }

        #[test]
        fn arbitrary_text_never_panics(input in any::<String>()) {
            let _ = normalise_phone(&input);
        }
    }
}

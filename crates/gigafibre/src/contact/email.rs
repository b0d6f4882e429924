//! Email addresses, trimmed and lower-cased on the way in.
//!
//! Mail providers treat addresses case-insensitively, and customers type
//! `Marie.Tremblay@Videotron.CA` one day and `marie.tremblay@videotron.ca`
//! the next; one stored form keeps logins and duplicate checks honest. The
//! checks catch typing mistakes, not every corner of RFC 5322.

use std::fmt;

/// The longest address SMTP can carry (RFC 5321 path limit minus the brackets).
const MAX_CHARS: usize = 254;

/// A plausible, lower-cased email address with exactly one `@`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EmailAddress(String);

/// Why a typed email address was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EmailError {
    #[error("an email address is empty")]
    Empty,
    #[error("an email address has at most 254 characters; this one has {0}")]
    TooLong(usize),
    #[error("an email address cannot contain spaces")]
    Whitespace,
    #[error("an email address cannot contain invisible control characters")]
    ControlCharacter,
    #[error("an email address needs an @ between the name and the domain")]
    MissingAt,
    #[error("an email address has exactly one @; this one has {0}")]
    TooManyAt(usize),
    #[error("an email address needs a name before the @")]
    EmptyLocalPart,
    #[error("an email address needs a domain after the @")]
    EmptyDomain,
    #[error("the domain {0:?} needs a dot, as in videotron.ca")]
    DomainWithoutDot(String),
    #[error("the domain {0:?} has an empty part between its dots")]
    EmptyDomainLabel(String),
}

impl EmailAddress {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part after the `@`, e.g. to spot customers of one provider.
    pub fn domain(&self) -> &str {
        // Normalisation guarantees exactly one `@`, so the fallback never runs.
        self.0.rsplit_once('@').map_or("", |(_, domain)| domain)
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Trims, lower-cases and checks the shape of an email address.
pub fn normalise_email(input: &str) -> Result<EmailAddress, EmailError> {
    // Lower-case before measuring: a few characters grow when lower-cased.
    let address = input.trim().to_lowercase();
    if address.is_empty() {
        return Err(EmailError::Empty);
    }
    let length = address.chars().count();
    if length > MAX_CHARS {
        return Err(EmailError::TooLong(length));
    }
    if address.chars().any(char::is_whitespace) {
        return Err(EmailError::Whitespace);
    }
    if address.chars().any(char::is_control) {
        return Err(EmailError::ControlCharacter);
    }
    let Some((local, domain)) = address.split_once('@') else {
        return Err(EmailError::MissingAt);
    };
    if domain.contains('@') {
        return Err(EmailError::TooManyAt(address.matches('@').count()));
    }
    if local.is_empty() {
        return Err(EmailError::EmptyLocalPart);
    }
    if domain.is_empty() {
        return Err(EmailError::EmptyDomain);
    }
    if !domain.contains('.') {
        return Err(EmailError::DomainWithoutDot(domain.to_owned()));
    }
    if domain.split('.').any(str::is_empty) {
        return Err(EmailError::EmptyDomainLabel(domain.to_owned()));
    }
    Ok(EmailAddress(address))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn normalised(input: &str) -> Result<String, EmailError> {
        normalise_email(input).map(|e| e.as_str().to_owned())
    }

    #[test]
    fn trims_and_lower_cases() {
        assert_eq!(normalised("  Marie.Tremblay@Videotron.CA \n"), Ok("marie.tremblay@videotron.ca".to_owned()));
        assert_eq!(normalised("JEAN+factures@Gigafibre.qc.ca"), Ok("jean+factures@gigafibre.qc.ca".to_owned()));
        assert_eq!(normalised("Élise@Exemple.QC.CA"), Ok("élise@exemple.qc.ca".to_owned()));
    }

    #[test]
    fn exposes_the_domain() {
        let email = normalise_email("Luc@Sympatico.ca").unwrap();
        assert_eq!(email.domain(), "sympatico.ca");
        assert_eq!(email.as_str(), "luc@sympatico.ca");
        assert_eq!(email.to_string(), "luc@sympatico.ca");
    }

    #[test]
    fn refuses_with_a_reason() {
        use EmailError::*;
        assert_eq!(normalised(""), Err(Empty));
        assert_eq!(normalised(" \t "), Err(Empty));
        assert_eq!(normalised("marie tremblay@x.ca"), Err(Whitespace));
        assert_eq!(normalised("marie@x.ca\u{a0}x"), Err(Whitespace));
        assert_eq!(normalised("marie@x\u{7}.ca"), Err(ControlCharacter));
        assert_eq!(normalised("marie.videotron.ca"), Err(MissingAt));
        assert_eq!(normalised("marie@@videotron.ca"), Err(TooManyAt(2)));
        assert_eq!(normalised("a@b@c.ca"), Err(TooManyAt(2)));
        assert_eq!(normalised("@videotron.ca"), Err(EmptyLocalPart));
        assert_eq!(normalised("marie@"), Err(EmptyDomain));
        assert_eq!(normalised("marie@localhost"), Err(DomainWithoutDot("localhost".to_owned())));
        for domain in [".ca", "videotron.", "videotron..ca"] {
            assert_eq!(normalised(&format!("marie@{domain}")), Err(EmptyDomainLabel(domain.to_owned())));
        }
    }

    #[test]
    fn enforces_the_length_limit() {
        let at_limit = format!("{}@example.ca", "a".repeat(MAX_CHARS - 11));
        assert_eq!(normalised(&at_limit), Ok(at_limit.clone()));
        let over = format!("a{at_limit}");
        assert_eq!(normalised(&over), Err(EmailError::TooLong(255)));
        assert_eq!(
            EmailError::TooLong(255).to_string(),
            "an email address has at most 254 characters; this one has 255"
        );
    }

    /// A valid, already-normalised address.
    fn address() -> impl Strategy<Value = String> {
        ("[a-z0-9][a-z0-9._+-]{0,15}", prop::collection::vec("[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?", 1..4), "[a-z]{2,6}")
            .prop_map(|(local, labels, tld)| format!("{local}@{}.{tld}", labels.join(".")))
    }

    fn padding() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec!["", " ", "\t", "\n ", "\u{a0}", " \r\n"])
    }

    proptest! {
        #[test]
        fn case_and_spacing_do_not_matter(
            canonical in address(),
            upper in prop::collection::vec(any::<bool>(), 300),
            before in padding(),
            after in padding(),
        ) {
            let shouted: String = canonical
                .chars()
                .zip(upper)
                .map(|(c, up)| if up { c.to_ascii_uppercase() } else { c })
                .collect();
            let typed = format!("{before}{shouted}{after}");
            prop_assert_eq!(normalised(&typed), Ok(canonical));
        }

        #[test]
        fn normalising_twice_changes_nothing(input in any::<String>()) {
            if let Ok(email) = normalise_email(&input) {
                prop_assert_eq!(normalise_email(email.as_str()), Ok(email));
            }
        }

        #[test]
        fn normalising_email_like_text_twice_changes_nothing(input in "[ a-zA-Z0-9@.\u{130}\u{3a3}]{0,30}") {
            if let Ok(email) = normalise_email(&input) {
                prop_assert_eq!(normalise_email(email.as_str()), Ok(email));
            }
        }

        #[test]
        fn arbitrary_text_never_panics(input in any::<String>()) {
            let _ = normalise_email(&input);
        }
    }
}

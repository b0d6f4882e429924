//! MAC addresses of modems and routers, stored as `AA:BB:CC:DD:EE:FF`.
//!
//! Vendor labels, OLT consoles and technicians each write MACs differently;
//! one canonical form lets a device found on the network be matched to the
//! customer it was installed for.

use std::fmt;

/// A 48-bit MAC address in upper-case, colon-separated form.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MacAddress(String);

/// Why a typed MAC address was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MacError {
    #[error("a MAC address is empty")]
    Empty,
    #[error("a MAC address holds hex digits (0-9, A-F) and : - . separators; found {0:?}")]
    InvalidCharacter(char),
    #[error("a MAC address has 12 hex digits; this one has {0}")]
    WrongLength(usize),
    #[error(
        "a MAC address's separators are misplaced; write AA:BB:CC:DD:EE:FF, AA-BB-CC-DD-EE-FF, AABB.CCDD.EEFF or AABBCCDDEEFF"
    )]
    MisplacedSeparators,
}

impl MacAddress {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MacAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Reads a MAC in colon, dash, Cisco-dot or bare form, in any case.
///
/// Separators must sit where one of those forms puts them, so a value
/// pasted from the wrong column (`aa:bb.cc-dd...`) is caught, not guessed.
pub fn normalise_mac(input: &str) -> Result<MacAddress, MacError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(MacError::Empty);
    }
    if let Some(c) = trimmed.chars().find(|&c| !(c.is_ascii_hexdigit() || matches!(c, ':' | '-' | '.'))) {
        return Err(MacError::InvalidCharacter(c));
    }
    let hex: String = trimmed.chars().filter(char::is_ascii_hexdigit).map(|c| c.to_ascii_uppercase()).collect();
    if hex.len() != 12 {
        return Err(MacError::WrongLength(hex.len()));
    }
    if !separators_well_placed(trimmed) {
        return Err(MacError::MisplacedSeparators);
    }
    let octets: Vec<&str> = (0..12).step_by(2).map(|i| &hex[i..i + 2]).collect();
    Ok(MacAddress(octets.join(":")))
}

/// True for the bare form, or when one kind of separator splits the digits
/// into six pairs (`:` or `-`) or three quads (`.`).
fn separators_well_placed(trimmed: &str) -> bool {
    let group_lengths = |separator: char| -> Vec<usize> { trimmed.split(separator).map(str::len).collect() };
    match trimmed.chars().find(|c| !c.is_ascii_hexdigit()) {
        None => true,
        Some(separator @ (':' | '-')) => group_lengths(separator) == [2; 6],
        Some('.') => group_lengths('.') == [4; 3],
        Some(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn normalised(input: &str) -> Result<String, MacError> {
        normalise_mac(input).map(|m| m.as_str().to_owned())
    }

    #[test]
    fn accepts_every_common_form() {
        for input in [
            "AA:BB:CC:DD:EE:FF",
            "aa-bb-cc-dd-ee-ff",
            "aabb.ccdd.eeff",
            "AABBCCDDEEFF",
            "aA:Bb:cC:dD:eE:Ff",
            "  aabbccddeeff \t",
        ] {
            assert_eq!(normalised(input), Ok("AA:BB:CC:DD:EE:FF".to_owned()), "{input}");
        }
        let mac = normalise_mac("00:1a:2b:3c:4d:5e").unwrap();
        assert_eq!(mac.to_string(), "00:1A:2B:3C:4D:5E");
    }

    #[test]
    fn refuses_with_a_reason() {
        use MacError::*;
        assert_eq!(normalised(""), Err(Empty));
        assert_eq!(normalised("  "), Err(Empty));
        assert_eq!(normalised("AA:BB:CC:DD:EE:GG"), Err(InvalidCharacter('G')));
        assert_eq!(normalised("AA BB CC DD EE FF"), Err(InvalidCharacter(' ')));
        assert_eq!(normalised("AA:BB:CC:DD:EE"), Err(WrongLength(10)));
        assert_eq!(normalised("AABBCCDDEEFF00"), Err(WrongLength(14)));
        assert_eq!(normalised("AA:BB:CC-DD-EE-FF"), Err(MisplacedSeparators));
        assert_eq!(normalised("AAB:BCC:DDE:EFF"), Err(MisplacedSeparators));
        assert_eq!(normalised("AA.BB.CC.DD.EE.FF"), Err(MisplacedSeparators));
        assert_eq!(normalised("AABBCC:DDEEFF"), Err(MisplacedSeparators));
        assert_eq!(normalised(":AABBCCDDEEFF"), Err(MisplacedSeparators));
        assert_eq!(WrongLength(10).to_string(), "a MAC address has 12 hex digits; this one has 10");
    }

    proptest! {
        #[test]
        fn every_written_form_gives_the_same_address(bytes in any::<[u8; 6]>(), lower in any::<bool>()) {
            let pairs: Vec<String> = bytes
                .iter()
                .map(|b| if lower { format!("{b:02x}") } else { format!("{b:02X}") })
                .collect();
            let expected = bytes.map(|b| format!("{b:02X}")).join(":");
            let bare = pairs.concat();
            for input in [
                pairs.join(":"),
                pairs.join("-"),
                format!("{}.{}.{}", &bare[..4], &bare[4..8], &bare[8..]),
                bare.clone(),
                format!("  {}  ", pairs.join(":")),
            ] {
                let mac = normalise_mac(&input);
                prop_assert_eq!(mac.as_ref().map(MacAddress::as_str), Ok(expected.as_str()));
                prop_assert_eq!(normalise_mac(&expected), mac);
            }
        }

        #[test]
        fn arbitrary_text_never_panics(input in any::<String>()) {
            let _ = normalise_mac(&input);
        }

        #[test]
        fn mac_like_text_never_panics(input in "[0-9a-fA-F:.\\- ]{0,20}") {
            let _ = normalise_mac(&input);
        }
    }
}

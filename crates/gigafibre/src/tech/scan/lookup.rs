//! Finding a device from what was scanned or typed, in three tiers: the
//! serial, then the barcode, then the MAC address written any way. The
//! order and the normalisation are a pure function; the query tries each
//! candidate in turn.

use gigafibre_db::entities::equipment;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use crate::equipment::mac::normalise_mac;

/// One way to read a code, tried in the order [`candidates`] gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Candidate {
    Serial(String),
    Barcode(String),
    Mac(String),
}

/// Where a label's QR code points: `…/j/device/{serial}`.
const LABEL_PATH: &str = "/j/device/";

/// What was typed or scanned, as the code it holds: a label's address
/// gives its serial; spaces around are dropped.
pub fn code_of(typed: &str) -> String {
    let typed = typed.trim();
    match typed.rfind(LABEL_PATH) {
        Some(at) => {
            let serial = &typed[at + LABEL_PATH.len()..];
            let serial = serial.split(['?', '#', '/']).next().unwrap_or_default();
            url::form_urlencoded::parse(format!("s={serial}").as_bytes())
                .next()
                .map(|(_, value)| value.trim().to_owned())
                .unwrap_or_default()
        }
        None => typed.to_owned(),
    }
}

/// The readings of a code, in the order they are tried: serial (as typed,
/// then in capitals), barcode, then MAC address in canonical form.
pub fn candidates(typed: &str) -> Vec<Candidate> {
    let code = code_of(typed);
    if code.is_empty() || code.chars().count() > 128 {
        return Vec::new();
    }
    let mut found = vec![Candidate::Serial(code.clone())];
    let upper = code.to_uppercase();
    if upper != code {
        found.push(Candidate::Serial(upper));
    }
    found.push(Candidate::Barcode(code.clone()));
    if let Ok(mac) = normalise_mac(&code) {
        found.push(Candidate::Mac(mac.as_str().to_owned()));
    }
    found
}

/// The first device a reading of the code names.
pub async fn find<C: ConnectionTrait>(conn: &C, typed: &str) -> Result<Option<equipment::Model>, DbErr> {
    for candidate in candidates(typed) {
        let filter = match &candidate {
            Candidate::Serial(serial) => equipment::Column::Serial.eq(serial.as_str()),
            Candidate::Barcode(barcode) => equipment::Column::Barcode.eq(barcode.as_str()),
            Candidate::Mac(mac) => equipment::Column::Mac.eq(mac.as_str()),
        };
        if let Some(device) = equipment::Entity::find().filter(filter).one(conn).await? {
            return Ok(Some(device));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serial_comes_first_then_barcode_then_mac() {
        assert_eq!(
            candidates(" 001a2b000042 "),
            vec![
                Candidate::Serial("001a2b000042".into()),
                Candidate::Serial("001A2B000042".into()),
                Candidate::Barcode("001a2b000042".into()),
                Candidate::Mac("00:1A:2B:00:00:42".into()),
            ]
        );
    }

    #[test]
    fn a_mac_is_read_with_any_separator_and_case() {
        for typed in ["00-1a-2b-00-00-42", "001A.2B00.0042", "00:1a:2B:00:00:42"] {
            assert_eq!(candidates(typed).last(), Some(&Candidate::Mac("00:1A:2B:00:00:42".into())), "{typed}");
        }
    }

    #[test]
    fn a_code_that_is_no_mac_is_tried_as_serial_and_barcode_only() {
        assert_eq!(
            candidates("GF0003000042"),
            vec![Candidate::Serial("GF0003000042".into()), Candidate::Barcode("GF0003000042".into())]
        );
        assert!(candidates("   ").is_empty());
    }

    #[test]
    fn a_label_address_gives_its_serial() {
        assert_eq!(code_of("https://fsm.gigafibre.ca/j/device/ONT1000002A"), "ONT1000002A");
        assert_eq!(code_of("http://127.0.0.1:8090/j/device/ONT%2042?x=1"), "ONT 42");
        assert_eq!(candidates("https://x.ca/j/device/RT10000001")[0], Candidate::Serial("RT10000001".into()));
    }
}

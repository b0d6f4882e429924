//! The `Stripe-Signature` header: `t=<unix time>,v1=<hex HMAC-SHA256 of
//! "t.body" under the webhook secret>`, possibly several `v1` while a secret
//! is rotated. Pure: the time is given.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// How far the signed time may be from ours (Stripe's own default).
pub const TOLERANCE_SECONDS: i64 = 300;

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("no Stripe-Signature header, or not t=…,v1=…")]
    Malformed,
    #[error("the signature is more than five minutes away from now")]
    OutOfTolerance,
    #[error("no v1 signature matches the body")]
    Mismatch,
}

/// Checks that `body` was signed with `secret` within five minutes of `now`.
/// The comparison takes the same time whatever the bytes.
pub fn verify(header: &str, body: &[u8], secret: &str, now_unix: i64) -> Result<(), SignatureError> {
    let mut timestamp = None;
    let mut candidates = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => timestamp = value.parse::<i64>().ok(),
            Some(("v1", value)) => candidates.push(hex::decode(value).map_err(|_| SignatureError::Malformed)?),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if candidates.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if (now_unix - timestamp).abs() > TOLERANCE_SECONDS {
        return Err(SignatureError::OutOfTolerance);
    }
    let expected = mac(secret, timestamp, body).ok_or(SignatureError::Mismatch)?;
    if candidates.iter().any(|candidate| expected.clone().verify_slice(candidate).is_ok()) {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// The header Stripe would send for `body` at `timestamp` (tests and the
/// local Stripe stand-in sign with it).
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let tag = mac(secret, timestamp, body).map(|m| hex::encode(m.finalize().into_bytes())).unwrap_or_default();
    format!("t={timestamp},v1={tag}")
}

fn mac(secret: &str, timestamp: i64, body: &[u8]) -> Option<Hmac<Sha256>> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).ok()?;
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Some(mac)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test";
    const BODY: &[u8] = br#"{"id":"evt_1","type":"checkout.session.completed"}"#;
    const NOW: i64 = 1_790_000_000;

    #[test]
    fn a_signature_stripe_makes_is_accepted_within_five_minutes() {
        assert_eq!(verify(&sign(SECRET, NOW, BODY), BODY, SECRET, NOW), Ok(()));
        assert_eq!(verify(&sign(SECRET, NOW - 300, BODY), BODY, SECRET, NOW), Ok(()));
        let rotated = format!("{},v1={}", sign(SECRET, NOW, BODY), "00".repeat(32));
        assert_eq!(verify(&rotated, BODY, SECRET, NOW), Ok(()), "any v1 may match");
    }

    #[test]
    fn everything_else_is_refused() {
        let header = sign(SECRET, NOW, BODY);
        assert_eq!(verify(&header, BODY, "whsec_other", NOW), Err(SignatureError::Mismatch));
        assert_eq!(verify(&header, br#"{"id":"evt_2"}"#, SECRET, NOW), Err(SignatureError::Mismatch));
        assert_eq!(verify(&sign(SECRET, NOW - 301, BODY), BODY, SECRET, NOW), Err(SignatureError::OutOfTolerance));
        let v0_only = header.replace("v1=", "v0=");
        assert_eq!(verify(&v0_only, BODY, SECRET, NOW), Err(SignatureError::Malformed));
        assert_eq!(verify("", BODY, SECRET, NOW), Err(SignatureError::Malformed));
        assert_eq!(verify("t=abc,v1=00", BODY, SECRET, NOW), Err(SignatureError::Malformed));
        assert_eq!(verify(&format!("t={NOW},v1=zz"), BODY, SECRET, NOW), Err(SignatureError::Malformed));
    }
}

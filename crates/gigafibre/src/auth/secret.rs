//! Random secrets and their stored form: a token is shown once (in a cookie
//! or a link) and only its SHA-256 is kept.

use rand::RngExt;
use sha2::{Digest, Sha256};

/// 256 random bits from the operating system's generator, as 64 hex digits.
pub fn new_token() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    hex::encode(bytes)
}

/// A 6-digit code, uniformly drawn.
pub fn new_code() -> String {
    format!("{:06}", rand::rng().random_range(0..1_000_000))
}

/// What the database stores in place of a token or code.
pub fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_hashed_one_way() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(hash(&a), hash(&a));
        assert_ne!(hash(&a), a);
        assert_eq!(new_code().len(), 6);
    }
}

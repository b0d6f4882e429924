//! Who the provider says signed in: the ID token checked in full (signature
//! against the provider's keys, issuer, audience, times, nonce), then read
//! into a person, and the rule that says which role they get. No I/O here.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use gigafibre_db::entities::staff;
use openidconnect::core::{
    CoreGenderClaim, CoreIdTokenVerifier, CoreJsonWebKeySet, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm,
};
use openidconnect::{
    AdditionalClaims, ClaimsVerificationError, ClientId, IdToken, IdTokenClaims, IssuerUrl, Nonce,
    SignatureVerificationError,
};
use serde::{Deserialize, Serialize};

use super::refusal::Refusal;
use crate::config::{MappedRole, RoleMap};
use crate::ops::roles::Role;

/// Every claim besides the standard ones, so that the groups claim can be
/// any name the provider uses.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct OtherClaims {
    #[serde(flatten)]
    claims: HashMap<String, serde_json::Value>,
}

impl AdditionalClaims for OtherClaims {}

type StaffIdToken = IdToken<OtherClaims, CoreGenderClaim, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm>;

/// Only signatures made with the provider's private keys: no `none`, and
/// no HMAC with the client secret (which more hands hold than the provider's keys).
const ALLOWED_ALGORITHMS: [CoreJwsSigningAlgorithm; 9] = [
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha384,
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha512,
    CoreJwsSigningAlgorithm::RsaSsaPssSha256,
    CoreJwsSigningAlgorithm::RsaSsaPssSha384,
    CoreJwsSigningAlgorithm::RsaSsaPssSha512,
    CoreJwsSigningAlgorithm::EcdsaP256Sha256,
    CoreJwsSigningAlgorithm::EcdsaP384Sha384,
    CoreJwsSigningAlgorithm::EdDsa,
];

/// Clocks disagree a little: a token issued up to this far in our future is
/// still taken.
const CLOCK_SKEW: Duration = Duration::minutes(5);
/// A token issued longer ago than an attempt lives (plus skew) is refused.
const OLDEST_ISSUE: Duration = Duration::minutes(15);

/// What the ID token must say.
pub struct Expected<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    pub nonce: &'a str,
    pub groups_claim: &'a str,
}

/// The person the provider vouches for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: Option<bool>,
    pub name: Option<String>,
    pub groups: Vec<String>,
}

/// Checks the raw ID token against the provider's keys and what we expect,
/// and reads the person out of it.
pub fn verify(
    raw: &str,
    keys: &CoreJsonWebKeySet,
    expected: &Expected,
    now: DateTime<Utc>,
) -> Result<Identity, Refusal> {
    let token: StaffIdToken = raw.parse().map_err(|e| Refusal::InvalidToken(format!("not a signed JWT: {e}")))?;
    let issuer = IssuerUrl::new(expected.issuer.to_owned()).map_err(|e| Refusal::InvalidToken(e.to_string()))?;
    let verifier =
        CoreIdTokenVerifier::new_public_client(ClientId::new(expected.client_id.to_owned()), issuer, keys.clone())
            .set_allowed_algs(ALLOWED_ALGORITHMS)
            .set_time_fn(move || now)
            .set_issue_time_verifier_fn(move |issued| {
                if issued > now + CLOCK_SKEW {
                    Err(format!("issued in the future ({issued})"))
                } else if issued < now - OLDEST_ISSUE {
                    Err(format!("issued too long ago ({issued})"))
                } else {
                    Ok(())
                }
            });
    let claims = token.claims(&verifier, &Nonce::new(expected.nonce.to_owned())).map_err(|error| match error {
        ClaimsVerificationError::InvalidIssuer(detail) => Refusal::WrongIssuer(detail),
        ClaimsVerificationError::SignatureVerification(SignatureVerificationError::NoMatchingKey) => {
            Refusal::UnknownKey
        }
        ClaimsVerificationError::SignatureVerification(detail) => Refusal::BadSignature(detail.to_string()),
        other => Refusal::InvalidToken(other.to_string()),
    })?;
    Ok(read_identity(claims, expected.groups_claim))
}

fn read_identity(claims: &IdTokenClaims<OtherClaims, CoreGenderClaim>, groups_claim: &str) -> Identity {
    let name = claims
        .name()
        .and_then(|name| name.get(None))
        .map(|name| name.as_str().to_owned())
        .or_else(|| {
            let given = claims.given_name().and_then(|n| n.get(None)).map(|n| n.as_str().to_owned());
            let family = claims.family_name().and_then(|n| n.get(None)).map(|n| n.as_str().to_owned());
            let whole = [given, family].into_iter().flatten().collect::<Vec<_>>().join(" ");
            Some(whole).filter(|w| !w.is_empty())
        })
        .or_else(|| claims.preferred_username().map(|u| u.as_str().to_owned()))
        .map(|name| name.trim().chars().take(120).collect::<String>())
        .filter(|name| !name.is_empty());
    let groups = match claims.additional_claims().claims.get(groups_claim) {
        Some(serde_json::Value::Array(items)) => {
            items.iter().filter_map(serde_json::Value::as_str).map(str::to_owned).collect()
        }
        Some(serde_json::Value::String(one)) => vec![one.clone()],
        _ => Vec::new(),
    };
    Identity {
        subject: claims.subject().as_str().to_owned(),
        email: claims.email().map(|e| e.as_str().to_owned()),
        email_verified: claims.email_verified(),
        name,
        groups,
    }
}

/// What a person who signed in at the provider gets here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// An ops session with this role; `from_groups` when the provider's
    /// groups decided it (the staff row then follows them).
    Admit { role: Role, from_groups: bool },
    /// A technician: the tech app, never the ops app.
    Technician,
    /// Neither a mapped group nor an active staff row.
    NotStaff,
    /// A staff row that was deactivated here: refused whatever the groups say.
    Deactivated,
    /// The groups gave the role last time and give none now: the provider
    /// has withdrawn this person, whatever the staff row still says.
    LeftGroups,
}

/// The rule: a deactivated row refuses; then the first mapped group; then,
/// for a member whose role the groups decided until now, no one; then the
/// local staff table; else no one.
pub fn decide(groups: &[String], map: &RoleMap, local: Option<&staff::Model>, groups_decided: bool) -> Decision {
    if local.is_some_and(|member| !member.active) {
        return Decision::Deactivated;
    }
    match map.role_for(groups.iter().map(String::as_str)) {
        Some(MappedRole::Technician) => Decision::Technician,
        Some(MappedRole::Staff(role)) => Decision::Admit { role, from_groups: true },
        None if groups_decided && local.is_some() => Decision::LeftGroups,
        None => match local.and_then(|member| Role::from_code(&member.role)) {
            Some(role) => Decision::Admit { role, from_groups: false },
            None => Decision::NotStaff,
        },
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use openidconnect::core::CoreEdDsaPrivateSigningKey;
    use openidconnect::{
        Audience, EndUserEmail, EndUserName, JsonWebKeyId, LocalizedClaim, PrivateSigningKey, StandardClaims,
        SubjectIdentifier,
    };

    use super::*;

    const KEY: &str = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIGsprY82+GG3IQxmQR3/KAnznQyGn97qA98irrKdS3qi\n-----END PRIVATE KEY-----\n";
    const OTHER_KEY: &str = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEILFBdLdoPOxVzAwsHCPmjuulsXNm6MZ7UmOtHdHIdRYR\n-----END PRIVATE KEY-----\n";
    const ISSUER: &str = "https://id.gigafibre.example";

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-25T15:00:00Z").unwrap().with_timezone(&Utc)
    }

    fn key(pem: &str) -> CoreEdDsaPrivateSigningKey {
        CoreEdDsaPrivateSigningKey::from_ed25519_pem(pem, Some(JsonWebKeyId::new("k1".into()))).unwrap()
    }

    fn keys() -> CoreJsonWebKeySet {
        CoreJsonWebKeySet::new(vec![key(KEY).as_verification_key()])
    }

    struct Token {
        issuer: &'static str,
        audience: &'static str,
        nonce: &'static str,
        issued: DateTime<Utc>,
        expires: DateTime<Utc>,
        signer: &'static str,
        groups: serde_json::Value,
    }

    impl Default for Token {
        fn default() -> Self {
            Token {
                issuer: ISSUER,
                audience: "gigafibre-ops",
                nonce: "n-123",
                issued: now() - Duration::seconds(5),
                expires: now() + Duration::minutes(5),
                signer: KEY,
                groups: serde_json::json!(["gf-admins", "everyone"]),
            }
        }
    }

    impl Token {
        fn sign(self) -> String {
            let mut name = LocalizedClaim::new();
            name.insert(None, EndUserName::new("Ada Lavoie".into()));
            let standard = StandardClaims::new(SubjectIdentifier::new("user-1".into()))
                .set_email(Some(EndUserEmail::new("ada@gigafibre.example".into())))
                .set_email_verified(Some(true))
                .set_name(Some(name));
            let mut other = OtherClaims::default();
            other.claims.insert("groups".into(), self.groups);
            let claims = IdTokenClaims::new(
                IssuerUrl::new(self.issuer.into()).unwrap(),
                vec![Audience::new(self.audience.into())],
                self.expires,
                self.issued,
                standard,
                other,
            )
            .set_nonce(Some(Nonce::new(self.nonce.into())));
            StaffIdToken::new(claims, &key(self.signer), CoreJwsSigningAlgorithm::EdDsa, None, None)
                .unwrap()
                .to_string()
        }
    }

    fn expected() -> Expected<'static> {
        Expected { issuer: ISSUER, client_id: "gigafibre-ops", nonce: "n-123", groups_claim: "groups" }
    }

    #[test]
    fn a_good_token_gives_the_person_and_their_groups() {
        let identity = verify(&Token::default().sign(), &keys(), &expected(), now()).unwrap();
        assert_eq!(identity.email.as_deref(), Some("ada@gigafibre.example"));
        assert_eq!(identity.name.as_deref(), Some("Ada Lavoie"));
        assert_eq!(identity.groups, ["gf-admins", "everyone"]);
        assert_eq!(identity.email_verified, Some(true));
        let one = Token { groups: serde_json::json!("gf-agents"), ..Token::default() }.sign();
        assert_eq!(verify(&one, &keys(), &expected(), now()).unwrap().groups, ["gf-agents"]);
    }

    #[test]
    fn forged_or_misdirected_tokens_are_refused() {
        let refused = |token: String| verify(&token, &keys(), &expected(), now()).unwrap_err();
        assert!(matches!(refused(Token { signer: OTHER_KEY, ..Token::default() }.sign()), Refusal::BadSignature(_)));
        assert!(matches!(
            refused(Token { issuer: "https://evil.example", ..Token::default() }.sign()),
            Refusal::WrongIssuer(_)
        ));
        assert!(matches!(
            refused(Token { audience: "another-app", ..Token::default() }.sign()),
            Refusal::InvalidToken(_)
        ));
        assert!(matches!(refused(Token { nonce: "n-other", ..Token::default() }.sign()), Refusal::InvalidToken(_)));
        let expired = Token { expires: now() - Duration::seconds(1), ..Token::default() };
        assert!(matches!(refused(expired.sign()), Refusal::InvalidToken(_)));
        let future = Token { issued: now() + Duration::minutes(6), ..Token::default() };
        assert!(matches!(refused(future.sign()), Refusal::InvalidToken(_)));
        let old =
            Token { issued: now() - Duration::minutes(16), expires: now() + Duration::hours(1), ..Token::default() };
        assert!(matches!(refused(old.sign()), Refusal::InvalidToken(_)));
        assert!(matches!(refused("not.a.token".into()), Refusal::InvalidToken(_)));
        let no_keys = verify(&Token::default().sign(), &CoreJsonWebKeySet::new(vec![]), &expected(), now());
        assert!(matches!(no_keys, Err(Refusal::UnknownKey)));
    }

    #[test]
    fn unsigned_and_client_secret_signed_tokens_are_refused() {
        let good = Token::default().sign();
        let payload = good.split('.').nth(1).unwrap();
        let none_header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        for forged in [format!("{none_header}.{payload}."), format!("{none_header}.{payload}")] {
            assert!(verify(&forged, &keys(), &expected(), now()).is_err(), "alg=none: {forged}");
        }
        let hs_header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
        let signing_input = format!("{hs_header}.{payload}");
        let mac = hmac_sha256(b"the-client-secret", signing_input.as_bytes());
        let forged = format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(mac));
        assert!(matches!(verify(&forged, &keys(), &expected(), now()), Err(Refusal::BadSignature(_))));
    }

    fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
        use sha2::{Digest, Sha256};
        let mut block = [0u8; 64];
        block[..key.len()].copy_from_slice(key);
        let inner: Vec<u8> = block.iter().map(|b| b ^ 0x36).chain(message.iter().copied()).collect();
        let inner_hash = Sha256::digest(&inner);
        let outer: Vec<u8> = block.iter().map(|b| b ^ 0x5c).chain(inner_hash.iter().copied()).collect();
        Sha256::digest(&outer).to_vec()
    }

    fn member(role: &str, active: bool) -> staff::Model {
        staff::Model {
            id: 7,
            email: "louis@gigafibre.example".into(),
            name: "Louis".into(),
            role: role.into(),
            language: "fr".into(),
            active,
            created_at: now(),
        }
    }

    #[test]
    fn groups_first_then_the_staff_table_and_a_deactivated_row_always_refuses() {
        let map = RoleMap::parse("gf-admins=admin,gf-agents=agent,gf-techs=technician").unwrap();
        let groups = |names: &[&str]| names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>();
        let admin = Decision::Admit { role: Role::Admin, from_groups: true };
        assert_eq!(decide(&groups(&["gf-admins"]), &map, None, false), admin);
        assert_eq!(decide(&groups(&["gf-admins"]), &map, Some(&member("agent", true)), false), admin);
        assert_eq!(decide(&groups(&["gf-admins"]), &map, Some(&member("agent", false)), true), Decision::Deactivated);
        assert_eq!(
            decide(&groups(&["everyone"]), &map, Some(&member("billing", true)), false),
            Decision::Admit { role: Role::Billing, from_groups: false }
        );
        assert_eq!(decide(&groups(&[]), &map, None, false), Decision::NotStaff);
        assert_eq!(decide(&groups(&["gf-techs"]), &map, None, false), Decision::Technician);
        assert_eq!(decide(&groups(&["gf-techs"]), &map, Some(&member("agent", true)), false), Decision::Technician);
        assert_eq!(
            decide(&groups(&["gf-techs", "gf-agents"]), &map, None, false),
            Decision::Admit { role: Role::Agent, from_groups: true }
        );
    }

    #[test]
    fn a_member_whose_groups_gave_the_role_loses_it_with_the_last_group() {
        let map = RoleMap::parse("gf-admins=admin").unwrap();
        let everyone = vec!["everyone".to_owned()];
        assert_eq!(decide(&everyone, &map, Some(&member("admin", true)), true), Decision::LeftGroups);
        assert_eq!(decide(&[], &map, Some(&member("admin", true)), true), Decision::LeftGroups);
        let back = decide(&["gf-admins".to_owned()], &map, Some(&member("admin", true)), true);
        assert_eq!(back, Decision::Admit { role: Role::Admin, from_groups: true });
        assert_eq!(
            decide(&everyone, &map, Some(&member("admin", true)), false),
            Decision::Admit { role: Role::Admin, from_groups: false },
            "a role the staff table gave stays with the staff table"
        );
    }
}

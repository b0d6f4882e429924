//! The message catalogue: every string a person reads, in French and English,
//! embedded at build time. Shared words live in `fr.toml` and `en.toml`
//! beside this file; a feature with many of its own keeps them in its folder.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::Lang;

/// Each file of the catalogue: (where it is, French source, English source).
const FILES: &[(&str, &str, &str)] = &[
    ("i18n", include_str!("fr.toml"), include_str!("en.toml")),
    ("ops/clients", include_str!("../ops/clients/fr.toml"), include_str!("../ops/clients/en.toml")),
    ("ops/tickets", include_str!("../ops/tickets/fr.toml"), include_str!("../ops/tickets/en.toml")),
    ("ops/team", include_str!("../ops/team/fr.toml"), include_str!("../ops/team/en.toml")),
    ("ops/billing", include_str!("../ops/billing/fr.toml"), include_str!("../ops/billing/en.toml")),
    ("ops/records", include_str!("../ops/records/fr.toml"), include_str!("../ops/records/en.toml")),
    ("ops/sso", include_str!("../ops/sso/fr.toml"), include_str!("../ops/sso/en.toml")),
    ("ops/receivables", include_str!("../ops/receivables/fr.toml"), include_str!("../ops/receivables/en.toml")),
    ("ops/invoices", include_str!("../ops/invoices/fr.toml"), include_str!("../ops/invoices/en.toml")),
    ("ops/pay_links", include_str!("../ops/pay_links/fr.toml"), include_str!("../ops/pay_links/en.toml")),
    ("ops/jobs", include_str!("../ops/jobs/fr.toml"), include_str!("../ops/jobs/en.toml")),
    ("dispatch", include_str!("../dispatch/fr.toml"), include_str!("../dispatch/en.toml")),
    ("dispatch/onsite", include_str!("../dispatch/onsite/fr.toml"), include_str!("../dispatch/onsite/en.toml")),
    ("dispatch/planning", include_str!("../dispatch/planning/fr.toml"), include_str!("../dispatch/planning/en.toml")),
    ("ops/dispatch", include_str!("../ops/dispatch/fr.toml"), include_str!("../ops/dispatch/en.toml")),
    ("tech", include_str!("../tech/fr.toml"), include_str!("../tech/en.toml")),
    ("billing/printable", include_str!("../billing/printable/fr.toml"), include_str!("../billing/printable/en.toml")),
    ("billing/dunning", include_str!("../billing/dunning/fr.toml"), include_str!("../billing/dunning/en.toml")),
    ("billing/autopay", include_str!("../billing/autopay/fr.toml"), include_str!("../billing/autopay/en.toml")),
    ("billing/pay_links", include_str!("../billing/pay_links/fr.toml"), include_str!("../billing/pay_links/en.toml")),
];

fn source(lang: Lang, file: &(&'static str, &'static str, &'static str)) -> &'static str {
    match lang {
        Lang::Fr => file.1,
        Lang::En => file.2,
    }
}

fn parse(lang: Lang) -> HashMap<String, String> {
    // The files ship inside the binary and a test parses them all, so a broken
    // file cannot reach a running server; skipping it is the safe fallback.
    let parsed = FILES.iter().map(|file| toml::from_str::<HashMap<String, String>>(source(lang, file)));
    parsed.flat_map(Result::unwrap_or_default).collect()
}

fn messages(lang: Lang) -> &'static HashMap<String, String> {
    static FR: OnceLock<HashMap<String, String>> = OnceLock::new();
    static EN: OnceLock<HashMap<String, String>> = OnceLock::new();
    match lang {
        Lang::Fr => FR.get_or_init(|| parse(Lang::Fr)),
        Lang::En => EN.get_or_init(|| parse(Lang::En)),
    }
}

/// The message for `key` in `lang`; the key itself when it is missing, so a
/// gap shows on the page instead of an empty space.
pub fn text(lang: Lang, key: &str) -> &str {
    messages(lang).get(key).map(String::as_str).unwrap_or(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_parses_in_both_languages_with_the_same_keys() {
        for file in FILES {
            let fr: HashMap<String, String> = toml::from_str(file.1).unwrap_or_else(|e| panic!("{} fr: {e}", file.0));
            let en: HashMap<String, String> = toml::from_str(file.2).unwrap_or_else(|e| panic!("{} en: {e}", file.0));
            let mut fr_keys: Vec<_> = fr.keys().collect();
            let mut en_keys: Vec<_> = en.keys().collect();
            fr_keys.sort();
            en_keys.sort();
            assert_eq!(fr_keys, en_keys, "{}: French and English must hold the same keys", file.0);
            assert!(fr.values().chain(en.values()).all(|v| !v.trim().is_empty()), "{}: no empty message", file.0);
        }
    }

    #[test]
    fn no_key_is_defined_in_two_files() {
        let mut seen = std::collections::HashMap::new();
        for file in FILES {
            let keys: HashMap<String, String> = toml::from_str(file.1).unwrap_or_default();
            for key in keys.into_keys() {
                if let Some(other) = seen.insert(key.clone(), file.0) {
                    panic!("{key} is in both {other} and {}", file.0);
                }
            }
        }
    }

    #[test]
    fn looks_up_in_the_asked_language() {
        assert_eq!(text(Lang::Fr, "home.title"), "Accueil");
        assert_eq!(text(Lang::En, "home.title"), "Home");
        assert_eq!(text(Lang::En, "no.such.key"), "no.such.key");
    }
}

//! The message catalogue: every string a person reads, in French and English,
//! kept in `fr.toml` and `en.toml` beside this file and embedded at build time.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::Lang;

const FRENCH: &str = include_str!("fr.toml");
const ENGLISH: &str = include_str!("en.toml");

fn parse(source: &str) -> HashMap<String, String> {
    // The files ship inside the binary and a test parses both, so a broken
    // file cannot reach a running server; an empty map is the safe fallback.
    toml::from_str(source).unwrap_or_default()
}

fn messages(lang: Lang) -> &'static HashMap<String, String> {
    static FR: OnceLock<HashMap<String, String>> = OnceLock::new();
    static EN: OnceLock<HashMap<String, String>> = OnceLock::new();
    match lang {
        Lang::Fr => FR.get_or_init(|| parse(FRENCH)),
        Lang::En => EN.get_or_init(|| parse(ENGLISH)),
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
    fn both_languages_parse_and_hold_the_same_keys() {
        let fr: HashMap<String, String> = toml::from_str(FRENCH).expect("fr.toml parses");
        let en: HashMap<String, String> = toml::from_str(ENGLISH).expect("en.toml parses");
        let mut fr_keys: Vec<_> = fr.keys().collect();
        let mut en_keys: Vec<_> = en.keys().collect();
        fr_keys.sort();
        en_keys.sort();
        assert_eq!(fr_keys, en_keys, "fr.toml and en.toml must hold the same keys");
        assert!(fr.values().chain(en.values()).all(|v| !v.trim().is_empty()), "no empty message");
    }

    #[test]
    fn looks_up_in_the_asked_language() {
        assert_eq!(text(Lang::Fr, "home.title"), "Accueil");
        assert_eq!(text(Lang::En, "home.title"), "Home");
        assert_eq!(text(Lang::En, "no.such.key"), "no.such.key");
    }
}

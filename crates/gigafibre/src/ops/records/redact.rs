//! Sign-in secrets kept out of staff's sight. A sign-in message (portal,
//! staff or technician link) carries a link with `token=<64 hex>` and, for
//! customers, a 6-digit code; whoever reads them can sign in as the
//! recipient. The outbox pages show every message through [`Redactor`], so
//! that staff see what was sent without ever holding a usable secret.
//!
//! - any `token=` value, and any bare run of 32 or more hex digits, becomes
//!   `•••`;
//! - in a message that carried such a link, every 6-digit number standing
//!   on its own becomes `••••••` (the code sent with the link);
//! - in any other message, a 6-digit number just after the word "code"
//!   does too.

/// What a hidden token reads as.
pub const HIDDEN_TOKEN: &str = "•••";
/// What a hidden code reads as.
pub const HIDDEN_CODE: &str = "••••••";

/// How far after the word "code" a number still counts as the code
/// (`code 123456`, `code : 123456`, `code de vérification : 123456`).
const CODE_REACH: usize = 24;

/// Redacts the parts of one message alike: once one part carried a link,
/// codes are hidden in all of them.
#[derive(Debug, Clone, Copy)]
pub struct Redactor {
    sign_in: bool,
}

impl Redactor {
    /// Looks at every part of a message (subject, text, HTML).
    pub fn for_message<'a>(parts: impl IntoIterator<Item = &'a str>) -> Redactor {
        Redactor { sign_in: parts.into_iter().any(|part| hide_tokens(part) != part) }
    }

    pub fn redact(&self, text: &str) -> String {
        hide_codes(&hide_tokens(text), self.sign_in)
    }
}

/// Characters that end a `token=` value in a URL, in text or in HTML.
fn ends_value(c: char) -> bool {
    c.is_whitespace() || matches!(c, '&' | '"' | '\'' | '<' | '>' | '#' | ')' | ']' | ',' | ';')
}

fn hide_tokens(text: &str) -> String {
    // ASCII lower-casing keeps every byte offset.
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    while let Some(found) = lower[from..].find("token=") {
        let value_start = from + found + "token=".len();
        let value_len = text[value_start..].find(ends_value).unwrap_or(text.len() - value_start);
        out.push_str(&text[from..value_start]);
        if value_len > 0 {
            out.push_str(HIDDEN_TOKEN);
        }
        from = value_start + value_len;
    }
    out.push_str(&text[from..]);
    hide_runs(&out, |run, _, _| (run.len() >= 32 && run.chars().all(|c| c.is_ascii_hexdigit())).then_some(HIDDEN_TOKEN))
}

fn hide_codes(text: &str, sign_in: bool) -> String {
    hide_runs(text, |run, before, part_of_more| {
        let code_like = !part_of_more && run.len() == 6 && run.chars().all(|c| c.is_ascii_digit());
        let after_the_word = || {
            let mut tail: Vec<char> = before.chars().rev().take(CODE_REACH + 4).collect();
            tail.reverse();
            tail.into_iter().collect::<String>().to_lowercase().contains("code")
        };
        (code_like && (sign_in || after_the_word())).then_some(HIDDEN_CODE)
    })
}

/// Replaces each run of ASCII letters and digits that `hide` names, given
/// the run, the text before it, and whether the run is joined to another by
/// `-`, `.`, `,` or `/` (part of something larger: an account number, an
/// amount, a date, a path).
fn hide_runs(text: &str, hide: impl Fn(&str, &str, bool) -> Option<&'static str>) -> String {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let joined = |at: Option<usize>, beyond: Option<usize>| {
        let joiner = at.and_then(|i| chars.get(i)).is_some_and(|(_, c)| matches!(c, '-' | '.' | ',' | '/'));
        joiner && beyond.and_then(|i| chars.get(i)).is_some_and(|(_, c)| c.is_ascii_alphanumeric())
    };
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].1.is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i].1.is_ascii_alphanumeric() {
            i += 1;
        }
        let (from, to) = (chars[start].0, chars.get(i).map_or(text.len(), |(at, _)| *at));
        let part_of_more = joined(start.checked_sub(1), start.checked_sub(2)) || joined(Some(i), Some(i + 1));
        if let Some(mask) = hide(&text[from..to], &text[..from], part_of_more) {
            out.push_str(&text[copied..from]);
            out.push_str(mask);
            copied = to;
        }
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "3f2a9c0d5e6b7a8f9e0d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a6f7e8d9c0b1a2f";

    #[test]
    fn a_portal_sign_in_sms_keeps_its_words_and_loses_its_secrets() {
        let sms = format!(
            "Gigafibre : votre lien de connexion https://x.ca/portal/auth?token={TOKEN} (code 482913, valide 24 h)"
        );
        let redactor = Redactor::for_message([sms.as_str()]);
        assert_eq!(
            redactor.redact(&sms),
            "Gigafibre : votre lien de connexion https://x.ca/portal/auth?token=••• (code ••••••, valide 24 h)"
        );
    }

    #[test]
    fn html_links_and_codes_in_other_parts_are_hidden_too() {
        let html = format!("<a href=\"https://x.ca/portal/auth?token={TOKEN}\">Ouvrir</a><p>ce code : 104233</p>");
        let text = "Sur un autre appareil : 104233";
        let redactor = Redactor::for_message([html.as_str(), text]);
        let shown = redactor.redact(&html);
        assert!(!shown.contains(TOKEN) && !shown.contains("104233"), "{shown}");
        assert!(shown.contains("href=\"https://x.ca/portal/auth?token=•••\""), "{shown}");
        assert_eq!(redactor.redact(text), "Sur un autre appareil : ••••••");
    }

    #[test]
    fn staff_and_technician_links_are_hidden_whatever_their_path() {
        let redactor = Redactor::for_message(["x"]);
        assert_eq!(
            redactor.redact(&format!("https://x.ca/ops/auth?TOKEN={TOKEN}&x=1")),
            "https://x.ca/ops/auth?TOKEN=•••&x=1"
        );
        assert_eq!(redactor.redact(&format!("https://x.ca/j/{TOKEN}")), "https://x.ca/j/•••");
    }

    #[test]
    fn ordinary_numbers_stay_in_ordinary_messages() {
        let notice = "Facture GF-100042 de 123,45 $ payée le 2026-11-25; billet 123456. Votre code postal J7Z 5T3.";
        assert_eq!(Redactor::for_message([notice]).redact(notice), notice);
        // The word "code" right before six digits is enough to hide them.
        let code = "Votre code de vérification : 551204";
        assert_eq!(Redactor::for_message([code]).redact(code), "Votre code de vérification : ••••••");
    }

    #[test]
    fn in_a_sign_in_message_an_account_number_is_not_taken_for_the_code() {
        let text = format!("Compte GF-100042, lien ?token={TOKEN}, code 000417");
        let shown = Redactor::for_message([text.as_str()]).redact(&text);
        assert_eq!(shown, "Compte GF-100042, lien ?token=•••, code ••••••");
    }
}

//! Numbers as each language writes them: `6 667` in French, `6,667` in English.

use super::Lang;

/// `1234567` → `1<sep>234<sep>567`.
pub fn group_thousands(whole: u64, separator: char) -> String {
    let digits = whole.to_string();
    let mut out = String::with_capacity(digits.len() * 2);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

/// A count for people to read; French separates thousands with a
/// no-break space so that a number never wraps across lines.
pub fn format_count(lang: Lang, count: u64) -> String {
    match lang {
        Lang::Fr => group_thousands(count, '\u{a0}'),
        Lang::En => group_thousands(count, ','),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands_in_each_language() {
        assert_eq!(format_count(Lang::Fr, 242_000), "242\u{a0}000");
        assert_eq!(format_count(Lang::En, 1_234_567), "1,234,567");
        assert_eq!(format_count(Lang::En, 999), "999");
        assert_eq!(format_count(Lang::Fr, 0), "0");
    }
}

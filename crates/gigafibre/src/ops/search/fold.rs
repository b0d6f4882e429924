//! Matching what people type: without caring for case or French accents
//! ("belanger" finds "Bélanger"), and with `LIKE`'s wildcards taken literally.

use sea_orm::sea_query::LikeExpr;

/// The accented letters of French (and a few neighbours) and their bare form.
const ACCENTS: [(char, char); 32] = [
    ('à', 'a'),
    ('â', 'a'),
    ('ä', 'a'),
    ('À', 'a'),
    ('Â', 'a'),
    ('ç', 'c'),
    ('Ç', 'c'),
    ('é', 'e'),
    ('è', 'e'),
    ('ê', 'e'),
    ('ë', 'e'),
    ('É', 'e'),
    ('È', 'e'),
    ('Ê', 'e'),
    ('Ë', 'e'),
    ('î', 'i'),
    ('ï', 'i'),
    ('Î', 'i'),
    ('Ï', 'i'),
    ('ô', 'o'),
    ('ö', 'o'),
    ('Ô', 'o'),
    ('Ö', 'o'),
    ('û', 'u'),
    ('ù', 'u'),
    ('ü', 'u'),
    ('Û', 'u'),
    ('Ù', 'u'),
    ('Ü', 'u'),
    ('ÿ', 'y'),
    ('œ', 'o'),
    ('Œ', 'o'),
];

/// Text folded for comparison: lower case, accents off.
pub fn fold(typed: &str) -> String {
    if typed.is_ascii() {
        return typed.to_ascii_lowercase();
    }
    typed
        .chars()
        .map(|c| ACCENTS.iter().find(|(accented, _)| *accented == c).map_or(c, |(_, bare)| *bare))
        .collect::<String>()
        .to_lowercase()
}

/// What was typed, with `LIKE`'s wildcards taken literally (for `ESCAPE '\'`).
pub fn escaped(typed: &str) -> String {
    let mut out = String::with_capacity(typed.len());
    for c in typed.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Matches text starting with `typed`.
pub fn starts_with(typed: &str) -> LikeExpr {
    LikeExpr::new(format!("{}%", escaped(typed))).escape('\\')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_and_french_accents() {
        assert_eq!(fold("Bélanger"), "belanger");
        assert_eq!(fold("ÉTIENNE Côté"), "etienne cote");
        assert_eq!(fold("Saint-Jérôme"), "saint-jerome");
        assert_eq!(escaped("jean_roy@50%"), "jean\\_roy@50\\%");
    }
}

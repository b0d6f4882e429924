//! Choosing a language from the browser's `Accept-Language` header.

use super::Lang;

/// The first of French or English the browser prefers, by quality then order.
pub fn from_accept_language(header: &str) -> Option<Lang> {
    let mut best: Option<(f32, usize, Lang)> = None;
    for (position, part) in header.split(',').enumerate() {
        let mut pieces = part.trim().split(';');
        let tag = pieces.next().unwrap_or_default().trim();
        let quality =
            pieces.find_map(|p| p.trim().strip_prefix("q=")).and_then(|q| q.parse::<f32>().ok()).unwrap_or(1.0);
        let primary = tag.split(['-', '_']).next().unwrap_or_default();
        let Some(lang) = Lang::from_code(primary) else { continue };
        if quality <= 0.0 {
            continue;
        }
        let better = match best {
            None => true,
            Some((q, p, _)) => quality > q || (quality == q && position < p),
        };
        if better {
            best = Some((quality, position, lang));
        }
    }
    best.map(|(_, _, lang)| lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_preferred_known_language() {
        assert_eq!(from_accept_language("en-CA,en;q=0.9,fr;q=0.8"), Some(Lang::En));
        assert_eq!(from_accept_language("de-DE, fr-CA;q=0.7, en;q=0.5"), Some(Lang::Fr));
        assert_eq!(from_accept_language("fr;q=0.2, en;q=0.9"), Some(Lang::En));
        assert_eq!(from_accept_language("de, es"), None);
        assert_eq!(from_accept_language("en;q=0, fr"), Some(Lang::Fr));
    }
}

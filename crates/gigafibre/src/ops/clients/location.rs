//! A service location as staff type it: street, unit, municipality, postal code.

use serde::Deserialize;

/// What was typed for an address.
#[derive(Deserialize, Default, Clone)]
pub struct LocationInput {
    #[serde(default)]
    pub street: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub municipality: String,
    #[serde(default)]
    pub postal_code: String,
}

/// The problem with each part of an address, as catalogue keys.
#[derive(Default)]
pub struct LocationErrors {
    pub street: Option<&'static str>,
    pub municipality: Option<&'static str>,
    pub postal_code: Option<&'static str>,
}

impl LocationErrors {
    pub fn any(&self) -> bool {
        self.street.is_some() || self.municipality.is_some() || self.postal_code.is_some()
    }
}

/// An address ready to store.
pub struct Location {
    pub street: String,
    pub unit: Option<String>,
    pub municipality: String,
    pub postal_code: String,
}

impl LocationInput {
    pub fn is_blank(&self) -> bool {
        [&self.street, &self.unit, &self.municipality, &self.postal_code].iter().all(|s| s.trim().is_empty())
    }

    pub fn check(&self) -> Result<Location, LocationErrors> {
        let mut errors = LocationErrors::default();
        let street = self.street.trim();
        if street.chars().count() < 3 || street.chars().count() > 200 {
            errors.street = Some("ops.location.street_invalid");
        }
        let municipality = self.municipality.trim();
        if municipality.is_empty() || municipality.chars().count() > 100 {
            errors.municipality = Some("ops.location.municipality_required");
        }
        let postal_code = normalise_postal_code(&self.postal_code);
        if postal_code.is_none() {
            errors.postal_code = Some("ops.location.postal_code_invalid");
        }
        match postal_code {
            Some(postal_code) if !errors.any() => Ok(Location {
                street: street.to_owned(),
                unit: Some(self.unit.trim().to_owned()).filter(|u| !u.is_empty()),
                municipality: municipality.to_owned(),
                postal_code,
            }),
            _ => Err(errors),
        }
    }
}

/// A Canadian postal code as `H2X 1Y4`, however it was typed.
pub fn normalise_postal_code(typed: &str) -> Option<String> {
    let compact: String = typed.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>().to_uppercase();
    let chars: Vec<char> = compact.chars().collect();
    let shape = chars.len() == 6
        && chars.iter().enumerate().all(|(i, c)| if i % 2 == 0 { c.is_ascii_uppercase() } else { c.is_ascii_digit() });
    // D, F, I, O, Q and U never appear; W and Z never lead.
    let letters_ok =
        chars.iter().step_by(2).all(|c| !"DFIOQU".contains(*c)) && !chars.first().is_some_and(|c| "WZ".contains(*c));
    (shape && letters_ok).then(|| format!("{} {}", &compact[..3], &compact[3..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postal_codes_are_read_however_typed() {
        assert_eq!(normalise_postal_code("h2x1y4").as_deref(), Some("H2X 1Y4"));
        assert_eq!(normalise_postal_code(" J8P-3A1 ").as_deref(), Some("J8P 3A1"));
        assert_eq!(normalise_postal_code("12345"), None);
        assert_eq!(normalise_postal_code("D2X 1Y4"), None);
        assert_eq!(normalise_postal_code("Z2X 1Y4"), None);
    }

    #[test]
    fn an_address_names_each_missing_part() {
        let errors = LocationInput { street: "1".into(), ..LocationInput::default() }.check().err().unwrap();
        assert!(errors.street.is_some() && errors.municipality.is_some() && errors.postal_code.is_some());
        let ok = LocationInput {
            street: "125 rue Principale".into(),
            unit: " ".into(),
            municipality: "Gatineau".into(),
            postal_code: "j8p3a1".into(),
        };
        let ok = ok.check().ok().unwrap();
        assert_eq!((ok.unit, ok.postal_code.as_str()), (None, "J8P 3A1"));
    }
}

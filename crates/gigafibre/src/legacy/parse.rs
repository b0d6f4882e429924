//! Reading one legacy field at a time, with a reason a person can act on
//! when it cannot be read.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::America::Toronto;

use crate::billing::money::Money;
use crate::contact::email::normalise_email;
use crate::contact::phone::normalise_phone;

pub type Field<T> = Result<T, String>;

pub fn required<'a>(name: &str, value: &'a str) -> Field<&'a str> {
    let value = value.trim();
    if value.is_empty() { Err(format!("{name} is empty")) } else { Ok(value) }
}

pub fn optional(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

pub fn one_of(name: &str, value: &str, allowed: &[&str]) -> Field<String> {
    let normalised = value.trim().to_lowercase();
    if allowed.contains(&normalised.as_str()) {
        Ok(normalised)
    } else {
        Err(format!("{name} '{}' is not one of {}", value.trim(), allowed.join(", ")))
    }
}

pub fn money(name: &str, value: &str) -> Field<Money> {
    Money::parse_decimal(value).map_err(|e| format!("{name} '{}': {e}", value.trim()))
}

pub fn integer(name: &str, value: &str) -> Field<i64> {
    value.trim().parse().map_err(|_| format!("{name} '{}' is not a whole number", value.trim()))
}

pub fn date(name: &str, value: &str) -> Field<NaiveDate> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
        .map_err(|_| format!("{name} '{}' is not a date (YYYY-MM-DD)", value.trim()))
}

pub fn optional_date(name: &str, value: &str) -> Field<Option<NaiveDate>> {
    if value.trim().is_empty() { Ok(None) } else { date(name, value).map(Some) }
}

/// A local date and time as the legacy system wrote it (Québec time, no
/// zone), or a bare date meaning its midnight.
pub fn local_time(name: &str, value: &str) -> Field<DateTime<Utc>> {
    let value = value.trim();
    let naive = NaiveDateTime::parse_from_str(value, "%Y-%m-%d %H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S"))
        .or_else(|_| NaiveDate::parse_from_str(value, "%Y-%m-%d").map(|d| d.and_time(chrono::NaiveTime::MIN)))
        .map_err(|_| format!("{name} '{value}' is not a date and time (YYYY-MM-DD HH:MM:SS)"))?;
    Toronto
        .from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| format!("{name} '{value}' does not exist in Québec time"))
}

pub fn optional_local_time(name: &str, value: &str) -> Field<Option<DateTime<Utc>>> {
    if value.trim().is_empty() { Ok(None) } else { local_time(name, value).map(Some) }
}

pub fn email(name: &str, value: &str) -> Field<Option<String>> {
    if value.trim().is_empty() {
        return Ok(None);
    }
    normalise_email(value).map(|e| Some(e.as_str().to_owned())).map_err(|e| format!("{name} '{}': {e}", value.trim()))
}

pub fn phone(name: &str, value: &str) -> Field<Option<String>> {
    if value.trim().is_empty() {
        return Ok(None);
    }
    normalise_phone(value).map(|p| Some(p.as_str().to_owned())).map_err(|e| format!("{name} '{}': {e}", value.trim()))
}

pub fn coordinate(name: &str, value: &str, range: std::ops::RangeInclusive<f64>) -> Field<Option<f64>> {
    if value.trim().is_empty() {
        return Ok(None);
    }
    match value.trim().parse::<f64>() {
        Ok(v) if range.contains(&v) => Ok(Some(v)),
        _ => {
            Err(format!("{name} '{}' is not a coordinate between {} and {}", value.trim(), range.start(), range.end()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_legacy_local_times_as_quebec_time() {
        let at = local_time("created", "2026-07-01 08:00:00").unwrap();
        assert_eq!(at.to_rfc3339(), "2026-07-01T12:00:00+00:00", "EDT is UTC-4");
        let at = local_time("created", "2026-01-15").unwrap();
        assert_eq!(at.to_rfc3339(), "2026-01-15T05:00:00+00:00", "EST is UTC-5");
    }

    #[test]
    fn says_what_is_wrong() {
        assert_eq!(integer("quantity", "two").unwrap_err(), "quantity 'two' is not a whole number");
        assert!(one_of("status", "actif", &["active", "closed"]).unwrap_err().contains("active, closed"));
        assert!(date("issue_date", "25/11/2026").unwrap_err().contains("YYYY-MM-DD"));
        assert!(phone("cell", "555-1234").unwrap_err().starts_with("cell '555-1234'"));
    }
}

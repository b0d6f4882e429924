//! Moments and days as people in Québec read them.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::America::Toronto;

use super::Lang;

/// A moment in Québec time, as each language writes it.
pub fn local_time(lang: Lang, at: DateTime<Utc>) -> String {
    let at = at.with_timezone(&Toronto);
    match lang {
        Lang::Fr => at.format("%d/%m/%Y %H h %M").to_string(),
        Lang::En => at.format("%Y-%m-%d %H:%M").to_string(),
    }
}

/// A calendar day, as each language writes it.
pub fn local_date(lang: Lang, day: NaiveDate) -> String {
    match lang {
        Lang::Fr => day.format("%d/%m/%Y").to_string(),
        Lang::En => day.format("%Y-%m-%d").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_quebec_time_in_each_language() {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 7, 1).unwrap().and_hms_opt(12, 5, 0).unwrap().and_utc();
        assert_eq!(local_time(Lang::Fr, at), "01/07/2026 08 h 05");
        assert_eq!(local_time(Lang::En, at), "2026-07-01 08:05");
    }
}

//! Days as the technicians live them: a calendar day in Québec, and the
//! moments in UTC where it begins and ends.

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use chrono_tz::America::Toronto;

/// The day in Québec that `at` falls on.
pub fn day_of(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&Toronto).date_naive()
}

/// Midnight at the start of `day` in Québec, in UTC.
pub fn start_of_day(day: NaiveDate) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    Toronto.from_local_datetime(&midnight).earliest().map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc))
}

/// Midnight at the end of `day` in Québec, in UTC.
pub fn end_of_day(day: NaiveDate) -> DateTime<Utc> {
    start_of_day(day.checked_add_days(Days::new(1)).unwrap_or(day))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_runs_from_midnight_to_midnight_in_quebec() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        assert_eq!(start_of_day(day).to_rfc3339(), "2026-11-25T05:00:00+00:00");
        assert_eq!(end_of_day(day).to_rfc3339(), "2026-11-26T05:00:00+00:00");
        let late_evening = "2026-11-26T04:30:00Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(day_of(late_evening), day);
    }
}

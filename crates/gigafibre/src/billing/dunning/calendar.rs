//! Days on which a suspension notice may go out: not on a weekend, not on a
//! Québec statutory holiday. Pure date arithmetic, computed per year.

use chrono::{Datelike, Days, NaiveDate, Weekday};

/// Easter Sunday in the Gregorian calendar (the anonymous algorithm of
/// Meeus, Jones and Butcher).
pub fn easter_sunday(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    date(year, month as u32, day as u32)
}

/// Québec's statutory holidays in `year`, in calendar order: New Year's
/// Day, Good Friday, National Patriots' Day (the Monday before May 25, the
/// same day as Victoria Day), the Fête nationale (June 24, or June 25 when
/// the 24th is a Sunday), Canada Day (July 1, or July 2 when the 1st is a
/// Sunday), Labour Day (first Monday of September), Thanksgiving (second
/// Monday of October) and Christmas Day.
pub fn quebec_holidays(year: i32) -> [NaiveDate; 8] {
    let sunday_moves_to_monday = |day: NaiveDate| {
        if day.weekday() == Weekday::Sun { day + Days::new(1) } else { day }
    };
    let may_25 = date(year, 5, 25);
    let back_to_monday = (may_25.weekday().num_days_from_monday() + 6) % 7 + 1;
    [
        date(year, 1, 1),
        easter_sunday(year) - Days::new(2),
        may_25 - Days::new(u64::from(back_to_monday)),
        sunday_moves_to_monday(date(year, 6, 24)),
        sunday_moves_to_monday(date(year, 7, 1)),
        nth_monday(year, 9, 1),
        nth_monday(year, 10, 2),
        date(year, 12, 25),
    ]
}

/// Whether a suspension notice may go out on `day`.
pub fn is_notice_day(day: NaiveDate) -> bool {
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !quebec_holidays(day.year()).contains(&day)
}

/// `day` itself when a notice may go out on it, else the next day that allows one.
pub fn next_notice_day(day: NaiveDate) -> NaiveDate {
    let mut candidate = day;
    while !is_notice_day(candidate) {
        candidate = candidate + Days::new(1);
    }
    candidate
}

fn nth_monday(year: i32, month: u32, n: u64) -> NaiveDate {
    let first = date(year, month, 1);
    let to_monday = (7 - first.weekday().num_days_from_monday()) % 7;
    first + Days::new(u64::from(to_monday) + 7 * (n - 1))
}

/// A date built from parts that are valid by construction; the epoch
/// otherwise (never reached: months and days above stay in range).
fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn easter_falls_on_the_published_sundays() {
        for (year, easter) in [
            (2019, "2019-04-21"),
            (2024, "2024-03-31"),
            (2025, "2025-04-20"),
            (2026, "2026-04-05"),
            (2027, "2027-03-28"),
            (2038, "2038-04-25"),
            (2285, "2285-03-22"),
        ] {
            assert_eq!(easter_sunday(year), d(easter), "{year}");
        }
    }

    #[test]
    fn the_holidays_of_2026_and_2027_are_the_published_ones() {
        let expect = |days: [&str; 8]| days.map(d);
        assert_eq!(
            quebec_holidays(2026),
            expect([
                "2026-01-01",
                "2026-04-03",
                "2026-05-18",
                "2026-06-24",
                "2026-07-01",
                "2026-09-07",
                "2026-10-12",
                "2026-12-25"
            ])
        );
        assert_eq!(
            quebec_holidays(2027),
            expect([
                "2027-01-01",
                "2027-03-26",
                "2027-05-24",
                "2027-06-24",
                "2027-07-01",
                "2027-09-06",
                "2027-10-11",
                "2027-12-25"
            ])
        );
    }

    #[test]
    fn a_sunday_fete_nationale_or_canada_day_is_kept_on_the_monday() {
        assert_eq!(quebec_holidays(2029)[4], d("2029-07-02"), "July 1, 2029 is a Sunday");
        assert_eq!(quebec_holidays(2029)[3], d("2029-06-25"), "June 24, 2029 is a Sunday");
        assert_eq!(quebec_holidays(2024)[2], d("2024-05-20"), "May 25, 2024 is a Saturday");
        assert_eq!(quebec_holidays(2020)[2], d("2020-05-18"), "the Monday before a Monday May 25");
    }

    #[test]
    fn weekends_and_holidays_push_a_notice_to_the_next_working_day() {
        assert!(is_notice_day(d("2026-11-25")), "a Wednesday");
        assert_eq!(next_notice_day(d("2026-11-25")), d("2026-11-25"));
        assert_eq!(next_notice_day(d("2026-11-28")), d("2026-11-30"), "Saturday → Monday");
        assert_eq!(next_notice_day(d("2026-04-03")), d("2026-04-06"), "Good Friday → Monday");
        assert_eq!(next_notice_day(d("2026-12-25")), d("2026-12-28"), "Christmas on a Friday → Monday");
        assert_eq!(next_notice_day(d("2026-12-31")), d("2026-12-31"));
        assert_eq!(next_notice_day(d("2027-01-01")), d("2027-01-04"), "New Year's Day on a Friday → Monday");
        assert_eq!(next_notice_day(d("2026-06-24")), d("2026-06-25"));
    }
}

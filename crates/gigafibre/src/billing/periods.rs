//! Billing periods: the stretch of days one invoice line pays for.
//!
//! A customer's billing day (1–28, so that every month has it) starts each
//! monthly period. A yearly plan's periods start on the billing day in the
//! month the subscription's first full period begins. A one-time charge has a
//! single one-day period on its start date.

use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

/// How often a plan bills.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    Monthly,
    Yearly,
    Once,
}

impl Frequency {
    /// The value stored in `plans.billing_frequency`.
    pub fn parse(stored: &str) -> Option<Frequency> {
        match stored {
            "monthly" => Some(Frequency::Monthly),
            "yearly" => Some(Frequency::Yearly),
            "once" => Some(Frequency::Once),
            _ => None,
        }
    }

    fn months(self) -> u32 {
        match self {
            Frequency::Monthly => 1,
            Frequency::Yearly => 12,
            Frequency::Once => 0,
        }
    }
}

/// Days from `start` to `end`, both included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Period {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Period {
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }

    pub fn contains(&self, day: NaiveDate) -> bool {
        self.start <= day && day <= self.end
    }
}

/// The recurring periods of one subscription: where they start and how long
/// they last.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cycle {
    months: u32,
    /// A date on which a period starts; every other start is a whole number
    /// of `months` before or after it.
    anchor: NaiveDate,
}

impl Cycle {
    /// The cycle of a recurring plan for a customer billed on `billing_day`,
    /// for a subscription starting on `start`; `None` for a one-time charge
    /// or a billing day outside 1–28.
    pub fn new(frequency: Frequency, billing_day: u32, start: NaiveDate) -> Option<Cycle> {
        if frequency == Frequency::Once || !(1..=28).contains(&billing_day) {
            return None;
        }
        // The first billing day on or after the start: a yearly plan renews
        // on it every year.
        let same_month = start.with_day(billing_day)?;
        let anchor = if same_month >= start { same_month } else { same_month.checked_add_months(Months::new(1))? };
        Some(Cycle { months: frequency.months(), anchor })
    }

    /// The period that holds `day`.
    pub fn period_containing(&self, day: NaiveDate) -> Option<Period> {
        let months_apart = (day.year() - self.anchor.year()) * 12 + day.month() as i32 - self.anchor.month() as i32;
        let step = self.months as i32;
        let mut index = months_apart.div_euclid(step);
        let mut start = self.start_of(index)?;
        if start > day {
            index -= 1;
            start = self.start_of(index)?;
        }
        let end = self.start_of(index + 1)?.pred_opt()?;
        Some(Period { start, end })
    }

    /// The period right after `period`.
    pub fn next(&self, period: Period) -> Option<Period> {
        self.period_containing(period.end.succ_opt()?)
    }

    fn start_of(&self, index: i32) -> Option<NaiveDate> {
        let months = index.unsigned_abs().checked_mul(self.months)?;
        if index >= 0 {
            self.anchor.checked_add_months(Months::new(months))
        } else {
            self.anchor.checked_sub_months(Months::new(months))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn period(start: NaiveDate, end: NaiveDate) -> Option<Period> {
        Some(Period { start, end })
    }

    #[test]
    fn a_monthly_period_runs_from_billing_day_to_the_day_before_the_next() {
        let cycle = Cycle::new(Frequency::Monthly, 15, date(2026, 3, 20)).unwrap();
        assert_eq!(cycle.period_containing(date(2026, 3, 20)), period(date(2026, 3, 15), date(2026, 4, 14)));
        assert_eq!(cycle.period_containing(date(2026, 4, 14)), period(date(2026, 3, 15), date(2026, 4, 14)));
        assert_eq!(cycle.period_containing(date(2026, 4, 15)), period(date(2026, 4, 15), date(2026, 5, 14)));
        // February: 28 days in 2026, 29 in 2028.
        assert_eq!(cycle.period_containing(date(2026, 2, 20)).map(|p| p.days()), Some(28));
        assert_eq!(cycle.period_containing(date(2028, 2, 20)).map(|p| p.days()), Some(29));
        // Across the new year.
        assert_eq!(cycle.period_containing(date(2027, 1, 2)), period(date(2026, 12, 15), date(2027, 1, 14)));
    }

    #[test]
    fn a_yearly_period_renews_on_the_first_billing_day_after_the_start() {
        let cycle = Cycle::new(Frequency::Yearly, 1, date(2026, 3, 20)).unwrap();
        assert_eq!(cycle.period_containing(date(2026, 4, 1)), period(date(2026, 4, 1), date(2027, 3, 31)));
        assert_eq!(cycle.period_containing(date(2027, 3, 31)), period(date(2026, 4, 1), date(2027, 3, 31)));
        // The days before the first renewal belong to the year that ends then.
        assert_eq!(cycle.period_containing(date(2026, 3, 20)), period(date(2025, 4, 1), date(2026, 3, 31)));
        assert_eq!(cycle.period_containing(date(2029, 6, 1)).map(|p| p.days()), Some(365));
        assert_eq!(cycle.period_containing(date(2028, 1, 1)).map(|p| p.days()), Some(366));
    }

    #[test]
    fn one_time_charges_and_bad_billing_days_have_no_cycle() {
        assert_eq!(Cycle::new(Frequency::Once, 1, date(2026, 1, 1)), None);
        assert_eq!(Cycle::new(Frequency::Monthly, 0, date(2026, 1, 1)), None);
        assert_eq!(Cycle::new(Frequency::Monthly, 29, date(2026, 1, 1)), None);
        assert_eq!(Frequency::parse("weekly"), None);
        assert_eq!(Frequency::parse("yearly"), Some(Frequency::Yearly));
    }

    proptest! {
        /// Periods tile the calendar: each holds its day, and the next one
        /// starts the day after it ends, on the billing day.
        #[test]
        fn periods_tile_the_calendar(
            yearly in any::<bool>(),
            billing_day in 1_u32..=28,
            start_offset in 0_i64..3_000,
            day_offset in 0_i64..3_000,
        ) {
            let base = date(2020, 1, 1);
            let frequency = if yearly { Frequency::Yearly } else { Frequency::Monthly };
            let cycle = Cycle::new(frequency, billing_day, base + chrono::Days::new(start_offset as u64)).unwrap();
            let day = base + chrono::Days::new(day_offset as u64);
            let here = cycle.period_containing(day).unwrap();
            prop_assert!(here.contains(day));
            prop_assert_eq!(here.start.day(), billing_day);
            let next = cycle.next(here).unwrap();
            prop_assert_eq!(next.start, here.end.succ_opt().unwrap());
            let (low, high) = if yearly { (365, 366) } else { (28, 31) };
            prop_assert!((low..=high).contains(&here.days()));
        }
    }
}

//! What a subscription owes on a given day: one charge per period that has
//! begun and is not yet billed, for the days of it the customer had service.
//!
//! Billing is in advance: a period is charged on its first day. A day counts
//! when it is on or after the start, before the end date (the day service
//! stops, as the legacy system recorded it) and outside every pause. A plan that prorates charges the
//! share of its price that those days are of the period; a plan that does
//! not charges its full price for any period with at least one such day.
//! A plan change is the old subscription ending the day the new one starts:
//! both charges are prorated in the same period.

use chrono::NaiveDate;

use super::money::Money;
use super::periods::{Cycle, Frequency, Period};

/// A stretch without service (and without charge), both days included; an
/// open pause has no last day yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pause {
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
}

impl Pause {
    fn covers(&self, day: NaiveDate) -> bool {
        self.from <= day && self.until.is_none_or(|until| day <= until)
    }
}

/// Everything about one subscription that decides what it is charged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Terms {
    pub frequency: Frequency,
    /// The customer's billing day, 1–28.
    pub billing_day: u32,
    pub start: NaiveDate,
    /// The day service stops: it and every later day are not charged.
    pub end: Option<NaiveDate>,
    pub pauses: Vec<Pause>,
    /// Paused with no date to resume: nothing from the first unbilled day on
    /// is charged, and the periods it skips are never caught up.
    pub paused: bool,
    /// The price of one full period: unit price times quantity.
    pub price: Money,
    pub prorate: bool,
}

/// One invoice line's worth: a period, the days of it charged, the amount.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Charge {
    pub period: Period,
    /// The first and last day charged; days between them inside a pause are
    /// not counted in `days`.
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub days: i64,
    pub amount: Money,
}

/// What a run on one day makes of one subscription.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Due {
    pub charges: Vec<Charge>,
    /// The last day settled once these charges are issued: the next run
    /// starts the day after. Moves past periods with nothing to charge too,
    /// so a paused or ended subscription is not looked at twice.
    pub billed_through: Option<NaiveDate>,
}

impl Terms {
    /// Whether the customer is charged for `day` (the `paused` flag aside).
    pub fn has_service_on(&self, day: NaiveDate) -> bool {
        self.start <= day && self.end.is_none_or(|end| day < end) && !self.pauses.iter().any(|pause| pause.covers(day))
    }

    /// The recurring cycle, or `None` for a one-time charge (or a customer
    /// whose billing day is out of range, who cannot be billed).
    pub fn cycle(&self) -> Option<Cycle> {
        Cycle::new(self.frequency, self.billing_day, self.start)
    }
}

/// The charges a run on `run_date` issues for a subscription settled up to
/// `billed_through` (`None`: never billed).
pub fn due(terms: &Terms, billed_through: Option<NaiveDate>, run_date: NaiveDate) -> Due {
    let unchanged = Due { charges: Vec::new(), billed_through };
    if terms.frequency == Frequency::Once {
        return once(terms, billed_through, run_date).unwrap_or(unchanged);
    }
    let Some(cycle) = terms.cycle() else { return unchanged };
    let Some(mut from) = billed_through.map_or(Some(terms.start), |day| day.succ_opt()) else { return unchanged };
    from = from.max(terms.start);
    if terms.end.is_some_and(|end| from >= end) {
        return unchanged;
    }
    let Some(mut period) = cycle.period_containing(from) else { return unchanged };
    let mut due = unchanged;
    let paused_from = terms.paused.then_some(from);
    while period.start <= run_date {
        if let Some(charge) = charge(terms, period, from.max(period.start), paused_from) {
            due.charges.push(charge);
        }
        due.billed_through = Some(period.end);
        if terms.end.is_some_and(|end| end <= period.end.succ_opt().unwrap_or(period.end)) {
            break;
        }
        match cycle.next(period) {
            Some(next) => period = next,
            None => break,
        }
        from = period.start;
    }
    due
}

/// A one-time charge: its full price on its start date, once.
fn once(terms: &Terms, billed_through: Option<NaiveDate>, run_date: NaiveDate) -> Option<Due> {
    if billed_through.is_some() || terms.start > run_date {
        return None;
    }
    let period = Period { start: terms.start, end: terms.start };
    let cancelled_before = terms.end.is_some_and(|end| end <= terms.start);
    let charges = if cancelled_before {
        Vec::new()
    } else {
        vec![Charge { period, first_day: terms.start, last_day: terms.start, days: 1, amount: terms.price }]
    };
    Some(Due { charges, billed_through: Some(terms.start) })
}

/// The charge for the days of `period` from `from` on, if any has service.
/// `paused_from` is where an open-ended pause (the subscription's status)
/// begins.
fn charge(terms: &Terms, period: Period, from: NaiveDate, paused_from: Option<NaiveDate>) -> Option<Charge> {
    let mut days = 0;
    let mut first_day = None;
    let mut last_day = from;
    for day in from.iter_days().take_while(|day| *day <= period.end) {
        if terms.has_service_on(day) && paused_from.is_none_or(|paused| day < paused) {
            days += 1;
            first_day.get_or_insert(day);
            last_day = day;
        }
    }
    let first_day = first_day?;
    let amount = if terms.prorate { share(terms.price, days, period.days()) } else { terms.price };
    Some(Charge { period, first_day, last_day, days, amount })
}

/// `price × days / of`, rounded to the cent half away from zero.
pub fn share(price: Money, days: i64, of: i64) -> Money {
    if days >= of || of <= 0 {
        return price;
    }
    let exact = i128::from(price.cents()) * i128::from(days);
    let of = i128::from(of);
    let truncated = exact / of;
    let rounded = if (exact % of).abs() * 2 >= of { truncated + exact.signum() } else { truncated };
    // Cannot truncate: days < of, so the share is smaller than the price.
    Money::from_cents(rounded as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Days;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn monthly(start: NaiveDate, price: i64) -> Terms {
        Terms {
            frequency: Frequency::Monthly,
            billing_day: 1,
            start,
            end: None,
            pauses: Vec::new(),
            paused: false,
            price: Money::from_cents(price),
            prorate: true,
        }
    }

    fn amounts(due: &Due) -> Vec<i64> {
        due.charges.iter().map(|c| c.amount.cents()).collect()
    }

    #[test]
    fn a_start_mid_month_is_charged_by_the_day_then_in_full() {
        let terms = monthly(date(2026, 4, 21), 6_000);
        // 10 of April's 30 days: 20.00.
        let first = due(&terms, None, date(2026, 4, 21));
        assert_eq!(amounts(&first), [2_000]);
        assert_eq!(first.charges[0].days, 10);
        assert_eq!(first.billed_through, Some(date(2026, 4, 30)));
        // Nothing more until May begins; then May in full.
        assert_eq!(due(&terms, first.billed_through, date(2026, 4, 30)).charges, []);
        assert_eq!(amounts(&due(&terms, first.billed_through, date(2026, 5, 1))), [6_000]);
    }

    #[test]
    fn a_plan_without_proration_charges_a_partial_period_in_full() {
        let terms = Terms { prorate: false, ..monthly(date(2026, 4, 21), 6_000) };
        assert_eq!(amounts(&due(&terms, None, date(2026, 4, 21))), [6_000]);
    }

    #[test]
    fn missed_periods_are_caught_up_by_the_next_run() {
        let terms = monthly(date(2026, 1, 1), 5_000);
        let caught_up = due(&terms, Some(date(2026, 1, 31)), date(2026, 4, 3));
        assert_eq!(amounts(&caught_up), [5_000, 5_000, 5_000]);
        assert_eq!(caught_up.billed_through, Some(date(2026, 4, 30)));
    }

    #[test]
    fn a_pause_for_the_winter_is_not_charged() {
        let terms = Terms {
            pauses: vec![Pause { from: date(2026, 12, 1), until: Some(date(2027, 3, 15)) }],
            ..monthly(date(2026, 1, 1), 3_100)
        };
        let winter = due(&terms, Some(date(2026, 11, 30)), date(2027, 4, 1));
        // December to February: nothing; March: 16 of 31 days; April in full.
        assert_eq!(amounts(&winter), [1_600, 3_100]);
        assert_eq!(winter.charges[0].first_day, date(2027, 3, 16));
        assert_eq!(winter.billed_through, Some(date(2027, 4, 30)));
    }

    #[test]
    fn a_paused_subscription_is_not_charged_and_not_caught_up() {
        let terms = Terms { paused: true, ..monthly(date(2026, 1, 1), 3_100) };
        let paused = due(&terms, Some(date(2026, 1, 31)), date(2026, 3, 1));
        assert_eq!(paused.charges, []);
        assert_eq!(paused.billed_through, Some(date(2026, 3, 31)));
        let resumed = Terms { paused: false, ..terms };
        assert_eq!(amounts(&due(&resumed, paused.billed_through, date(2026, 4, 1))), [3_100]);
    }

    #[test]
    fn a_plan_change_mid_period_prorates_both_plans() {
        // 100 Mbit/s until 10 June, 1 Gbit/s from 11 June: 10 and 20 of 30 days.
        let old = Terms { end: Some(date(2026, 6, 11)), ..monthly(date(2026, 1, 1), 6_000) };
        let new = monthly(date(2026, 6, 11), 9_000);
        assert_eq!(amounts(&due(&old, Some(date(2026, 5, 31)), date(2026, 6, 11))), [2_000]);
        assert_eq!(amounts(&due(&new, None, date(2026, 6, 11))), [6_000]);
    }

    #[test]
    fn a_subscription_past_its_end_date_is_never_charged_again() {
        // Service stops on 15 March: 14 of March's 31 days.
        let terms = Terms { end: Some(date(2026, 3, 15)), ..monthly(date(2026, 1, 1), 3_100) };
        let last = due(&terms, Some(date(2026, 2, 28)), date(2026, 3, 1));
        assert_eq!(amounts(&last), [1_400]);
        assert_eq!(last.billed_through, Some(date(2026, 3, 31)));
        assert_eq!(due(&terms, last.billed_through, date(2027, 3, 1)).charges, []);
        assert_eq!(due(&terms, last.billed_through, date(2027, 3, 1)).billed_through, last.billed_through);
    }

    #[test]
    fn a_yearly_plan_bills_once_a_year() {
        let terms = Terms { frequency: Frequency::Yearly, ..monthly(date(2026, 1, 1), 9_900) };
        let first = due(&terms, None, date(2026, 1, 1));
        assert_eq!(amounts(&first), [9_900]);
        assert_eq!(first.billed_through, Some(date(2026, 12, 31)));
        assert_eq!(due(&terms, first.billed_through, date(2026, 12, 31)).charges, []);
        assert_eq!(amounts(&due(&terms, first.billed_through, date(2027, 1, 1))), [9_900]);
    }

    #[test]
    fn a_one_time_charge_is_billed_once_on_its_start_date() {
        let terms = Terms { frequency: Frequency::Once, ..monthly(date(2026, 5, 7), 14_900) };
        assert_eq!(due(&terms, None, date(2026, 5, 6)).charges, []);
        let billed = due(&terms, None, date(2026, 5, 9));
        assert_eq!(amounts(&billed), [14_900]);
        assert_eq!(due(&terms, billed.billed_through, date(2026, 6, 9)).charges, []);
    }

    #[test]
    fn shares_round_half_away_from_zero() {
        assert_eq!(share(Money::from_cents(100), 1, 3), Money::from_cents(33));
        assert_eq!(share(Money::from_cents(100), 2, 3), Money::from_cents(67));
        assert_eq!(share(Money::from_cents(1), 1, 2), Money::from_cents(1));
        assert_eq!(share(Money::from_cents(5_995), 30, 30), Money::from_cents(5_995));
    }

    /// One subscription's life: its terms, the day it was entered (later than
    /// its start when back-dated), and the days a run happened.
    #[derive(Debug, Clone)]
    struct Story {
        terms: Terms,
        entered: NaiveDate,
        runs: Vec<NaiveDate>,
    }

    fn day(offset: u64) -> NaiveDate {
        date(2026, 1, 1) + Days::new(offset)
    }

    fn story() -> impl Strategy<Value = Story> {
        let pause = (0_u64..500, prop::option::of(0_u64..120))
            .prop_map(|(from, length)| Pause { from: day(from), until: length.map(|l| day(from + l)) });
        (
            (0_u8..3, 1_u32..=28, 0_u64..400, prop::option::of(0_u64..500)),
            (prop::collection::vec(pause, 0..3), 0_i64..20_000, any::<bool>(), 0_u64..90),
            // Gaps between runs: 0 is two runs on the same day.
            prop::collection::vec(0_u64..40, 1..40),
        )
            .prop_map(|((kind, billing_day, start, length), (pauses, price, prorate, backdated), gaps)| {
                let frequency = [Frequency::Monthly, Frequency::Yearly, Frequency::Once][kind as usize];
                let terms = Terms {
                    frequency,
                    billing_day,
                    start: day(start),
                    end: length.map(|l| day(start + l)),
                    pauses,
                    paused: false,
                    price: Money::from_cents(price),
                    prorate,
                };
                let mut runs = Vec::new();
                let mut at = 0;
                for gap in gaps {
                    at += gap;
                    runs.push(day(at));
                }
                Story { terms, entered: day(start + backdated), runs }
            })
    }

    /// The run of each day in the schedule, from the day the subscription was entered.
    fn play(story: &Story) -> Vec<Charge> {
        let mut billed_through = None;
        let mut charges = Vec::new();
        for &run in story.runs.iter().filter(|run| **run >= story.entered) {
            let due = due(&story.terms, billed_through, run);
            if let (Some(before), Some(after)) = (billed_through, due.billed_through) {
                assert!(after >= before, "billed-through went back");
            }
            billed_through = due.billed_through;
            charges.extend(due.charges);
        }
        charges
    }

    /// The days that should have been charged once the last run is over.
    fn chargeable_days(story: &Story) -> Vec<NaiveDate> {
        let Some(&last_run) = story.runs.iter().filter(|run| **run >= story.entered).max() else {
            return Vec::new();
        };
        let terms = &story.terms;
        if terms.frequency == Frequency::Once {
            let starts = terms.start <= last_run && terms.end.is_none_or(|end| end > terms.start);
            return if starts { vec![terms.start] } else { Vec::new() };
        }
        let cycle = terms.cycle().unwrap();
        terms
            .start
            .iter_days()
            .take_while(|day| cycle.period_containing(*day).unwrap().start <= last_run)
            .filter(|day| terms.has_service_on(*day))
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Whatever the schedule of runs (daily, days skipped, two on one
        /// day, the subscription entered late), every day of service whose
        /// period has begun is charged exactly once, and no other day is.
        #[test]
        fn every_day_of_service_is_charged_exactly_once(story in story()) {
            let charges = play(&story);
            let expected = chargeable_days(&story);
            for day in &expected {
                let holders = charges.iter().filter(|c| c.first_day <= *day && *day <= c.last_day).count();
                prop_assert_eq!(holders, 1, "{} charged {} times", day, holders);
            }
            prop_assert_eq!(charges.iter().map(|c| c.days).sum::<i64>(), expected.len() as i64);
            for pair in charges.windows(2) {
                prop_assert!(pair[0].period.end < pair[1].period.start, "periods overlap");
            }
        }

        /// A period with service every day costs the plan's price; a part of
        /// one never costs more.
        #[test]
        fn a_full_period_costs_the_price_and_a_part_never_more(story in story()) {
            for charge in play(&story) {
                prop_assert!(charge.period.contains(charge.first_day) && charge.period.contains(charge.last_day));
                if charge.days == charge.period.days() || !story.terms.prorate {
                    prop_assert_eq!(charge.amount, story.terms.price);
                } else {
                    prop_assert!(charge.amount <= story.terms.price);
                }
            }
        }
    }
}

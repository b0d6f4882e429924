//! Which reminder an overdue invoice is due for on a given day: pure rules.

use chrono::{Days, NaiveDate};

use super::calendar::next_notice_day;

/// The days after the due date at which reminders go out
/// (`GIGAFIBRE_DUNNING_DAYS`), ascending; the last is the suspension
/// notice. Empty: no reminders.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Steps(Vec<u32>);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum StepsError {
    #[error("write days after the due date, ascending, such as 7,21,45 (or off)")]
    Unreadable,
    #[error("each day goes from 1 to 365, each later than the one before, at most 6 of them")]
    OutOfOrder,
}

/// The most reminders an invoice can draw.
const MAX_STEPS: usize = 6;

impl Steps {
    pub const DEFAULT: &'static str = "7,21,45";

    /// Reads `7,21,45`, or `off` for none.
    pub fn parse(text: &str) -> Result<Steps, StepsError> {
        let text = text.trim();
        if text.is_empty() || text.eq_ignore_ascii_case("off") {
            return Ok(Steps(Vec::new()));
        }
        let days: Vec<u32> = text
            .split(',')
            .map(|day| day.trim().parse::<u32>())
            .collect::<Result<_, _>>()
            .map_err(|_| StepsError::Unreadable)?;
        let ascending = days.windows(2).all(|pair| pair[0] < pair[1]);
        if !ascending || days.len() > MAX_STEPS || days.iter().any(|day| !(1..=365).contains(day)) {
            return Err(StepsError::OutOfOrder);
        }
        Ok(Steps(days))
    }

    pub fn days(&self) -> &[u32] {
        &self.0
    }

    pub fn is_off(&self) -> bool {
        self.0.is_empty()
    }

    /// The step number (1 = the first reminder) of the suspension notice.
    pub fn last(&self) -> usize {
        self.0.len()
    }

    /// The step an invoice due on `due_date` should get on `today`, when
    /// `sent` is the highest step it has had: the highest step whose day has
    /// come, if it is above `sent`. An invoice that fell behind (reminders
    /// were off, the server was down) gets the one reminder that fits its
    /// lateness, never a burst of the earlier ones. The suspension notice
    /// waits for a day that allows one ([`next_notice_day`]).
    pub fn due(&self, due_date: NaiveDate, today: NaiveDate, sent: usize) -> Option<usize> {
        let step =
            (1..=self.0.len()).rev().find(|&step| self.day_of(step, due_date).is_some_and(|day| day <= today))?;
        (step > sent).then_some(step)
    }

    /// The day `step` falls on for an invoice due on `due_date`.
    fn day_of(&self, step: usize, due_date: NaiveDate) -> Option<NaiveDate> {
        let day = due_date.checked_add_days(Days::new(u64::from(*self.0.get(step - 1)?)))?;
        Some(if step == self.last() { next_notice_day(day) } else { day })
    }

    /// Days from the step `sent` (0: the due date) to `step`, by the
    /// setting's days: what a monthly-rate late fee accrues over.
    pub fn days_between(&self, sent: usize, step: usize) -> u32 {
        let at = |step: usize| if step == 0 { 0 } else { self.0.get(step - 1).copied().unwrap_or(0) };
        at(step).saturating_sub(at(sent))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn reads_ascending_days_or_off() {
        assert_eq!(Steps::parse("7,21,45").unwrap().days(), &[7, 21, 45]);
        assert_eq!(Steps::parse(" 10 , 30 ").unwrap().days(), &[10, 30]);
        assert!(Steps::parse("off").unwrap().is_off());
        assert!(Steps::parse("").unwrap().is_off());
        assert_eq!(Steps::parse("21,7"), Err(StepsError::OutOfOrder));
        assert_eq!(Steps::parse("7,7"), Err(StepsError::OutOfOrder));
        assert_eq!(Steps::parse("0,7"), Err(StepsError::OutOfOrder));
        assert_eq!(Steps::parse("1,2,3,4,5,6,7"), Err(StepsError::OutOfOrder));
        assert_eq!(Steps::parse("7;21"), Err(StepsError::Unreadable));
        assert_eq!(Steps::parse("-7"), Err(StepsError::Unreadable));
    }

    #[test]
    fn each_step_comes_on_its_day_once() {
        let steps = Steps::parse("7,21,45").unwrap();
        let due = d("2026-10-01");
        assert_eq!(steps.due(due, d("2026-10-07"), 0), None, "6 days late");
        assert_eq!(steps.due(due, d("2026-10-08"), 0), Some(1));
        assert_eq!(steps.due(due, d("2026-10-09"), 1), None, "already sent");
        assert_eq!(steps.due(due, d("2026-10-22"), 1), Some(2));
        assert_eq!(steps.due(due, d("2026-10-22"), 0), Some(2), "a late start skips to the step that fits");
        assert_eq!(steps.due(due, d("2027-01-01"), 3), None, "nothing after the last");
    }

    #[test]
    fn the_suspension_notice_waits_for_a_working_day() {
        let steps = Steps::parse("7,21,45").unwrap();
        // Due 2026-10-14: +45 days is Saturday 2026-11-28, so the notice waits for Monday.
        let due = d("2026-10-14");
        assert_eq!(steps.due(due, d("2026-11-28"), 2), None);
        assert_eq!(steps.due(due, d("2026-11-29"), 2), None);
        assert_eq!(steps.due(due, d("2026-11-30"), 2), Some(3));
        // A plain reminder goes out on a Saturday.
        let due = d("2026-11-07");
        assert_eq!(steps.due(due, d("2026-11-28"), 1), Some(2), "+21 days, a Saturday");
        // +45 days from 2026-11-10 is Christmas Day, a Friday: Monday the 28th.
        assert_eq!(steps.due(d("2026-11-10"), d("2026-12-25"), 2), None);
        assert_eq!(steps.due(d("2026-11-10"), d("2026-12-28"), 2), Some(3));
    }

    #[test]
    fn a_rate_fee_accrues_from_the_previous_step() {
        let steps = Steps::parse("7,21,45").unwrap();
        assert_eq!([(0, 1), (1, 2), (2, 3)].map(|(sent, s)| steps.days_between(sent, s)), [7, 14, 24]);
        assert_eq!(steps.days_between(1, 3), 38, "a skipped step's days still count");
    }
}

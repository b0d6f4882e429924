//! Whether an invoice is charged today, from its earlier charges: a pure
//! rule, no I/O.

use chrono::NaiveDate;

/// A failed invoice is tried on this many days at most; after that the
/// customer pays it another way (they were told each time).
pub const MAX_ATTEMPTS: usize = 3;

/// An earlier charge of the invoice.
#[derive(Clone, Debug)]
pub struct Earlier {
    pub id: i64,
    pub day: NaiveDate,
    /// `pending`, `succeeded` or `failed`.
    pub status: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// A new charge.
    Charge,
    /// Today's charge never got a clear answer: ask again with its key.
    Retry(i64),
    /// Charged already, waiting for Stripe, or out of attempts.
    Skip,
}

pub fn decide(earlier: &[Earlier], today: NaiveDate) -> Decision {
    if earlier.iter().any(|c| c.status == "succeeded") {
        return Decision::Skip;
    }
    if let Some(todays) = earlier.iter().find(|c| c.day == today) {
        return if todays.status == "pending" { Decision::Retry(todays.id) } else { Decision::Skip };
    }
    // An earlier day's charge Stripe has not settled: its webhook will; a
    // new charge now could take the money twice.
    if earlier.iter().any(|c| c.status == "pending") {
        return Decision::Skip;
    }
    if earlier.iter().filter(|c| c.status == "failed").count() >= MAX_ATTEMPTS {
        return Decision::Skip;
    }
    Decision::Charge
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    fn charge(id: i64, d: u32, status: &str) -> Earlier {
        Earlier { id, day: day(d), status: status.into() }
    }

    #[test]
    fn a_new_invoice_is_charged_once_a_day_and_never_after_it_was_paid() {
        assert_eq!(decide(&[], day(2)), Decision::Charge);
        assert_eq!(decide(&[charge(1, 2, "succeeded")], day(3)), Decision::Skip);
        assert_eq!(decide(&[charge(1, 2, "failed")], day(2)), Decision::Skip, "one try a day");
        assert_eq!(decide(&[charge(1, 2, "pending")], day(2)), Decision::Retry(1), "same day, same key");
    }

    #[test]
    fn a_declined_invoice_is_tried_again_on_later_days_up_to_the_limit() {
        assert_eq!(decide(&[charge(1, 2, "failed")], day(3)), Decision::Charge);
        let three = [charge(1, 2, "failed"), charge(2, 3, "failed"), charge(3, 4, "failed")];
        assert_eq!(decide(&three, day(5)), Decision::Skip);
    }

    #[test]
    fn an_unsettled_charge_from_an_earlier_day_waits_for_stripe() {
        assert_eq!(decide(&[charge(1, 2, "pending")], day(3)), Decision::Skip);
    }
}

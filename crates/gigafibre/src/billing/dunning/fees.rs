//! Late fees, off unless configured (`GIGAFIBRE_LATE_FEE`): a fixed amount
//! or a monthly rate on the overdue balance, charged at each reminder step.
//!
//! A fee is issued as an invoice of its own, not as a line on the next
//! monthly invoice: it exists from the day the reminder says so (the
//! reminder can name it and its number), an issued invoice is never changed,
//! a customer billed yearly would otherwise wait months to see it, and a
//! credit note can cancel it alone. Late fees carry no GST or QST (they are
//! not consideration for a taxable supply), and a fee invoice never draws
//! reminders or fees of its own.

use crate::billing::money::Money;

/// What each reminder step charges.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LateFee {
    #[default]
    Off,
    /// The same amount at each step.
    Fixed(Money),
    /// A monthly rate in basis points (150 = 1.5 % a month) on the
    /// invoice's overdue balance, for the days since the due date or the
    /// previous reminder sent, a month counting 30 days.
    MonthlyRate(u32),
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LateFeeError {
    #[error("write off, an amount such as 10.00, or a monthly rate such as 1.5%")]
    Unreadable,
    #[error("a monthly rate goes from 0.01% to 5%")]
    RateOutOfRange,
    #[error("a fixed fee goes from 0.01 to 100.00")]
    AmountOutOfRange,
}

/// The highest monthly rate accepted, in basis points: 5 % a month.
const MAX_RATE: u32 = 500;
/// The highest fixed fee accepted, in cents.
const MAX_FIXED: i64 = 10_000;

impl LateFee {
    /// Reads `off`, `10.00` or `1.5%`.
    pub fn parse(text: &str) -> Result<LateFee, LateFeeError> {
        let text = text.trim();
        if text.is_empty() || text.eq_ignore_ascii_case("off") {
            return Ok(LateFee::Off);
        }
        if let Some(rate) = text.strip_suffix('%') {
            let hundredths = Money::parse_decimal(rate).map_err(|_| LateFeeError::Unreadable)?.cents();
            return match u32::try_from(hundredths) {
                Ok(basis_points) if (1..=MAX_RATE).contains(&basis_points) => Ok(LateFee::MonthlyRate(basis_points)),
                _ => Err(LateFeeError::RateOutOfRange),
            };
        }
        let amount = Money::parse_decimal(text).map_err(|_| LateFeeError::Unreadable)?;
        if !(1..=MAX_FIXED).contains(&amount.cents()) {
            return Err(LateFeeError::AmountOutOfRange);
        }
        Ok(LateFee::Fixed(amount))
    }

    /// How `config check` shows it.
    pub fn describe(self) -> String {
        match self {
            LateFee::Off => "off".to_owned(),
            LateFee::Fixed(amount) => format!("{} at each reminder", amount.format(crate::i18n::Lang::En)),
            LateFee::MonthlyRate(bp) => {
                format!("{}.{:02}% a month on the overdue balance, at each reminder", bp / 100, bp % 100)
            }
        }
    }

    /// The fee one step charges on `balance`, `days` after the due date or
    /// the previous step; rounded to the nearest cent, half a cent up.
    pub fn charge(self, balance: Money, days: u32) -> Money {
        match self {
            LateFee::Off => Money::ZERO,
            LateFee::Fixed(amount) => amount,
            LateFee::MonthlyRate(basis_points) => {
                let numerator = i128::from(balance.cents().max(0)) * i128::from(basis_points) * i128::from(days);
                let denominator: i128 = 10_000 * 30;
                let cents = (numerator * 2 + denominator) / (denominator * 2);
                Money::from_cents(i64::try_from(cents).unwrap_or(i64::MAX))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cents(c: i64) -> Money {
        Money::from_cents(c)
    }

    #[test]
    fn reads_off_an_amount_or_a_monthly_rate() {
        assert_eq!(LateFee::parse(""), Ok(LateFee::Off));
        assert_eq!(LateFee::parse(" OFF "), Ok(LateFee::Off));
        assert_eq!(LateFee::parse("10.00"), Ok(LateFee::Fixed(cents(1000))));
        assert_eq!(LateFee::parse("7,50"), Ok(LateFee::Fixed(cents(750))));
        assert_eq!(LateFee::parse("1.5%"), Ok(LateFee::MonthlyRate(150)));
        assert_eq!(LateFee::parse("2%"), Ok(LateFee::MonthlyRate(200)));
        assert_eq!(LateFee::parse("0%"), Err(LateFeeError::RateOutOfRange));
        assert_eq!(LateFee::parse("12%"), Err(LateFeeError::RateOutOfRange));
        assert_eq!(LateFee::parse("1.255%"), Err(LateFeeError::Unreadable));
        assert_eq!(LateFee::parse("0"), Err(LateFeeError::AmountOutOfRange));
        assert_eq!(LateFee::parse("500"), Err(LateFeeError::AmountOutOfRange));
        assert!(LateFee::parse("ten dollars").is_err());
    }

    #[test]
    fn a_monthly_rate_accrues_by_the_day_and_rounds_half_a_cent_up() {
        let two_percent = LateFee::MonthlyRate(200);
        // 100.00 at 2 % a month: 7 days is 0.4666… → 0.47; 14 days 0.9333… → 0.93; 24 days 1.60.
        assert_eq!(two_percent.charge(cents(10_000), 7), cents(47));
        assert_eq!(two_percent.charge(cents(10_000), 14), cents(93));
        assert_eq!(two_percent.charge(cents(10_000), 24), cents(160));
        assert_eq!(two_percent.charge(cents(10_000), 30), cents(200), "a whole month is the whole rate");
        // 1.5 % of 75.00 for 10 days = 0.375 → 0.38 (half a cent up).
        assert_eq!(LateFee::MonthlyRate(150).charge(cents(7_500), 10), cents(38));
        assert_eq!(two_percent.charge(cents(0), 30), Money::ZERO);
        assert_eq!(two_percent.charge(cents(-500), 30), Money::ZERO, "a credit balance draws no fee");
        assert_eq!(LateFee::Fixed(cents(1000)).charge(cents(1), 1), cents(1000));
        assert_eq!(LateFee::Off.charge(cents(10_000), 30), Money::ZERO);
    }

    proptest! {
        #[test]
        fn a_rate_fee_is_within_half_a_cent_of_the_exact_amount(balance in 0i64..10_000_000, bp in 1u32..=500, days in 0u32..400) {
            let fee = LateFee::MonthlyRate(bp).charge(cents(balance), days).cents();
            let exact = balance as f64 * f64::from(bp) * f64::from(days) / 300_000.0;
            prop_assert!((fee as f64 - exact).abs() <= 0.5 + 1e-6);
        }
    }
}

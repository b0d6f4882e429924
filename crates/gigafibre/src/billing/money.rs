//! Money as a whole number of cents.
//!
//! Floating point cannot hold 0.10 exactly, so invoices summed in `f64` drift
//! by a cent here and there; integer cents add up exactly, every time.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

/// An amount in Canadian cents; negative amounts are credits and refunds.
///
/// Arithmetic follows `i64`: an overflow is a bug and panics in debug builds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Money(i64);

/// Why a typed or imported amount was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MoneyParseError {
    #[error("an amount needs digits; this one is empty")]
    Empty,
    #[error("an amount may only hold digits, a sign, a $ and separators; found {0:?}")]
    InvalidCharacter(char),
    #[error("the separators in {0:?} are misplaced; write 1234.56, 1 234,56 or 1,234.56")]
    Malformed(String),
    #[error("an amount has at most 2 decimals (cents); this one has {0}")]
    TooManyDecimals(usize),
    #[error("{0:?} is too large an amount to store")]
    Overflow(String),
}

impl Money {
    pub const ZERO: Money = Money(0);

    pub const fn from_cents(cents: i64) -> Money {
        Money(cents)
    }

    pub const fn cents(self) -> i64 {
        self.0
    }

    /// `None` where the sum would not fit: outside input must never
    /// overflow silently.
    pub const fn checked_add(self, other: Money) -> Option<Money> {
        match self.0.checked_add(other.0) {
            Some(cents) => Some(Money(cents)),
            None => None,
        }
    }

    /// A unit price times a quantity, or `None` where it would not fit.
    pub const fn checked_mul(self, quantity: i64) -> Option<Money> {
        match self.0.checked_mul(quantity) {
            Some(cents) => Some(Money(cents)),
            None => None,
        }
    }

    pub const fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// Reads an amount the way a legacy CSV or a person writes it.
    ///
    /// Accepts either `.` or `,` as the decimal separator, spaces (including
    /// no-break and thin spaces), `,` or `.` as thousands separators, an
    /// optional sign and a `$` before or after. A lone separator followed by
    /// three digits (`1,234`) is read as decimals and refused rather than
    /// guessed, because misreading it costs a factor of a thousand.
    pub fn parse_decimal(input: &str) -> Result<Money, MoneyParseError> {
        let trimmed = input.trim();
        let (negative, body) = strip_sign_and_currency(trimmed)?;
        if let Some(c) = body.chars().find(|&c| !(c.is_ascii_digit() || c == '.' || c == ',' || c.is_whitespace())) {
            return Err(MoneyParseError::InvalidCharacter(c));
        }
        let malformed = || MoneyParseError::Malformed(trimmed.to_owned());
        let overflow = || MoneyParseError::Overflow(trimmed.to_owned());

        let (integer, fraction) = split_decimal(body);
        // A dangling separator ("5.") is more likely a typo than a round amount.
        if fraction.is_some_and(|f| f.is_empty() || f.chars().any(|c| !c.is_ascii_digit())) {
            return Err(malformed());
        }
        let fraction = fraction.unwrap_or("");
        if fraction.len() > 2 {
            return Err(MoneyParseError::TooManyDecimals(fraction.len()));
        }
        let integer_digits = ungroup(integer).ok_or_else(malformed)?;
        if integer_digits.is_empty() && fraction.is_empty() {
            return Err(malformed());
        }

        let units = digits_value(&integer_digits).ok_or_else(overflow)?;
        // Pads "5" to 50 cents and "" to 0 so both decimal counts read the same.
        let cents_part = digits_value(&format!("{fraction:0<2}")).ok_or_else(overflow)?;
        let magnitude = units.checked_mul(100).and_then(|c| c.checked_add(cents_part)).ok_or_else(overflow)?;
        let signed = if negative { -magnitude } else { magnitude };
        i64::try_from(signed).map(Money).map_err(|_| overflow())
    }

    /// Formats for a person reading in `lang`: `1 234,56 $` or `$1,234.56`.
    ///
    /// French uses no-break spaces so a line never wraps inside an amount.
    pub fn format(self, lang: Lang) -> String {
        let sign = if self.is_negative() { "-" } else { "" };
        let (whole, fraction) = self.split_magnitude();
        match lang {
            Lang::Fr => format!("{sign}{},{fraction:02}\u{a0}$", crate::i18n::group_thousands(whole, '\u{a0}')),
            Lang::En => format!("{sign}${}.{fraction:02}", crate::i18n::group_thousands(whole, ',')),
        }
    }

    /// Dollars and cents of the absolute value; `unsigned_abs` keeps `i64::MIN` exact.
    fn split_magnitude(self) -> (u64, u64) {
        let magnitude = self.0.unsigned_abs();
        (magnitude / 100, magnitude % 100)
    }
}

/// Plain `-1234.56`, with no grouping or symbol, for CSV exports and logs.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.is_negative() { "-" } else { "" };
        let (whole, fraction) = self.split_magnitude();
        write!(f, "{sign}{whole}.{fraction:02}")
    }
}

/// Removes one optional sign and one optional `$` (leading or trailing).
fn strip_sign_and_currency(trimmed: &str) -> Result<(bool, &str), MoneyParseError> {
    let mut rest = trimmed;
    let mut sign = None;
    let mut dollar = false;
    loop {
        if sign.is_none()
            && let Some(after) = rest.strip_prefix(['-', '+'])
        {
            sign = Some(rest.starts_with('-'));
            rest = after.trim_start();
        } else if !dollar && let Some(after) = rest.strip_prefix('$') {
            dollar = true;
            rest = after.trim_start();
        } else {
            break;
        }
    }
    if !dollar && let Some(before) = rest.strip_suffix('$') {
        rest = before.trim_end();
    }
    if rest.is_empty() {
        return Err(MoneyParseError::Empty);
    }
    Ok((sign == Some(true), rest))
}

/// Splits at the decimal separator: the last `.` or `,`, unless that
/// character repeats, in which case it only groups thousands.
fn split_decimal(body: &str) -> (&str, Option<&str>) {
    let Some((index, separator)) = body.char_indices().rfind(|&(_, c)| c == '.' || c == ',') else {
        return (body, None);
    };
    if body.matches(separator).count() > 1 {
        return (body, None);
    }
    (&body[..index], Some(&body[index + 1..]))
}

/// Returns the digits of an integer part once its thousands grouping is
/// checked: one kind of separator, 1 to 3 digits first, then groups of 3.
fn ungroup(integer: &str) -> Option<String> {
    let kind = |c: char| if c.is_whitespace() { ' ' } else { c };
    let mut separators = integer.chars().filter(|c| !c.is_ascii_digit()).map(kind);
    let Some(separator) = separators.next() else {
        return Some(integer.to_owned());
    };
    if separators.any(|c| c != separator) {
        return None;
    }
    let mut groups = integer.split(|c: char| !c.is_ascii_digit());
    let first_ok = groups.next().is_some_and(|g| (1..=3).contains(&g.len()));
    (first_ok && groups.all(|g| g.len() == 3)).then(|| integer.replace(|c: char| !c.is_ascii_digit(), ""))
}

/// The value of a run of ASCII digits, or `None` once it outgrows `i128`.
fn digits_value(digits: &str) -> Option<i128> {
    digits.bytes().try_fold(0_i128, |acc, b| acc.checked_mul(10)?.checked_add(i128::from(b - b'0')))
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0 + rhs.0)
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0 - rhs.0)
    }
}

impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        self.0 += rhs.0;
    }
}

impl SubAssign for Money {
    fn sub_assign(&mut self, rhs: Money) {
        self.0 -= rhs.0;
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

impl<'a> Sum<&'a Money> for Money {
    fn sum<I: Iterator<Item = &'a Money>>(iter: I) -> Money {
        iter.copied().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parse(s: &str) -> Result<Money, MoneyParseError> {
        Money::parse_decimal(s)
    }

    fn cents(c: i64) -> Result<Money, MoneyParseError> {
        Ok(Money::from_cents(c))
    }

    #[test]
    fn parses_what_people_and_csvs_write() {
        assert_eq!(parse("123.45"), cents(12_345));
        assert_eq!(parse("123,45"), cents(12_345));
        assert_eq!(parse("-5.5"), cents(-550));
        assert_eq!(parse("12"), cents(1_200));
        assert_eq!(parse("0"), cents(0));
        assert_eq!(parse(".5"), cents(50));
        assert_eq!(parse("+7,05"), cents(705));
        assert_eq!(parse("  42.00  "), cents(4_200));
        assert_eq!(parse("1 234,56"), cents(123_456));
        assert_eq!(parse("$1,234.56"), cents(123_456));
        assert_eq!(parse("1 234,56 $"), cents(123_456));
        assert_eq!(parse("1\u{a0}234,56\u{a0}$"), cents(123_456));
        assert_eq!(parse("1\u{2009}234,56 $"), cents(123_456));
        assert_eq!(parse("1\u{202f}234\u{202f}567,89$"), cents(123_456_789));
        assert_eq!(parse("1.234.567,89"), cents(123_456_789));
        assert_eq!(parse("1,234,567"), cents(123_456_700));
        assert_eq!(parse("-$1,234.56"), cents(-123_456));
        assert_eq!(parse("$-1,234.56"), cents(-123_456));
        assert_eq!(parse("-1 234,56 $"), cents(-123_456));
        assert_eq!(parse("$ 12"), cents(1_200));
    }

    #[test]
    fn refuses_what_it_cannot_read_safely() {
        assert_eq!(parse(""), Err(MoneyParseError::Empty));
        assert_eq!(parse("   "), Err(MoneyParseError::Empty));
        assert_eq!(parse("-$"), Err(MoneyParseError::Empty));
        assert_eq!(parse("1.234"), Err(MoneyParseError::TooManyDecimals(3)));
        assert_eq!(parse("1,234"), Err(MoneyParseError::TooManyDecimals(3)));
        assert_eq!(parse("0.001"), Err(MoneyParseError::TooManyDecimals(3)));
        assert_eq!(parse("12abc"), Err(MoneyParseError::InvalidCharacter('a')));
        assert_eq!(parse("--5"), Err(MoneyParseError::InvalidCharacter('-')));
        assert_eq!(parse("5 €"), Err(MoneyParseError::InvalidCharacter('€')));
        assert_eq!(parse("$5$"), Err(MoneyParseError::InvalidCharacter('$')));
        for bad in ["5.", ".", "12 34", "1,234,56", "1 234,567.00", "1,,234", "1 2.5"] {
            assert_eq!(parse(bad), Err(MoneyParseError::Malformed(bad.to_owned())), "{bad}");
        }
        assert_eq!(parse("92233720368547758.08"), Err(MoneyParseError::Overflow("92233720368547758.08".to_owned())));
        let huge = "9".repeat(60);
        assert_eq!(parse(&huge), Err(MoneyParseError::Overflow(huge.clone())));
    }

    #[test]
    fn parses_the_extremes_of_i64() {
        assert_eq!(parse("92233720368547758.07"), cents(i64::MAX));
        assert_eq!(parse("-92233720368547758.08"), cents(i64::MIN));
    }

    #[test]
    fn error_messages_say_what_is_wrong() {
        assert_eq!(
            MoneyParseError::TooManyDecimals(3).to_string(),
            "an amount has at most 2 decimals (cents); this one has 3"
        );
    }

    #[test]
    fn formats_for_each_language() {
        let amount = Money::from_cents(123_456);
        assert_eq!(amount.format(Lang::Fr), "1\u{a0}234,56\u{a0}$");
        assert_eq!(amount.format(Lang::En), "$1,234.56");
        assert_eq!((-amount).format(Lang::Fr), "-1\u{a0}234,56\u{a0}$");
        assert_eq!((-amount).format(Lang::En), "-$1,234.56");
        assert_eq!(Money::from_cents(5).format(Lang::Fr), "0,05\u{a0}$");
        assert_eq!(Money::from_cents(-5).format(Lang::En), "-$0.05");
        assert_eq!(Money::from_cents(100_000_000).format(Lang::En), "$1,000,000.00");
        assert_eq!(Money::from_cents(99_999).format(Lang::Fr), "999,99\u{a0}$");
    }

    #[test]
    fn displays_plain_for_csv() {
        assert_eq!(Money::from_cents(123_456).to_string(), "1234.56");
        assert_eq!(Money::from_cents(-5).to_string(), "-0.05");
        assert_eq!(Money::ZERO.to_string(), "0.00");
        assert_eq!(Money::from_cents(i64::MIN).to_string(), "-92233720368547758.08");
    }

    #[test]
    fn arithmetic_and_sums() {
        let mut total = Money::from_cents(1_000);
        total += Money::from_cents(250);
        total -= Money::from_cents(50);
        assert_eq!(total, Money::from_cents(1_200));
        assert_eq!(total - Money::from_cents(1_500), Money::from_cents(-300));
        assert!((Money::ZERO - total).is_negative());
        assert!(!Money::ZERO.is_negative());
        let lines = [Money::from_cents(1), Money::from_cents(2), Money::from_cents(-4)];
        assert_eq!(lines.iter().sum::<Money>(), Money::from_cents(-1));
        assert_eq!(lines.into_iter().sum::<Money>(), Money::from_cents(-1));
        assert_eq!(Vec::<Money>::new().into_iter().sum::<Money>(), Money::ZERO);
    }

    #[test]
    fn serialises_as_bare_cents() {
        let json = serde_json::to_string(&Money::from_cents(-1_999)).unwrap();
        assert_eq!(json, "-1999");
        assert_eq!(serde_json::from_str::<Money>("42").unwrap(), Money::from_cents(42));
    }

    proptest! {
        #[test]
        fn plain_display_round_trips(c in any::<i64>()) {
            let money = Money::from_cents(c);
            prop_assert_eq!(parse(&money.to_string()), Ok(money));
        }

        #[test]
        fn localised_formats_round_trip(c in any::<i64>()) {
            let money = Money::from_cents(c);
            for lang in Lang::ALL {
                prop_assert_eq!(parse(&money.format(lang)), Ok(money));
            }
        }

        #[test]
        fn parsing_arbitrary_text_never_panics(s in any::<String>()) {
            let _ = parse(&s);
        }

        #[test]
        fn parsing_amount_like_text_never_panics(s in "[-+$0-9 .,\u{a0}]{0,30}") {
            let _ = parse(&s);
        }

        #[test]
        fn checked_arithmetic_refuses_exactly_what_overflows(a in any::<i64>(), b in any::<i64>(), q in any::<i32>()) {
            let (x, y) = (Money::from_cents(a), Money::from_cents(b));
            prop_assert_eq!(x.checked_add(y).map(Money::cents), a.checked_add(b));
            prop_assert_eq!(x.checked_mul(i64::from(q)).map(Money::cents), a.checked_mul(i64::from(q)));
        }
    }
}

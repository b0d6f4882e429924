//! Québec sales taxes: the federal GST and the provincial QST.
//!
//! Since 2013 the QST is charged on the pre-tax price, not on price + GST,
//! so both taxes are computed side by side from the same subtotal.

use serde::{Deserialize, Serialize};

use super::money::Money;

/// GST (TPS) of 5 %, in hundred-thousandths so the 9.975 % QST is an integer too.
pub const GST_RATE_PER_100K: i64 = 5_000;
/// QST (TVQ) of 9.975 %, in hundred-thousandths.
pub const QST_RATE_PER_100K: i64 = 9_975;

/// The two taxes on one subtotal, each shown on its own invoice line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct QuebecTaxes {
    pub gst: Money,
    pub qst: Money,
}

impl QuebecTaxes {
    /// Both taxes together, to add to the subtotal.
    pub fn total(&self) -> Money {
        self.gst + self.qst
    }
}

/// GST and QST on a pre-tax subtotal.
///
/// Rounding is half away from zero, so a credit note (negative subtotal)
/// cancels the matching invoice's taxes to the cent.
pub fn quebec_taxes(subtotal: Money) -> QuebecTaxes {
    QuebecTaxes { gst: tax_at(subtotal, GST_RATE_PER_100K), qst: tax_at(subtotal, QST_RATE_PER_100K) }
}

/// `subtotal × rate / 100 000`, rounded to the cent half away from zero.
fn tax_at(subtotal: Money, rate_per_100k: i64) -> Money {
    const SCALE: i128 = 100_000;
    // i128 holds any i64 cents times any rate without overflow.
    let exact = i128::from(subtotal.cents()) * i128::from(rate_per_100k);
    let truncated = exact / SCALE;
    let remainder = exact % SCALE;
    let rounded = if remainder.abs() * 2 >= SCALE { truncated + exact.signum() } else { truncated };
    // Cannot truncate: a rate below 100 % never yields more than the subtotal.
    Money::from_cents(rounded as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn money(cents: i64) -> Money {
        Money::from_cents(cents)
    }

    fn taxes(cents: i64) -> (i64, i64) {
        let t = quebec_taxes(money(cents));
        (t.gst.cents(), t.qst.cents())
    }

    /// Revenu Québec, "Calculating the Taxes"
    /// (<http://www.revenuquebec.ca/en/entreprise/taxes/tvq_tps/calcul-taxes.aspx>):
    /// "You sell a taxable good for $100. Selling price $100.00, GST ($100 × 5%)
    /// $5.00, QST ($100 × 9.975%) $9.98, Total $114.98." The same page: "Only
    /// fractions equal to or greater than one-half of a cent ($0.005) are
    /// counted as a whole cent ($0.01) of sales tax", and with several goods or
    /// services "you can calculate the taxes on the total price", which is
    /// what an invoice does with its subtotal.
    #[test]
    fn revenu_quebec_worked_example() {
        // GST: 100.00 × 5 % = 5.00 exactly.
        // QST: 100.00 × 9.975 % = 9.975 → 9.98 (half rounds up).
        // Not compounded since 2013: 105.00 × 9.975 % would be 10.47.
        let t = quebec_taxes(money(10_000));
        assert_eq!(t.gst, money(500));
        assert_eq!(t.qst, money(998));
        assert_eq!(t.total(), money(1_498));
        assert_eq!(money(10_000) + t.total(), money(11_498));
    }

    /// The same page's rounding rule at its edge: 0.4 of a cent is dropped,
    /// half a cent counts as a whole one.
    #[test]
    fn revenu_quebec_half_cent_rule() {
        // GST: 0.09 × 5 % = 0.45 ¢ → 0; 0.10 × 5 % = 0.5 ¢ → 1 ¢.
        assert_eq!(quebec_taxes(money(9)).gst, money(0));
        assert_eq!(quebec_taxes(money(10)).gst, money(1));
    }

    #[test]
    fn forty_nine_ninety_nine() {
        // GST: 49.99 × 5 % = 2.4995 → 2.50.
        // QST: 49.99 × 9.975 % = 4.986 5025 → 4.99.
        // Total 49.99 + 2.50 + 4.99 = 57.48.
        let t = quebec_taxes(money(4_999));
        assert_eq!((t.gst, t.qst), (money(250), money(499)));
        assert_eq!(money(4_999) + t.total(), money(5_748));
    }

    #[test]
    fn seventy_nine_ninety_five() {
        // GST: 79.95 × 5 % = 3.9975 → 4.00.
        // QST: 79.95 × 9.975 % = 7.975 0125 → 7.98 (just above the half).
        // Total 79.95 + 4.00 + 7.98 = 91.93.
        let t = quebec_taxes(money(7_995));
        assert_eq!((t.gst, t.qst), (money(400), money(798)));
        assert_eq!(money(7_995) + t.total(), money(9_193));
    }

    #[test]
    fn exact_half_cents_round_away_from_zero() {
        // QST: 20.00 × 9.975 % = 1.995 → 2.00; GST 1.00 exactly.
        assert_eq!(taxes(2_000), (100, 200));
        // GST: 0.10 × 5 % = 0.005 → 0.01; QST 0.009 975 → 0.01.
        assert_eq!(taxes(10), (1, 1));
        // GST: 0.30 × 5 % = 0.015 → 0.02; QST 0.029 925 → 0.03.
        assert_eq!(taxes(30), (2, 3));
    }

    #[test]
    fn below_the_half_rounds_down() {
        // GST: 0.09 × 5 % = 0.0045 → 0.00; QST 0.008 9775 → 0.01.
        assert_eq!(taxes(9), (0, 1));
        // 0.01: GST 0.0005 → 0.00; QST 0.000 997 5 → 0.00.
        assert_eq!(taxes(1), (0, 0));
        // 1.00: GST 0.05; QST 0.099 75 → 0.10.
        assert_eq!(taxes(100), (5, 10));
        assert_eq!(taxes(0), (0, 0));
    }

    #[test]
    fn credit_notes_mirror_invoices() {
        // -20.00: QST -1.995 → -2.00, not -1.99.
        assert_eq!(taxes(-2_000), (-100, -200));
        let t = quebec_taxes(money(-4_999));
        assert_eq!((t.gst, t.qst), (money(-250), money(-499)));
        assert_eq!(t.total(), money(-749));
    }

    #[test]
    fn extreme_subtotals_do_not_overflow() {
        let (gst, qst) = taxes(i64::MAX);
        // 9 223 372 036 854 775 807 / 20 leaves 7/20 of a cent: rounds down.
        assert_eq!(gst, i64::MAX / 20);
        assert!(qst > 0 && qst < i64::MAX / 10);
        let (gst, _) = taxes(i64::MIN);
        assert_eq!(gst, i64::MIN / 20);
    }

    /// `|tax × 100 000 − subtotal × rate| ≤ 50 000`: off by at most half a cent.
    fn within_half_cent(tax: Money, subtotal: Money, rate: i64) -> bool {
        let exact = i128::from(subtotal.cents()) * i128::from(rate);
        (i128::from(tax.cents()) * 100_000 - exact).abs() <= 50_000
    }

    proptest! {
        #[test]
        fn negating_the_subtotal_negates_each_tax(c in (i64::MIN + 1)..=i64::MAX) {
            let up = quebec_taxes(money(c));
            let down = quebec_taxes(money(-c));
            prop_assert_eq!(down.gst, -up.gst);
            prop_assert_eq!(down.qst, -up.qst);
        }

        #[test]
        fn taxes_never_decrease_as_the_subtotal_grows(a in any::<i64>(), b in any::<i64>()) {
            let (low, high) = if a <= b { (a, b) } else { (b, a) };
            let (low, high) = (quebec_taxes(money(low)), quebec_taxes(money(high)));
            prop_assert!(low.gst <= high.gst);
            prop_assert!(low.qst <= high.qst);
        }

        #[test]
        fn adjacent_cents_never_decrease_either(c in i64::MIN..i64::MAX) {
            let (here, next) = (quebec_taxes(money(c)), quebec_taxes(money(c + 1)));
            prop_assert!(here.gst <= next.gst && here.qst <= next.qst);
        }

        #[test]
        fn each_tax_is_within_half_a_cent(c in any::<i64>()) {
            let t = quebec_taxes(money(c));
            prop_assert!(within_half_cent(t.gst, money(c), GST_RATE_PER_100K));
            prop_assert!(within_half_cent(t.qst, money(c), QST_RATE_PER_100K));
        }

        #[test]
        fn everyday_amounts_are_within_half_a_cent(c in -10_000_000_i64..10_000_000) {
            let t = quebec_taxes(money(c));
            prop_assert!(within_half_cent(t.gst, money(c), GST_RATE_PER_100K));
            prop_assert!(within_half_cent(t.qst, money(c), QST_RATE_PER_100K));
            prop_assert_eq!(t.total(), t.gst + t.qst);
        }
    }
}

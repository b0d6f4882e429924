//! An invoice's totals from its lines: the subtotal, GST and QST on the
//! taxable part, and the sum of the three.

use serde::Serialize;

use super::money::Money;
use super::taxes::quebec_taxes;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub subtotal: Money,
    pub gst: Money,
    pub qst: Money,
    pub total: Money,
}

/// The totals of lines given as (amount, taxable). Taxes are computed once
/// on the taxable subtotal, as Revenu Québec allows for several items.
pub fn totals<I: IntoIterator<Item = (Money, bool)>>(lines: I) -> Totals {
    let (mut subtotal, mut taxable) = (Money::ZERO, Money::ZERO);
    for (amount, is_taxable) in lines {
        subtotal += amount;
        if is_taxable {
            taxable += amount;
        }
    }
    let taxes = quebec_taxes(taxable);
    Totals { subtotal, gst: taxes.gst, qst: taxes.qst, total: subtotal + taxes.total() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn money(cents: i64) -> Money {
        Money::from_cents(cents)
    }

    #[test]
    fn a_typical_bill() {
        // Fibre 500 (79.95) and a mesh point (5.00): 84.95 + 4.25 + 8.47 = 97.67.
        let t = totals([(money(7_995), true), (money(500), true)]);
        assert_eq!((t.subtotal, t.gst, t.qst, t.total), (money(8_495), money(425), money(847), money(9_767)));
    }

    #[test]
    fn untaxed_lines_add_to_the_total_without_tax() {
        let t = totals([(money(10_000), true), (money(2_000), false)]);
        assert_eq!((t.gst, t.qst, t.total), (money(500), money(998), money(13_498)));
    }

    proptest! {
        /// Totals equal the lines plus GST plus QST, to the cent.
        #[test]
        fn total_is_lines_plus_gst_plus_qst(lines in prop::collection::vec((0_i64..1_000_000, any::<bool>()), 0..30)) {
            let t = totals(lines.iter().map(|&(c, taxable)| (money(c), taxable)));
            let sum: i64 = lines.iter().map(|(c, _)| c).sum();
            let taxable: i64 = lines.iter().filter(|(_, t)| *t).map(|(c, _)| c).sum();
            prop_assert_eq!(t.subtotal, money(sum));
            prop_assert_eq!(t.gst + t.qst, quebec_taxes(money(taxable)).total());
            prop_assert_eq!(t.total, t.subtotal + t.gst + t.qst);
        }
    }
}

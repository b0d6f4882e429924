//! The pure rule that spreads an amount over what is owed, in order.

use crate::billing::money::Money;

/// What one invoice (or one earlier allocation) can take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Owing {
    pub id: i64,
    pub amount: Money,
}

/// The part of an amount that goes to one of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Share {
    pub id: i64,
    pub amount: Money,
}

/// Fills each in turn until `amount` runs out: the shares (none of zero) and
/// what is left over. A negative or zero amount fills nothing.
pub fn spread(amount: Money, owing: &[Owing]) -> (Vec<Share>, Money) {
    let mut left = amount.max(Money::ZERO);
    let mut shares = Vec::new();
    for item in owing {
        if left <= Money::ZERO {
            break;
        }
        let take = left.min(item.amount);
        if take > Money::ZERO {
            shares.push(Share { id: item.id, amount: take });
            left -= take;
        }
    }
    (shares, left)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn owing(amounts: &[i64]) -> Vec<Owing> {
        amounts.iter().enumerate().map(|(i, a)| Owing { id: i as i64, amount: Money::from_cents(*a) }).collect()
    }

    #[test]
    fn the_oldest_is_settled_first_and_the_rest_is_left_over() {
        let (shares, left) = spread(Money::from_cents(15000), &owing(&[10000, 8000]));
        assert_eq!(
            shares,
            vec![Share { id: 0, amount: Money::from_cents(10000) }, Share { id: 1, amount: Money::from_cents(5000) }]
        );
        assert_eq!(left, Money::ZERO);
        let (shares, left) = spread(Money::from_cents(5000), &[]);
        assert!(shares.is_empty());
        assert_eq!(left, Money::from_cents(5000), "paying ahead leaves it all as credit");
    }

    proptest! {
        #[test]
        fn nothing_is_lost_nothing_is_overfilled_and_order_holds(
            amount in 0i64..1_000_000,
            amounts in proptest::collection::vec(0i64..200_000, 0..8),
        ) {
            let items = owing(&amounts);
            let (shares, left) = spread(Money::from_cents(amount), &items);
            let given: i64 = shares.iter().map(|s| s.amount.cents()).sum();
            prop_assert_eq!(given + left.cents(), amount);
            prop_assert!(left >= Money::ZERO);
            for share in &shares {
                prop_assert!(share.amount > Money::ZERO);
                prop_assert!(share.amount <= items[share.id as usize].amount);
            }
            // Every invoice before the last one paid is paid in full.
            if let Some(last) = shares.last() {
                for item in &items[..last.id as usize] {
                    let paid = shares.iter().find(|s| s.id == item.id).map_or(0, |s| s.amount.cents());
                    prop_assert_eq!(paid, item.amount.cents());
                }
            }
            // Money is left over only when everything is paid.
            if left > Money::ZERO {
                prop_assert_eq!(given, amounts.iter().sum::<i64>());
            }
        }
    }
}

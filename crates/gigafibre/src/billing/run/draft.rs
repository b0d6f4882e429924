//! What a run issues to one customer, worked out without I/O: the charges
//! of each subscription grouped into one invoice per billing period, and how
//! far each subscription is now billed.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;

use super::load::{Customer, Plan, Subscription};
use crate::billing::money::Money;
use crate::billing::periods::{Cycle, Frequency, Period};
use crate::billing::proration::{Terms, due};
use crate::billing::totals::{Totals, totals};

pub struct Line {
    pub subscription_id: i64,
    pub plan_id: i64,
    pub description: String,
    pub quantity: i32,
    pub unit_price: Money,
    pub amount: Money,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
}

pub struct Invoice {
    pub customer_id: i64,
    /// The customer's monthly billing period the charges fall in.
    pub period: Period,
    pub lines: Vec<Line>,
    pub totals: Totals,
}

#[derive(Default)]
pub struct Draft {
    pub invoices: Vec<Invoice>,
    /// Subscriptions whose billed-through date moves (or is stored for the
    /// first time), with the new date.
    pub settled: Vec<(i64, NaiveDate)>,
}

impl Draft {
    /// Nothing to issue and nothing to record.
    pub fn is_empty(&self) -> bool {
        self.invoices.is_empty() && self.settled.is_empty()
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DraftError {
    #[error("customer {account}: billing day {day} is not between 1 and 28")]
    BillingDay { account: String, day: i16 },
    #[error("customer {account}: subscription {subscription} is to a plan with no known billing frequency")]
    Frequency { account: String, subscription: i64 },
}

/// The invoices a run on `run_date` issues to `customer`. `stored` holds
/// the billed-through dates already in the database.
pub fn draft(
    customer: &Customer,
    subscriptions: &[Subscription],
    plans: &HashMap<i64, Plan>,
    stored: &HashMap<i64, NaiveDate>,
    run_date: NaiveDate,
) -> Result<Draft, DraftError> {
    let billing_day =
        u32::try_from(customer.billing_day).ok().filter(|day| (1..=28).contains(day)).ok_or_else(|| {
            DraftError::BillingDay { account: customer.account_number.clone(), day: customer.billing_day }
        })?;
    let mut draft = Draft::default();
    let mut by_period: BTreeMap<Period, Vec<(Line, bool)>> = BTreeMap::new();
    for subscription in subscriptions {
        let unknown =
            || DraftError::Frequency { account: customer.account_number.clone(), subscription: subscription.id };
        let plan = plans.get(&subscription.plan_id).ok_or_else(unknown)?;
        let frequency = plan.frequency.ok_or_else(unknown)?;
        let terms = Terms {
            frequency,
            billing_day,
            start: subscription.start,
            end: subscription.end,
            pauses: subscription.pauses.clone(),
            // A cancellation without an end date stops charges like an
            // open-ended pause.
            paused: subscription.status == "paused"
                || (subscription.status == "cancelled" && subscription.end.is_none()),
            price: Money::from_cents(subscription.unit_price_cents),
            prorate: plan.prorate,
        };
        let before = stored.get(&subscription.id).copied();
        let from_history = before.is_none().then(|| history_billed_through(&terms, subscription)).flatten();
        let due = due(&terms, before.or(from_history), run_date);
        if due.billed_through != before
            && let Some(through) = due.billed_through
        {
            draft.settled.push((subscription.id, through));
        }
        for charge in due.charges {
            let Some(period) = billing_period(billing_day, charge.period.start) else { continue };
            let line = Line {
                subscription_id: subscription.id,
                plan_id: subscription.plan_id,
                description: if customer.english { &plan.name_en } else { &plan.name_fr }.clone(),
                quantity: subscription.quantity,
                unit_price: charge.amount,
                amount: Money::from_cents(charge.amount.cents() * i64::from(subscription.quantity)),
                first_day: charge.first_day,
                last_day: charge.last_day,
            };
            by_period.entry(period).or_default().push((line, plan.taxable));
        }
    }
    for (period, lines) in by_period {
        let totals = totals(lines.iter().map(|(line, taxable)| (line.amount, *taxable)));
        let lines = lines.into_iter().map(|(line, _)| line).collect();
        draft.invoices.push(Invoice { customer_id: customer.id, period, lines, totals });
    }
    Ok(draft)
}

/// The customer's monthly period that holds `day`.
fn billing_period(billing_day: u32, day: NaiveDate) -> Option<Period> {
    Cycle::new(Frequency::Monthly, billing_day, day)?.period_containing(day)
}

/// How far invoice lines written before the run kept track had billed a
/// subscription: to the end of the period its latest line falls in.
fn history_billed_through(terms: &Terms, subscription: &Subscription) -> Option<NaiveDate> {
    if !subscription.has_lines {
        return None;
    }
    match terms.cycle() {
        None => Some(terms.start),
        Some(cycle) => Some(cycle.period_containing(subscription.last_line_start?)?.end),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::billing::proration::Pause;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn customer(billing_day: i16) -> Customer {
        Customer { id: 7, account_number: "GF-100007".into(), billing_day, english: false }
    }

    fn plans() -> HashMap<i64, Plan> {
        let plan = |name: &str, frequency, taxable| Plan {
            name_fr: format!("{name} (fr)"),
            name_en: name.into(),
            frequency,
            prorate: true,
            taxable,
        };
        HashMap::from([
            (1, plan("Fibre", Some(Frequency::Monthly), true)),
            (2, plan("Install", Some(Frequency::Once), true)),
            (3, plan("Odd", None, true)),
        ])
    }

    fn subscription(id: i64, plan_id: i64, price: i64, start: NaiveDate) -> Subscription {
        Subscription {
            id,
            plan_id,
            quantity: 1,
            unit_price_cents: price,
            status: "active".into(),
            start,
            end: None,
            pauses: Vec::<Pause>::new(),
            last_line_start: None,
            has_lines: false,
        }
    }

    #[test]
    fn charges_of_a_customer_share_one_invoice_per_period_with_taxes_on_the_whole() {
        let subs = [
            Subscription { quantity: 2, ..subscription(1, 1, 1_000, date(2026, 3, 1)) },
            subscription(2, 2, 5_000, date(2026, 3, 10)),
        ];
        let draft = draft(&customer(1), &subs, &plans(), &HashMap::new(), date(2026, 4, 1)).unwrap();
        assert_eq!(draft.invoices.len(), 2, "March and April");
        let march = &draft.invoices[0];
        assert_eq!(march.period, Period { start: date(2026, 3, 1), end: date(2026, 3, 31) });
        assert_eq!(march.lines.len(), 2);
        assert_eq!(march.lines[0].description, "Fibre (fr)");
        assert_eq!(march.lines[0].amount, Money::from_cents(2_000));
        assert_eq!(march.totals.subtotal, Money::from_cents(7_000));
        assert_eq!(march.totals.total, Money::from_cents(7_000 + 350 + 698));
        assert_eq!(draft.settled, [(1, date(2026, 4, 30)), (2, date(2026, 3, 10))]);
    }

    #[test]
    fn lines_billed_before_the_run_existed_are_not_billed_again() {
        let sub = Subscription {
            last_line_start: Some(date(2026, 3, 15)),
            has_lines: true,
            ..subscription(1, 1, 1_000, date(2025, 1, 15))
        };
        let draft = draft(&customer(15), &[sub], &plans(), &HashMap::new(), date(2026, 4, 14)).unwrap();
        assert!(draft.invoices.is_empty());
        assert_eq!(draft.settled, [(1, date(2026, 4, 14))], "stored so that the history is read once");
    }

    #[test]
    fn nothing_moves_when_nothing_is_due() {
        let stored = HashMap::from([(1, date(2026, 4, 30))]);
        let sub = subscription(1, 1, 1_000, date(2026, 3, 1));
        let draft = draft(&customer(1), &[sub], &plans(), &stored, date(2026, 4, 20)).unwrap();
        assert!(draft.invoices.is_empty() && draft.settled.is_empty());
    }

    #[test]
    fn bad_data_is_refused_with_the_customer_named() {
        let sub = subscription(1, 3, 1_000, date(2026, 3, 1));
        let plans = plans();
        let error = draft(&customer(1), &[sub], &plans, &HashMap::new(), date(2026, 4, 1)).err();
        assert_eq!(error, Some(DraftError::Frequency { account: "GF-100007".into(), subscription: 1 }));
        let error = draft(&customer(31), &[], &plans, &HashMap::new(), date(2026, 4, 1)).err();
        assert_eq!(error, Some(DraftError::BillingDay { account: "GF-100007".into(), day: 31 }));
    }
}

//! Past invoices, payments and credit notes that add up: every invoice total
//! is its lines plus GST and QST, every payment is allocated in full, every
//! balance follows.

use std::collections::HashMap;
use std::ops::Range;

use chrono::{Datelike, Days, Months, NaiveDate};
use gigafibre_db::entities::{credit_note, invoice, invoice_line, payment, payment_allocation, subscription};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use super::catalogue::PLANS;
use super::{Dataset, at_noon};
use crate::billing::money::Money;
use crate::billing::taxes::quebec_taxes;

/// Days between an invoice and its due date.
const PAYMENT_TERMS_DAYS: u64 = 21;

struct Bill {
    date: NaiveDate,
    customer_index: usize,
    /// How many bills the customer had before this one.
    sequence: u32,
}

pub fn generate(rng: &mut ChaCha8Rng, data: &mut Dataset) {
    let subscriptions_of = subscriptions_by_customer(&data.subscriptions);
    let bills = bill_dates(data);
    let unpaid_tail = unpaid_tail_by_customer(rng, data);
    let bills_per_customer = count_bills(&bills, data.customers.len());

    for bill in bills {
        let customer = &data.customers[bill.customer_index];
        let range = subscriptions_of.get(&customer.id).cloned().unwrap_or(0..0);
        let next = bill.date.checked_add_months(Months::new(1)).unwrap_or(bill.date);
        let period_end = next - Days::new(1);
        let invoice_id = data.invoices.len() as i64 + 1;
        let mut subtotal = Money::ZERO;
        let mut position = 0;
        for subscription in &data.subscriptions[range] {
            if !bills_in_period(subscription, &bill, data.as_of) {
                continue;
            }
            position += 1;
            let amount = Money::from_cents(subscription.unit_price_cents * i64::from(subscription.quantity));
            subtotal += amount;
            let spec = &PLANS[(subscription.plan_id - 1) as usize];
            data.lines.push(invoice_line::Model {
                id: data.lines.len() as i64 + 1,
                invoice_id,
                position,
                subscription_id: Some(subscription.id),
                plan_id: Some(subscription.plan_id),
                description: if customer.language == "en" { spec.name_en } else { spec.name_fr }.into(),
                quantity: subscription.quantity,
                unit_price_cents: subscription.unit_price_cents,
                amount_cents: amount.cents(),
                period_start: (spec.frequency != "once").then_some(bill.date),
                period_end: (spec.frequency != "once").then_some(period_end),
            });
        }
        if position == 0 {
            continue;
        }
        let taxes = quebec_taxes(subtotal);
        let total = subtotal + taxes.total();
        let created_at = at_noon(bill.date);
        let due_date = bill.date + Days::new(PAYMENT_TERMS_DAYS);
        let mut invoice = invoice::Model {
            id: invoice_id,
            number: format!("F-{invoice_id:07}"),
            legacy_id: Some((900_000 + invoice_id).to_string()),
            customer_id: customer.id,
            status: "open".into(),
            issue_date: bill.date,
            due_date,
            period_start: Some(bill.date),
            period_end: Some(period_end),
            subtotal_cents: subtotal.cents(),
            gst_cents: taxes.gst.cents(),
            qst_cents: taxes.qst.cents(),
            total_cents: total.cents(),
            balance_cents: total.cents(),
            created_at,
        };

        let mut owed = total;
        if rng.random_bool(0.004) {
            owed -= credit(data, &invoice, subtotal);
        }
        let bills_left = bills_per_customer[bill.customer_index] - bill.sequence;
        let recent = data.as_of.signed_duration_since(bill.date).num_days() < 30;
        let unpaid = bills_left <= unpaid_tail[bill.customer_index] || (recent && rng.random_bool(0.55));
        if !unpaid && owed > Money::ZERO {
            pay(rng, data, &invoice, owed);
            owed = Money::ZERO;
        }
        invoice.balance_cents = owed.cents();
        if owed == Money::ZERO {
            invoice.status = "paid".into();
        }
        data.invoices.push(invoice);
    }

    let mut balances = vec![0_i64; data.customers.len()];
    for invoice in &data.invoices {
        balances[(invoice.customer_id - 1) as usize] += invoice.balance_cents;
    }
    for (customer, balance) in data.customers.iter_mut().zip(balances) {
        customer.balance_cents = balance;
    }
}

fn bills_in_period(subscription: &subscription::Model, bill: &Bill, as_of: NaiveDate) -> bool {
    let spec = &PLANS[(subscription.plan_id - 1) as usize];
    if subscription.end_date.is_some_and(|end| end <= bill.date) && spec.frequency != "once" {
        return false;
    }
    if subscription.status == "paused" && as_of.signed_duration_since(bill.date).num_days() < 90 {
        return false;
    }
    match spec.frequency {
        "once" => bill.sequence == 1,
        "yearly" => bill.sequence % 12 == 1,
        _ => true,
    }
}

/// Every customer's bill dates, in the order the invoices were issued.
fn bill_dates(data: &Dataset) -> Vec<Bill> {
    let mut bills = Vec::new();
    for (customer_index, customer) in data.customers.iter().enumerate() {
        let since = customer.created_at.date_naive();
        let day = u32::try_from(customer.billing_day).unwrap_or(1);
        let Some(mut date) = NaiveDate::from_ymd_opt(since.year(), since.month(), day) else { continue };
        if date < since {
            date = date.checked_add_months(Months::new(1)).unwrap_or(date);
        }
        let mut sequence = 0;
        while date <= data.as_of {
            sequence += 1;
            bills.push(Bill { date, customer_index, sequence });
            date = match date.checked_add_months(Months::new(1)) {
                Some(next) => next,
                None => break,
            };
        }
    }
    bills.sort_by_key(|bill| (bill.date, bill.customer_index));
    bills
}

fn count_bills(bills: &[Bill], customers: usize) -> Vec<u32> {
    let mut counts = vec![0; customers];
    for bill in bills {
        counts[bill.customer_index] = counts[bill.customer_index].max(bill.sequence);
    }
    counts
}

/// How many of their latest invoices each customer has left unpaid: a few
/// customers fall behind, which the aging report and dunning need to show.
fn unpaid_tail_by_customer(rng: &mut ChaCha8Rng, data: &Dataset) -> Vec<u32> {
    data.customers
        .iter()
        .map(|customer| match customer.status.as_str() {
            "suspended" => rng.random_range(2..=5),
            "active" if rng.random_bool(0.05) => rng.random_range(1..=4),
            _ => 0,
        })
        .collect()
}

fn subscriptions_by_customer(subscriptions: &[subscription::Model]) -> HashMap<i64, Range<usize>> {
    let mut ranges: HashMap<i64, Range<usize>> = HashMap::new();
    for (index, subscription) in subscriptions.iter().enumerate() {
        ranges.entry(subscription.customer_id).and_modify(|range| range.end = index + 1).or_insert(index..index + 1);
    }
    ranges
}

/// A goodwill credit of half the invoice (an outage, say). Returns its total.
fn credit(data: &mut Dataset, invoice: &invoice::Model, subtotal: Money) -> Money {
    let credited = Money::from_cents(subtotal.cents() / 2);
    let taxes = quebec_taxes(credited);
    let total = credited + taxes.total();
    let id = data.credit_notes.len() as i64 + 1;
    data.credit_notes.push(credit_note::Model {
        id,
        number: format!("NC-{id:06}"),
        customer_id: invoice.customer_id,
        invoice_id: Some(invoice.id),
        reason: "Crédit de panne / outage credit".into(),
        subtotal_cents: credited.cents(),
        gst_cents: taxes.gst.cents(),
        qst_cents: taxes.qst.cents(),
        total_cents: total.cents(),
        issued_at: invoice.created_at,
    });
    total
}

fn pay(rng: &mut ChaCha8Rng, data: &mut Dataset, invoice: &invoice::Model, amount: Money) {
    let id = data.payments.len() as i64 + 1;
    let paid_on = (invoice.due_date - Days::new(rng.random_range(0..PAYMENT_TERMS_DAYS))).min(data.as_of);
    let method = match rng.random_range(0..100) {
        0..45 => "card",
        45..75 => "bank",
        75..90 => "interac",
        90..97 => "cheque",
        _ => "cash",
    };
    data.payments.push(payment::Model {
        id,
        legacy_id: Some((700_000 + id).to_string()),
        customer_id: invoice.customer_id,
        amount_cents: amount.cents(),
        method: method.into(),
        reference: if method == "cheque" { format!("#{}", rng.random_range(100..999)) } else { String::new() },
        received_at: at_noon(paid_on),
        created_at: at_noon(paid_on),
    });
    data.allocations.push(payment_allocation::Model {
        id,
        payment_id: id,
        invoice_id: invoice.id,
        amount_cents: amount.cents(),
    });
}

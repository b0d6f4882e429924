//! Demo data: a deterministic generator (the same seed and date give the same
//! data) at two scales, written into the database or out as the legacy CSV
//! export.

mod billing_history;
mod catalogue;
mod customers;
mod places;
mod support_history;
mod write;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use gigafibre_db::entities::{
    contact, credit_note, customer, dispatch_job, equipment, equipment_movement, invoice, invoice_line,
    job_required_skill, payment, payment_allocation, plan, service_location, skill, staff, subscription, technician,
    technician_skill, ticket, ticket_message,
};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

pub use catalogue::ADMIN_EMAIL;
pub use write::{SeedError, TableRows, write_dataset};

/// How much demo data to make.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Scale {
    /// About 200 customers: for tests and a first look.
    Small,
    /// The business this system replaces: 6,667 customers, about 21,000
    /// subscriptions, 115,000 invoices, 242,000 tickets, 46 technicians.
    Full,
}

impl Scale {
    fn customers(self) -> usize {
        match self {
            Scale::Small => 200,
            Scale::Full => 6_667,
        }
    }

    fn technicians(self) -> usize {
        match self {
            Scale::Small => 12,
            Scale::Full => 46,
        }
    }
}

/// Everything the generator makes, table by table, with ids assigned.
#[derive(Debug, Default)]
pub struct Dataset {
    pub as_of: NaiveDate,
    pub plans: Vec<plan::Model>,
    pub skills: Vec<skill::Model>,
    pub staff: Vec<staff::Model>,
    pub technicians: Vec<technician::Model>,
    pub technician_skills: Vec<technician_skill::Model>,
    pub customers: Vec<customer::Model>,
    pub contacts: Vec<contact::Model>,
    pub locations: Vec<service_location::Model>,
    pub subscriptions: Vec<subscription::Model>,
    pub equipment: Vec<equipment::Model>,
    pub movements: Vec<equipment_movement::Model>,
    pub invoices: Vec<invoice::Model>,
    pub lines: Vec<invoice_line::Model>,
    pub payments: Vec<payment::Model>,
    pub allocations: Vec<payment_allocation::Model>,
    pub credit_notes: Vec<credit_note::Model>,
    pub tickets: Vec<ticket::Model>,
    pub ticket_messages: Vec<ticket_message::Model>,
    pub jobs: Vec<dispatch_job::Model>,
    pub job_skills: Vec<job_required_skill::Model>,
}

/// The seed used when none is given.
pub const DEFAULT_SEED: u64 = 20_261_125;

/// Makes the demo data as it stands on `as_of`.
pub fn generate(scale: Scale, seed: u64, as_of: NaiveDate) -> Dataset {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let now = at_noon(as_of);
    let (technicians, technician_skills) = catalogue::technicians(&mut rng, scale.technicians(), now);
    let mut data = Dataset {
        as_of,
        plans: catalogue::plans(now),
        skills: catalogue::skills(),
        staff: catalogue::staff(now),
        technicians,
        technician_skills,
        ..Dataset::default()
    };
    customers::generate(&mut rng, &mut data, scale.customers());
    customers::stock(&mut data, 10, 300);
    billing_history::generate(&mut rng, &mut data);
    support_history::generate(&mut rng, &mut data);
    data
}

/// Noon UTC: early morning in Québec, never across a date line.
fn at_noon(date: NaiveDate) -> DateTime<Utc> {
    date.and_time(NaiveTime::MIN + chrono::Duration::hours(12)).and_utc()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    #[test]
    fn the_same_seed_gives_the_same_data() {
        let a = generate(Scale::Small, 7, day());
        let b = generate(Scale::Small, 7, day());
        assert_eq!(a.customers, b.customers);
        assert_eq!(a.invoices, b.invoices);
        assert_eq!(a.tickets, b.tickets);
        let c = generate(Scale::Small, 8, day());
        assert_ne!(a.customers, c.customers);
    }

    #[test]
    fn invoices_add_up() {
        let data = generate(Scale::Small, DEFAULT_SEED, day());
        assert_eq!(data.customers.len(), 200);
        for invoice in &data.invoices {
            let lines: i64 = data.lines.iter().filter(|l| l.invoice_id == invoice.id).map(|l| l.amount_cents).sum();
            assert_eq!(lines, invoice.subtotal_cents, "invoice {}", invoice.number);
            assert_eq!(invoice.subtotal_cents + invoice.gst_cents + invoice.qst_cents, invoice.total_cents);
        }
        let billed: i64 = data.invoices.iter().map(|i| i.total_cents).sum();
        let paid: i64 = data.payments.iter().map(|p| p.amount_cents).sum();
        let credited: i64 = data.credit_notes.iter().map(|c| c.total_cents).sum();
        let balances: i64 = data.customers.iter().map(|c| c.balance_cents).sum();
        assert_eq!(billed - paid - credited, balances);
        assert!(balances > 0, "some customers owe money, for the receivables pages");
    }

    #[test]
    fn every_active_internet_subscription_has_its_devices() {
        let data = generate(Scale::Small, DEFAULT_SEED, day());
        let internet = data.subscriptions.iter().filter(|s| s.plan_id <= 4 && s.status != "cancelled");
        for subscription in internet {
            let devices = data.equipment.iter().filter(|e| e.subscription_id == Some(subscription.id)).count();
            assert_eq!(devices, 2, "an ONT and a router for subscription {}", subscription.id);
        }
    }
}

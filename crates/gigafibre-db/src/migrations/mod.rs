//! Versioned schema migrations. Each one runs in a transaction on PostgreSQL
//! and is recorded in `seaql_migrations`; a migration that has shipped is
//! never edited, a change is a new migration.

use sea_orm_migration::prelude::*;

mod m20261125_000001_customers;
mod m20261125_000002_catalogue;
mod m20261125_000003_field;
mod m20261125_000004_tickets;
mod m20261125_000005_billing;
mod m20261125_000006_platform;
mod m20261125_000007_portal_sign_in;
mod m20261125_000008_contact_preferences;
mod m20261125_000009_staff_links;
mod m20261125_000010_ticket_list;
mod m20261125_000011_staff_sso;
mod m20261125_000012_staff_identities;
mod m20261125_000013_billing_run;
mod m20261125_000014_payments;
mod m20261125_000015_saved_cards;
mod m20261125_000016_jobs;
mod m20261125_000017_dispatch_board;
mod m20261125_000018_technician_links;
mod m20261125_000019_collections;
mod m20261125_000021_job_site_records;
mod m20261125_000022_autopay_and_payment_links;
mod support;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_customers::Migration),
            Box::new(m20261125_000002_catalogue::Migration),
            Box::new(m20261125_000003_field::Migration),
            Box::new(m20261125_000004_tickets::Migration),
            Box::new(m20261125_000005_billing::Migration),
            Box::new(m20261125_000006_platform::Migration),
            Box::new(m20261125_000007_portal_sign_in::Migration),
            Box::new(m20261125_000008_contact_preferences::Migration),
            Box::new(m20261125_000009_staff_links::Migration),
            Box::new(m20261125_000010_ticket_list::Migration),
            Box::new(m20261125_000011_staff_sso::Migration),
            Box::new(m20261125_000012_staff_identities::Migration),
            Box::new(m20261125_000013_billing_run::Migration),
            Box::new(m20261125_000014_payments::Migration),
            Box::new(m20261125_000015_saved_cards::Migration),
            Box::new(m20261125_000016_jobs::Migration),
            Box::new(m20261125_000017_dispatch_board::Migration),
            Box::new(m20261125_000018_technician_links::Migration),
            Box::new(m20261125_000019_collections::Migration),
            Box::new(m20261125_000021_job_site_records::Migration),
            Box::new(m20261125_000022_autopay_and_payment_links::Migration),
        ]
    }
}

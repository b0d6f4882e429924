//! The `gigafibre` command line: one binary for the server and every
//! operator task.

mod autopay;
mod commands;
mod dunning;
pub mod tech;

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::demo::Scale;

pub use commands::run;

#[derive(Debug, Parser)]
#[command(
    name = "gigafibre",
    version,
    about = "Gigafibre FSM: customers, billing, tickets and field work for a fibre-internet provider"
)]
pub struct Cli {
    /// A TOML config file (default: ./gigafibre.toml when present).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the database if missing, load demo data if it is empty, and serve.
    Demo {
        /// How much demo data to load into an empty database.
        #[arg(long, value_enum, default_value = "small")]
        scale: Scale,
        #[arg(long, value_name = "ADDR")]
        bind: Option<SocketAddr>,
    },
    /// Serve the ops app, the tech app, the portal and the API.
    Serve {
        #[arg(long, value_name = "ADDR")]
        bind: Option<SocketAddr>,
    },
    /// Apply pending database migrations.
    Migrate,
    /// Inspect the configuration.
    Config {
        #[command(subcommand)]
        action: ConfigAction,
    },
    /// How many customers, subscriptions, invoices, payments, tickets, technicians and devices.
    Stats {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Generate demo data into an empty database, or as the legacy CSV export.
    Seed {
        #[arg(long, value_enum)]
        scale: Scale,
        /// Write the legacy system's CSV export into DIR instead of the database.
        #[arg(long, value_name = "DIR")]
        legacy_csv: Option<PathBuf>,
        /// The random seed: the same seed and date give the same data.
        #[arg(long, default_value_t = crate::demo::DEFAULT_SEED)]
        seed: u64,
        /// The day the data is as of (default: today in Québec).
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<chrono::NaiveDate>,
    },
    /// Import data from another system.
    Import {
        #[command(subcommand)]
        source: ImportSource,
    },
    /// Audit the data's integrity; exits non-zero on any violation.
    Check,
    /// Recurring invoicing.
    Billing {
        #[command(subcommand)]
        action: BillingAction,
    },
    /// Staff accounts and their one-time sign-in links.
    Staff {
        #[command(subcommand)]
        action: StaffAction,
    },
    /// The technicians, and sign-in links to the tech app.
    Tech {
        #[command(subcommand)]
        action: TechAction,
    },
    /// Measure a scenario beside a bare-bones program doing the same work.
    Bench {
        #[command(subcommand)]
        scenario: BenchScenario,
    },
    /// Copy a live SQLite database into FILE.
    Backup {
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
    },
    /// The e-mail and SMS outbox: what went out, what waits, what failed.
    Outbox {
        #[command(subcommand)]
        action: OutboxAction,
    },
}

#[derive(Debug, Subcommand)]
pub enum OutboxAction {
    /// The latest messages, newest first.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Only the messages in this state.
        #[arg(long, value_enum)]
        status: Option<crate::outbox::Status>,
        /// At most this many messages.
        #[arg(long, default_value_t = 50)]
        limit: u64,
    },
    /// One message: its headers and the text as the recipient reads it.
    Show { id: i64 },
    /// Queue a failed message again, due now.
    Retry { id: i64 },
}

#[derive(Debug, Subcommand)]
pub enum BillingAction {
    /// Invoice every subscription period begun by DATE and not yet billed,
    /// one invoice per customer and period; running it again adds nothing.
    Run {
        /// The day to bill up to (default: today in Québec).
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_run_date)]
        date: Option<chrono::NaiveDate>,
        /// Print what would be invoiced; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Print {"invoices_created", "lines", "total_cents"} as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Send the payment reminders due on DATE (each invoice gets each step
    /// once; `serve` does this every morning), with late fees if they are on.
    Dunning {
        /// The day to remind for (default: today in Québec).
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_run_date)]
        date: Option<chrono::NaiveDate>,
        /// Print what would be sent; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Print the reminders as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Charge the open invoices of customers on automatic payment to their
    /// saved card (`serve` does this every morning at 06:00); a re-run the
    /// same day charges nothing twice.
    Autopay {
        /// The day to charge for (default: today in Québec).
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_run_date)]
        date: Option<chrono::NaiveDate>,
        /// Print what would be charged; ask Stripe nothing, write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Print each charge and its outcome as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// A calendar date written `YYYY-MM-DD`, with a message that says so.
fn parse_run_date(text: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("{text:?} is not a date; write it as YYYY-MM-DD, e.g. 2026-12-01"))
}

#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Show every setting, where it came from, and what is missing.
    Check,
}

#[derive(Debug, Subcommand)]
pub enum StaffAction {
    /// Add a member of staff (or change their role).
    Add {
        email: String,
        /// agent, dispatcher, billing or admin.
        #[arg(long)]
        role: String,
        #[arg(long)]
        name: Option<String>,
    },
    /// Print a one-time sign-in link (10 minutes) for a member of staff.
    Link { email: String },
    /// Withdraw a member's access: sessions and links end at once.
    Deactivate { email: String },
}

#[derive(Debug, Subcommand)]
pub enum TechAction {
    /// Every technician: id, name, e-mail, phone, whether active.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Print a one-time link (2 hours to open) to the tech app for TECH's
    /// day, or for one job.
    Link {
        /// The technician: an id, an e-mail, a phone number or a name.
        tech: String,
        /// Only this job (one of TECH's).
        #[arg(long, value_name = "JOB")]
        job: Option<i64>,
        /// The day (default: today in Québec).
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = tech::parse_day, conflicts_with = "job")]
        day: Option<chrono::NaiveDate>,
        /// Also text the link to the technician's phone through the outbox.
        #[arg(long)]
        send: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum BenchScenario {
    /// The portal over loopback on the SQLite database DATABASE_URL names
    /// (seed it at full scale first): the dashboard against a bare-bones
    /// handler, and request-link for known and unknown identifiers.
    Portal {
        /// How long each load runs.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// The ops app on the SQLite database DATABASE_URL names (seed it at full
    /// scale first): search and list pages, one request at a time, beside
    /// bare-bones handlers doing the same reads.
    Ops {
        /// Requests per page measured.
        #[arg(long, default_value_t = 400)]
        requests: u64,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Auto-dispatch: the Solomon VRPTW instances against the best known
    /// (fewest vehicles, then distance), or a dispatch day on the demo's
    /// technicians. Every plan is checked by the feasibility checker.
    Dispatch {
        /// The folder of Solomon instances and best-known.tsv.
        #[arg(long, value_name = "DIR", required_unless_present = "isp_day", conflicts_with = "isp_day")]
        solomon: Option<PathBuf>,
        /// A day of the demo's technicians with a few hundred jobs instead.
        #[arg(long)]
        isp_day: bool,
        /// Search budget per instance (Solomon: 10 s; the dispatch day: 4 s).
        #[arg(long)]
        seconds: Option<f64>,
        /// Only these instances, comma-separated (C101,R201,…).
        #[arg(long, value_delimiter = ',')]
        instances: Vec<String>,
        /// Jobs in the dispatch day.
        #[arg(long, default_value_t = 250)]
        jobs: usize,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// The aging of receivables on the database DATABASE_URL names (SQLite or
    /// PostgreSQL, seeded at full scale): our grouped query and the whole
    /// page, beside one hand-written SQL statement through the plain driver.
    Aging {
        /// Times each is measured.
        #[arg(long, default_value_t = 50)]
        runs: u64,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// The monthly billing run over the full demo data in SQLite (seeded into
    /// a scratch file): our run beside a bare-bones rusqlite program writing
    /// the same rows, then the run again, which must add nothing.
    Billing {
        /// Also time it on this PostgreSQL server, in a scratch database.
        #[arg(long, value_name = "URL")]
        postgres: Option<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Write the demo data into SQLite: our seed writer against plain rusqlite.
    Seed {
        #[arg(long, value_enum, default_value = "full")]
        scale: Scale,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ImportSource {
    /// The legacy system's CSV export (see docs/legacy-import.md).
    Legacy {
        #[arg(long, value_name = "DIR")]
        from: PathBuf,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn a_bad_billing_date_says_how_to_write_one() {
        for bad in ["2026-02-30", "01/12/2026", "tomorrow"] {
            let error = Cli::try_parse_from(["gigafibre", "billing", "run", "--date", bad]).unwrap_err().to_string();
            assert!(error.contains("write it as YYYY-MM-DD"), "{error}");
        }
        let cli = Cli::try_parse_from(["gigafibre", "billing", "run", "--date", "2026-12-01", "--dry-run"]).unwrap();
        assert!(matches!(cli.command, Command::Billing { action: BillingAction::Run { dry_run: true, .. } }));
    }

    #[test]
    fn a_typo_in_a_command_suggests_the_right_one() {
        let error = Cli::try_parse_from(["gigafibre", "stat"]).unwrap_err().to_string();
        assert!(error.contains("stats"), "{error}");
    }
}

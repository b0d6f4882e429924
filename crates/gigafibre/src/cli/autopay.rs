//! `gigafibre billing autopay`: the day's automatic payments, by hand.

use std::process::ExitCode;

use chrono::NaiveDate;
use sea_orm::DatabaseConnection;

use crate::billing::autopay::{self, AttemptOutcome};
use crate::config::Config;

pub async fn autopay(
    db: &DatabaseConnection,
    config: &Config,
    date: NaiveDate,
    dry_run: bool,
    json: bool,
) -> anyhow::Result<ExitCode> {
    if !dry_run && !config.stripe.is_configured() {
        println!(
            "Card payments are not set up (GIGAFIBRE_STRIPE_SECRET_KEY and GIGAFIBRE_STRIPE_WEBHOOK_SECRET): nothing was charged."
        );
        return Ok(ExitCode::FAILURE);
    }
    let report = autopay::run(db, config, date, dry_run, chrono::Utc::now()).await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(ExitCode::SUCCESS);
    }
    for attempt in &report.attempts {
        let outcome = match attempt.outcome {
            AttemptOutcome::WouldCharge => "would charge",
            AttemptOutcome::Paid => "paid",
            AttemptOutcome::Processing => "awaiting Stripe",
            AttemptOutcome::Declined => "declined: customer told",
            AttemptOutcome::NoCard => "no saved card: customer told",
            AttemptOutcome::NoAnswer => "no answer from Stripe: run again to retry",
        };
        println!("{:<12} {:<12} {:>10}  {outcome}", attempt.account_number, attempt.invoice_number, attempt.amount);
    }
    if dry_run {
        println!(
            "Automatic payments for {date}: would charge {} invoices. Dry run: nothing was charged or written.",
            report.count(AttemptOutcome::WouldCharge)
        );
    } else {
        println!(
            "Automatic payments for {date}: {} paid ({}), {} declined, {} without a card, {} awaiting Stripe.",
            report.count(AttemptOutcome::Paid),
            report.paid(),
            report.count(AttemptOutcome::Declined),
            report.count(AttemptOutcome::NoCard),
            report.count(AttemptOutcome::Processing) + report.count(AttemptOutcome::NoAnswer)
        );
    }
    Ok(ExitCode::SUCCESS)
}

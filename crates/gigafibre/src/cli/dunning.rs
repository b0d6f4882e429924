//! `gigafibre billing dunning`: the day's payment reminders, by hand.

use std::process::ExitCode;

use chrono::NaiveDate;
use sea_orm::DatabaseConnection;

use crate::billing::dunning;
use crate::config::Config;

pub async fn dunning(
    db: &DatabaseConnection,
    config: &Config,
    date: NaiveDate,
    dry_run: bool,
    json: bool,
) -> anyhow::Result<ExitCode> {
    if config.collections.dunning.is_off() {
        println!("Reminders are off (GIGAFIBRE_DUNNING_DAYS=off): nothing to send.");
        return Ok(ExitCode::SUCCESS);
    }
    let report = dunning::run(db, config, date, dry_run, chrono::Utc::now()).await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(ExitCode::SUCCESS);
    }
    for notice in &report.notices {
        let kind = if notice.last { "final notice" } else { "reminder" };
        let channel = notice.channel.map_or("no e-mail or cell: not sent", |channel| channel.as_str());
        let fee = notice.fee_invoice.as_deref().map(|number| format!("  fee {} ({number})", notice.fee));
        let fee = fee.or_else(|| (notice.fee.cents() > 0).then(|| format!("  fee {}", notice.fee)));
        println!(
            "{:<12} {:<10} step {} {kind:<12} {:>10}  {channel}{}",
            notice.account_number,
            notice.invoice_number,
            notice.step,
            notice.balance,
            fee.unwrap_or_default()
        );
    }
    let verb = if dry_run { "would send" } else { "sent" };
    println!(
        "Reminders for {date}: {verb} {} reminders and {} final notices ({} late fees); {} customers have no e-mail or cell.",
        report.reminders(),
        report.final_notices(),
        report.fees(),
        report.unreachable()
    );
    if dry_run {
        println!("Dry run: nothing was written.");
    }
    Ok(ExitCode::SUCCESS)
}

//! What each command does: read the configuration, open the database, call
//! the feature, print the outcome.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use chrono::NaiveDate;
use sea_orm::DatabaseConnection;

use super::{
    BenchScenario, BillingAction, Cli, Command, ConfigAction, ImportSource, OutboxAction, StaffAction, TechAction,
};
use crate::config::{Config, LogFormat};
use crate::demo::{self, Scale};
use crate::stats::Stats;
use crate::{backup, bench, billing, db, integrity, legacy, outbox, web};

pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let mut config = Config::load(cli.config.as_deref())?;
    let serving = matches!(cli.command, Command::Serve { .. } | Command::Demo { .. });
    init_logging(&config, serving);
    match cli.command {
        Command::Demo { scale, bind } => {
            if let Some(bind) = bind {
                config.set_bind(bind);
            }
            let db = db::open(&config.database).await?;
            if Stats::count(&db).await?.customers == 0 {
                println!("Loading {} demo data into {} …", scale_name(scale), config.database);
                seed_database(&db, scale, demo::DEFAULT_SEED, today()).await?;
            }
            serve(config, db, true).await
        }
        Command::Serve { bind } => {
            if let Some(bind) = bind {
                config.set_bind(bind);
            }
            let db = db::open(&config.database).await?;
            serve(config, db, false).await
        }
        Command::Migrate => {
            let db = db::connect(&config.database).await?;
            db::migrate(&db).await?;
            println!("{} is up to date.", config.database);
            Ok(ExitCode::SUCCESS)
        }
        Command::Config { action: ConfigAction::Check } => {
            let (lines, problems) = config.report();
            for line in lines {
                println!("{line}");
            }
            for problem in &problems {
                println!("problem: {problem}");
            }
            if problems.is_empty() {
                println!("The configuration is complete.");
                Ok(ExitCode::SUCCESS)
            } else {
                Ok(ExitCode::FAILURE)
            }
        }
        Command::Stats { json } => {
            let db = db::open_existing(&config.database).await?;
            let stats = Stats::count(&db).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&stats)?);
            } else {
                for (name, count) in stats.rows() {
                    println!("{name:<14} {count:>9}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Seed { scale, legacy_csv, seed, as_of } => {
            let as_of = as_of.unwrap_or_else(today);
            match legacy_csv {
                Some(dir) => {
                    let started = Instant::now();
                    let data = demo::generate(scale, seed, as_of);
                    let files = legacy::export(&dir, &data).with_context(|| format!("writing {}", dir.display()))?;
                    println!(
                        "Wrote the legacy CSV export of {} demo data to {} ({} files) in {:.1} s.",
                        scale_name(scale),
                        dir.display(),
                        files,
                        started.elapsed().as_secs_f64()
                    );
                }
                None => {
                    let db = db::open(&config.database).await?;
                    seed_database(&db, scale, seed, as_of).await?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Import { source: ImportSource::Legacy { from } } => {
            let db = db::open(&config.database).await?;
            let started = Instant::now();
            let progress = indicatif::ProgressBar::new_spinner();
            progress.set_style(
                indicatif::ProgressStyle::with_template("{spinner} {msg:>20} {human_pos} rows ({per_sec})")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            progress.enable_steady_tick(std::time::Duration::from_millis(200));
            let report = legacy::import(&db, &from, &progress).await?;
            progress.finish_and_clear();
            for file in &report.files {
                println!("{:<22} {:>8} rows imported, {:>5} rejected", file.name, file.imported, file.rejected.len());
            }
            for rejection in report.rejections() {
                println!("rejected: {rejection}");
            }
            println!("Done in {:.1} s.", started.elapsed().as_secs_f64());
            Ok(if report.is_clean() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
        Command::Check => {
            let db = db::open_existing(&config.database).await?;
            let findings = integrity::audit(&db).await?;
            let mut failed = 0;
            for finding in &findings {
                if finding.passed() {
                    println!("ok    {}", finding.description);
                } else {
                    failed += 1;
                    println!(
                        "FAIL  {}: {} violations, e.g. {}",
                        finding.description,
                        finding.violations,
                        finding.examples.join(", ")
                    );
                }
            }
            if failed == 0 {
                println!("All {} checks passed.", findings.len());
                Ok(ExitCode::SUCCESS)
            } else {
                println!("{failed} of {} checks failed.", findings.len());
                Ok(ExitCode::FAILURE)
            }
        }
        Command::Billing { action: BillingAction::Run { date, dry_run, json } } => {
            let db = db::open_existing(&config.database).await?;
            billing_run(&db, date.unwrap_or_else(today), dry_run, json).await
        }
        Command::Billing { action: BillingAction::Autopay { date, dry_run, json } } => {
            let db = db::open_existing(&config.database).await?;
            super::autopay::autopay(&db, &config, date.unwrap_or_else(today), dry_run, json).await
        }
        Command::Billing { action: BillingAction::Dunning { date, dry_run, json } } => {
            let db = db::open_existing(&config.database).await?;
            super::dunning::dunning(&db, &config, date.unwrap_or_else(today), dry_run, json).await
        }
        Command::Bench { scenario: BenchScenario::Billing { postgres, json } } => {
            let as_of = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap_or_else(today);
            let figures = bench::billing(as_of, postgres.as_deref()).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&figures)?);
            } else {
                println!(
                    "billing run for {}: {} invoices, {} lines, {} total",
                    figures.run_date,
                    figures.invoices,
                    figures.lines,
                    crate::billing::money::Money::from_cents(figures.total_cents)
                );
                println!(
                    "bare-bones rusqlite  {:>8.3} s  (the same writes, one transaction)",
                    figures.bare_bones_seconds
                );
                println!("gigafibre, SQLite    {:>8.3} s", figures.sqlite_seconds);
                println!("ratio                {:>8.2} ×", figures.ratio);
                println!(
                    "run again, SQLite    {:>8.3} s  ({} invoices added)",
                    figures.sqlite_rerun_seconds, figures.sqlite_rerun_invoices
                );
                if let Some(pg) = &figures.postgres {
                    println!("gigafibre, PostgreSQL {:>7.3} s  ({} invoices)", pg.seconds, pg.invoices);
                    println!(
                        "run again, PostgreSQL {:>7.3} s  ({} invoices added)",
                        pg.rerun_seconds, pg.rerun_invoices
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench { scenario: BenchScenario::Seed { scale, json } } => {
            let figures = bench::seed(scale, demo::DEFAULT_SEED, today()).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&figures)?);
            } else {
                println!("rows written        {:>10}", figures.rows);
                println!("generate            {:>9.2} s", figures.generate_seconds);
                println!("bare-bones rusqlite {:>9.2} s", figures.bare_bones_seconds);
                println!("gigafibre seed      {:>9.2} s", figures.gigafibre_seconds);
                println!("ratio               {:>9.2} ×", figures.ratio);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Staff { action: StaffAction::Add { email, role, name } } => {
            let db = db::open(&config.database).await?;
            let member = crate::ops::staff::add(&db, &email, &role, name.as_deref(), chrono::Utc::now()).await?;
            println!(
                "{} ({}) is {}. Sign in with: gigafibre staff link {}",
                member.name, member.email, member.role, member.email
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Staff { action: StaffAction::Deactivate { email } } => {
            let db = db::open_existing(&config.database).await?;
            let txn = crate::db::begin_write(&db).await?;
            let member = crate::ops::staff::deactivate(&txn, &email, chrono::Utc::now()).await?;
            txn.commit().await?;
            println!("{} ({}) can no longer sign in; their sessions and links have ended.", member.name, member.email);
            Ok(ExitCode::SUCCESS)
        }
        Command::Staff { action: StaffAction::Link { email } } => {
            let db = db::open_existing(&config.database).await?;
            let token = crate::ops::staff::mint_link(&db, &email, chrono::Utc::now()).await?;
            let url = config.public_url.join(&format!("ops/auth?token={token}"))?;
            println!("{url}");
            println!("One use, within 10 minutes.");
            Ok(ExitCode::SUCCESS)
        }
        Command::Tech { action: TechAction::List { json } } => {
            let db = db::open_existing(&config.database).await?;
            let rows = super::tech::list(&db).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else {
                print!("{}", super::tech::table(&rows));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Tech { action: TechAction::Link { tech, job, day, send } } => {
            let db = db::open_existing(&config.database).await?;
            let found = super::tech::find(&db, &tech).await?;
            let issuer = crate::audit::Actor { kind: "system", id: None, label: "gigafibre tech link".into() };
            let request = crate::tech::links::Request {
                technician_id: found.id,
                job_id: job,
                day,
                issued_by: &issuer,
                send_sms: send,
            };
            let issued = crate::tech::links::issue(&db, &config.public_url, request, chrono::Utc::now()).await?;
            println!("{}", issued.url);
            let scope = job.map_or_else(|| format!("the day {}", issued.link.day), |job| format!("job {job}"));
            println!("For {} ({}), {scope}; one use, within 2 hours.", found.name, found.id);
            if issued.sms_queued {
                println!("Text message queued to {}.", found.phone.unwrap_or_default());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench { scenario: BenchScenario::Ops { requests, json } } => {
            let db = db::open_existing(&config.database).await?;
            let figures = bench::ops(db, config, requests).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&figures)?);
            } else {
                println!(
                    "{} requests per page, one at a time, over loopback ({} search terms)",
                    figures.requests_each, figures.search_terms
                );
                for page in &figures.pages {
                    let bare = page.bare.as_ref().map_or_else(String::new, |b| {
                        format!(
                            "  bare-bones p95 {:>6.2} ms  ratio {:>5.2} ×",
                            b.p95_ms,
                            page.p95_ratio.unwrap_or_default()
                        )
                    });
                    println!(
                        "{:<30} p50 {:>6.2} ms  p95 {:>6.2} ms  max {:>7.2} ms  ({} unexpected){bare}",
                        page.name, page.ours.p50_ms, page.ours.p95_ms, page.ours.max_ms, page.ours.unexpected
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench { scenario: BenchScenario::Aging { runs, json } } => {
            let db = db::open_existing(&config.database).await?;
            let figures = bench::aging_report(db, config, runs).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&figures)?);
            } else {
                println!(
                    "{}: {} invoices, {} open; {} runs each",
                    figures.engine, figures.invoices, figures.open_invoices, figures.ours.requests
                );
                let line = |name: &str, l: &bench::Latency| {
                    println!("{name:<34} p50 {:>7.2} ms  p95 {:>7.2} ms  max {:>7.2} ms", l.p50_ms, l.p95_ms, l.max_ms)
                };
                line("bare-bones: one SQL statement", &figures.bare);
                line("aging query (ours)", &figures.ours);
                println!("ratio (p95)                        {:>7.2} ×", figures.p95_ratio);
                line("the page /ops/receivables", &figures.page);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench { scenario: BenchScenario::Portal { seconds, json } } => {
            let db = db::open_existing(&config.database).await?;
            let figures = bench::portal(db, config, seconds).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&figures)?);
            } else {
                let line = |name: &str, load: &bench::Load| {
                    println!(
                        "{name:<28} {:>9.0} req/s  p50 {:>6.2} ms  p99 {:>6.2} ms  ({} requests, {} unexpected)",
                        load.per_second, load.p50_ms, load.p99_ms, load.requests, load.unexpected
                    )
                };
                println!("{} connections, {} s each, over loopback", figures.connections, figures.seconds);
                line("bare-bones: axum hello", &figures.bare_hello);
                line("bare-bones: 3 reads + HTML", &figures.bare_dashboard);
                line("portal dashboard (signed in)", &figures.dashboard);
                println!("dashboard ratio              {:>9.2} ×", figures.dashboard_ratio);
                line("request-link", &figures.request_link);
                println!(
                    "request-link median: known {:.2} ms, unknown {:.2} ms ({:.1} % apart)",
                    figures.known_median_ms, figures.unknown_median_ms, figures.known_unknown_gap_percent
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench { scenario: BenchScenario::Dispatch { solomon: Some(dir), seconds, instances, json, .. } } => {
            bench::solomon::report(&dir, &instances, seconds.unwrap_or(10.0), json)
        }
        Command::Bench { scenario: BenchScenario::Dispatch { solomon: None, seconds, jobs, json, .. } } => {
            bench::dispatch_day::report(jobs, seconds.unwrap_or(4.0), today(), json)
        }
        Command::Backup { to } => {
            let db = db::open_existing(&config.database).await?;
            let bytes = backup::backup(&db, &to).await?;
            println!("Backed up {} to {} ({:.1} MB).", config.database, to.display(), bytes as f64 / 1e6);
            Ok(ExitCode::SUCCESS)
        }
        Command::Outbox { action } => {
            let db = db::open_existing(&config.database).await?;
            match action {
                OutboxAction::List { json, status, limit } => {
                    let messages = outbox::list(&db, status, limit).await?;
                    if json {
                        println!("{}", outbox::report::json(&messages)?);
                    } else {
                        print!("{}", outbox::report::table(&messages, status));
                    }
                }
                OutboxAction::Show { id } => match outbox::find(&db, id).await? {
                    Some(message) => print!("{}", outbox::report::show(&message)),
                    None => anyhow::bail!("there is no outbox message {id}"),
                },
                OutboxAction::Retry { id } => {
                    outbox::retry(&db, id, chrono::Utc::now()).await?;
                    println!("Outbox message {id} is queued again.");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn seed_database(db: &DatabaseConnection, scale: Scale, seed: u64, as_of: NaiveDate) -> anyhow::Result<()> {
    let started = Instant::now();
    let data = demo::generate(scale, seed, as_of);
    let generated = started.elapsed();
    demo::write_dataset(db, &data, true).await?;
    let stats = Stats::count(db).await?;
    println!(
        "Seeded {} demo data in {:.1} s (generated in {:.1} s): {} customers, {} subscriptions, {} invoices, {} payments, {} tickets, {} technicians, {} devices.",
        scale_name(scale),
        started.elapsed().as_secs_f64(),
        generated.as_secs_f64(),
        stats.customers,
        stats.subscriptions,
        stats.invoices,
        stats.payments,
        stats.tickets,
        stats.technicians,
        stats.equipment
    );
    Ok(())
}

async fn billing_run(db: &DatabaseConnection, date: NaiveDate, dry_run: bool, json: bool) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let progress = if json { indicatif::ProgressBar::hidden() } else { indicatif::ProgressBar::new(0) };
    progress.set_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {human_pos}/{human_len} customers ({eta} left)")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    progress.set_message(if dry_run { "dry run" } else { "billing" });
    let report = billing::run::run(db, date, billing::run::Trigger::Manual, dry_run, &progress).await?;
    progress.finish_and_clear();
    if json {
        let counts = serde_json::json!({
            "invoices_created": report.invoices_created,
            "lines": report.lines,
            "total_cents": report.total.cents(),
        });
        println!("{}", serde_json::to_string_pretty(&counts)?);
    } else {
        if dry_run {
            for issued in &report.issued {
                println!(
                    "{:<12} {} – {}  {:>2} lines  {:>10}",
                    issued.account_number, issued.period_start, issued.period_end, issued.lines, issued.total
                );
            }
        }
        let verb = if dry_run { "would issue" } else { "issued" };
        println!(
            "Billing up to {date} {verb} {} invoices to {} customers ({} lines, {} before taxes, {} with GST and QST) in {:.2} s.",
            report.invoices_created,
            report.customers_billed,
            report.lines,
            report.subtotal,
            report.total,
            started.elapsed().as_secs_f64()
        );
        if dry_run {
            println!("Dry run: nothing was written.");
        }
    }
    for error in &report.errors {
        eprintln!("not billed: {error}");
    }
    Ok(if report.errors.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

async fn serve(mut config: Config, db: DatabaseConnection, demo: bool) -> anyhow::Result<ExitCode> {
    config.ensure_secret_key()?;
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .with_context(|| format!("cannot listen on {}", config.bind))?;
    let address = listener.local_addr()?;
    let url = format!("http://{address}/");
    if demo {
        println!();
        println!("  Gigafibre is running: open {url}");
        println!("  Demo data is in {}.", config.database);
        println!("  Customer portal: {url}portal — sign in as customer GF-100002 (or any demo e-mail or phone),");
        println!(
            "  then read the link and code it was sent with `gigafibre outbox list` (messages stay in the sandbox)."
        );
        match crate::ops::staff::mint_link(&db, crate::demo::ADMIN_EMAIL, chrono::Utc::now()).await {
            Ok(token) => {
                println!("  Staff area: {url}ops/auth?token={token}");
                println!("  (signs in {} once, within 10 minutes;", crate::demo::ADMIN_EMAIL);
                println!("  `gigafibre staff link agent@gigafibre.demo` prints another, for any demo staff e-mail).");
            }
            Err(_) => {
                println!("  Staff area: {url}ops — `gigafibre staff add you@example.ca --role admin`,");
                println!("  then `gigafibre staff link you@example.ca` prints a one-time sign-in link.");
            }
        }
        println!("  Health: {url}healthz · readiness: {url}readyz · metrics: {url}metrics");
        println!("  Press Ctrl-C to stop.");
        println!();
    }
    tracing::info!(%address, database = %config.database, "serving");
    let router = outbox::Router::from_config(&config)
        .map_err(|problem| anyhow::anyhow!("cannot set up outbound e-mail and SMS: {problem}"))?;
    tracing::info!(outbound = %router.describe(), "outbox providers");
    let outbox_worker = outbox::spawn_worker(db.clone(), std::sync::Arc::new(router), outbox::POLL_INTERVAL);
    let billing = config.billing_schedule == crate::config::BillingSchedule::Daily;
    if !billing {
        tracing::info!("billing schedule paused (GIGAFIBRE_BILLING_SCHEDULE=paused)");
    }
    let config = std::sync::Arc::new(config);
    let billing_scheduler = (billing || !config.collections.dunning.is_off() || config.stripe.is_configured())
        .then(|| billing::run::schedule::spawn(db.clone(), config.clone(), billing));
    let reminders = crate::dispatch::reminders::spawn(db.clone());
    let state = web::AppState { db, config, clock: std::sync::Arc::new(crate::clock::SystemClock) };
    web::serve(listener, state).await?;
    outbox_worker.stop().await;
    reminders.stop().await;
    if let Some(scheduler) = billing_scheduler {
        scheduler.stop().await;
    }
    Ok(ExitCode::SUCCESS)
}

fn init_logging(config: &Config, serving: bool) {
    let default = if serving { "info,sqlx=warn,sea_orm_migration=warn,tower_http=info" } else { "warn" };
    let filter = tracing_subscriber::EnvFilter::try_from_env("GIGAFIBRE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = match config.log_format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

fn today() -> NaiveDate {
    chrono::Utc::now().with_timezone(&chrono_tz::America::Toronto).date_naive()
}

fn scale_name(scale: Scale) -> &'static str {
    match scale {
        Scale::Small => "small",
        Scale::Full => "full-scale",
    }
}

//! `/ops/facturation/runs`: the latest billing runs, newest first — when,
//! for which day, started by hand or by the schedule, how it ended, what it
//! issued and what it could not bill.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use gigafibre_db::entities::billing_run;

use crate::billing::money::Money;
use crate::billing::run::record;
use crate::i18n::{Lang, Messages, local_date, local_time};
use crate::ops::frame::{Frame, Section};
use crate::ops::roles::{ReadBilling, Staff};
use crate::web::{AppState, PageError, RequestLang};

/// How many runs the page shows: two months of daily runs and the manual ones.
const SHOWN: u64 = 100;

pub struct Row {
    started: String,
    finished: Option<String>,
    run_date: String,
    trigger_key: &'static str,
    status_key: &'static str,
    /// The pill's colour.
    status_class: &'static str,
    customers: i64,
    invoices: i64,
    lines: i64,
    subtotal: String,
    total: String,
    errors: i64,
    error_lines: Vec<String>,
}

impl Row {
    fn of(run: billing_run::Model, lang: Lang) -> Row {
        let (status_key, status_class) = match run.status.as_str() {
            "finished" if run.errors == 0 => ("ops.billing.runs.status.finished", "active"),
            "finished" => ("ops.billing.runs.status.finished_with_errors", "high"),
            "failed" => ("ops.billing.runs.status.failed", "failed"),
            _ => ("ops.billing.runs.status.running", "inactive"),
        };
        Row {
            started: local_time(lang, run.started_at),
            finished: run.finished_at.map(|at| local_time(lang, at)),
            run_date: local_date(lang, run.run_date),
            trigger_key: if run.trigger == "schedule" {
                "ops.billing.runs.trigger.schedule"
            } else {
                "ops.billing.runs.trigger.manual"
            },
            status_key,
            status_class,
            customers: run.customers_billed,
            invoices: run.invoices_created,
            lines: run.lines,
            subtotal: Money::from_cents(run.subtotal_cents).format(lang),
            total: Money::from_cents(run.total_cents).format(lang),
            errors: run.errors,
            error_lines: run.error_detail.lines().filter(|l| !l.trim().is_empty()).map(str::to_owned).collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "ops/billing/templates/runs.html")]
struct RunsPage {
    m: Messages,
    current_path: String,
    frame: Frame,
    rows: Vec<Row>,
}

pub async fn page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<ReadBilling>,
) -> Result<Response, PageError> {
    let runs = record::latest(&state.db, SHOWN).await.map_err(|e| PageError::database(lang, e))?;
    let page = RunsPage {
        m: Messages::new(lang),
        current_path: super::RUNS_PATH.to_owned(),
        frame: Frame::new(&staff, Section::Billing),
        rows: runs.into_iter().map(|run| Row::of(run, lang)).collect(),
    };
    let html = page.render().map_err(|e| PageError::internal(lang, e))?;
    Ok(Html(html).into_response())
}

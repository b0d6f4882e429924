//! The front page: what the system holds and whether it is healthy.

use askama::Template;
use axum::extract::{OriginalUri, State};
use axum::response::{Html, IntoResponse, Response};

use super::{AppState, PageError, RequestLang};
use crate::i18n::Messages;
use crate::stats::Stats;

#[derive(Template)]
#[template(path = "web/templates/home.html")]
struct HomePage {
    m: Messages,
    current_path: String,
    stats: Stats,
    figures: Vec<(&'static str, u64)>,
}

pub async fn page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, PageError> {
    let stats = Stats::count(&state.db).await.map_err(|error| PageError::database(lang, error))?;
    let figures = stats.rows().iter().map(|(name, count)| (stat_key(name), *count)).collect();
    let page = HomePage { m: Messages::new(lang), current_path: uri.path().to_owned(), stats, figures };
    let html = page.render().map_err(|error| PageError::internal(lang, error))?;
    Ok(Html(html).into_response())
}

/// The catalogue key of a figure's label.
pub(crate) fn stat_key(name: &str) -> &'static str {
    match name {
        "customers" => "stats.customers",
        "subscriptions" => "stats.subscriptions",
        "invoices" => "stats.invoices",
        "payments" => "stats.payments",
        "tickets" => "stats.tickets",
        "technicians" => "stats.technicians",
        _ => "stats.equipment",
    }
}

//! Instant search from the top bar: customers by name, number, e-mail or
//! any phone written any way, addresses, devices by serial, barcode or MAC,
//! invoices by number. htmx asks for the list as the agent types; without
//! JavaScript the same address answers a whole page.

mod finder;
pub mod fold;
mod names;
mod probe;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

pub use finder::Hit;
pub use names::customers_named;

use super::frame::{Frame, Section};
use super::roles::{AnyRole, Staff};
use crate::i18n::Messages;
use crate::web::{AppState, PageError, RequestLang};

#[derive(Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

#[derive(Template)]
#[template(path = "ops/search/results.html")]
struct Results {
    m: Messages,
    q: String,
    hits: Vec<Hit>,
}

#[derive(Template)]
#[template(path = "ops/search/page.html")]
struct ResultsPage {
    m: Messages,
    current_path: String,
    frame: Frame,
    q: String,
    hits: Vec<Hit>,
}

pub async fn results(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<AnyRole>,
    headers: HeaderMap,
    Query(query): Query<SearchQuery>,
) -> Result<Response, PageError> {
    let q = query.q.trim().chars().take(100).collect::<String>();
    let hits = finder::find(&state.db, &probe::probe(&q), lang).await.map_err(|e| PageError::database(lang, e))?;
    let m = Messages::new(lang);
    let html = if headers.contains_key("hx-request") {
        Results { m, q, hits }.render()
    } else {
        let frame = Frame::new(&staff, Section::Dashboard);
        ResultsPage { m, current_path: "/ops/search".into(), frame, q, hits }.render()
    };
    Ok(Html(html.map_err(|e| PageError::internal(lang, e))?).into_response())
}

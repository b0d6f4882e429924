//! "Plan this day" and accepting its proposal, whole or in part.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use gigafibre_route::RoadEstimate;

use super::board::{BoardQuery, Notice, render};
use crate::dispatch::planning::{accept, propose};
use crate::i18n::Messages;
use crate::ops::roles::{Dispatch, Staff};
use crate::web::{AppState, PageError, RequestLang};

/// A posted form with possibly repeated fields, read by hand.
fn fields(body: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), v.trim().to_owned())).collect()
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or_default()
}

/// `POST /ops/dispatch/plan`: proposes a plan for the day and shows it.
pub async fn plan(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<Dispatch>,
    body: Bytes,
) -> Result<Response, PageError> {
    let form = fields(&body);
    staff.check_csrf(field(&form, "csrf"), lang)?;
    let Ok(day) = NaiveDate::parse_from_str(field(&form, "day"), "%Y-%m-%d") else {
        return Err(PageError::unreadable(lang, StatusCode::UNPROCESSABLE_ENTITY));
    };
    let travel = Arc::new(RoadEstimate::default());
    let outcome =
        propose::propose(&state.db, day, staff.member.id, travel, propose::settings(), state.clock.now()).await;
    match outcome {
        Ok(id) => {
            Ok(Redirect::to(&format!("/ops/dispatch?day={}&proposal={id}", day.format("%Y-%m-%d"))).into_response())
        }
        Err(propose::PlanError::Database(e)) => Err(PageError::database(lang, e)),
        Err(error) => {
            // The optimiser failed or its plan broke a rule: nothing is shown as a plan.
            tracing::error!(%error, "planning the day failed");
            let query = BoardQuery { day: Some(day.format("%Y-%m-%d").to_string()), ..BoardQuery::default() };
            let notice = Notice { ok: false, text: Messages::new(lang).t("ops.dispatch.plan_failed").to_owned() };
            render(&state, lang, &staff, &query, Some(notice), StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

/// `POST /ops/dispatch/proposals/{id}/accept`: the checked jobs (`job`,
/// repeated), or all of them (`all=1`).
pub async fn accept(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<Dispatch>,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, PageError> {
    let form = fields(&body);
    staff.check_csrf(field(&form, "csrf"), lang)?;
    let chosen: Vec<i64> = form.iter().filter(|(k, _)| k == "job").filter_map(|(_, v)| v.parse().ok()).collect();
    let only = (field(&form, "all") != "1").then_some(chosen.as_slice());
    let actor = crate::audit::Actor { kind: "staff", id: Some(staff.member.id), label: staff.member.email.clone() };
    let Some(done) = accept::accept(&state.db, &actor, id, only, state.clock.now())
        .await
        .map_err(|e| PageError::database(lang, e))?
    else {
        return Err(PageError::not_found(lang));
    };
    let day = accept::load(&state.db, id)
        .await
        .map_err(|e| PageError::database(lang, e))?
        .map(|(p, _)| p.day)
        .unwrap_or_default();
    let query = serde_urlencoded::to_string([
        ("day", day),
        ("proposal", id.to_string()),
        ("applied", done.applied.len().to_string()),
        ("stale", done.stale.len().to_string()),
        ("refused", done.refused.len().to_string()),
    ])
    .unwrap_or_default();
    Ok(Redirect::to(&format!("/ops/dispatch?{query}")).into_response())
}

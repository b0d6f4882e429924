//! What a dispatcher does to a job from its page: cancel it or mark it as
//! could not complete (each with a reason), or record its completion for
//! the technician. Each is a CSRF-protected POST carrying the job's version;
//! success leads back to the job (303), a refusal shows the page again with
//! the reason beside the form and nothing changed.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::detail::{Forms, job_id, render};
use crate::audit::Actor;
use crate::dispatch::completion::{self, Completion, Removal};
use crate::dispatch::error::JobError;
use crate::dispatch::store;
use crate::dispatch::transitions::{self, Request};
use crate::i18n::Lang;
use crate::ops::roles::{Dispatch, Staff};
use crate::web::{AppState, PageError, RequestLang};

fn actor(staff: &Staff<Dispatch>) -> Actor {
    Actor { kind: "staff", id: Some(staff.member.id), label: staff.member.email.clone() }
}

/// The version a form carried; an unreadable one never matches.
fn version(raw: &str) -> i32 {
    raw.trim().parse().unwrap_or(-1)
}

#[derive(Deserialize)]
pub struct ReasonForm {
    csrf: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    reason: String,
}

#[derive(Deserialize)]
pub struct CompleteForm {
    csrf: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    note: String,
    /// Serials, one a line.
    #[serde(default)]
    installed: String,
    #[serde(default)]
    removed_van: String,
    #[serde(default)]
    removed_defective: String,
    problem_remains: Option<String>,
}

/// Serials typed one a line (or separated by commas or spaces).
fn serials(typed: &str) -> Vec<String> {
    typed.split(|c: char| c == ',' || c.is_whitespace()).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

/// Which form a refusal shows beside.
#[derive(Clone, Copy)]
enum Which {
    Complete,
    Stop,
    Cancel,
}

async fn refuse(
    state: &AppState,
    lang: Lang,
    staff: &Staff<Dispatch>,
    id: i64,
    mut forms: Forms,
    which: Which,
    error: JobError,
) -> Result<Response, PageError> {
    if let JobError::Database(cause) = error {
        return Err(PageError::database(lang, cause));
    }
    let message = Some(error.message(lang));
    match which {
        Which::Complete => forms.complete_error = message,
        Which::Stop => forms.stop_error = message,
        Which::Cancel => forms.cancel_error = message,
    }
    render(state, lang, staff, id, forms, error.status()).await
}

async fn change(
    state: &AppState,
    lang: Lang,
    staff: Staff<Dispatch>,
    id: i64,
    form: ReasonForm,
    which: Which,
) -> Result<Response, PageError> {
    staff.check_csrf(&form.csrf, lang)?;
    let request = match which {
        Which::Stop => Request::NotCompleted { reason: form.reason.clone() },
        _ => Request::Cancel { reason: form.reason.clone() },
    };
    let locked = store::lock(&state.db, id).await.map_err(|e| PageError::database(lang, e))?;
    let locked = locked.ok_or_else(|| PageError::not_found(lang))?;
    let done =
        transitions::apply(&locked, request, Some(version(&form.version)), &actor(&staff), state.clock.now()).await;
    match done {
        Ok(_) => {
            locked.txn.commit().await.map_err(|e| PageError::database(lang, e))?;
            Ok(Redirect::to(&format!("/ops/jobs/{id}")).into_response())
        }
        Err(error) => {
            locked.txn.rollback().await.map_err(|e| PageError::database(lang, e))?;
            let forms = match which {
                Which::Stop => Forms { stop_reason: form.reason, ..Forms::default() },
                _ => Forms { cancel_reason: form.reason, ..Forms::default() },
            };
            refuse(state, lang, &staff, id, forms, which, error).await
        }
    }
}

pub async fn cancel(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<Dispatch>,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<ReasonForm>,
) -> Result<Response, PageError> {
    let id = job_id(lang, &id)?;
    change(&state, lang, staff, id, form, Which::Cancel).await
}

pub async fn not_completed(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<Dispatch>,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<ReasonForm>,
) -> Result<Response, PageError> {
    let id = job_id(lang, &id)?;
    change(&state, lang, staff, id, form, Which::Stop).await
}

pub async fn complete(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<Dispatch>,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<CompleteForm>,
) -> Result<Response, PageError> {
    let id = job_id(lang, &id)?;
    staff.check_csrf(&form.csrf, lang)?;
    let removal = |serial: String, defective: bool| Removal { serial, defective };
    let removed = serials(&form.removed_van)
        .into_iter()
        .map(|s| removal(s, false))
        .chain(serials(&form.removed_defective).into_iter().map(|s| removal(s, true)))
        .collect();
    let completion = Completion {
        note: form.note.clone(),
        installed: serials(&form.installed),
        removed,
        problem_remains: form.problem_remains.is_some(),
        version: Some(version(&form.version)),
    };
    let locked = store::lock(&state.db, id).await.map_err(|e| PageError::database(lang, e))?;
    let locked = locked.ok_or_else(|| PageError::not_found(lang))?;
    match completion::complete(&locked, completion, lang, &actor(&staff), state.clock.now()).await {
        Ok(_) => {
            locked.txn.commit().await.map_err(|e| PageError::database(lang, e))?;
            Ok(Redirect::to(&format!("/ops/jobs/{id}")).into_response())
        }
        Err(error) => {
            locked.txn.rollback().await.map_err(|e| PageError::database(lang, e))?;
            let forms = Forms {
                problem_remains: form.problem_remains.is_some(),
                note: form.note,
                installed: form.installed,
                removed_van: form.removed_van,
                removed_defective: form.removed_defective,
                ..Forms::default()
            };
            refuse(&state, lang, &staff, id, forms, Which::Complete, error).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serials_are_read_one_a_line_or_separated() {
        assert_eq!(serials("ZTEG01\r\n  ZTEG02, ZTEG03 \n\n"), vec!["ZTEG01", "ZTEG02", "ZTEG03"]);
        assert!(serials("  \n").is_empty());
    }
}

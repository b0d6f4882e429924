//! The endpoints of the records kept at a visit:
//! `PUT /api/v1/jobs/{id}/checklist/{index}`, `POST /api/v1/jobs/{id}/photos`
//! (the image as the raw body, with its `Content-Type`),
//! `GET /api/v1/jobs/{id}/photos/{photo_id}`, and
//! `POST`/`GET /api/v1/jobs/{id}/signature`.
//!
//! Writes take a technician within their link's scope or staff who manage
//! jobs, and an `Idempotency-Key`; reads take the technician in scope or
//! any member of staff. A job out of reach is not found.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gigafibre_db::entities::dispatch_job;
use sea_orm::EntityTrait;
use serde::Deserialize;

use super::error::SiteError;
use super::{checklist, photos, signature};
use crate::api::Problem;
use crate::dispatch::job_api::{Call, Caller, once};
use crate::i18n::Lang;
use crate::ops::roles::{AnyRole, Refused, Staff};
use crate::tech::current::{CurrentTechnician, NotSignedIn};
use crate::web::{AppState, RequestLang};

#[derive(Deserialize)]
struct TickBody {
    checked: bool,
}

fn json_of(lang: Lang, value: impl serde::Serialize) -> Result<serde_json::Value, Problem> {
    serde_json::to_value(value).map_err(|e| Problem::internal(lang, e))
}

/// `PUT /api/v1/jobs/{id}/checklist/{index}` with `{"checked": true}`.
pub async fn tick(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    caller: Caller,
    headers: HeaderMap,
    Path((id, index)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, Problem> {
    let path = format!("/api/v1/jobs/{id}/checklist/{index}");
    let (call, parsed): (Call, TickBody) =
        Call::with_json(lang, &state, caller, &headers, (&Method::PUT, &path), &id, &body)?;
    let index = index.parse::<usize>().map_err(|_| Problem::not_found(lang))?;
    let now = state.clock.now();
    once(&state, &call, StatusCode::OK, async |locked| {
        let item = (index, parsed.checked);
        let ticked = checklist::set(&locked.txn, &locked.job, item, lang, &call.actor(), now).await;
        json_of(lang, ticked.map_err(|e| e.problem(lang))?)
    })
    .await
}

/// `POST /api/v1/jobs/{id}/photos`: the image is the body.
pub async fn add_photo(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Problem> {
    let body = body.map_err(|rejection| match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => SiteError::PhotoTooLarge.problem(lang),
        _ => Problem::unreadable(lang),
    })?;
    let path = format!("/api/v1/jobs/{id}/photos");
    let call = Call::new(lang, &state, caller, &headers, (&Method::POST, &path), &id, &body)?;
    let declared = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let content_type = photos::check(declared, &body).map_err(|e| e.problem(lang))?;
    let now = state.clock.now();
    once(&state, &call, StatusCode::CREATED, async |locked| {
        let photo = (content_type, body.to_vec());
        let kept = photos::add(&locked.txn, &locked.job, photo, &call.actor(), now).await;
        json_of(lang, kept.map_err(|e| e.problem(lang))?)
    })
    .await
}

/// `POST /api/v1/jobs/{id}/signature` with `{"signer_name", "png_base64"}`.
pub async fn sign(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, Problem> {
    let path = format!("/api/v1/jobs/{id}/signature");
    let (call, parsed): (Call, signature::Signing) =
        Call::with_json(lang, &state, caller, &headers, (&Method::POST, &path), &id, &body)?;
    let checked = signature::check(&parsed).map_err(|e| e.problem(lang))?;
    let now = state.clock.now();
    once(&state, &call, StatusCode::OK, async |locked| {
        let signed = signature::record(&locked.txn, &locked.job, checked, &call.actor(), now).await;
        json_of(lang, signed.map_err(|e| e.problem(lang))?)
    })
    .await
}

/// Who reads: the technician whose link reaches the job, or any member of staff.
fn reader(
    lang: Lang,
    technician: Result<CurrentTechnician, NotSignedIn>,
    staff: Result<Staff<AnyRole>, Refused>,
) -> Result<Caller, Problem> {
    match (technician, staff) {
        (Ok(technician), _) => Ok(Caller::technician(&technician)),
        (_, Ok(staff)) => Ok(Caller::Staff(staff.member)),
        (_, Err(Refused::Forbidden(_))) => Err(Problem::forbidden(lang)),
        (_, Err(Refused::SignIn { .. })) => Err(Problem::unauthorized(lang)),
    }
}

/// The job's id, if the reader reaches the job.
async fn reachable(state: &AppState, lang: Lang, reader: &Caller, raw_id: &str) -> Result<i64, Problem> {
    let job_id = raw_id.parse::<i64>().map_err(|_| Problem::not_found(lang))?;
    let db_problem = |e| Problem::database(lang, e);
    let job = dispatch_job::Entity::find_by_id(job_id).one(&state.db).await.map_err(db_problem)?;
    let job = job.ok_or_else(|| Problem::not_found(lang))?;
    if reader.reaches(&state.db, &job).await.map_err(db_problem)? { Ok(job_id) } else { Err(Problem::not_found(lang)) }
}

/// An image as kept: never sniffed, never run, kept by the browser for the
/// signed-in reader only.
fn image(content_type: String, bytes: Vec<u8>) -> Response {
    let headers = [
        (header::CONTENT_TYPE, content_type),
        (header::CACHE_CONTROL, "private, max-age=86400".to_owned()),
        (header::CONTENT_SECURITY_POLICY, "default-src 'none'; sandbox".to_owned()),
    ];
    (headers, bytes).into_response()
}

/// `GET /api/v1/jobs/{id}/photos/{photo_id}`: the photo's bytes.
pub async fn photo(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    technician: Result<CurrentTechnician, NotSignedIn>,
    staff: Result<Staff<AnyRole>, Refused>,
    Path((id, photo_id)): Path<(String, String)>,
) -> Result<Response, Problem> {
    let reader = reader(lang, technician, staff)?;
    let job_id = reachable(&state, lang, &reader, &id).await?;
    let photo_id = photo_id.parse::<i64>().map_err(|_| Problem::not_found(lang))?;
    let found = photos::find(&state.db, job_id, photo_id).await.map_err(|e| Problem::database(lang, e))?;
    let found = found.ok_or_else(|| Problem::not_found(lang))?;
    Ok(image(found.content_type, found.bytes))
}

/// `GET /api/v1/jobs/{id}/signature`: the signature's PNG.
pub async fn signature_image(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    technician: Result<CurrentTechnician, NotSignedIn>,
    staff: Result<Staff<AnyRole>, Refused>,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let reader = reader(lang, technician, staff)?;
    let job_id = reachable(&state, lang, &reader, &id).await?;
    let found = signature::find(&state.db, job_id).await.map_err(|e| Problem::database(lang, e))?;
    let found = found.ok_or_else(|| Problem::not_found(lang))?;
    Ok(image("image/png".to_owned(), found.png))
}

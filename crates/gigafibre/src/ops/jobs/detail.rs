//! `/ops/jobs/{id}`: one job with everything a dispatcher needs, and (for
//! those who manage jobs) the forms that complete, stop or cancel it.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use gigafibre_db::entities::dispatch_job;
use sea_orm::EntityTrait;

use super::view::{self, JobView};
use crate::dispatch::onsite::records::{self, SiteRecords};
use crate::i18n::{Lang, Messages};
use crate::ops::frame::{Frame, Section};
use crate::ops::roles::{Allowed, AnyRole, Dispatch, Staff};
use crate::web::{AppState, PageError, RequestLang};

/// What the action forms hold: as typed after a refusal, empty otherwise.
#[derive(Default)]
pub struct Forms {
    pub note: String,
    pub installed: String,
    pub removed_van: String,
    pub removed_defective: String,
    pub problem_remains: bool,
    pub stop_reason: String,
    pub cancel_reason: String,
    pub complete_error: Option<String>,
    pub stop_error: Option<String>,
    pub cancel_error: Option<String>,
}

#[derive(Template)]
#[template(path = "ops/jobs/templates/detail.html")]
struct DetailPage {
    m: Messages,
    current_path: String,
    frame: Frame,
    job: JobView,
    site: SiteRecords,
    can_manage: bool,
    forms: Forms,
}

/// A job id from the URL; anything else is a missing job.
pub fn job_id(lang: Lang, raw: &str) -> Result<i64, PageError> {
    raw.parse::<i64>().map_err(|_| PageError::not_found(lang))
}

/// The whole page, with `forms` as they should show.
pub async fn render<R: Allowed>(
    state: &AppState,
    lang: Lang,
    staff: &Staff<R>,
    id: i64,
    forms: Forms,
    status: StatusCode,
) -> Result<Response, PageError> {
    let job = view::load(&state.db, lang, id).await.map_err(|e| PageError::database(lang, e))?;
    let job = job.ok_or_else(|| PageError::not_found(lang))?;
    let site = site_records(state, lang, id).await?;
    let page = DetailPage {
        m: Messages::new(lang),
        current_path: format!("/ops/jobs/{id}"),
        frame: Frame::new(staff, Section::Tickets),
        job,
        site,
        can_manage: Dispatch::admits(staff.role),
        forms,
    };
    let html = page.render().map_err(|e| PageError::internal(lang, e))?;
    Ok((status, Html(html)).into_response())
}

/// What the visit recorded: checklist, photos, signature.
async fn site_records(state: &AppState, lang: Lang, id: i64) -> Result<SiteRecords, PageError> {
    let db_error = |e| PageError::database(lang, e);
    let found = dispatch_job::Entity::find_by_id(id).one(&state.db).await.map_err(db_error)?;
    let found = found.ok_or_else(|| PageError::not_found(lang))?;
    records::load(&state.db, &found, lang).await.map_err(db_error)
}

pub async fn page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<AnyRole>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = job_id(lang, &id)?;
    render(&state, lang, &staff, id, Forms::default(), StatusCode::OK).await
}

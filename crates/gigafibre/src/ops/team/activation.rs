//! Activating and deactivating a technician. Either is asked twice: htmx
//! shows the question in the browser (`hx-confirm`) and sends `confirm=yes`;
//! a plain form post without it gets a page with the question and a button.
//! The server acts only on `confirm=yes`.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Redirect, Response};
use gigafibre_db::entities::{dispatch_job, technician};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter};
use serde::Deserialize;
use serde_json::json;

use super::edit::parse_id;
use super::roster;
use crate::audit::{self, Change};
use crate::i18n::{Lang, Messages};
use crate::ops::frame::{Frame, Section};
use crate::ops::roles::{ManageTeam, Staff};
use crate::web::{AppState, PageError, RequestLang};

/// Jobs still ahead of a technician: deactivating leaves them assigned.
const PLANNED: [&str; 3] = ["scheduled", "en_route", "on_site"];

async fn planned_jobs<C: ConnectionTrait>(conn: &C, technician_id: i64) -> Result<u64, DbErr> {
    dispatch_job::Entity::find()
        .filter(dispatch_job::Column::TechnicianId.eq(technician_id))
        .filter(dispatch_job::Column::Status.is_in(PLANNED))
        .count(conn)
        .await
}

/// The question asked before the change, and what to say of planned jobs.
fn question(lang: Lang, found: &technician::Model, jobs: u64) -> (String, Option<String>) {
    let m = Messages::new(lang);
    let key = if found.active { "ops.team.activation.ask_deactivate" } else { "ops.team.activation.ask_activate" };
    let asked = m.t(key).replace("{name}", &found.name);
    let jobs = (found.active && jobs > 0).then(|| {
        let key = if jobs == 1 { "ops.team.activation.jobs_one" } else { "ops.team.activation.jobs_many" };
        m.t(key).replace("{count}", &m.count(&jobs))
    });
    (asked, jobs)
}

/// The box on the technician's page that shows and flips the state.
pub struct Activation {
    pub(super) id: i64,
    pub(super) active: bool,
    pub(super) csrf: String,
    /// What the browser asks before sending (`hx-confirm`).
    pub(super) question: String,
    /// The catalogue key of what was just done.
    pub(super) done: Option<&'static str>,
}

impl Activation {
    pub async fn load<C: ConnectionTrait>(
        conn: &C,
        lang: Lang,
        csrf: &str,
        found: &technician::Model,
        done: Option<&'static str>,
    ) -> Result<Activation, DbErr> {
        let (asked, jobs) = question(lang, found, planned_jobs(conn, found.id).await?);
        let question = match jobs {
            Some(jobs) => format!("{asked}\n\n{jobs}"),
            None => asked,
        };
        Ok(Activation { id: found.id, active: found.active, csrf: csrf.to_owned(), question, done })
    }
}

#[derive(Template)]
#[template(path = "ops/team/templates/activation.html")]
struct ActivationFragment {
    m: Messages,
    activation: Activation,
}

#[derive(Template)]
#[template(path = "ops/team/templates/confirm.html")]
struct ConfirmPage {
    m: Messages,
    current_path: String,
    frame: Frame,
    id: i64,
    csrf: String,
    deactivate: bool,
    question: String,
    jobs: Option<String>,
}

#[derive(Deserialize)]
pub struct ActivationForm {
    csrf: String,
    /// The state asked for: `true` or `false`.
    active: String,
    confirm: Option<String>,
}

/// `POST /ops/equipe/{id}/activation`.
pub async fn change(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<ManageTeam>,
    headers: HeaderMap,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<ActivationForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id, lang)?;
    staff.check_csrf(&form.csrf, lang)?;
    let db_error = |e| PageError::database(lang, e);
    let wanted = form.active.trim() == "true";
    let Some((found, _)) = roster::technician(&state.db, id, false).await.map_err(db_error)? else {
        return Err(PageError::not_found(lang));
    };
    let htmx = headers.contains_key("hx-request");
    if found.active != wanted && form.confirm.as_deref() != Some("yes") {
        let (question, jobs) = question(lang, &found, planned_jobs(&state.db, id).await.map_err(db_error)?);
        let page = ConfirmPage {
            m: Messages::new(lang),
            current_path: format!("/ops/equipe/{id}"),
            frame: Frame::new(&staff, Section::Team),
            id,
            csrf: staff.csrf_token.clone(),
            deactivate: found.active,
            question,
            jobs,
        };
        return Ok(Html(page.render().map_err(|e| PageError::internal(lang, e))?).into_response());
    }
    let now = state.clock.now();
    let txn = crate::db::begin_write(&state.db).await.map_err(db_error)?;
    // Only a technician still in the other state changes: a second click does nothing.
    let flipped = technician::Entity::update_many()
        .col_expr(technician::Column::Active, wanted.into())
        .filter(technician::Column::Id.eq(id))
        .filter(technician::Column::Active.eq(!wanted))
        .exec(&txn)
        .await
        .map_err(db_error)?;
    if flipped.rows_affected == 1 {
        let change = Change {
            action: if wanted { "technician_activate" } else { "technician_deactivate" },
            entity: "technician",
            entity_id: Some(id),
            before: json!({ "active": !wanted }),
            after: json!({ "active": wanted }),
        };
        audit::record(&txn, &roster::actor(&staff), change, now).await.map_err(db_error)?;
    }
    txn.commit().await.map_err(db_error)?;
    let done = if wanted { "activated" } else { "deactivated" };
    if !htmx {
        return Ok(Redirect::to(&format!("/ops/equipe/{id}?done={done}")).into_response());
    }
    let found = technician::Model { active: wanted, ..found };
    let key = if wanted { "ops.team.activation.activated" } else { "ops.team.activation.deactivated" };
    let activation = Activation::load(&state.db, lang, &staff.csrf_token, &found, Some(key)).await.map_err(db_error)?;
    let fragment = ActivationFragment { m: Messages::new(lang), activation };
    Ok(Html(fragment.render().map_err(|e| PageError::internal(lang, e))?).into_response())
}

//! `/ops/tickets/{id}`: one ticket, its customer, the whole thread with the
//! internal notes, and (for those who work tickets) the forms that change it.
//! The same pieces render as htmx fragments after an action.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::store;
use super::views::{self, Controls, Summary, Thread};
use crate::i18n::{Lang, Messages};
use crate::ops::frame::{Frame, Section};
use crate::ops::jobs::view::JobLink;
use crate::ops::roles::{Allowed, AnyRole, Dispatch, Staff, WorkTickets};
use crate::web::{AppState, PageError, RequestLang};

#[derive(Template)]
#[template(path = "ops/tickets/templates/detail.html")]
struct DetailPage {
    m: Messages,
    current_path: String,
    frame: Frame,
    summary: Summary,
    controls: Controls,
    thread: Thread,
    jobs: Vec<JobLink>,
    can_create_job: bool,
}

#[derive(Template)]
#[template(path = "ops/tickets/templates/controls.html")]
struct ControlsFragment {
    m: Messages,
    controls: Controls,
    oob: bool,
}

#[derive(Template)]
#[template(path = "ops/tickets/templates/thread.html")]
struct ThreadFragment {
    m: Messages,
    thread: Thread,
}

/// A ticket id from the URL; anything else is a missing ticket.
pub fn ticket_id(lang: Lang, raw: &str) -> Result<i64, PageError> {
    raw.parse::<i64>().map_err(|_| PageError::not_found(lang))
}

/// Everything a ticket's page shows, ready to adjust and render whole or in
/// parts.
pub struct Screen {
    lang: Lang,
    frame: Frame,
    pub summary: Summary,
    pub controls: Controls,
    pub thread: Thread,
    jobs: Vec<JobLink>,
    can_create_job: bool,
}

impl Screen {
    pub async fn load<R: Allowed>(
        state: &AppState,
        lang: Lang,
        staff: &Staff<R>,
        id: i64,
    ) -> Result<Screen, PageError> {
        let db_error = |e| PageError::database(lang, e);
        let loaded = store::load(&state.db, id).await.map_err(db_error)?.ok_or_else(|| PageError::not_found(lang))?;
        let staff_rows = store::all_staff(&state.db).await.map_err(db_error)?;
        let messages = store::thread(&state.db, id).await.map_err(db_error)?;
        let can_work = WorkTickets::admits(staff.role);
        let jobs = crate::ops::jobs::view::for_ticket(&state.db, lang, id).await.map_err(db_error)?;
        let csrf = staff.csrf_token.as_str();
        Ok(Screen {
            lang,
            frame: Frame::new(staff, Section::Tickets),
            summary: views::summary(lang, &loaded),
            controls: views::controls(lang, &loaded, &staff_rows, csrf, can_work),
            thread: views::thread(lang, &loaded, &messages, &staff_rows, csrf, can_work),
            jobs,
            can_create_job: Dispatch::admits(staff.role),
        })
    }

    /// The whole page.
    pub fn page(self, status: StatusCode) -> Result<Response, PageError> {
        let lang = self.lang;
        let page = DetailPage {
            m: Messages::new(lang),
            current_path: format!("/ops/tickets/{}", self.summary.id),
            frame: self.frame,
            summary: self.summary,
            controls: self.controls,
            thread: self.thread,
            jobs: self.jobs,
            can_create_job: self.can_create_job,
        };
        let html = page.render().map_err(|e| PageError::internal(lang, e))?;
        Ok((status, Html(html)).into_response())
    }

    /// The controls panel, in place of the one on the page.
    pub fn controls(self, status: StatusCode) -> Result<Response, PageError> {
        let lang = self.lang;
        let html = render_controls(lang, self.controls, false)?;
        Ok((status, Html(html)).into_response())
    }

    /// The thread with its forms, and the controls panel out of band: an
    /// answer or a note moves the ticket's status or version.
    pub fn thread(self, status: StatusCode) -> Result<Response, PageError> {
        let lang = self.lang;
        let fragment = ThreadFragment { m: Messages::new(lang), thread: self.thread };
        let mut html = fragment.render().map_err(|e| PageError::internal(lang, e))?;
        html.push_str(&render_controls(lang, self.controls, true)?);
        Ok((status, Html(html)).into_response())
    }
}

fn render_controls(lang: Lang, controls: Controls, oob: bool) -> Result<String, PageError> {
    ControlsFragment { m: Messages::new(lang), controls, oob }.render().map_err(|e| PageError::internal(lang, e))
}

pub async fn page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<AnyRole>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = ticket_id(lang, &id)?;
    Screen::load(&state, lang, &staff, id).await?.page(StatusCode::OK)
}

//! The board for one day (or a week), and the change feed that keeps it
//! current: the feed answers 204 while the day is as the page drew it and
//! the fresh board otherwise. Everything comes from the database, so it
//! works the same behind several app instances.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use chrono::{Datelike, Days, NaiveDate};
use gigafibre_db::entities::dispatch_proposal_line;
use serde::Deserialize;

use super::view::{self, Axis, Filters, Left, Offer, PX_PER_MINUTE, Row, Waiting};
use super::week;
use crate::dispatch::planning::{accept, day};
use crate::i18n::{Lang, Messages, local_date};
use crate::ops::frame::{Frame, Section};
use crate::ops::roles::{Dispatch, Staff};
use crate::web::{AppState, PageError, RequestLang};

/// The board's address: day, view, proposal shown, filters.
#[derive(Debug, Default, Deserialize, Clone)]
pub struct BoardQuery {
    pub day: Option<String>,
    pub view: Option<String>,
    pub proposal: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub priority: Option<String>,
    pub skill: Option<String>,
    /// What accepting a proposal did: applied, stale, refused.
    pub applied: Option<String>,
    pub stale: Option<String>,
    pub refused: Option<String>,
    /// The change feed's last fingerprint.
    pub digest: Option<String>,
}

impl BoardQuery {
    pub fn day(&self, state: &AppState) -> NaiveDate {
        self.day
            .as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok())
            .unwrap_or_else(|| state.clock.now().with_timezone(&chrono_tz::America::Toronto).date_naive())
    }

    fn filters(&self) -> Filters {
        let text = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
        Filters {
            kind: text(&self.kind),
            priority: text(&self.priority),
            skill: self.skill.as_deref().and_then(|s| s.trim().parse().ok()),
        }
    }

    fn proposal(&self) -> Option<i64> {
        self.proposal.as_deref().and_then(|p| p.trim().parse().ok())
    }

    /// The query that draws the same board (without the feed's digest or
    /// what was just done).
    pub fn keep(&self, day: NaiveDate) -> String {
        let mut pairs = vec![("day", day.format("%Y-%m-%d").to_string())];
        let filters = self.filters();
        pairs.extend(self.proposal().map(|p| ("proposal", p.to_string())));
        pairs.extend(filters.kind.map(|k| ("type", k)));
        pairs.extend(filters.priority.map(|p| ("priority", p)));
        pairs.extend(filters.skill.map(|s| ("skill", s.to_string())));
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    }
}

/// A choice in a `<select>`.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// A sentence about what just happened.
pub struct Notice {
    pub ok: bool,
    pub text: String,
}

/// The proposal shown on the board.
pub struct ProposalView {
    pub id: i64,
    pub left: Vec<Left>,
    pub offers: Vec<Offer>,
}

/// The part of the page the change feed redraws.
pub struct Live {
    pub digest: String,
    pub feed: String,
    pub csrf: String,
    pub query: String,
    pub axis_width: i32,
    pub axis_start: i32,
    pub hours: Vec<(String, i32)>,
    pub ppm: i32,
    pub rows: Vec<Row>,
    pub waiting: Vec<Waiting>,
    pub proposal: Option<ProposalView>,
    pub map: String,
    pub day: String,
    /// The unassigned column's filters.
    pub kinds: Vec<Choice>,
    pub priorities: Vec<Choice>,
    pub skills: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "ops/dispatch/templates/board.html")]
struct BoardPage {
    m: Messages,
    current_path: String,
    frame: Frame,
    day: String,
    day_label: String,
    prev: String,
    next: String,
    week: String,
    tiles: String,
    attribution: String,
    notice: Option<Notice>,
    live: Live,
}

#[derive(Template)]
#[template(path = "ops/dispatch/templates/live.html")]
struct LiveFragment {
    m: Messages,
    live: Live,
}

/// The proposal's lines when it is for this day.
async fn proposal_lines(
    state: &AppState,
    lang: Lang,
    id: Option<i64>,
    day: NaiveDate,
) -> Result<Option<(i64, Vec<dispatch_proposal_line::Model>)>, PageError> {
    let Some(id) = id else { return Ok(None) };
    let found = accept::load(&state.db, id).await.map_err(|e| PageError::database(lang, e))?;
    Ok(found.filter(|(p, _)| p.day == day.format("%Y-%m-%d").to_string()).map(|(p, lines)| (p.id, lines)))
}

async fn live(
    state: &AppState,
    lang: Lang,
    csrf: &str,
    query: &BoardQuery,
    board: &day::Day,
) -> Result<Live, PageError> {
    let proposal = proposal_lines(state, lang, query.proposal(), board.day).await?;
    let lines = proposal.as_ref().map(|(_, lines)| lines.as_slice()).unwrap_or_default();
    let axis = Axis::of(board);
    let keep = query.keep(board.day);
    let m = Messages::new(lang);
    let filters = query.filters();
    let mut kinds: Vec<String> = board.unassigned().map(|j| j.model.job_type.clone()).collect();
    kinds.sort();
    kinds.dedup();
    Ok(Live {
        digest: view::digest(board, lines),
        feed: format!("/ops/dispatch/changes?{keep}"),
        csrf: csrf.to_owned(),
        query: keep,
        axis_width: axis.width(),
        axis_start: axis.start,
        hours: axis.hours.clone(),
        ppm: PX_PER_MINUTE,
        rows: view::rows(board, &axis, lang, lines),
        waiting: view::waiting(board, lang, &query.filters()),
        proposal: proposal.as_ref().map(|(id, lines)| {
            let (left, offers) = view::proposal_lists(board, lang, lines);
            ProposalView { id: *id, left, offers }
        }),
        map: view::map_data(board, lang, lines).to_string(),
        day: board.day.format("%Y-%m-%d").to_string(),
        kinds: kinds
            .into_iter()
            .map(|k| Choice { label: m.code(&k), selected: filters.kind.as_deref() == Some(k.as_str()), value: k })
            .collect(),
        priorities: ["urgent", "high", "normal", "low"]
            .into_iter()
            .map(|p| Choice { value: p.to_owned(), label: m.code(p), selected: filters.priority.as_deref() == Some(p) })
            .collect(),
        skills: board
            .skills
            .iter()
            .map(|s| Choice {
                value: s.id.to_string(),
                label: if lang == Lang::Fr { s.name_fr.clone() } else { s.name_en.clone() },
                selected: filters.skill == Some(s.id),
            })
            .collect(),
    })
}

/// `GET /ops/dispatch?day=YYYY-MM-DD[&view=week]`.
pub async fn page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<Dispatch>,
    Query(query): Query<BoardQuery>,
) -> Result<Response, PageError> {
    let day = query.day(&state);
    if query.view.as_deref() == Some("week") {
        return week::page(&state, lang, &staff, day).await;
    }
    let notice = accepted_notice(lang, &query);
    render(&state, lang, &staff, &query, notice, StatusCode::OK).await
}

/// The day's page with `notice`.
pub async fn render(
    state: &AppState,
    lang: Lang,
    staff: &Staff<Dispatch>,
    query: &BoardQuery,
    notice: Option<Notice>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let m = Messages::new(lang);
    let day = query.day(state);
    let board = day::load(&state.db, day).await.map_err(|e| PageError::database(lang, e))?;
    let live = live(state, lang, &staff.csrf_token, query, &board).await?;
    let link = |d: NaiveDate| format!("/ops/dispatch?day={}", d.format("%Y-%m-%d"));
    let page = BoardPage {
        m,
        current_path: format!("/ops/dispatch?{}", live.query),
        frame: Frame::new(staff, Section::Dispatch),
        day: day.format("%Y-%m-%d").to_string(),
        day_label: format!("{} {}", m.t(weekday_key(day)), local_date(lang, day)),
        prev: link(day.checked_sub_days(Days::new(1)).unwrap_or(day)),
        next: link(day.checked_add_days(Days::new(1)).unwrap_or(day)),
        week: format!("/ops/dispatch?view=week&day={}", day.format("%Y-%m-%d")),
        tiles: state.config.map_tiles.as_ref().map(|t| t.url.clone()).unwrap_or_default(),
        attribution: state.config.map_tiles.as_ref().map(|t| t.attribution.clone()).unwrap_or_default(),
        notice,
        live,
    };
    let html = page.render().map_err(|e| PageError::internal(lang, e))?;
    Ok((status, [(header::CACHE_CONTROL, "no-store")], Html(html)).into_response())
}

/// `GET /ops/dispatch/changes?day=…&digest=…`: 204 while nothing changed,
/// the board's live part otherwise.
pub async fn changes(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<Dispatch>,
    Query(query): Query<BoardQuery>,
) -> Result<Response, PageError> {
    let day = query.day(&state);
    let board = day::load(&state.db, day).await.map_err(|e| PageError::database(lang, e))?;
    let live = live(&state, lang, &staff.csrf_token, &query, &board).await?;
    if query.digest.as_deref() == Some(live.digest.as_str()) {
        return Ok((StatusCode::NO_CONTENT, [(header::CACHE_CONTROL, "no-store")]).into_response());
    }
    let html = LiveFragment { m: Messages::new(lang), live }.render().map_err(|e| PageError::internal(lang, e))?;
    Ok(([(header::CACHE_CONTROL, "no-store")], Html(html)).into_response())
}

/// "3 jobs placed; 1 changed meanwhile, left as it was."
fn accepted_notice(lang: Lang, query: &BoardQuery) -> Option<Notice> {
    let count = |v: &Option<String>| v.as_deref().and_then(|n| n.parse::<u64>().ok()).unwrap_or(0);
    query.applied.as_ref()?;
    let m = Messages::new(lang);
    let (applied, stale, refused) = (count(&query.applied), count(&query.stale), count(&query.refused));
    let mut text = m.t("ops.dispatch.accepted").replace("{count}", &m.count(&applied));
    if stale > 0 {
        text.push(' ');
        text.push_str(&m.t("ops.dispatch.accepted_stale").replace("{count}", &m.count(&stale)));
    }
    if refused > 0 {
        text.push(' ');
        text.push_str(&m.t("ops.dispatch.accepted_refused").replace("{count}", &m.count(&refused)));
    }
    Some(Notice { ok: stale == 0 && refused == 0, text })
}

pub fn weekday_key(day: NaiveDate) -> &'static str {
    match day.weekday() {
        chrono::Weekday::Mon => "ops.dispatch.mon",
        chrono::Weekday::Tue => "ops.dispatch.tue",
        chrono::Weekday::Wed => "ops.dispatch.wed",
        chrono::Weekday::Thu => "ops.dispatch.thu",
        chrono::Weekday::Fri => "ops.dispatch.fri",
        chrono::Weekday::Sat => "ops.dispatch.sat",
        chrono::Weekday::Sun => "ops.dispatch.sun",
    }
}

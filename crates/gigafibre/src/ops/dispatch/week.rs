//! The week view: a row per technician, a column per day from Monday, each
//! job a chip with its time; a day's heading opens that day's board.

use askama::Template;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use chrono::{Datelike, Days, NaiveDate};

use super::board::weekday_key;
use super::view::clock;
use crate::dispatch::planning::day;
use crate::i18n::{Lang, Messages, local_date};
use crate::ops::frame::{Frame, Section};
use crate::ops::roles::{Dispatch, Staff};
use crate::web::{AppState, PageError};

pub struct Chip {
    pub id: i64,
    pub time: String,
    pub kind: String,
    pub status: String,
}

pub struct WeekRow {
    pub name: String,
    pub days: Vec<Vec<Chip>>,
}

pub struct DayHead {
    pub href: String,
    pub label: String,
    pub waiting: usize,
}

#[derive(Template)]
#[template(path = "ops/dispatch/templates/week.html")]
struct WeekPage {
    m: Messages,
    current_path: String,
    frame: Frame,
    title: String,
    prev: String,
    next: String,
    day_view: String,
    heads: Vec<DayHead>,
    rows: Vec<WeekRow>,
}

pub async fn page(
    state: &AppState,
    lang: Lang,
    staff: &Staff<Dispatch>,
    day: NaiveDate,
) -> Result<Response, PageError> {
    let m = Messages::new(lang);
    let monday = day.checked_sub_days(Days::new(u64::from(day.weekday().num_days_from_monday()))).unwrap_or(day);
    let mut days = Vec::new();
    for offset in 0..7 {
        let date = monday.checked_add_days(Days::new(offset)).unwrap_or(monday);
        days.push(day::load(&state.db, date).await.map_err(|e| PageError::database(lang, e))?);
    }
    let heads = days
        .iter()
        .map(|d| DayHead {
            href: format!("/ops/dispatch?day={}", d.day.format("%Y-%m-%d")),
            label: format!("{} {}", m.t(weekday_key(d.day)), d.day.format("%d")),
            waiting: d.unassigned().filter(|j| j.model.window_start.is_some()).count(),
        })
        .collect();
    let rows = days
        .first()
        .map(|first| first.technicians.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|tech| WeekRow {
            name: tech.model.name.clone(),
            days: days
                .iter()
                .map(|d| {
                    d.jobs
                        .iter()
                        .filter(|j| j.model.technician_id == Some(tech.model.id))
                        .filter_map(|j| {
                            Some(Chip {
                                id: j.model.id,
                                time: clock(j.model.scheduled_start?),
                                kind: m.code(&j.model.job_type),
                                status: j.model.status.clone(),
                            })
                        })
                        .collect()
                })
                .collect(),
        })
        .collect();
    let sunday = monday.checked_add_days(Days::new(6)).unwrap_or(monday);
    let link = |d: NaiveDate| format!("/ops/dispatch?view=week&day={}", d.format("%Y-%m-%d"));
    let page = WeekPage {
        m,
        current_path: link(day),
        frame: Frame::new(staff, Section::Dispatch),
        title: m
            .t("ops.dispatch.week_of")
            .replace("{from}", &local_date(lang, monday))
            .replace("{to}", &local_date(lang, sunday)),
        prev: link(monday.checked_sub_days(Days::new(7)).unwrap_or(monday)),
        next: link(monday.checked_add_days(Days::new(7)).unwrap_or(monday)),
        day_view: format!("/ops/dispatch?day={}", day.format("%Y-%m-%d")),
        heads,
        rows,
    };
    let html = page.render().map_err(|e| PageError::internal(lang, e))?;
    Ok(([(header::CACHE_CONTROL, "no-store")], Html(html)).into_response())
}

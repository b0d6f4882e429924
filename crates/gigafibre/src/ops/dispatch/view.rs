//! How one day reads on the board: a time axis, a row per technician with
//! the jobs as blocks sized by duration, the jobs waiting, and the map's
//! markers and routes. Built from the loaded day; no I/O.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use chrono_tz::America::Toronto;
use gigafibre_db::entities::dispatch_proposal_line;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::dispatch::planning::day::{BoardJob, Day, Tech};
use crate::dispatch::planning::problem::Unplaced;
use crate::dispatch::planning::rules::Need;
use crate::i18n::{Lang, Messages};

/// Board pixels per minute of the day.
pub const PX_PER_MINUTE: i32 = 2;

/// Minutes after local midnight.
fn minute_of(day: &Day, at: DateTime<Utc>) -> i32 {
    let span = Day::span(day.day);
    ((at - span.start).num_minutes()).clamp(0, 24 * 60) as i32
}

/// `HH:MM` in Québec time.
pub fn clock(at: DateTime<Utc>) -> String {
    at.with_timezone(&Toronto).format("%H:%M").to_string()
}

/// `8 h 30` or `08:30`, as each language writes a time of day.
fn clock_in(lang: Lang, at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&Toronto);
    match lang {
        Lang::Fr => local.format("%-H h %M").to_string(),
        Lang::En => local.format("%H:%M").to_string(),
    }
}

/// The hours the board shows: from the earliest shift to the latest, whole hours.
pub struct Axis {
    pub start: i32,
    pub end: i32,
    pub hours: Vec<(String, i32)>,
}

impl Axis {
    pub fn of(day: &Day) -> Axis {
        let start = day.technicians.iter().map(|t| t.model.shift_start_minute).min().unwrap_or(8 * 60);
        let end = day.technicians.iter().map(|t| t.model.shift_end_minute).max().unwrap_or(17 * 60);
        let start = (start.min(8 * 60) / 60) * 60;
        let end = (end.max(17 * 60) + 59) / 60 * 60;
        let hours = (start / 60..end / 60).map(|h| (format!("{h}"), (h * 60 - start) * PX_PER_MINUTE)).collect();
        Axis { start, end, hours }
    }

    pub fn width(&self) -> i32 {
        (self.end - self.start) * PX_PER_MINUTE
    }

    fn left(&self, minute: i32) -> i32 {
        (minute - self.start).max(0) * PX_PER_MINUTE
    }
}

/// `1:2,4:1`: skill ids with levels, for the board's script and tests.
fn needs_attr(needs: &[Need]) -> String {
    needs.iter().map(|n| format!("{}:{}", n.skill_id, n.min_level)).collect::<Vec<_>>().join(",")
}

fn skills_attr(tech: &Tech) -> String {
    let mut held: Vec<_> = tech.skills.iter().collect();
    held.sort();
    held.iter().map(|(id, level)| format!("{id}:{level}")).collect::<Vec<_>>().join(",")
}

/// A job drawn on a technician's row.
pub struct Block {
    pub id: i64,
    pub left: i32,
    pub width: i32,
    pub start_minute: i32,
    pub end_minute: i32,
    pub kind: String,
    pub place: String,
    pub time: String,
    pub status: String,
    pub status_label: String,
    pub priority: String,
    pub version: i32,
    pub locked: bool,
    pub needs: String,
    pub movable: bool,
}

/// One technician's row.
pub struct Row {
    pub id: i64,
    pub name: String,
    pub shift: String,
    pub shift_left: i32,
    pub shift_width: i32,
    pub shift_start: i32,
    pub shift_end: i32,
    pub skills: String,
    pub blocks: Vec<Block>,
    pub proposed: Vec<Block>,
}

/// A job waiting for a technician.
pub struct Waiting {
    pub id: i64,
    pub kind: String,
    pub place: String,
    pub priority: String,
    pub priority_label: String,
    pub window: String,
    pub window_start: i32,
    pub window_end: i32,
    pub duration: i32,
    pub skills: String,
    pub needs: String,
    pub version: i32,
}

/// A job the proposal could not place, and why.
pub struct Left {
    pub id: i64,
    pub kind: String,
    pub reason: String,
}

/// A placed line of the proposal, for the accept form.
pub struct Offer {
    pub job_id: i64,
    pub text: String,
}

fn place_of(job: &BoardJob) -> String {
    job.location.as_ref().map(|l| l.municipality.clone()).unwrap_or_default()
}

fn block(day: &Day, axis: &Axis, m: &Messages, job: &BoardJob, start: DateTime<Utc>, end: DateTime<Utc>) -> Block {
    let (start_minute, end_minute) = (minute_of(day, start), minute_of(day, end));
    let model = &job.model;
    Block {
        id: model.id,
        left: axis.left(start_minute),
        width: ((end_minute - start_minute.max(axis.start)).max(15)) * PX_PER_MINUTE,
        start_minute,
        end_minute,
        kind: m.code(&model.job_type),
        place: place_of(job),
        time: format!("{}–{}", clock_in(m.lang, start), clock_in(m.lang, end)),
        status: model.status.clone(),
        status_label: m.code(&model.status),
        priority: model.priority.clone(),
        version: model.version,
        locked: model.locked,
        needs: needs_attr(&job.needs),
        movable: crate::dispatch::planning::rules::movable(&model.status),
    }
}

/// The technicians' rows, with the proposal's places drawn apart.
pub fn rows(day: &Day, axis: &Axis, lang: Lang, proposal: &[dispatch_proposal_line::Model]) -> Vec<Row> {
    let m = Messages::new(lang);
    let jobs: HashMap<i64, &BoardJob> = day.jobs.iter().map(|j| (j.model.id, j)).collect();
    day.technicians
        .iter()
        .map(|tech| {
            let model = &tech.model;
            let blocks = day
                .jobs
                .iter()
                .filter(|job| job.model.technician_id == Some(model.id))
                .filter_map(|job| {
                    let span = job.span()?;
                    Some(block(day, axis, &m, job, span.start, span.end))
                })
                .collect();
            let proposed = proposal
                .iter()
                .filter(|line| line.technician_id == Some(model.id) && line.applied_at.is_none())
                .filter_map(|line| {
                    let job = jobs.get(&line.job_id)?;
                    Some(block(day, axis, &m, job, line.scheduled_start?, line.scheduled_end?))
                })
                .collect();
            Row {
                id: model.id,
                name: model.name.clone(),
                shift: format!("{}–{}", hm(lang, model.shift_start_minute), hm(lang, model.shift_end_minute)),
                shift_left: axis.left(model.shift_start_minute),
                shift_width: (model.shift_end_minute - model.shift_start_minute.max(axis.start)).max(0) * PX_PER_MINUTE,
                shift_start: model.shift_start_minute,
                shift_end: model.shift_end_minute,
                skills: skills_attr(tech),
                blocks,
                proposed,
            }
        })
        .collect()
}

fn hm(lang: Lang, minute: i32) -> String {
    match lang {
        Lang::Fr => format!("{} h {:02}", minute / 60, minute % 60),
        Lang::En => format!("{:02}:{:02}", minute / 60, minute % 60),
    }
}

/// The unassigned column's filters.
#[derive(Debug, Default, Clone)]
pub struct Filters {
    pub kind: Option<String>,
    pub priority: Option<String>,
    pub skill: Option<i64>,
}

impl Filters {
    fn keeps(&self, job: &BoardJob) -> bool {
        self.kind.as_ref().is_none_or(|k| *k == job.model.job_type)
            && self.priority.as_ref().is_none_or(|p| *p == job.model.priority)
            && self.skill.is_none_or(|s| job.needs.iter().any(|n| n.skill_id == s))
    }
}

/// The jobs waiting that the filters keep, most urgent first.
pub fn waiting(day: &Day, lang: Lang, filters: &Filters) -> Vec<Waiting> {
    let m = Messages::new(lang);
    let rank = |p: &str| match p {
        "urgent" => 0,
        "high" => 1,
        "normal" => 2,
        _ => 3,
    };
    let mut found: Vec<&BoardJob> = day.unassigned().filter(|job| filters.keeps(job)).collect();
    found.sort_by_key(|job| (rank(&job.model.priority), job.model.window_start, job.model.id));
    found
        .into_iter()
        .map(|job| {
            let model = &job.model;
            let (window, window_start, window_end) = match (model.window_start, model.window_end) {
                (Some(s), Some(e)) => {
                    (format!("{}–{}", clock_in(lang, s), clock_in(lang, e)), minute_of(day, s), minute_of(day, e))
                }
                _ => (m.t("ops.dispatch.any_time").to_owned(), 0, 24 * 60),
            };
            let skills = job
                .needs
                .iter()
                .map(|n| {
                    let name = day.skills.iter().find(|s| s.id == n.skill_id).map_or_else(
                        || n.skill_id.to_string(),
                        |s| if lang == Lang::Fr { s.name_fr.clone() } else { s.name_en.clone() },
                    );
                    format!("{name} {}", n.min_level)
                })
                .collect::<Vec<_>>()
                .join(", ");
            Waiting {
                id: model.id,
                kind: m.code(&model.job_type),
                place: place_of(job),
                priority: model.priority.clone(),
                priority_label: m.code(&model.priority),
                window,
                window_start,
                window_end,
                duration: model.duration_minutes,
                skills,
                needs: needs_attr(&job.needs),
                version: model.version,
            }
        })
        .collect()
}

/// The proposal's jobs left out, and its places offered for acceptance.
pub fn proposal_lists(day: &Day, lang: Lang, lines: &[dispatch_proposal_line::Model]) -> (Vec<Left>, Vec<Offer>) {
    let m = Messages::new(lang);
    let jobs: HashMap<i64, &BoardJob> = day.jobs.iter().map(|j| (j.model.id, j)).collect();
    let kind = |id: i64| jobs.get(&id).map(|j| m.code(&j.model.job_type)).unwrap_or_default();
    let left = lines
        .iter()
        .filter_map(|line| {
            let reason = Unplaced::from_code(line.unplaced.as_deref()?)?;
            Some(Left { id: line.job_id, kind: kind(line.job_id), reason: m.t(reason.message_key()).to_owned() })
        })
        .collect();
    let offers = lines
        .iter()
        .filter(|line| line.applied_at.is_none())
        .filter_map(|line| {
            let tech = day.technician(line.technician_id?)?;
            let start = line.scheduled_start?;
            let text =
                format!("n° {} · {} → {} · {}", line.job_id, kind(line.job_id), tech.model.name, clock_in(lang, start));
            Some(Offer { job_id: line.job_id, text })
        })
        .collect();
    (left, offers)
}

/// The map's markers and routes, as the board's script reads them.
pub fn map_data(day: &Day, lang: Lang, proposal: &[dispatch_proposal_line::Model]) -> Value {
    let m = Messages::new(lang);
    let homes: Vec<Value> = day
        .technicians
        .iter()
        .map(|t| json!({ "name": t.model.name, "lat": t.model.home_base_latitude, "lon": t.model.home_base_longitude }))
        .collect();
    let jobs: Vec<Value> = day
        .jobs
        .iter()
        .filter_map(|job| {
            let (lon, lat) = job.place()?;
            Some(json!({
                "id": job.model.id,
                "lat": lat,
                "lon": lon,
                "status": job.model.status,
                "label": format!("n° {} · {} · {}", job.model.id, m.code(&job.model.job_type), m.code(&job.model.status)),
                "href": format!("/ops/jobs/{}", job.model.id),
            }))
        })
        .collect();
    let by_id: HashMap<i64, &BoardJob> = day.jobs.iter().map(|j| (j.model.id, j)).collect();
    let route = |tech: &Tech, stops: Vec<(DateTime<Utc>, i64)>, proposed: bool| {
        let mut stops = stops;
        stops.sort();
        let home = json!([tech.model.home_base_latitude, tech.model.home_base_longitude]);
        let mut points = vec![home.clone()];
        points.extend(stops.iter().filter_map(|(_, id)| by_id.get(id)?.place().map(|(lon, lat)| json!([lat, lon]))));
        points.push(home);
        (!stops.is_empty()).then(|| json!({ "technician": tech.model.name, "points": points, "proposed": proposed }))
    };
    let mut routes = Vec::new();
    for tech in &day.technicians {
        let current = day
            .jobs
            .iter()
            .filter(|j| j.model.technician_id == Some(tech.model.id))
            .filter_map(|j| Some((j.model.scheduled_start?, j.model.id)))
            .collect();
        routes.extend(route(tech, current, false));
        let planned = proposal
            .iter()
            .filter(|l| l.technician_id == Some(tech.model.id) && l.applied_at.is_none())
            .filter_map(|l| Some((l.scheduled_start?, l.job_id)))
            .collect();
        routes.extend(route(tech, planned, true));
    }
    json!({ "homes": homes, "jobs": jobs, "routes": routes })
}

/// A fingerprint of what the board shows: the change feed answers "nothing
/// new" while it is the same, whichever app instance drew the board.
pub fn digest(day: &Day, proposal: &[dispatch_proposal_line::Model]) -> String {
    let mut hasher = Sha256::new();
    for tech in &day.technicians {
        let t = &tech.model;
        hasher.update(format!("t{}|{}|{}|{};", t.id, t.name, t.shift_start_minute, t.shift_end_minute));
    }
    for job in &day.jobs {
        let j = &job.model;
        hasher.update(format!(
            "j{}|{}|{}|{:?}|{:?}|{:?}|{};",
            j.id, j.version, j.status, j.technician_id, j.scheduled_start, j.scheduled_end, j.locked
        ));
    }
    for line in proposal {
        hasher.update(format!("p{}|{:?};", line.id, line.applied_at));
    }
    hex::encode(&hasher.finalize()[..12])
}

//! The day as the route optimiser reads it, and its answer read back as
//! places on technicians' days. Pure: no I/O.
//!
//! Times are seconds after local midnight, distances metres. Jobs waiting
//! and jobs on a day the dispatcher did not pin may be (re)planned; pinned
//! jobs and jobs under way stay exactly where they are.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use gigafibre_route::{Break, Job, Objective, Plan, Point, Problem, Skill, Technician, UnassignedReason, Window};

use super::capacity;
use super::day::{BoardJob, Day, occupies};
use super::rules::{self, Span};

const HOUR: f64 = 3600.0;
const DAY: f64 = 24.0 * HOUR;

/// Why a job could not be placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unplaced {
    /// No technician on shift holds the skills at the levels asked.
    NoSkill,
    /// The technicians who could do it have no time left.
    NoTimeLeft,
    /// Nobody can reach it inside its window and be back by the end of the shift.
    WindowImpossible,
    /// Its address has no coordinates.
    NoAddress,
}

impl Unplaced {
    pub fn code(self) -> &'static str {
        match self {
            Unplaced::NoSkill => "no_skill",
            Unplaced::NoTimeLeft => "no_time_left",
            Unplaced::WindowImpossible => "window_impossible",
            Unplaced::NoAddress => "no_address",
        }
    }

    pub fn from_code(code: &str) -> Option<Unplaced> {
        [Unplaced::NoSkill, Unplaced::NoTimeLeft, Unplaced::WindowImpossible, Unplaced::NoAddress]
            .into_iter()
            .find(|u| u.code() == code)
    }

    /// The catalogue key of the sentence that explains it.
    pub fn message_key(self) -> &'static str {
        match self {
            Unplaced::NoSkill => "dispatch.unplaced.no_skill",
            Unplaced::NoTimeLeft => "dispatch.unplaced.no_time_left",
            Unplaced::WindowImpossible => "dispatch.unplaced.window_impossible",
            Unplaced::NoAddress => "dispatch.unplaced.no_address",
        }
    }
}

/// Where the plan puts one job, or why it could not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub job_id: i64,
    pub job_version: i32,
    pub placed: Result<(i64, Span), Unplaced>,
    /// Order on the technician's route.
    pub position: i32,
}

/// The optimiser's problem for a day, with the jobs it may move.
pub struct Setup {
    pub problem: Problem,
    /// Jobs the plan may place (waiting, or on a day but not pinned).
    pub movable: HashSet<i64>,
    /// Movable jobs the optimiser cannot be asked about.
    pub without_address: Vec<i64>,
    /// Movable jobs beyond what the day can hold, not offered to the optimiser.
    pub held_back: Vec<i64>,
}

/// Whether the planner may move this job.
pub fn is_movable(job: &BoardJob) -> bool {
    let model = &job.model;
    match model.technician_id {
        None => model.status == "unscheduled",
        Some(_) => model.status == "scheduled" && !model.locked,
    }
}

fn seconds(day: &Day, at: DateTime<Utc>) -> f64 {
    ((at - Day::span(day.day).start).num_seconds() as f64).clamp(0.0, DAY)
}

/// How much leaving the job out costs the plan. A job already booked on
/// the day ranks above an urgent one: its customer was told when to expect
/// the technician, and leaving it out would keep its old place in the way
/// of the new plan.
fn priority(job: &BoardJob) -> u8 {
    if job.model.technician_id.is_some() {
        return 4;
    }
    match job.model.priority.as_str() {
        "urgent" => 3,
        "high" => 2,
        "low" => 0,
        _ => 1,
    }
}

fn skills(needs: &[rules::Need]) -> Vec<Skill> {
    needs.iter().map(|need| Skill::new(&need.skill_id.to_string(), u8::try_from(need.min_level).unwrap_or(1))).collect()
}

/// The optimiser's problem for `day`.
pub fn setup(day: &Day) -> Setup {
    let technicians = day
        .technicians
        .iter()
        .map(|tech| {
            let home = Point { x: tech.model.home_base_longitude, y: tech.model.home_base_latitude };
            Technician {
                id: tech.model.id.to_string(),
                start: home,
                end: home,
                shift: Window::new(
                    f64::from(tech.model.shift_start_minute) * 60.0,
                    f64::from(tech.model.shift_end_minute) * 60.0,
                ),
                lunch: Some(Break { window: Window::new(11.5 * HOUR, 13.5 * HOUR), duration: 0.5 * HOUR }),
                skills: tech
                    .skills
                    .iter()
                    .map(|(id, level)| Skill::new(&id.to_string(), u8::try_from(*level).unwrap_or(1)))
                    .collect(),
                capacity: None,
            }
        })
        .collect();
    let mut movable = HashSet::new();
    let mut without_address = Vec::new();
    let mut jobs = Vec::new();
    for job in &day.jobs {
        let model = &job.model;
        let Some(place) = job.place().map(|(x, y)| Point { x, y }) else {
            if is_movable(job) {
                movable.insert(model.id);
                without_address.push(model.id);
            }
            continue;
        };
        let duration = f64::from(model.duration_minutes.max(0)) * 60.0;
        if is_movable(job) {
            movable.insert(model.id);
            let window = match (model.window_start, model.window_end) {
                (Some(start), Some(end)) => Window::new(seconds(day, start), seconds(day, end)),
                _ => Window::new(0.0, DAY),
            };
            jobs.push(Job {
                id: model.id.to_string(),
                place,
                duration,
                skills: skills(&job.needs),
                window,
                priority: priority(job),
                demand: 0,
                locked_to: None,
            });
        } else if let (Some(technician), Some(span), true) = (model.technician_id, job.span(), occupies(&model.status))
        {
            // Kept where it is: its technician, at its time.
            let start = seconds(day, span.start);
            jobs.push(Job {
                id: model.id.to_string(),
                place,
                duration,
                skills: Vec::new(),
                window: Window::new(start, start),
                priority: 3,
                demand: 0,
                locked_to: Some(technician.to_string()),
            });
        }
    }
    let mut problem = Problem { technicians, jobs, objective: Objective::Distance };
    let on_day: HashSet<i64> = day
        .jobs
        .iter()
        .filter(|job| job.model.technician_id.is_some() && movable.contains(&job.model.id))
        .map(|job| job.model.id)
        .collect();
    let held_back = capacity::hold_back(&mut problem, &movable, &on_day);
    Setup { problem, movable, without_address, held_back }
}

/// Reads the optimiser's `plan` back as lines for the movable jobs, each
/// place checked again against the board's rules beside the jobs that stay.
pub fn lines(day: &Day, setup: &Setup, plan: &Plan) -> Vec<Line> {
    let jobs: HashMap<i64, &BoardJob> = day.jobs.iter().map(|job| (job.model.id, job)).collect();
    let midnight = Day::span(day.day).start;
    let mut lines = Vec::new();
    for route in &plan.routes {
        let Ok(technician) = route.technician.parse::<i64>() else { continue };
        let mut position = 0;
        for stop in &route.stops {
            let gigafibre_route::StopKind::Job(id) = &stop.kind else { continue };
            let Some(job) = id.parse::<i64>().ok().and_then(|id| jobs.get(&id)) else { continue };
            if !setup.movable.contains(&job.model.id) {
                continue;
            }
            position += 1;
            // Whole minutes, rounded up: never before the optimiser's time.
            let start = midnight + Duration::minutes((stop.start / 60.0).ceil() as i64);
            let end = start + Duration::minutes(i64::from(job.model.duration_minutes));
            lines.push(Line {
                job_id: job.model.id,
                job_version: job.model.version,
                placed: Ok((technician, Span { start, end })),
                position,
            });
        }
    }
    for left in &plan.unassigned {
        let Some(job) = left.job.parse::<i64>().ok().and_then(|id| jobs.get(&id)) else { continue };
        if setup.movable.contains(&job.model.id) {
            let reason = match left.reason {
                UnassignedReason::NoSkill => Unplaced::NoSkill,
                UnassignedReason::WindowImpossible => Unplaced::WindowImpossible,
                UnassignedReason::NoTimeLeft => Unplaced::NoTimeLeft,
            };
            lines.push(Line { job_id: job.model.id, job_version: job.model.version, placed: Err(reason), position: 0 });
        }
    }
    let unplaced = setup.without_address.iter().map(|id| (id, Unplaced::NoAddress));
    let held_back = setup.held_back.iter().map(|id| (id, Unplaced::NoTimeLeft));
    for (id, reason) in unplaced.chain(held_back) {
        if let Some(job) = jobs.get(id) {
            lines.push(Line { job_id: *id, job_version: job.model.version, placed: Err(reason), position: 0 });
        }
    }
    recheck(day, &jobs, &mut lines);
    lines
}

/// Checks every placed line against the rules, beside the jobs that stay
/// where they are (pinned, under way, or planned jobs the plan left out);
/// a line that breaks one is left out for lack of time. Repeats until no
/// line changes, since a job left out keeps its old place.
fn recheck(day: &Day, jobs: &HashMap<i64, &BoardJob>, lines: &mut [Line]) {
    loop {
        let moving: HashSet<i64> = lines.iter().filter(|l| l.placed.is_ok()).map(|l| l.job_id).collect();
        let mut taken: HashMap<i64, Vec<(i64, Span)>> = HashMap::new();
        for job in day.jobs.iter().filter(|job| !moving.contains(&job.model.id) && occupies(&job.model.status)) {
            if let (Some(technician), Some(span)) = (job.model.technician_id, job.span()) {
                taken.entry(technician).or_default().push((job.model.id, span));
            }
        }
        let mut order: Vec<usize> = (0..lines.len()).filter(|i| lines[*i].placed.is_ok()).collect();
        order.sort_by_key(|i| lines[*i].placed.as_ref().map(|(_, span)| span.start).ok());
        let mut changed = false;
        for index in order {
            let Ok((technician, span)) = lines[index].placed else { continue };
            let (Some(job), Some(tech)) = (jobs.get(&lines[index].job_id), day.technician(technician)) else {
                continue;
            };
            let others = taken.entry(technician).or_default();
            match rules::check_place(&job.facts(), &tech.facts(day.day), span.start, others) {
                Ok(span) => others.push((job.model.id, span)),
                Err(_) => {
                    lines[index].placed = Err(Unplaced::NoTimeLeft);
                    changed = true;
                }
            }
        }
        if !changed {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use chrono::NaiveDate;
    use gigafibre_db::entities::{dispatch_job, service_location, technician};
    use gigafibre_route::{Route, Stop, StopKind, Unassigned};

    use super::*;
    use crate::dispatch::planning::day::Tech;
    use crate::dispatch::planning::rules::{Need, local_minute};

    fn date() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 15).unwrap()
    }

    fn tech(id: i64) -> Tech {
        let now = local_minute(date(), 0);
        let model = technician::Model {
            id,
            name: format!("Tech {id}"),
            email: None,
            phone: None,
            home_base_label: "Laval".into(),
            home_base_latitude: 45.6,
            home_base_longitude: -73.7,
            shift_start_minute: 8 * 60,
            shift_end_minute: 16 * 60,
            active: true,
            created_at: now,
        };
        Tech { model, skills: HashMap::from([(1, 3)]) }
    }

    fn job(id: i64, placed: Option<(i64, i32)>, locked: bool) -> BoardJob {
        let now = local_minute(date(), 0);
        let start = placed.map(|(_, minute)| local_minute(date(), minute));
        let model = dispatch_job::Model {
            id,
            ticket_id: None,
            customer_id: 1,
            service_location_id: 1,
            job_type: "repair".into(),
            duration_minutes: 60,
            priority: "normal".into(),
            status: if placed.is_some() { "scheduled" } else { "unscheduled" }.into(),
            technician_id: placed.map(|(t, _)| t),
            scheduled_start: start,
            scheduled_end: start.map(|s| s + Duration::minutes(60)),
            window_start: Some(local_minute(date(), 8 * 60)),
            window_end: Some(local_minute(date(), 12 * 60)),
            outcome_note: String::new(),
            outcome_reason: None,
            ticket_left_open: false,
            completed_at: None,
            reminded_for: None,
            created_at: now,
            updated_at: now,
            version: 2,
            locked,
        };
        let location = service_location::Model {
            id: 1,
            customer_id: 1,
            legacy_id: None,
            street: "1 rue Principale".into(),
            unit: None,
            municipality: "Laval".into(),
            province: "QC".into(),
            postal_code: "H7A 1A1".into(),
            latitude: Some(45.61),
            longitude: Some(-73.71),
            fibre_drop: None,
            olt_port: None,
            created_at: now,
        };
        BoardJob { model, needs: vec![Need { skill_id: 1, min_level: 2 }], location: Some(location) }
    }

    fn board(jobs: Vec<BoardJob>) -> Day {
        Day { day: date(), technicians: vec![tech(10)], jobs, skills: Vec::new() }
    }

    #[test]
    fn pinned_jobs_stay_put_and_the_others_may_move() {
        let day =
            board(vec![job(1, Some((10, 9 * 60)), true), job(2, None, false), job(3, Some((10, 11 * 60)), false)]);
        let setup = setup(&day);
        assert_eq!(setup.movable, HashSet::from([2, 3]));
        let pinned = setup.problem.jobs.iter().find(|j| j.id == "1").unwrap();
        assert_eq!(pinned.locked_to.as_deref(), Some("10"));
        assert_eq!((pinned.window.start, pinned.window.end), (9.0 * HOUR, 9.0 * HOUR));
        let waiting = setup.problem.jobs.iter().find(|j| j.id == "2").unwrap();
        assert_eq!((waiting.window.start, waiting.window.end), (8.0 * HOUR, 12.0 * HOUR));
        assert_eq!(waiting.skills, vec![Skill::new("1", 2)]);
    }

    fn stop(id: &str, start: f64) -> Stop {
        let place = Point { x: -73.71, y: 45.61 };
        Stop { kind: StopKind::Job(id.into()), place, arrival: start, start, departure: start + HOUR }
    }

    #[test]
    fn a_proposed_place_that_breaks_a_rule_is_left_out_for_lack_of_time() {
        let day = board(vec![job(1, Some((10, 9 * 60)), true), job(2, None, false), job(3, None, false)]);
        let setup = setup(&day);
        // An answer that puts job 3 over the pinned job: the recheck refuses it.
        let plan = Plan {
            routes: vec![Route {
                technician: "10".into(),
                departure: 8.0 * HOUR,
                stops: vec![stop("2", 8.0 * HOUR), stop("1", 9.0 * HOUR), stop("3", 9.5 * HOUR)],
                arrival: 11.0 * HOUR,
                distance: 0.0,
            }],
            unassigned: vec![Unassigned { job: "4".into(), reason: UnassignedReason::NoSkill }],
        };
        let lines = lines(&day, &setup, &plan);
        let of = |id: i64| lines.iter().find(|l| l.job_id == id).map(|l| l.placed);
        assert_eq!(
            of(2),
            Some(Ok((10, Span { start: local_minute(date(), 8 * 60), end: local_minute(date(), 9 * 60) })))
        );
        assert_eq!(of(3), Some(Err(Unplaced::NoTimeLeft)));
        assert_eq!(of(1), None, "the pinned job is not the plan's to move");
        assert!(lines.iter().all(|l| l.job_version == 2));
    }
}

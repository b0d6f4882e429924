//! `gigafibre bench dispatch --isp-day`: one working day of the demo's
//! technicians (home bases, shifts, skills with levels, a lunch break) and
//! a few hundred jobs at the demo's service locations, planned through the
//! auto-dispatch interface and checked.

use std::process::ExitCode;
use std::time::Instant;

use chrono::NaiveDate;
use gigafibre_route::{Break, Job, Objective, Plan, Point, Problem, RoadEstimate, Settings, Skill, Technician};
use gigafibre_route::{UnassignedReason, Window};
use rand::seq::IndexedRandom;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::demo::{self, Dataset, Scale};

/// What a job is, how long it takes, and the skill it needs, with how
/// often it comes up in a day.
const KINDS: &[(&str, f64, &str, u32)] = &[
    ("installation", 120.0, "ont_install", 10),
    ("repair", 60.0, "troubleshooting", 34),
    ("wifi", 45.0, "wifi", 16),
    ("equipment_swap", 45.0, "ont_install", 18),
    ("tv", 45.0, "tv", 7),
    ("phone", 45.0, "phone", 7),
    ("splice", 90.0, "fibre_splicing", 4),
    ("aerial", 90.0, "aerial", 4),
];

const HOUR: f64 = 3600.0;

/// The day's problem: the demo's active technicians and `jobs` jobs.
pub fn problem(data: &Dataset, jobs: usize) -> Problem {
    let skill_code = |id: i64| data.skills.iter().find(|s| s.id == id).map(|s| s.code.clone()).unwrap_or_default();
    let technicians: Vec<Technician> = data
        .technicians
        .iter()
        .filter(|t| t.active)
        .map(|t| {
            let home = Point { x: t.home_base_longitude, y: t.home_base_latitude };
            Technician {
                id: format!("tech-{}", t.id),
                start: home,
                end: home,
                shift: Window::new(f64::from(t.shift_start_minute) * 60.0, f64::from(t.shift_end_minute) * 60.0),
                lunch: Some(Break { window: Window::new(11.5 * HOUR, 13.5 * HOUR), duration: 0.5 * HOUR }),
                skills: data
                    .technician_skills
                    .iter()
                    .filter(|s| s.technician_id == t.id)
                    .map(|s| Skill::new(&skill_code(s.skill_id), u8::try_from(s.level).unwrap_or(1)))
                    .collect(),
                capacity: None,
            }
        })
        .collect();

    let mut rng = ChaCha8Rng::seed_from_u64(demo::DEFAULT_SEED ^ 0xd15a7c4);
    let places: Vec<Point> =
        data.locations.iter().filter_map(|l| Some(Point { x: l.longitude?, y: l.latitude? })).collect();
    let weights: u32 = KINDS.iter().map(|k| k.3).sum();
    let mut day = Vec::with_capacity(jobs);
    for index in 0..jobs {
        let mut roll = rng.random_range(0..weights);
        let kind = KINDS
            .iter()
            .find(|k| {
                let hit = roll < k.3;
                roll = roll.saturating_sub(k.3);
                hit
            })
            .unwrap_or(&KINDS[0]);
        let window = match rng.random_range(0..100) {
            0..45 => Window::new(8.0 * HOUR, 12.0 * HOUR),
            45..85 => Window::new(12.0 * HOUR, 17.0 * HOUR),
            _ => Window::new(8.0 * HOUR, 17.0 * HOUR),
        };
        let priority = match rng.random_range(0..100) {
            0..5 => 3,
            5..25 => 2,
            25..85 => 1,
            _ => 0,
        };
        let place = places.choose(&mut rng).copied().unwrap_or(Point { x: -73.8, y: 45.6 });
        let mut job = Job {
            id: format!("job-{}", index + 1),
            place,
            duration: kind.1 * 60.0,
            skills: vec![Skill::new(kind.2, rng.random_range(1..=3))],
            window,
            priority,
            demand: 0,
            locked_to: None,
        };
        // A few jobs a dispatcher already put on the nearest qualified technician.
        if rng.random_bool(0.03) {
            job.locked_to = technicians
                .iter()
                .filter(|t| t.qualifies_for(&job))
                .min_by(|a, b| distance(a.start, place).total_cmp(&distance(b.start, place)))
                .map(|t| t.id.clone());
        }
        day.push(job);
    }
    Problem { technicians, jobs: day, objective: Objective::Distance }
}

fn distance(a: Point, b: Point) -> f64 {
    (a.x - b.x).hypot(a.y - b.y)
}

#[derive(Debug, Serialize)]
pub struct DayFigures {
    pub technicians: usize,
    pub jobs: usize,
    pub no_skill: usize,
    pub window_impossible: usize,
    /// Placeable jobs the plan left out for lack of time.
    pub no_time_left: usize,
    /// Which ones.
    pub left: Vec<String>,
    pub placed: usize,
    pub routes: usize,
    pub distance_km: f64,
    /// Wall-clock time to plan (pre-check, travel matrix, search, check).
    pub seconds: f64,
    pub budget_seconds: f64,
    pub feasible: bool,
}

pub fn figures(problem: &Problem, plan: Option<&Plan>, seconds: f64, budget: f64) -> DayFigures {
    let count = |reason| plan.map_or(0, |p| p.unassigned.iter().filter(|u| u.reason == reason).count());
    DayFigures {
        technicians: problem.technicians.len(),
        jobs: problem.jobs.len(),
        no_skill: count(UnassignedReason::NoSkill),
        window_impossible: count(UnassignedReason::WindowImpossible),
        no_time_left: count(UnassignedReason::NoTimeLeft),
        left: plan.map_or_else(Vec::new, |p| {
            p.unassigned.iter().filter(|u| u.reason == UnassignedReason::NoTimeLeft).map(|u| u.job.clone()).collect()
        }),
        placed: plan.map_or(0, |p| p.routes.iter().map(|r| r.job_ids().count()).sum()),
        routes: plan.map_or(0, |p| p.routes.len()),
        distance_km: plan.map_or(0.0, |p| p.distance() / 1000.0),
        seconds,
        budget_seconds: budget,
        feasible: plan.is_some(),
    }
}

/// Plans the day on one thread within `seconds` and prints the figures.
pub fn report(jobs: usize, seconds: f64, as_of: NaiveDate, json: bool) -> anyhow::Result<ExitCode> {
    let data = demo::generate(Scale::Full, demo::DEFAULT_SEED, as_of);
    let problem = problem(&data, jobs);
    let settings = Settings { seconds, generations: None, threads: 1 };
    let started = Instant::now();
    let outcome = gigafibre_route::solve(&problem, &RoadEstimate::default(), &settings);
    let elapsed = started.elapsed().as_secs_f64();
    let figures = figures(&problem, outcome.as_ref().ok(), elapsed, seconds);
    if json {
        println!("{}", serde_json::to_string_pretty(&figures)?);
    } else {
        println!(
            "{} technicians on shift, {} jobs, search budget {seconds} s on one thread",
            figures.technicians, figures.jobs
        );
        println!(
            "set aside: {} without a qualified technician, {} with an impossible window",
            figures.no_skill, figures.window_impossible
        );
        println!(
            "placed {} on {} routes, {:.0} km; left for lack of time: {} {:?}",
            figures.placed, figures.routes, figures.distance_km, figures.no_time_left, figures.left
        );
        println!("planned and checked in {:.2} s", figures.seconds);
        if let Err(error) = &outcome {
            println!("{error}");
        }
    }
    Ok(if figures.feasible { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_day_is_the_same_every_time_and_needs_the_demo_skills() {
        let data = demo::generate(Scale::Small, demo::DEFAULT_SEED, NaiveDate::from_ymd_opt(2026, 11, 25).unwrap());
        let a = problem(&data, 40);
        let b = problem(&data, 40);
        assert_eq!(a, b);
        assert_eq!(a.jobs.len(), 40);
        assert!(a.technicians.iter().all(|t| t.lunch.is_some() && !t.skills.is_empty()));
        let known: Vec<&str> = data.skills.iter().map(|s| s.code.as_str()).collect();
        assert!(a.jobs.iter().all(|j| j.skills.iter().all(|s| known.contains(&s.name.as_str()))));
    }
}

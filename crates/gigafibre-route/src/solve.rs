//! Planning: set aside the jobs nobody can do (and say why), let `vrp-core`
//! place the rest, and check the result before returning it.

use std::sync::Arc;

use vrp_core::prelude::{DefaultRandom, Environment, GenericError, InsertionContext, Solver, VrpConfigBuilder};
use vrp_core::rosomaxa::evolution::TelemetryMode;
use vrp_core::rosomaxa::utils::{Parallelism, TimeQuota};

use crate::{
    Job, Objective, Plan, Problem, Technician, Travel, Unassigned, UnassignedReason, Violation, adapter, check,
};

/// How long and on how many threads to search.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Wall-clock budget for the search, seconds.
    pub seconds: f64,
    /// Stop earlier after this many generations.
    pub generations: Option<usize>,
    /// Worker threads (1 measures the solver on one core).
    pub threads: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Self { seconds: 5.0, generations: None, threads: 1 }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SolveError {
    #[error("the route optimiser failed: {0}")]
    Solver(String),
    #[error("the proposed plan breaks {} hard rule(s), first: {:?}", .0.len(), .0.first())]
    Infeasible(Vec<Violation>),
}

/// Why a job cannot be placed even on an empty day, if it cannot.
fn impossible(problem: &Problem, travel: &dyn Travel, job: &Job) -> Option<UnassignedReason> {
    let qualified: Vec<&Technician> = problem
        .technicians
        .iter()
        .filter(|t| t.qualifies_for(job) && job.locked_to.as_ref().is_none_or(|locked| *locked == t.id))
        .collect();
    if qualified.is_empty() {
        return Some(UnassignedReason::NoSkill);
    }
    let reachable = qualified.iter().any(|t| {
        let start = (t.shift.start + travel.leg(t.start, job.place).duration).max(job.window.start);
        let back = start + job.duration + travel.leg(job.place, t.end).duration;
        start <= job.window.end && back <= t.shift.end
    });
    (!reachable).then_some(UnassignedReason::WindowImpossible)
}

/// Proposes a plan for `problem`, checked by [`check`] before it is returned.
pub fn solve(problem: &Problem, travel: &dyn Travel, settings: &Settings) -> Result<Plan, SolveError> {
    let mut set_aside = Vec::new();
    let mut placeable = Vec::new();
    for (index, job) in problem.jobs.iter().enumerate() {
        match impossible(problem, travel, job) {
            Some(reason) => set_aside.push(Unassigned { job: job.id.clone(), reason }),
            None => placeable.push(index),
        }
    }

    let mut plan = if placeable.is_empty() {
        Plan { routes: Vec::new(), unassigned: Vec::new() }
    } else {
        let threads = settings.threads.max(1);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|error| SolveError::Solver(error.to_string()))?;
        let plan = pool.install(|| search(problem, travel, &placeable, settings, threads));
        plan.map_err(|error| SolveError::Solver(error.to_string()))?
    };
    plan.unassigned.extend(set_aside);
    check(problem, travel, &plan).map_err(SolveError::Infeasible)?;
    Ok(plan)
}

/// Shares of the budget, with fewest routes asked: a plain search first,
/// then packing from its best, then distance again from whichever is better.
const PLAIN_SHARE: f64 = 0.5;
const PACKING_SHARE: f64 = 0.25;

/// The search itself, run inside a thread pool of `threads`. With fewest
/// routes asked: a plain search (fewest routes, then distance); then a
/// packing search resumed from its best, which also empties the lightest
/// route; if packing removed a route, the rest of the budget resumes from
/// the packed solution, otherwise from the plain one (packing leaves a
/// lopsided solution whose distance is hard to recover).
fn search(
    problem: &Problem,
    travel: &dyn Travel,
    placeable: &[usize],
    settings: &Settings,
    threads: usize,
) -> Result<Plan, GenericError> {
    let model = adapter::build(problem, travel, placeable)?;
    if problem.objective != Objective::FewestRoutesThenDistance {
        let solution = run(model.packing, None, settings, threads)?;
        return Ok(adapter::plan_of(problem, travel, &solution));
    }
    let share = |part: f64| Settings { seconds: settings.seconds * part, ..*settings };
    let plain = model.plain();
    let first = run(plain.clone(), None, &share(PLAIN_SHARE), threads)?;
    let first_plan = adapter::plan_of(problem, travel, &first);
    let packed = run(model.packing.clone(), Some(adapter::copy(&first)), &share(PACKING_SHARE), threads)?;
    let packed_plan = adapter::plan_of(problem, travel, &packed);
    let rest = share(1.0 - PLAIN_SHARE - PACKING_SHARE);
    let fewer = packed_plan.unassigned.len() <= first_plan.unassigned.len()
        && packed_plan.routes.len() < first_plan.routes.len();
    if !fewer {
        // Packing did not pay: resume the plain search from its own plan.
        let solution = run(plain, Some(first), &rest, threads)?;
        return Ok(adapter::plan_of(problem, travel, &solution));
    }
    let solution = run(plain, Some(packed), &rest, threads)?;
    Ok(adapter::plan_of(problem, travel, &solution))
}

/// One run of the solver, fresh or resumed from `start`.
fn run(
    model: Arc<vrp_core::models::Problem>,
    start: Option<vrp_core::models::Solution>,
    settings: &Settings,
    threads: usize,
) -> Result<vrp_core::models::Solution, GenericError> {
    let Settings { seconds, generations, .. } = *settings;
    let environment = Arc::new(Environment::new(
        Arc::new(DefaultRandom::default()),
        Some(Arc::new(TimeQuota::new(seconds))),
        Parallelism::new_with_cpus(threads),
        Arc::new(|_: &str| {}),
        false,
    ));
    let mut config = VrpConfigBuilder::new(model.clone())
        .set_environment(environment.clone())
        .set_telemetry_mode(TelemetryMode::None)
        .prebuild()?
        .with_max_time(Some(seconds.ceil() as usize))
        .with_max_generations(generations);
    if let Some(solution) = start {
        let resumed = InsertionContext::new_from_solution(model.clone(), (solution, None), environment);
        config = config.with_init_solutions(vec![resumed], None);
    }
    Solver::new(model, config.build()?).solve()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Break, Euclidean, Objective, Point, Skill, StopKind, Window};

    fn technician(id: &str, x: f64, skills: Vec<Skill>) -> Technician {
        Technician {
            id: id.into(),
            start: Point { x, y: 0.0 },
            end: Point { x, y: 0.0 },
            shift: Window::new(480.0, 1020.0),
            lunch: Some(Break { window: Window::new(690.0, 780.0), duration: 30.0 }),
            skills,
            capacity: None,
        }
    }

    fn job(id: &str, x: f64, y: f64, skills: Vec<Skill>) -> Job {
        Job {
            id: id.into(),
            place: Point { x, y },
            duration: 60.0,
            skills,
            window: Window::new(480.0, 960.0),
            priority: 0,
            demand: 0,
            locked_to: None,
        }
    }

    #[test]
    fn a_small_day_is_planned_with_skills_locks_lunch_and_reasons() {
        let splicer = vec![Skill::new("splicing", 3)];
        let mut jobs: Vec<Job> =
            (0..6).map(|i| job(&format!("install-{i}"), f64::from(i) * 5.0, 10.0, Vec::new())).collect();
        jobs.push(job("splice", 20.0, 20.0, vec![Skill::new("splicing", 2)]));
        jobs.push(job("tower", 5.0, 5.0, vec![Skill::new("climbing", 1)]));
        let mut dawn = job("dawn", 400.0, 0.0, Vec::new());
        dawn.window = Window::new(0.0, 500.0);
        jobs.push(dawn);
        let mut locked = job("locked", 1.0, 1.0, Vec::new());
        locked.locked_to = Some("bea".into());
        jobs.push(locked);
        let problem = Problem {
            technicians: vec![technician("ana", 0.0, splicer), technician("bea", 30.0, Vec::new())],
            jobs,
            objective: Objective::Distance,
        };
        let settings = Settings { seconds: 2.0, generations: Some(30), threads: 1 };
        let plan = solve(&problem, &Euclidean, &settings).unwrap();

        let reason = |id: &str| plan.unassigned.iter().find(|u| u.job == id).map(|u| u.reason);
        assert_eq!(reason("tower"), Some(UnassignedReason::NoSkill));
        assert_eq!(reason("dawn"), Some(UnassignedReason::WindowImpossible));
        assert_eq!(plan.unassigned.len(), 2, "{:?}", plan.unassigned);
        let on = |technician: &str| {
            plan.routes
                .iter()
                .find(|r| r.technician == technician)
                .map(|r| r.job_ids().map(str::to_owned).collect::<Vec<_>>())
        };
        assert!(on("ana").unwrap().contains(&"splice".to_owned()));
        assert!(on("bea").unwrap().contains(&"locked".to_owned()));
        for route in &plan.routes {
            assert_eq!(route.stops.iter().filter(|stop| stop.kind == StopKind::Lunch).count(), 1);
        }
    }

    #[test]
    fn a_day_with_too_much_work_leaves_the_lowest_priority_out() {
        let mut jobs: Vec<Job> = (0..4)
            .map(|i| Job { duration: 150.0, ..job(&format!("long-{i}"), f64::from(i), 0.0, Vec::new()) })
            .collect();
        jobs[2].priority = 5;
        let mut one = technician("ana", 0.0, Vec::new());
        one.lunch = None;
        let problem = Problem { technicians: vec![one], jobs, objective: Objective::FewestRoutesThenDistance };
        let settings = Settings { seconds: 2.0, generations: Some(30), threads: 1 };
        let plan = solve(&problem, &Euclidean, &settings).unwrap();
        assert_eq!(plan.unassigned.len(), 1, "{:?}", plan.unassigned);
        assert_eq!(plan.unassigned[0].reason, UnassignedReason::NoTimeLeft);
        assert_ne!(plan.unassigned[0].job, "long-2");
    }
}

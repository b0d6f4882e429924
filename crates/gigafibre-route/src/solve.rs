//! Planning: set aside the jobs nobody can do (and say why), let `vrp-core`
//! place the rest, and check the result before returning it.

use std::sync::Arc;

use vrp_core::prelude::{DefaultRandom, Environment, GenericError, Solver, VrpConfigBuilder};
use vrp_core::rosomaxa::evolution::TelemetryMode;
use vrp_core::rosomaxa::utils::{Parallelism, TimeQuota};

use crate::{Job, Plan, Problem, Technician, Travel, Unassigned, UnassignedReason, Violation, adapter, check};

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
        pool.install(|| search(problem, travel, &placeable, settings, threads))
            .map_err(|error| SolveError::Solver(error.to_string()))?
    };
    plan.unassigned.extend(set_aside);
    check(problem, travel, &plan).map_err(SolveError::Infeasible)?;
    Ok(plan)
}

/// The search itself, run inside a thread pool of `threads`.
fn search(
    problem: &Problem,
    travel: &dyn Travel,
    placeable: &[usize],
    settings: &Settings,
    threads: usize,
) -> Result<Plan, GenericError> {
    let model = Arc::new(adapter::build(problem, travel, placeable)?);
    let environment = Arc::new(Environment::new(
        Arc::new(DefaultRandom::default()),
        Some(Arc::new(TimeQuota::new(settings.seconds))),
        Parallelism::new_with_cpus(threads),
        Arc::new(|_: &str| {}),
        false,
    ));
    let config = VrpConfigBuilder::new(model.clone())
        .set_environment(environment)
        .set_telemetry_mode(TelemetryMode::None)
        .prebuild()?
        .with_max_time(Some(settings.seconds.ceil() as usize))
        .with_max_generations(settings.generations)
        .build()?;
    let solution = Solver::new(model, config).solve()?;
    Ok(adapter::plan_of(problem, travel, &solution))
}

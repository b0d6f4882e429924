//! The feasibility checker: a plan against its problem, knowing nothing of
//! how the plan was found. Every plan [`crate::solve`] returns has passed it.

use std::collections::{HashMap, HashSet};

use crate::{Plan, Point, Problem, StopKind, Travel};

/// A hard rule a plan breaks.
#[derive(Debug, Clone, PartialEq)]
pub enum Violation {
    UnknownTechnician(String),
    TechnicianTwice(String),
    UnknownJob(String),
    /// Placed or left out more than once.
    JobTwice(String),
    /// Neither placed nor left out.
    JobMissing(String),
    MissingSkill { job: String, technician: String },
    /// A locked job on someone else's route.
    LockBroken { job: String, technician: String },
    /// Leaves before the shift starts or comes back after it ends.
    OutsideShift(String),
    /// Arrives sooner than the travel allows.
    TooFast { technician: String, stop: usize },
    /// Starts before arrival or before the window opens, or after it closes.
    OutsideWindow { technician: String, stop: usize },
    /// Leaves before the work (or break) is done.
    TooShort { technician: String, stop: usize },
    /// A day with work and no lunch, or two lunches, or a lunch for someone without one.
    Lunch(String),
    OverCapacity(String),
    /// The distance stated is not the distance travelled.
    WrongDistance(String),
}

/// Tolerance for comparing times and distances computed in floating point.
fn le(a: f64, b: f64) -> bool {
    a <= b + 1e-6 * (1.0 + b.abs())
}

/// Every violation of the problem's hard rules in `plan`; empty when it is feasible.
pub fn check(problem: &Problem, travel: &dyn Travel, plan: &Plan) -> Result<(), Vec<Violation>> {
    let mut found = Vec::new();
    let technicians: HashMap<&str, _> = problem.technicians.iter().map(|t| (t.id.as_str(), t)).collect();
    let jobs: HashMap<&str, _> = problem.jobs.iter().map(|j| (j.id.as_str(), j)).collect();

    let mut seen_jobs = HashSet::new();
    let mut seen_technicians = HashSet::new();
    let mut see = |id: &str, found: &mut Vec<Violation>| {
        if !jobs.contains_key(id) {
            found.push(Violation::UnknownJob(id.to_owned()));
        } else if !seen_jobs.insert(id.to_owned()) {
            found.push(Violation::JobTwice(id.to_owned()));
        }
    };

    for route in &plan.routes {
        let Some(technician) = technicians.get(route.technician.as_str()) else {
            found.push(Violation::UnknownTechnician(route.technician.clone()));
            continue;
        };
        let name = || route.technician.clone();
        if !seen_technicians.insert(route.technician.as_str()) {
            found.push(Violation::TechnicianTwice(name()));
        }
        if !le(technician.shift.start, route.departure) || !le(route.arrival, technician.shift.end) {
            found.push(Violation::OutsideShift(name()));
        }

        let mut here: Point = technician.start;
        let mut free_at = route.departure;
        let mut distance = 0.0;
        let mut load: u64 = 0;
        let mut lunches = 0;
        let mut has_work = false;
        for (index, stop) in route.stops.iter().enumerate() {
            let (place, window, duration) = match &stop.kind {
                StopKind::Job(id) => {
                    see(id, &mut found);
                    has_work = true;
                    let Some(job) = jobs.get(id.as_str()) else { continue };
                    if !technician.qualifies_for(job) {
                        found.push(Violation::MissingSkill { job: id.clone(), technician: name() });
                    }
                    if job.locked_to.as_ref().is_some_and(|locked| *locked != route.technician) {
                        found.push(Violation::LockBroken { job: id.clone(), technician: name() });
                    }
                    load += u64::from(job.demand);
                    (job.place, job.window, job.duration)
                }
                StopKind::Lunch => {
                    lunches += 1;
                    let Some(lunch) = technician.lunch else { continue };
                    (here, lunch.window, lunch.duration)
                }
            };
            let leg = travel.leg(here, place);
            distance += leg.distance;
            if !le(free_at + leg.duration, stop.arrival) {
                found.push(Violation::TooFast { technician: name(), stop: index });
            }
            if !le(stop.arrival, stop.start) || !le(window.start, stop.start) || !le(stop.start, window.end) {
                found.push(Violation::OutsideWindow { technician: name(), stop: index });
            }
            if !le(stop.start + duration, stop.departure) {
                found.push(Violation::TooShort { technician: name(), stop: index });
            }
            here = place;
            free_at = stop.departure;
        }
        let leg = travel.leg(here, technician.end);
        distance += leg.distance;
        if !le(free_at + leg.duration, route.arrival) {
            found.push(Violation::TooFast { technician: name(), stop: route.stops.len() });
        }
        let lunch_ok = match technician.lunch {
            Some(_) => lunches == usize::from(has_work),
            None => lunches == 0,
        };
        if !lunch_ok {
            found.push(Violation::Lunch(name()));
        }
        if technician.capacity.is_some_and(|capacity| load > u64::from(capacity)) {
            found.push(Violation::OverCapacity(name()));
        }
        if (distance - route.distance).abs() > 1e-6 * (1.0 + distance) {
            found.push(Violation::WrongDistance(name()));
        }
    }
    for unassigned in &plan.unassigned {
        see(&unassigned.job, &mut found);
    }
    for job in &problem.jobs {
        if !seen_jobs.contains(&job.id) {
            found.push(Violation::JobMissing(job.id.clone()));
        }
    }
    if found.is_empty() { Ok(()) } else { Err(found) }
}

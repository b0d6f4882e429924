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
    MissingSkill {
        job: String,
        technician: String,
    },
    /// A locked job on someone else's route.
    LockBroken {
        job: String,
        technician: String,
    },
    /// Leaves before the shift starts or comes back after it ends.
    OutsideShift(String),
    /// Arrives sooner than the travel allows.
    TooFast {
        technician: String,
        stop: usize,
    },
    /// Starts before arrival or before the window opens, or after it closes.
    OutsideWindow {
        technician: String,
        stop: usize,
    },
    /// Leaves before the work (or break) is done.
    TooShort {
        technician: String,
        stop: usize,
    },
    /// A day with work and no lunch, or two lunches, or a lunch for someone without one.
    Lunch(String),
    /// A job's stop somewhere else than the job's place.
    WrongPlace {
        job: String,
        technician: String,
    },
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
                    if stop.place != job.place {
                        found.push(Violation::WrongPlace { job: id.clone(), technician: name() });
                    }
                    load += u64::from(job.demand);
                    (job.place, job.window, job.duration)
                }
                StopKind::Lunch => {
                    lunches += 1;
                    let Some(lunch) = technician.lunch else { continue };
                    (stop.place, lunch.window, lunch.duration)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        Break, Euclidean, Job, Objective, Route, Skill, Stop, Technician, Unassigned, UnassignedReason, Window,
    };
    use proptest::prelude::*;

    fn technician(id: &str, skills: Vec<Skill>) -> Technician {
        Technician {
            id: id.into(),
            start: Point { x: 0.0, y: 0.0 },
            end: Point { x: 0.0, y: 0.0 },
            shift: Window::new(0.0, 10_000.0),
            lunch: None,
            skills,
            capacity: None,
        }
    }

    fn job(id: &str, x: f64, y: f64) -> Job {
        Job {
            id: id.into(),
            place: Point { x, y },
            duration: 10.0,
            skills: Vec::new(),
            window: Window::new(0.0, 10_000.0),
            priority: 0,
            demand: 0,
            locked_to: None,
        }
    }

    /// Visits `jobs` in order on `technician`'s route, leaving as early as possible.
    fn route(problem: &Problem, technician: &str, jobs: &[usize]) -> Route {
        let owner = problem.technicians.iter().find(|t| t.id == technician).unwrap();
        let (mut here, mut time, mut distance) = (owner.start, owner.shift.start, 0.0);
        let mut stops = Vec::new();
        for &index in jobs {
            let job = &problem.jobs[index];
            let leg = Euclidean.leg(here, job.place);
            distance += leg.distance;
            let arrival = time + leg.duration;
            let start = arrival.max(job.window.start);
            let kind = StopKind::Job(job.id.clone());
            stops.push(Stop { kind, place: job.place, arrival, start, departure: start + job.duration });
            time = start + job.duration;
            here = job.place;
        }
        let leg = Euclidean.leg(here, owner.end);
        Route {
            technician: technician.into(),
            departure: owner.shift.start,
            stops,
            arrival: time + leg.duration,
            distance: distance + leg.distance,
        }
    }

    fn two_jobs() -> Problem {
        Problem {
            technicians: vec![technician("ana", vec![Skill::new("fibre", 2)]), technician("bob", Vec::new())],
            jobs: vec![job("a", 3.0, 4.0), job("b", 6.0, 8.0)],
            objective: Objective::Distance,
        }
    }

    #[test]
    fn a_plan_that_keeps_every_rule_passes() {
        let problem = two_jobs();
        let plan = Plan { routes: vec![route(&problem, "ana", &[0, 1])], unassigned: Vec::new() };
        assert_eq!(check(&problem, &Euclidean, &plan), Ok(()));
        assert_eq!(plan.distance(), 20.0);
    }

    #[test]
    fn a_skill_below_the_level_asked_is_refused() {
        let mut problem = two_jobs();
        problem.jobs[0].skills = vec![Skill::new("fibre", 3)];
        let plan = Plan { routes: vec![route(&problem, "ana", &[0, 1])], unassigned: Vec::new() };
        let found = check(&problem, &Euclidean, &plan).unwrap_err();
        assert_eq!(found, vec![Violation::MissingSkill { job: "a".into(), technician: "ana".into() }]);
    }

    #[test]
    fn a_locked_job_on_someone_else_is_refused() {
        let mut problem = two_jobs();
        problem.jobs[1].locked_to = Some("bob".into());
        let plan = Plan { routes: vec![route(&problem, "ana", &[0, 1])], unassigned: Vec::new() };
        let found = check(&problem, &Euclidean, &plan).unwrap_err();
        assert_eq!(found, vec![Violation::LockBroken { job: "b".into(), technician: "ana".into() }]);
    }

    #[test]
    fn a_job_forgotten_or_placed_twice_is_refused() {
        let problem = two_jobs();
        let forgotten = Plan { routes: vec![route(&problem, "ana", &[0])], unassigned: Vec::new() };
        assert_eq!(check(&problem, &Euclidean, &forgotten).unwrap_err(), vec![Violation::JobMissing("b".into())]);
        let twice = Plan {
            routes: vec![route(&problem, "ana", &[0, 1])],
            unassigned: vec![Unassigned { job: "b".into(), reason: UnassignedReason::NoTimeLeft }],
        };
        assert_eq!(check(&problem, &Euclidean, &twice).unwrap_err(), vec![Violation::JobTwice("b".into())]);
    }

    #[test]
    fn a_late_start_a_late_return_and_a_missing_lunch_are_refused() {
        let mut problem = two_jobs();
        problem.jobs[1].window = Window::new(0.0, 5.0);
        problem.technicians[0].shift.end = 20.0;
        problem.technicians[0].lunch = Some(Break { window: Window::new(0.0, 100.0), duration: 30.0 });
        let plan = Plan { routes: vec![route(&problem, "ana", &[0, 1])], unassigned: Vec::new() };
        let found = check(&problem, &Euclidean, &plan).unwrap_err();
        assert!(found.contains(&Violation::OutsideShift("ana".into())), "{found:?}");
        assert!(found.contains(&Violation::OutsideWindow { technician: "ana".into(), stop: 1 }), "{found:?}");
        assert!(found.contains(&Violation::Lunch("ana".into())), "{found:?}");
    }

    #[test]
    fn a_lunch_is_taken_on_the_way_with_its_travel_counted() {
        let mut problem = two_jobs();
        problem.technicians[0].lunch = Some(Break { window: Window::new(10.0, 40.0), duration: 30.0 });
        let mut plan = Plan { routes: vec![route(&problem, "ana", &[0, 1])], unassigned: Vec::new() };
        // After job a (arrive 5, leave 15): lunch 15–45, then 5 to b, 10 there, 10 back.
        let at_a = Point { x: 3.0, y: 4.0 };
        let lunch = Stop { kind: StopKind::Lunch, place: at_a, arrival: 15.0, start: 15.0, departure: 45.0 };
        let trip = &mut plan.routes[0];
        trip.stops.insert(1, lunch);
        let at_b = Point { x: 6.0, y: 8.0 };
        trip.stops[2] =
            Stop { kind: StopKind::Job("b".into()), place: at_b, arrival: 50.0, start: 50.0, departure: 60.0 };
        trip.arrival = 70.0;
        assert_eq!(check(&problem, &Euclidean, &plan), Ok(()));
        let mut short = plan.clone();
        short.routes[0].stops[1].departure = 30.0;
        let found = check(&problem, &Euclidean, &short).unwrap_err();
        assert_eq!(found, vec![Violation::TooShort { technician: "ana".into(), stop: 1 }]);
        // Lunch at b's place: the drive to it comes before the lunch.
        let mut at_b_first = plan.clone();
        at_b_first.routes[0].stops[1] =
            Stop { kind: StopKind::Lunch, place: at_b, arrival: 20.0, start: 20.0, departure: 50.0 };
        assert_eq!(check(&problem, &Euclidean, &at_b_first), Ok(()));
        at_b_first.routes[0].stops[1].arrival = 16.0;
        let found = check(&problem, &Euclidean, &at_b_first).unwrap_err();
        assert_eq!(found, vec![Violation::TooFast { technician: "ana".into(), stop: 1 }]);
    }

    #[test]
    fn capacity_and_a_false_distance_are_refused() {
        let mut problem = two_jobs();
        problem.technicians[0].capacity = Some(5);
        problem.jobs[0].demand = 3;
        problem.jobs[1].demand = 3;
        let mut plan = Plan { routes: vec![route(&problem, "ana", &[0, 1])], unassigned: Vec::new() };
        plan.routes[0].distance -= 1.0;
        let found = check(&problem, &Euclidean, &plan).unwrap_err();
        assert_eq!(found, vec![Violation::OverCapacity("ana".into()), Violation::WrongDistance("ana".into())]);
    }

    fn any_problem() -> impl Strategy<Value = Problem> {
        prop::collection::vec((-50.0..50.0f64, -50.0..50.0f64, 0.0..200.0f64, 1.0..30.0f64), 1..8).prop_map(|rows| {
            let jobs = rows
                .iter()
                .enumerate()
                .map(|(index, &(x, y, open, duration))| Job {
                    window: Window::new(open, 10_000.0),
                    duration,
                    ..job(&format!("j{index}"), x, y)
                })
                .collect();
            Problem {
                technicians: vec![technician("ana", vec![Skill::new("fibre", 1)]), technician("bob", Vec::new())],
                jobs,
                objective: Objective::Distance,
            }
        })
    }

    proptest! {
        #[test]
        fn an_honest_schedule_passes_and_any_tampering_is_caught(problem in any_problem(), pick in 0usize..8, shift in 1.0..50.0f64) {
            let order: Vec<usize> = (0..problem.jobs.len()).collect();
            let plan = Plan { routes: vec![route(&problem, "ana", &order)], unassigned: Vec::new() };
            prop_assert_eq!(check(&problem, &Euclidean, &plan), Ok(()));
            let pick = pick % problem.jobs.len();

            let mut early = plan.clone();
            early.routes[0].stops[pick].arrival -= shift;
            early.routes[0].stops[pick].start -= shift;
            prop_assert!(check(&problem, &Euclidean, &early).is_err());

            let mut dropped = plan.clone();
            dropped.routes[0].stops.remove(pick);
            prop_assert!(check(&problem, &Euclidean, &dropped).is_err());

            let mut unqualified = plan.clone();
            unqualified.routes[0].technician = "bob".into();
            let mut needs_fibre = problem.clone();
            needs_fibre.jobs[pick].skills = vec![Skill::new("fibre", 1)];
            prop_assert_eq!(check(&needs_fibre, &Euclidean, &plan), Ok(()));
            prop_assert!(check(&needs_fibre, &Euclidean, &unqualified).is_err());

            let mut shortened = plan.clone();
            shortened.routes[0].stops[pick].departure -= shift.min(problem.jobs[pick].duration);
            prop_assert!(check(&problem, &Euclidean, &shortened).is_err());
        }
    }
}

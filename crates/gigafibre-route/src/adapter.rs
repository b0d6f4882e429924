//! Our problem in `vrp-core`'s terms, and its solution back in ours.
//!
//! Skill levels become skill names (`fibre#1`, `fibre#2`, … up to the
//! level held; a job asks for `fibre#N`), a lock becomes a skill only its
//! technician holds, and a lunch break becomes a job without a place that
//! only its technician can take, weighted far above any real job; the
//! solver fixes its place when it inserts it (the technician drives there,
//! then eats), and the plan keeps that place.

use std::collections::HashMap;
use std::sync::Arc;

use vrp_core::construction::features::{
    JobSkills, JobSkillsDimension, VehicleSkillsDimension, create_minimize_tours_feature, create_skills_feature,
};
use vrp_core::models::common::TimeWindow;
use vrp_core::models::problem::{JobIdDimension, Single, VehicleIdDimension};
use vrp_core::prelude::*;

use crate::{
    Leg, Objective, Plan, Point, Problem, Route, Stop, StopKind, Technician, Travel, Unassigned, UnassignedReason,
};

/// What `vrp-core` calls a job, by index into ours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Job(usize),
    Lunch(usize),
}

impl Key {
    fn encode(self) -> String {
        match self {
            Key::Job(index) => format!("j{index}"),
            Key::Lunch(index) => format!("l{index}"),
        }
    }

    fn decode(id: &str) -> Option<Self> {
        let (kind, index) = id.split_at_checked(1)?;
        let index = index.parse().ok()?;
        match kind {
            "j" => Some(Key::Job(index)),
            "l" => Some(Key::Lunch(index)),
            _ => None,
        }
    }
}

/// The distinct places of a problem, indexed, with the travel between them.
pub(crate) struct Places {
    index: HashMap<(u64, u64), usize>,
    points: Vec<Point>,
}

impl Places {
    pub(crate) fn of(problem: &Problem) -> Self {
        let mut places = Self { index: HashMap::new(), points: Vec::new() };
        for technician in &problem.technicians {
            places.add(technician.start);
            places.add(technician.end);
        }
        for job in &problem.jobs {
            places.add(job.place);
        }
        places
    }

    fn add(&mut self, point: Point) -> usize {
        *self.index.entry((point.x.to_bits(), point.y.to_bits())).or_insert_with(|| {
            self.points.push(point);
            self.points.len() - 1
        })
    }

    fn of_point(&self, point: Point) -> usize {
        self.index.get(&(point.x.to_bits(), point.y.to_bits())).copied().unwrap_or_default()
    }

    fn matrix(&self, travel: &dyn Travel) -> (Vec<f64>, Vec<f64>) {
        let legs: Vec<Leg> =
            self.points.iter().flat_map(|&from| self.points.iter().map(move |&to| travel.leg(from, to))).collect();
        (legs.iter().map(|leg| leg.duration).collect(), legs.iter().map(|leg| leg.distance).collect())
    }
}

const LUNCH_WEIGHT: f64 = 1e6;

fn technician_skills(index: usize, technician: &Technician) -> std::collections::HashSet<String> {
    technician
        .skills
        .iter()
        .flat_map(|skill| (1..=skill.level).map(move |level| format!("{}#{level}", skill.name)))
        .chain(std::iter::once(format!("tech#{index}")))
        .collect()
}

/// Builds the `vrp-core` problem for the jobs in `placeable` (indices into `problem.jobs`).
pub(crate) fn build(problem: &Problem, travel: &dyn Travel, placeable: &[usize]) -> GenericResult<Model> {
    let places = Places::of(problem);
    let (durations, distances) = places.matrix(travel);
    let transport: Arc<dyn TransportCost> = Arc::new(SimpleTransportCost::new(durations, distances)?);
    let technician_index: HashMap<&str, usize> =
        problem.technicians.iter().enumerate().map(|(index, t)| (t.id.as_str(), index)).collect();

    let mut jobs = Vec::new();
    for &index in placeable {
        let job = &problem.jobs[index];
        let mut required: Vec<String> =
            job.skills.iter().map(|skill| format!("{}#{}", skill.name, skill.level)).collect();
        if let Some(locked) = &job.locked_to {
            let technician = technician_index.get(locked.as_str()).copied().unwrap_or(usize::MAX);
            required.push(format!("tech#{technician}"));
        }
        let mut builder = SingleBuilder::default()
            .id(&Key::Job(index).encode())
            .location(places.of_point(job.place))?
            .duration(job.duration)?
            .times(vec![TimeWindow::new(job.window.start, job.window.end)])?
            .dimension(|dimens| {
                if !required.is_empty() {
                    dimens.set_job_skills(JobSkills::new(Some(required), None, None));
                }
            });
        if job.demand > 0 {
            builder = builder.demand(Demand::delivery(demand(job.demand)));
        }
        jobs.push(builder.build_as_job()?);
    }
    for (index, technician) in problem.technicians.iter().enumerate() {
        let Some(lunch) = technician.lunch else { continue };
        let place = vrp_core::models::problem::JobPlaceBuilder::default()
            .location(None)
            .duration(lunch.duration)
            .times(vec![TimeWindow::new(lunch.window.start, lunch.window.end)])
            .build()?;
        jobs.push(
            SingleBuilder::default()
                .id(&Key::Lunch(index).encode())
                .add_place(place)
                .dimension(|dimens| {
                    dimens.set_job_skills(JobSkills::new(Some(vec![format!("tech#{index}")]), None, None));
                })
                .build_as_job()?,
        );
    }

    let with_capacity = problem.technicians.iter().any(|t| t.capacity.is_some());
    let mut vehicles = Vec::new();
    for (index, technician) in problem.technicians.iter().enumerate() {
        let skills = technician_skills(index, technician);
        let mut builder = VehicleBuilder::default()
            .id(&technician.id)
            .add_detail(
                VehicleDetailBuilder::default()
                    .set_start_location(places.of_point(technician.start))
                    .set_start_time(technician.shift.start)
                    .set_end_location(places.of_point(technician.end))
                    .set_end_time(technician.shift.end)
                    .build()?,
            )
            .dimension(|dimens| {
                dimens.set_vehicle_skills(skills);
            });
        if with_capacity {
            builder = builder.capacity(SingleDimLoad::new(demand(technician.capacity.unwrap_or(u32::MAX))));
        }
        vehicles.push(builder.build()?);
    }

    let mut features = Vec::new();
    let priorities: Arc<Vec<u8>> = Arc::new(problem.jobs.iter().map(|job| job.priority).collect());
    features.push(
        MinimizeUnassignedBuilder::new("min-unassigned")
            .set_job_estimator(move |_, job| weight(job, &priorities))
            .build()?,
    );
    if problem.objective == Objective::FewestRoutesThenDistance {
        features.push(create_minimize_tours_feature("min-tours")?);
    }
    features.push(
        TransportFeatureBuilder::new("min-distance")
            .set_transport_cost(transport.clone())
            .set_time_constrained(true)
            .build_minimize_distance()?,
    );
    features.push(create_skills_feature("skills", ViolationCode(1))?);
    if with_capacity {
        features.push(CapacityFeatureBuilder::<SingleDimLoad>::new("capacity").build()?);
    }
    let plain = GoalContextBuilder::with_features(&features)?.build()?;
    let goal = if problem.objective == Objective::FewestRoutesThenDistance {
        features
            .insert(2, FeatureBuilder::default().with_name("emptiest-route").with_objective(EmptiestRoute).build()?);
        GoalContextBuilder::with_features(&features)?.build()?
    } else {
        plain.clone()
    };

    let model = ProblemBuilder::default()
        .add_jobs(jobs.into_iter())
        .add_vehicles(vehicles.into_iter())
        .with_goal(goal)
        .with_transport_cost(transport)
        .with_logger(Arc::new(|_: &str| {}))
        .build()?;
    Ok(Model { packing: Arc::new(model), plain: Arc::new(plain) })
}

/// The solver's problem, searched first with the packing goal, then with
/// the plain one (the same fleet and jobs, so a solution carries over).
pub(crate) struct Model {
    pub(crate) packing: Arc<vrp_core::models::Problem>,
    plain: Arc<GoalContext>,
}

impl Model {
    /// The same problem under the plain goal: fewest routes (if asked), then distance.
    pub(crate) fn plain(&self) -> Arc<vrp_core::models::Problem> {
        let packing = &self.packing;
        Arc::new(vrp_core::models::Problem {
            fleet: packing.fleet.clone(),
            jobs: packing.jobs.clone(),
            locks: packing.locks.clone(),
            goal: self.plain.clone(),
            activity: packing.activity.clone(),
            transport: packing.transport.clone(),
            extras: packing.extras.clone(),
        })
    }
}

/// A copy of a solution, to resume a search from it more than once.
pub(crate) fn copy(solution: &Solution) -> Solution {
    Solution {
        cost: solution.cost,
        registry: solution.registry.deep_copy(),
        routes: solution.routes.iter().map(vrp_core::models::solution::Route::deep_copy).collect(),
        unassigned: solution.unassigned.clone(),
        telemetry: None,
    }
}

/// Between fewest routes and distance while packing: the fewer jobs the
/// lightest route has, the better, so the search keeps emptying it until
/// it disappears; insertions into the lightest route cost one.
struct EmptiestRoute;

fn lightest(routes: &[vrp_core::construction::heuristics::RouteContext]) -> Option<usize> {
    routes.iter().map(|route| route.route().tour.job_count()).filter(|&count| count > 0).min()
}

impl FeatureObjective for EmptiestRoute {
    fn fitness(&self, solution: &InsertionContext) -> Cost {
        lightest(&solution.solution.routes).map_or(0.0, |count| count as Cost)
    }

    fn estimate(&self, move_ctx: &MoveContext<'_>) -> Cost {
        match move_ctx {
            MoveContext::Route { solution_ctx, route_ctx, .. } => {
                let count = route_ctx.route().tour.job_count();
                if count > 0 && Some(count) == lightest(&solution_ctx.routes) { 1.0 } else { 0.0 }
            }
            MoveContext::Activity { .. } => 0.0,
        }
    }
}

fn demand(units: u32) -> i32 {
    i32::try_from(units).unwrap_or(i32::MAX)
}

fn weight(job: &Job, priorities: &[u8]) -> f64 {
    let key = job.as_single().and_then(|single| single.dimens.get_job_id()).and_then(|id| Key::decode(id));
    match key {
        Some(Key::Lunch(_)) => LUNCH_WEIGHT,
        Some(Key::Job(index)) => 1.0 + f64::from(priorities.get(index).copied().unwrap_or_default()),
        None => 1.0,
    }
}

fn key_of(single: &Single) -> Option<Key> {
    single.dimens.get_job_id().and_then(|id| Key::decode(id))
}

/// Our plan from `vrp-core`'s solution: its assignment, order and lunch
/// places, with times and distances recomputed from `travel`, each stop as
/// early as its window allows.
pub(crate) fn plan_of(problem: &Problem, travel: &dyn Travel, solution: &Solution) -> Plan {
    let places = Places::of(problem);
    let mut routes = Vec::new();
    for route in &solution.routes {
        let Some(technician) = route.actor.vehicle.dimens.get_vehicle_id().cloned() else { continue };
        let Some(owner) = problem.technicians.iter().find(|t| t.id == technician) else { continue };
        let departure = route.tour.start().map_or(owner.shift.start, |start| start.schedule.departure);
        let (mut here, mut free_at, mut distance) = (owner.start, departure, 0.0);
        let mut stops = Vec::new();
        for activity in route.tour.all_activities() {
            let Some(key) = activity.job.as_deref().and_then(key_of) else { continue };
            let (kind, place, window, duration) = match key {
                Key::Job(index) => {
                    let job = &problem.jobs[index];
                    (StopKind::Job(job.id.clone()), job.place, job.window, job.duration)
                }
                Key::Lunch(_) => match owner.lunch {
                    Some(lunch) => {
                        let place = places.points.get(activity.place.location).copied().unwrap_or(here);
                        (StopKind::Lunch, place, lunch.window, lunch.duration)
                    }
                    None => continue,
                },
            };
            let leg = travel.leg(here, place);
            distance += leg.distance;
            let arrival = free_at + leg.duration;
            let start = arrival.max(window.start);
            stops.push(Stop { kind, place, arrival, start, departure: start + duration });
            here = place;
            free_at = start + duration;
        }
        if !stops.iter().any(|stop| matches!(stop.kind, StopKind::Job(_))) {
            continue;
        }
        let leg = travel.leg(here, owner.end);
        routes.push(Route {
            technician,
            departure,
            stops,
            arrival: free_at + leg.duration,
            distance: distance + leg.distance,
        });
    }
    let unassigned = solution
        .unassigned
        .iter()
        .filter_map(|(job, _)| match job.as_single().and_then(|single| key_of(single)) {
            Some(Key::Job(index)) => {
                Some(Unassigned { job: problem.jobs[index].id.clone(), reason: UnassignedReason::NoTimeLeft })
            }
            _ => None,
        })
        .collect();
    Plan { routes, unassigned }
}

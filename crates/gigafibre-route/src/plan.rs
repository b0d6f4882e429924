//! What the optimiser proposes.

use serde::Serialize;

use crate::Point;

/// What a stop is for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum StopKind {
    /// The job with this id.
    Job(String),
    /// The technician's lunch break, at a place on the way of their choosing.
    Lunch,
}

/// One stop of a route, in visiting order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stop {
    pub kind: StopKind,
    /// The job's place, or where the lunch is taken.
    pub place: Point,
    pub arrival: f64,
    /// When the work (or break) starts: at arrival or when the window opens.
    pub start: f64,
    pub departure: f64,
}

/// One technician's day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Route {
    pub technician: String,
    /// Leaving the start place.
    pub departure: f64,
    pub stops: Vec<Stop>,
    /// Back at the end place.
    pub arrival: f64,
    pub distance: f64,
}

impl Route {
    /// The job ids in visiting order.
    pub fn job_ids(&self) -> impl Iterator<Item = &str> {
        self.stops.iter().filter_map(|stop| match &stop.kind {
            StopKind::Job(id) => Some(id.as_str()),
            StopKind::Lunch => None,
        })
    }
}

/// Why a job was left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum UnassignedReason {
    /// No technician on shift holds the skills at the levels asked (or the
    /// one it is locked to does not).
    NoSkill,
    /// No qualified technician could reach it within its window and be
    /// back by the end of the shift, even with nothing else to do.
    WindowImpossible,
    /// It could be done on its own, but the qualified technicians' days
    /// are full.
    NoTimeLeft,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unassigned {
    pub job: String,
    pub reason: UnassignedReason,
}

/// A proposal: routes, and the jobs left out with the reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    pub routes: Vec<Route>,
    pub unassigned: Vec<Unassigned>,
}

impl Plan {
    pub fn distance(&self) -> f64 {
        self.routes.iter().map(|route| route.distance).sum()
    }
}

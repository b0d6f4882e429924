//! What is to be planned: technicians on shift and the jobs to place.

use serde::{Deserialize, Serialize};

/// A place on the plane: for the dispatch day `x` is the longitude and `y`
/// the latitude in degrees; for the Solomon instances, plain coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// A closed interval of time, `start <= end`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Window {
    pub start: f64,
    pub end: f64,
}

impl Window {
    pub fn new(start: f64, end: f64) -> Self {
        Self { start, end }
    }
}

/// A skill held or required, with its level (1 = basic).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Skill {
    pub name: String,
    pub level: u8,
}

impl Skill {
    pub fn new(name: &str, level: u8) -> Self {
        Self { name: name.to_owned(), level }
    }
}

/// A break taken where the technician is, starting within `window`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Break {
    /// When the break may start.
    pub window: Window,
    pub duration: f64,
}

/// A technician (or vehicle) on shift.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Technician {
    pub id: String,
    pub start: Point,
    pub end: Point,
    /// Leave the start no earlier than `shift.start`, be back at the end no
    /// later than `shift.end`.
    pub shift: Window,
    /// Taken once on any day with work.
    pub lunch: Option<Break>,
    pub skills: Vec<Skill>,
    /// What the vehicle carries, in the jobs' demand units; `None` is unlimited.
    pub capacity: Option<u32>,
}

impl Technician {
    /// Whether this technician holds every skill at the level asked.
    pub fn qualifies_for(&self, job: &Job) -> bool {
        job.skills.iter().all(|need| self.skills.iter().any(|held| held.name == need.name && held.level >= need.level))
    }
}

/// A job to place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Job {
    pub id: String,
    pub place: Point,
    /// Time on site.
    pub duration: f64,
    /// Minimum levels required.
    pub skills: Vec<Skill>,
    /// When the work may start.
    pub window: Window,
    /// Higher is more important: when not everything fits, lower priorities
    /// are left out first.
    pub priority: u8,
    /// What it takes out of the vehicle's capacity.
    pub demand: u32,
    /// The technician a dispatcher fixed it to: the plan keeps it there (or
    /// leaves it out, saying why), never moves it to someone else.
    pub locked_to: Option<String>,
}

/// What the plan minimises once as many jobs as possible are placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Objective {
    /// Fewest routes first, then the least distance (the Solomon ranking).
    FewestRoutesThenDistance,
    /// The least distance, whatever the number of routes.
    Distance,
}

/// Technicians, jobs and what to minimise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    pub technicians: Vec<Technician>,
    pub jobs: Vec<Job>,
    pub objective: Objective,
}

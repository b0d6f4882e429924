//! The route optimiser behind auto-dispatch.
//!
//! A [`Problem`] names the technicians on shift (start and end place, shift,
//! lunch break, skills with levels, optional capacity) and the jobs to place
//! (place, duration, required skills with minimum levels, time window,
//! priority, optional lock to a technician). [`solve`] proposes a [`Plan`]:
//! each technician's ordered stops with times, and the jobs left out with
//! the reason. Every plan is validated by [`check`], a pure function that
//! knows nothing of the search, before it is returned.
//!
//! Times and distances are plain numbers in the problem's own units (the
//! dispatch day uses seconds and metres; the Solomon instances use their
//! abstract units). Travel comes from a [`Travel`] source.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod adapter;
mod check;
mod plan;
mod problem;
pub mod solomon;
mod solve;
mod travel;

pub use check::{Violation, check};
pub use plan::{Plan, Route, Stop, StopKind, Unassigned, UnassignedReason};
pub use problem::{Break, Job, Objective, Point, Problem, Skill, Technician, Window};
pub use solve::{Settings, SolveError, solve};
pub use travel::{Euclidean, Leg, RoadEstimate, Travel};

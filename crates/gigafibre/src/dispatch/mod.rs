//! Dispatch: the jobs that send a technician, and planning their days.

pub mod planning;

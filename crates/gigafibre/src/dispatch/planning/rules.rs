//! The hard rules a job's place on a technician's day must keep, as plain
//! functions: the board checks them on every drop, and "Plan this day"
//! checks its proposal against them before it is shown.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::America::Toronto;

/// A skill a job needs, at a minimum level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Need {
    pub skill_id: i64,
    pub min_level: i16,
}

/// A stretch of time, `start` included, `end` excluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Span {
    pub fn overlaps(&self, other: &Span) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// What the rules need to know of the job being placed.
#[derive(Debug, Clone)]
pub struct JobFacts {
    pub id: i64,
    pub duration_minutes: i32,
    pub needs: Vec<Need>,
    /// When the work may start (the customer's window), if they gave one.
    pub window: Option<Span>,
    pub status: String,
}

/// What the rules need to know of the technician it goes to.
#[derive(Debug, Clone)]
pub struct TechnicianFacts {
    pub active: bool,
    /// Their shift on the day of the drop.
    pub shift: Span,
    /// Skill id → level.
    pub skills: HashMap<i64, i16>,
}

/// Why a place is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// A job with no duration has nothing to place.
    ZeroDuration,
    /// On its way, on site or finished: it is no longer the board's to move.
    AlreadyStarted,
    InactiveTechnician,
    /// The technician lacks this skill, or holds it below the level asked.
    MissingSkill(Need),
    /// Starts outside the customer's window.
    OutsideWindow,
    /// Starts before the shift or ends after it.
    OutsideShift,
    /// Overlaps another of the technician's jobs.
    Overlap(i64),
}

/// Statuses the board may still move.
pub fn movable(status: &str) -> bool {
    matches!(status, "unscheduled" | "scheduled")
}

/// `minute` minutes after midnight on `day`, in Québec, as UTC.
pub fn local_minute(day: NaiveDate, minute: i32) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    let start = Toronto.from_local_datetime(&midnight).earliest().map(|t| t.with_timezone(&Utc));
    start.unwrap_or_else(|| midnight.and_utc()) + Duration::minutes(i64::from(minute))
}

/// A technician's shift on `day`.
pub fn shift_on(day: NaiveDate, start_minute: i32, end_minute: i32) -> Span {
    Span { start: local_minute(day, start_minute), end: local_minute(day, end_minute) }
}

/// Whether the job may be taken off the board's days.
pub fn check_unassign(job: &JobFacts) -> Result<(), Refusal> {
    if movable(&job.status) { Ok(()) } else { Err(Refusal::AlreadyStarted) }
}

/// Whether `job` may start at `start` on `technician`'s day, beside the
/// technician's `others` jobs (the job itself among them is ignored).
pub fn check_place(
    job: &JobFacts,
    technician: &TechnicianFacts,
    start: DateTime<Utc>,
    others: &[(i64, Span)],
) -> Result<Span, Refusal> {
    if job.duration_minutes <= 0 {
        return Err(Refusal::ZeroDuration);
    }
    check_unassign(job)?;
    if !technician.active {
        return Err(Refusal::InactiveTechnician);
    }
    if let Some(need) =
        job.needs.iter().find(|need| technician.skills.get(&need.skill_id).is_none_or(|level| *level < need.min_level))
    {
        return Err(Refusal::MissingSkill(*need));
    }
    if job.window.is_some_and(|window| start < window.start || start > window.end) {
        return Err(Refusal::OutsideWindow);
    }
    let span = Span { start, end: start + Duration::minutes(i64::from(job.duration_minutes)) };
    if span.start < technician.shift.start || span.end > technician.shift.end {
        return Err(Refusal::OutsideShift);
    }
    match others.iter().find(|(id, other)| *id != job.id && other.overlaps(&span)) {
        Some((id, _)) => Err(Refusal::Overlap(*id)),
        None => Ok(span),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    fn at(hour: i32, minute: i32) -> DateTime<Utc> {
        local_minute(day(), hour * 60 + minute)
    }

    fn job() -> JobFacts {
        JobFacts {
            id: 7,
            duration_minutes: 60,
            needs: vec![Need { skill_id: 1, min_level: 2 }],
            window: Some(Span { start: at(8, 0), end: at(12, 0) }),
            status: "unscheduled".into(),
        }
    }

    fn technician() -> TechnicianFacts {
        TechnicianFacts { active: true, shift: shift_on(day(), 8 * 60, 16 * 60 + 30), skills: HashMap::from([(1, 3)]) }
    }

    #[test]
    fn a_qualified_technician_with_a_free_hour_in_the_window_takes_the_job() {
        let span = check_place(&job(), &technician(), at(9, 0), &[(8, Span { start: at(10, 0), end: at(11, 0) })]);
        assert_eq!(span, Ok(Span { start: at(9, 0), end: at(10, 0) }));
    }

    #[test]
    fn shifts_are_read_in_quebec_time() {
        // 8 h in Montréal in November is 13 h UTC.
        assert_eq!(shift_on(day(), 8 * 60, 9 * 60).start.to_rfc3339(), "2026-11-26T13:00:00+00:00");
    }

    #[test]
    fn a_missing_skill_or_a_level_too_low_is_refused() {
        let mut low = technician();
        low.skills.insert(1, 1);
        let need = Need { skill_id: 1, min_level: 2 };
        assert_eq!(check_place(&job(), &low, at(9, 0), &[]), Err(Refusal::MissingSkill(need)));
        low.skills.clear();
        assert_eq!(check_place(&job(), &low, at(9, 0), &[]), Err(Refusal::MissingSkill(need)));
    }

    #[test]
    fn the_job_must_fit_inside_the_shift() {
        let mut job = job();
        job.window = None;
        assert_eq!(check_place(&job, &technician(), at(7, 30), &[]), Err(Refusal::OutsideShift));
        assert_eq!(check_place(&job, &technician(), at(15, 45), &[]), Err(Refusal::OutsideShift));
        assert!(check_place(&job, &technician(), at(15, 30), &[]).is_ok());
    }

    #[test]
    fn overlapping_another_job_is_refused_but_touching_it_is_not() {
        let other = [(8, Span { start: at(9, 30), end: at(10, 30) })];
        assert_eq!(check_place(&job(), &technician(), at(9, 0), &other), Err(Refusal::Overlap(8)));
        assert!(check_place(&job(), &technician(), at(8, 30), &other).is_ok());
        let itself = [(7, Span { start: at(9, 0), end: at(10, 0) })];
        assert!(check_place(&job(), &technician(), at(9, 15), &itself).is_ok(), "moving within its own time");
    }

    #[test]
    fn a_job_without_duration_has_nothing_to_place() {
        let mut job = job();
        job.duration_minutes = 0;
        assert_eq!(check_place(&job, &technician(), at(9, 0), &[]), Err(Refusal::ZeroDuration));
    }

    #[test]
    fn the_start_must_fall_in_the_customers_window() {
        assert_eq!(check_place(&job(), &technician(), at(12, 15), &[]), Err(Refusal::OutsideWindow));
        assert!(check_place(&job(), &technician(), at(12, 0), &[]).is_ok(), "starting as the window closes");
    }

    #[test]
    fn started_jobs_and_inactive_technicians_are_refused() {
        let mut started = job();
        started.status = "on_site".into();
        assert_eq!(check_place(&started, &technician(), at(9, 0), &[]), Err(Refusal::AlreadyStarted));
        assert_eq!(check_unassign(&started), Err(Refusal::AlreadyStarted));
        let mut away = technician();
        away.active = false;
        assert_eq!(check_place(&job(), &away, at(9, 0), &[]), Err(Refusal::InactiveTechnician));
    }
}

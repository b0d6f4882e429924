//! A day holds so much work. When more jobs wait than the technicians on
//! shift could do, the optimiser is offered the jobs already on the day
//! first (the plan may move them, never drop them), then the most pressing
//! (the highest priority, the earliest window end, the oldest) up to a
//! little more than the day holds; the rest are left for lack of time
//! before the search starts. A backlog of a thousand jobs then costs the
//! search nothing, and urgent jobs are never crowded out by routine ones.

use std::collections::HashSet;

use gigafibre_route::{Job, Problem};

/// Driving counted per job when sizing the day, seconds.
const DRIVE_PER_JOB: f64 = 20.0 * 60.0;

/// How much more work than the day holds the optimiser is offered, so that
/// it still has a choice of which jobs fit together.
const CHOICE: f64 = 1.15;

/// Seconds of work (with driving) the technicians' shifts hold, less what
/// the jobs that stay put already take.
fn room(problem: &Problem, movable: &HashSet<i64>) -> f64 {
    let shifts: f64 = problem
        .technicians
        .iter()
        .map(|t| t.shift.end - t.shift.start - t.lunch.as_ref().map_or(0.0, |lunch| lunch.duration))
        .sum();
    let kept: f64 =
        problem.jobs.iter().filter(|job| !is_movable(job, movable)).map(|job| job.duration + DRIVE_PER_JOB).sum();
    (shifts - kept).max(0.0)
}

fn is_movable(job: &Job, movable: &HashSet<i64>) -> bool {
    job.id.parse::<i64>().is_ok_and(|id| movable.contains(&id))
}

/// Takes out of `problem` the movable jobs beyond what the day can hold;
/// their ids, to be reported as left for lack of time. `on_day`: the movable
/// jobs already on a technician's day.
pub fn hold_back(problem: &mut Problem, movable: &HashSet<i64>, on_day: &HashSet<i64>) -> Vec<i64> {
    let budget = room(problem, movable) * CHOICE;
    let mut candidates: Vec<&Job> = problem.jobs.iter().filter(|job| is_movable(job, movable)).collect();
    let asked: f64 = candidates.iter().map(|job| job.duration + DRIVE_PER_JOB).sum();
    if asked <= budget {
        return Vec::new();
    }
    let id = |job: &Job| job.id.parse::<i64>().unwrap_or(i64::MAX);
    candidates.sort_by(|a, b| {
        on_day
            .contains(&id(b))
            .cmp(&on_day.contains(&id(a)))
            .then(b.priority.cmp(&a.priority))
            .then(a.window.end.total_cmp(&b.window.end))
            .then(id(a).cmp(&id(b)))
    });
    let mut used = 0.0;
    let mut held: HashSet<String> = HashSet::new();
    for job in candidates {
        used += job.duration + DRIVE_PER_JOB;
        if used > budget {
            held.insert(job.id.clone());
        }
    }
    problem.jobs.retain(|job| !held.contains(&job.id));
    let mut ids: Vec<i64> = held.iter().filter_map(|id| id.parse().ok()).collect();
    ids.sort_unstable();
    ids
}

#[cfg(test)]
mod tests {
    use gigafibre_route::{Break, Objective, Point, Technician, Window};

    use super::*;

    const HOUR: f64 = 3600.0;

    fn technician(id: &str) -> Technician {
        Technician {
            id: id.into(),
            start: Point { x: 0.0, y: 0.0 },
            end: Point { x: 0.0, y: 0.0 },
            shift: Window::new(8.0 * HOUR, 16.5 * HOUR),
            lunch: Some(Break { window: Window::new(11.5 * HOUR, 13.5 * HOUR), duration: 0.5 * HOUR }),
            skills: Vec::new(),
            capacity: None,
        }
    }

    fn job(id: i64, priority: u8, window_end: f64) -> Job {
        Job {
            id: id.to_string(),
            place: Point { x: 1.0, y: 1.0 },
            duration: 40.0 * 60.0,
            skills: Vec::new(),
            window: Window::new(8.0 * HOUR, window_end),
            priority,
            demand: 0,
            locked_to: None,
        }
    }

    fn problem(jobs: Vec<Job>) -> Problem {
        Problem { technicians: vec![technician("1"), technician("2")], jobs, objective: Objective::Distance }
    }

    #[test]
    fn a_day_that_holds_every_waiting_job_offers_them_all() {
        let mut day = problem((1..=10).map(|id| job(id, 1, 16.0 * HOUR)).collect());
        let movable = (1..=10).collect();
        assert!(hold_back(&mut day, &movable, &HashSet::new()).is_empty());
        assert_eq!(day.jobs.len(), 10);
    }

    #[test]
    fn a_backlog_is_cut_to_the_day_keeping_the_urgent_and_the_earliest_windows() {
        // Two 8-hour days hold 16 hours: 16 one-hour slots (40 min + 20 min
        // driving), 18 with the choice; 200 jobs wait.
        let mut jobs: Vec<Job> = (1..=200).map(|id| job(id, 1, 16.0 * HOUR)).collect();
        jobs.push(job(500, 3, 16.0 * HOUR));
        jobs.push(job(501, 1, 10.0 * HOUR));
        let movable: HashSet<i64> = jobs.iter().map(|j| j.id.parse().unwrap()).collect();
        let mut day = problem(jobs);
        let held = hold_back(&mut day, &movable, &HashSet::from([150]));
        let offered: Vec<&str> = day.jobs.iter().map(|j| j.id.as_str()).collect();
        assert_eq!(offered.len(), 18);
        assert!(offered.contains(&"150"), "a job already on the day is offered first");
        assert!(offered.contains(&"500"), "the urgent job is offered");
        assert!(offered.contains(&"501"), "the job whose window closes first is offered");
        assert!(offered.contains(&"1") && !offered.contains(&"16"), "then the oldest");
        assert_eq!(held.len(), 202 - 18);
    }

    #[test]
    fn jobs_that_stay_put_take_their_room_first() {
        let mut pinned = job(900, 3, 8.0 * HOUR);
        pinned.locked_to = Some("1".into());
        let mut jobs = vec![pinned];
        jobs.extend((1..=40).map(|id| job(id, 1, 16.0 * HOUR)));
        let movable: HashSet<i64> = (1..=40).collect();
        let mut day = problem(jobs);
        hold_back(&mut day, &movable, &HashSet::new());
        assert!(day.jobs.iter().any(|j| j.id == "900"), "a job that stays put is never held back");
        assert_eq!(day.jobs.len(), 1 + 17, "the pinned hour leaves room for 15, 17 with the choice");
    }
}

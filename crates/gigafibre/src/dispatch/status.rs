//! A job's statuses and the moves between them, with no I/O.
//!
//! unscheduled → scheduled → en route → on site → done, and at any point
//! before the end cancelled, or (once the visit is under way) could not
//! complete. A booked job can go back to waiting (taken off a day); the
//! three ends are final.

/// Where a job is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    Unscheduled,
    Scheduled,
    EnRoute,
    OnSite,
    Done,
    Cancelled,
    NotCompleted,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::Unscheduled,
        Status::Scheduled,
        Status::EnRoute,
        Status::OnSite,
        Status::Done,
        Status::Cancelled,
        Status::NotCompleted,
    ];

    /// The code stored in `dispatch_jobs.status` (and `code.<code>` in the catalogue).
    pub fn code(self) -> &'static str {
        match self {
            Status::Unscheduled => "unscheduled",
            Status::Scheduled => "scheduled",
            Status::EnRoute => "en_route",
            Status::OnSite => "on_site",
            Status::Done => "done",
            Status::Cancelled => "cancelled",
            Status::NotCompleted => "not_completed",
        }
    }

    pub fn from_code(code: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|status| status.code() == code)
    }

    /// Nothing follows: the job's story is told.
    pub fn is_final(self) -> bool {
        matches!(self, Status::Done | Status::Cancelled | Status::NotCompleted)
    }

    /// Whether a job may go from `self` to `next`.
    pub fn can_become(self, next: Status) -> bool {
        use Status::*;
        match (self, next) {
            (Unscheduled, Scheduled) => true,
            (Scheduled, Unscheduled | EnRoute | OnSite) => true,
            (EnRoute, OnSite) => true,
            // A dispatcher may record a visit told over the phone.
            (Scheduled | EnRoute | OnSite, Done) => true,
            (Scheduled | EnRoute | OnSite, NotCompleted) => true,
            (from, Cancelled) => !from.is_final() && from != OnSite,
            _ => false,
        }
    }

    /// Whether a technician may take a job from `self` to `next` themselves:
    /// only forward along their visit, and never past "en route", the
    /// moment the customer is told they are coming.
    pub fn technician_may_become(self, next: Status) -> bool {
        use Status::*;
        matches!((self, next), (Scheduled, EnRoute) | (EnRoute, OnSite) | (EnRoute | OnSite, Done | NotCompleted))
    }

    /// Whether moving to this status takes a written reason.
    pub fn needs_reason(self) -> bool {
        matches!(self, Status::Cancelled | Status::NotCompleted)
    }
}

#[cfg(test)]
mod tests {
    use super::Status::{self, *};

    #[test]
    fn the_usual_life_goes_forward_one_step_at_a_time() {
        assert!(Unscheduled.can_become(Scheduled));
        assert!(Scheduled.can_become(EnRoute));
        assert!(EnRoute.can_become(OnSite));
        assert!(OnSite.can_become(Done));
        assert!(!Unscheduled.can_become(EnRoute), "nobody drives to a visit no one booked");
        assert!(!Unscheduled.can_become(Done));
        assert!(!OnSite.can_become(EnRoute));
    }

    #[test]
    fn the_ends_are_final() {
        for end in [Done, Cancelled, NotCompleted] {
            assert!(end.is_final());
            assert!(Status::ALL.iter().all(|next| !end.can_become(*next)), "{end:?} is final");
        }
    }

    #[test]
    fn a_job_is_cancelled_before_the_visit_and_stopped_during_it() {
        assert!(Unscheduled.can_become(Cancelled) && Scheduled.can_become(Cancelled) && EnRoute.can_become(Cancelled));
        assert!(!OnSite.can_become(Cancelled), "on site, the visit could not be completed");
        assert!(OnSite.can_become(NotCompleted) && EnRoute.can_become(NotCompleted));
        assert!(!Unscheduled.can_become(NotCompleted), "a visit that never started was not attempted");
        assert!(Cancelled.needs_reason() && NotCompleted.needs_reason() && !Done.needs_reason());
    }

    #[test]
    fn a_technician_goes_on_the_way_before_anything_else() {
        assert!(Scheduled.technician_may_become(EnRoute));
        assert!(EnRoute.technician_may_become(OnSite));
        assert!(EnRoute.technician_may_become(Done) && OnSite.technician_may_become(Done));
        assert!(OnSite.technician_may_become(NotCompleted));
        assert!(!Scheduled.technician_may_become(OnSite), "the customer was not told");
        assert!(!Scheduled.technician_may_become(Done));
        assert!(!Scheduled.technician_may_become(Cancelled) && !EnRoute.technician_may_become(Unscheduled));
        for from in Status::ALL {
            for to in Status::ALL {
                assert!(!from.technician_may_become(to) || from.can_become(to), "{from:?} → {to:?}");
            }
        }
    }

    #[test]
    fn a_booked_job_can_be_taken_off_its_day() {
        assert!(Scheduled.can_become(Unscheduled));
        assert!(!EnRoute.can_become(Unscheduled));
    }

    #[test]
    fn codes_read_back() {
        for status in Status::ALL {
            assert_eq!(Status::from_code(status.code()), Some(status));
        }
        assert_eq!(Status::from_code("finished"), None);
    }
}

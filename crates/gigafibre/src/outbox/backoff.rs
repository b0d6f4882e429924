//! How long a message waits after a failed attempt, and when it stops trying.

use chrono::Duration;

/// A message whose delivery failed this many times is `failed` for good
/// (until someone retries it by hand).
pub const MAX_ATTEMPTS: i32 = 8;

/// How long a worker may hold a message in `sending` before another worker
/// assumes it crashed and takes the message again.
pub const CLAIM_LEASE: Duration = Duration::minutes(10);

const FIRST_WAIT_SECONDS: i64 = 30;
const LONGEST_WAIT_SECONDS: i64 = 3600;

/// The wait before the next attempt after `attempts` failed ones: 30 s, then
/// doubling (1 min, 2 min, … 32 min), never more than an hour. Eight attempts
/// span about an hour.
pub fn backoff(attempts: i32) -> Duration {
    let doublings = attempts.saturating_sub(1).clamp(0, 16) as u32;
    let seconds = FIRST_WAIT_SECONDS.saturating_mul(1_i64 << doublings).min(LONGEST_WAIT_SECONDS);
    Duration::seconds(seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_from_thirty_seconds() {
        let waits: Vec<i64> = (1..=7).map(|attempts| backoff(attempts).num_seconds()).collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1920]);
    }

    #[test]
    fn the_wait_is_capped_at_an_hour() {
        assert_eq!(backoff(8), Duration::hours(1));
        assert_eq!(backoff(40), Duration::hours(1));
        assert_eq!(backoff(i32::MAX), Duration::hours(1));
    }

    #[test]
    fn no_attempt_yet_or_a_nonsense_count_waits_the_first_step() {
        assert_eq!(backoff(0).num_seconds(), 30);
        assert_eq!(backoff(-5).num_seconds(), 30);
        assert_eq!(backoff(i32::MIN).num_seconds(), 30);
    }

    #[test]
    fn eight_attempts_span_about_an_hour() {
        let total: i64 = (1..MAX_ATTEMPTS).map(|attempts| backoff(attempts).num_seconds()).sum();
        assert_eq!(total, 3810);
    }
}

//! When a watched profile is fetched next: a pure state machine over an injected clock (every
//! method takes `now`), so the TUI's update and the tests drive it without sleeping.
//!
//! Healthy: every `interval` after the last answer. After a failure: exponential back-off
//! (2×, 4×, 8× the interval …, capped), and after a 429 at least what the server asked for.
//! One refresh at a time: `begin` marks it in flight until `on_success` / `on_error` /
//! `abandon`.

use std::time::{Duration, Instant};

use crate::config::{DEFAULT_WATCH_SECS, MIN_WATCH_SECS};
use crate::error::LookupError;

/// Never more often than this (design §12).
pub const MIN_INTERVAL: Duration = Duration::from_secs(MIN_WATCH_SECS);
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(DEFAULT_WATCH_SECS);
/// The longest back-off after repeated failures (unless the interval itself is longer).
pub const MAX_BACKOFF: Duration = Duration::from_secs(300);
/// The longest a server's `Retry-After` is honoured: the value comes from the network, and an
/// absurd one must neither overflow the clock nor silence the watch for a day.
pub const MAX_SERVER_WAIT: Duration = Duration::from_secs(3600);

/// The last refresh that failed, until the next success.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// One line, sanitized.
    pub message: String,
    pub at: Instant,
    /// The exit code `get` would give it (design §4): 4 key rejected, 5 rate limited, 6 …
    pub exit_code: i32,
    /// How long the schedule waits before the next try.
    pub wait: Duration,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schedule {
    interval: Duration,
    next_due: Instant,
    in_flight: bool,
    /// Failures in a row since the last success.
    failures: u32,
    last_success: Instant,
    failure: Option<Failure>,
}

impl Schedule {
    /// A watch that began at `now` with a fresh profile: the first refresh is one interval away.
    /// An interval under [`MIN_INTERVAL`] is raised to it.
    pub fn new(interval: Duration, now: Instant) -> Schedule {
        let interval = interval.max(MIN_INTERVAL);
        Schedule {
            interval,
            next_due: later(now, interval),
            in_flight: false,
            failures: 0,
            last_success: now,
            failure: None,
        }
    }

    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// Change the interval on screen (raised to [`MIN_INTERVAL`]). While healthy, the next
    /// refresh moves to one new interval after the last answer; a back-off keeps its wait.
    pub fn set_interval(&mut self, interval: Duration) {
        self.interval = interval.max(MIN_INTERVAL);
        if self.failure.is_none() {
            self.next_due = later(self.last_success, self.interval);
        }
    }

    /// Whether a refresh should start now (none is in flight and its time has come).
    pub fn due(&self, now: Instant) -> bool {
        !self.in_flight && now >= self.next_due
    }

    /// When the next refresh is due (for a timer or a sleep).
    pub fn next_due(&self) -> Instant {
        self.next_due
    }

    /// How long until the next refresh is due (zero when due or in flight).
    pub fn until_due(&self, now: Instant) -> Duration {
        self.next_due.saturating_duration_since(now)
    }

    pub fn in_flight(&self) -> bool {
        self.in_flight
    }

    /// Start a refresh if one is due; `true` when the caller should fetch now.
    pub fn begin(&mut self, now: Instant) -> bool {
        if self.due(now) {
            self.in_flight = true;
            true
        } else {
            false
        }
    }

    /// The refresh answered: back to the plain interval.
    pub fn on_success(&mut self, now: Instant) {
        self.in_flight = false;
        self.failures = 0;
        self.failure = None;
        self.last_success = now;
        self.next_due = later(now, self.interval);
    }

    /// The refresh failed: back off (exponentially, capped), and after a 429 wait at least the
    /// time the server asked for. Returns the wait.
    pub fn on_error(&mut self, now: Instant, error: &LookupError) -> Duration {
        self.in_flight = false;
        self.failures = self.failures.saturating_add(1);
        let mut wait = self.backoff();
        if let LookupError::RateLimited {
            retry_in: Some(asked),
            ..
        } = error
        {
            wait = wait.max((*asked).min(MAX_SERVER_WAIT));
        }
        self.next_due = later(now, wait);
        self.failure = Some(Failure {
            message: crate::sanitize::sanitize(&error.to_string()).into_owned(),
            at: now,
            exit_code: error.exit_code(),
            wait,
        });
        wait
    }

    /// The refresh in flight was cancelled (not a failure): try again one interval from now.
    pub fn abandon(&mut self, now: Instant) {
        if self.in_flight {
            self.in_flight = false;
            self.next_due = later(now, self.interval);
        }
    }

    /// Interval × 2^failures, at least the interval, at most [`MAX_BACKOFF`] (or the interval
    /// when that is longer).
    fn backoff(&self) -> Duration {
        let factor = 1u32 << self.failures.min(16);
        self.interval
            .saturating_mul(factor)
            .min(MAX_BACKOFF.max(self.interval))
    }

    /// Failures in a row since the last success.
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// The last failure, until the next success.
    pub fn failure(&self) -> Option<&Failure> {
        self.failure.as_ref()
    }

    /// When the last good answer came (the watch's start until the first refresh).
    pub fn last_success(&self) -> Instant {
        self.last_success
    }
}

/// `now + wait`, saturating instead of panicking on an absurd wait.
fn later(now: Instant, wait: Duration) -> Instant {
    now.checked_add(wait)
        .or_else(|| now.checked_add(MAX_SERVER_WAIT))
        .unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: fn(u64) -> Duration = Duration::from_secs;

    fn server_error() -> LookupError {
        LookupError::Server {
            vendor: "Vendor",
            status: 503,
            message: None,
            excerpt: None,
        }
    }

    #[test]
    fn refreshes_every_interval_one_at_a_time() {
        let t0 = Instant::now();
        let mut s = Schedule::new(S(10), t0);
        assert!(!s.due(t0));
        assert!(!s.due(t0 + S(9)));
        assert_eq!(s.until_due(t0 + S(9)), S(1));
        assert!(s.begin(t0 + S(10)));
        // In flight: not due again, however late it gets.
        assert!(!s.due(t0 + S(30)));
        assert!(!s.begin(t0 + S(30)));
        s.on_success(t0 + S(11));
        assert_eq!(s.next_due(), t0 + S(21));
        assert_eq!(s.last_success(), t0 + S(11));
    }

    #[test]
    fn the_interval_never_goes_under_2_seconds() {
        let t0 = Instant::now();
        let mut s = Schedule::new(S(1), t0);
        assert_eq!(s.interval(), S(2));
        s.set_interval(Duration::ZERO);
        assert_eq!((s.interval(), s.next_due()), (S(2), t0 + S(2)));
        s.set_interval(S(30));
        assert_eq!(s.next_due(), t0 + S(30));
    }

    #[test]
    fn errors_back_off_exponentially_capped_and_success_recovers() {
        let t0 = Instant::now();
        let mut s = Schedule::new(S(10), t0);
        let mut now = t0 + S(10);
        let mut waits = Vec::new();
        for _ in 0..7 {
            assert!(s.begin(now));
            let wait = s.on_error(now, &server_error());
            waits.push(wait.as_secs());
            assert!(!s.due(now + wait - Duration::from_millis(1)));
            now += wait;
            assert!(s.due(now));
        }
        assert_eq!(waits, [20, 40, 80, 160, 300, 300, 300]);
        let failure = s.failure().unwrap();
        assert_eq!(failure.exit_code, 6);
        assert_eq!(failure.message, "Vendor answered HTTP 503");
        assert_eq!(s.failures(), 7);
        assert!(s.begin(now));
        s.on_success(now);
        assert_eq!((s.failures(), s.failure()), (0, None));
        assert_eq!(s.next_due(), now + S(10));
    }

    #[test]
    fn a_429_waits_at_least_what_the_server_said() {
        let t0 = Instant::now();
        let mut s = Schedule::new(S(2), t0);
        let limited = |secs| LookupError::RateLimited {
            vendor: "Vendor",
            retry_in: Some(S(secs)),
            message: None,
        };
        assert!(s.begin(t0 + S(2)));
        assert_eq!(s.on_error(t0 + S(2), &limited(45)), S(45));
        assert!(!s.due(t0 + S(46)));
        assert!(s.due(t0 + S(47)));
        assert_eq!(s.failure().unwrap().exit_code, 5);
        // A shorter ask than the back-off: the back-off wins (8 s after the second failure).
        assert!(s.begin(t0 + S(47)));
        assert_eq!(s.on_error(t0 + S(47), &limited(1)), S(8));
        // An absurd Retry-After is capped, and the clock does not overflow.
        assert!(s.begin(t0 + S(55)));
        assert_eq!(s.on_error(t0 + S(55), &limited(u64::MAX)), MAX_SERVER_WAIT);
    }

    #[test]
    fn a_cancelled_refresh_is_not_a_failure() {
        let t0 = Instant::now();
        let mut s = Schedule::new(S(5), t0);
        assert!(s.begin(t0 + S(5)));
        s.abandon(t0 + S(6));
        assert_eq!((s.failures(), s.in_flight()), (0, false));
        assert_eq!(s.next_due(), t0 + S(11));
    }
}

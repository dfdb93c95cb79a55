//! Counting a bulk run and saying how it goes: a progress line redrawn on stderr while stderr
//! is a terminal (never on stdout, which carries the records), and a one-line summary at the
//! end in every case. The texts are pure functions of the counts; the key is never in them.

// Counts become rates and ETAs on screen: a count past 2^52 losing precision is harmless.
#![allow(clippy::cast_precision_loss)]

use std::collections::VecDeque;
use std::io::Write;
use std::time::Duration;

use super::record::Status;

/// Counts of a run so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub found: usize,
    pub not_found: usize,
    pub errors: usize,
    /// Inputs skipped because OUT already answered them (`--resume`).
    pub skipped: usize,
    /// The most severe exit code among the error lines (0 when none).
    pub worst_exit: i32,
}

impl Tally {
    pub fn done(&self) -> usize {
        self.found + self.not_found + self.errors
    }

    pub fn add(&mut self, status: Status, exit_code: i32) {
        match status {
            Status::Found => self.found += 1,
            Status::NotFound => self.not_found += 1,
            Status::Error => {
                self.errors += 1;
                self.worst_exit = more_severe(self.worst_exit, exit_code);
            }
        }
    }
}

/// The run's exit code when one line ended with `b` and the worst so far is `a`: exit codes
/// of design §4 rank by number (6 network/server > 5 rate limited > 4 key > 2 bad input).
pub fn more_severe(a: i32, b: i32) -> i32 {
    a.max(b)
}

/// `1,234/5,000 · 1,200 found · 30 not found · 4 errors · 12.5/s · ETA 5m 01s`
pub fn progress_line(
    tally: &Tally,
    total: Option<usize>,
    rate: f64,
    waiting: Option<&str>,
) -> String {
    let done = tally.done();
    let mut line = match total {
        Some(total) => format!("{}/{}", thousands(done), thousands(total)),
        None => format!("{} done", thousands(done)),
    };
    line.push_str(&format!(
        " · {} found · {} not found · {} errors · {}/s",
        thousands(tally.found),
        thousands(tally.not_found),
        thousands(tally.errors),
        rate_text(rate)
    ));
    if let Some(total) = total {
        let left = total.saturating_sub(done);
        if left > 0 && rate > 0.0 {
            line.push_str(&format!(
                " · ETA {}",
                duration_text(
                    Duration::try_from_secs_f64(left as f64 / rate).unwrap_or(Duration::MAX)
                )
            ));
        }
    }
    if let Some(waiting) = waiting {
        line.push_str(" · ");
        line.push_str(waiting);
    }
    line
}

/// `userscope: 1,000 lines: 990 found, 5 not found, 5 errors (worst exit 6) in 3.2 s (312.5/s)`
pub fn summary_line(tally: &Tally, elapsed: Duration, interrupted: bool) -> String {
    let secs = elapsed.as_secs_f64();
    let rate = if secs > 0.0 {
        tally.done() as f64 / secs
    } else {
        0.0
    };
    let mut line = format!(
        "userscope: {} lines: {} found, {} not found, {} errors",
        thousands(tally.done()),
        thousands(tally.found),
        thousands(tally.not_found),
        thousands(tally.errors)
    );
    if tally.errors > 0 {
        line.push_str(&format!(" (worst exit {})", tally.worst_exit));
    }
    if tally.skipped > 0 {
        line.push_str(&format!(", {} already done", thousands(tally.skipped)));
    }
    line.push_str(&format!(" in {:.1} s ({}/s)", secs, rate_text(rate)));
    if interrupted {
        line.push_str("; interrupted: lines in flight finished, the rest not looked up (run again with --resume OUT.jsonl to continue)");
    }
    line
}

fn rate_text(rate: f64) -> String {
    if rate >= 100.0 {
        format!("{rate:.0}")
    } else {
        format!("{rate:.1}")
    }
}

fn duration_text(d: Duration) -> String {
    let s = d.as_secs();
    match (s / 3600, s / 60 % 60, s % 60) {
        (0, 0, s) => format!("{s}s"),
        (0, m, s) => format!("{m}m {s:02}s"),
        (h, m, _) => format!("{h}h {m:02}m"),
    }
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// How often the line is redrawn, and how far back "current rate" looks.
const REDRAW: Duration = Duration::from_millis(200);
const RATE_WINDOW: usize = 25;

/// The progress line on a terminal: redrawn in place (`\r`, clear to end of line).
pub struct Progress {
    /// Off when stderr is not a terminal: a log file gets only the summary.
    enabled: bool,
    samples: VecDeque<(tokio::time::Instant, usize)>,
    drawn: bool,
}

impl Progress {
    pub fn new(enabled: bool) -> Progress {
        Progress {
            enabled,
            samples: VecDeque::new(),
            drawn: false,
        }
    }

    pub fn interval() -> Duration {
        REDRAW
    }

    /// Redraw with the counts now; the rate is over the last few seconds.
    pub fn draw(&mut self, tally: &Tally, total: Option<usize>, waiting: Option<&str>) {
        if !self.enabled {
            return;
        }
        let now = tokio::time::Instant::now();
        self.samples.push_back((now, tally.done()));
        while self.samples.len() > RATE_WINDOW {
            self.samples.pop_front();
        }
        let rate = match (self.samples.front(), self.samples.back()) {
            (Some((t0, d0)), Some((t1, d1))) if t1 > t0 => {
                d1.saturating_sub(*d0) as f64 / (*t1 - *t0).as_secs_f64()
            }
            _ => 0.0,
        };
        let line =
            crate::sanitize::sanitize(&progress_line(tally, total, rate, waiting)).into_owned();
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K{line}");
        let _ = err.flush();
        self.drawn = true;
    }

    /// Remove the line (before the summary is printed).
    pub fn clear(&mut self) {
        if self.enabled && self.drawn {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
            self.drawn = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally() -> Tally {
        let mut t = Tally::default();
        for _ in 0..1200 {
            t.add(Status::Found, 0);
        }
        for _ in 0..30 {
            t.add(Status::NotFound, 3);
        }
        t.add(Status::Error, 2);
        t.add(Status::Error, 6);
        t.add(Status::Error, 5);
        t.add(Status::Error, 4);
        t
    }

    #[test]
    fn progress_shows_counts_rate_and_eta() {
        let t = tally();
        assert_eq!(t.done(), 1234);
        assert_eq!(t.worst_exit, 6);
        assert_eq!(
            progress_line(&t, Some(5000), 12.5, None),
            "1,234/5,000 · 1,200 found · 30 not found · 4 errors · 12.5/s · ETA 5m 01s"
        );
        assert_eq!(
            progress_line(&t, None, 250.0, Some("acme rate limited: waiting 3 s")),
            "1,234 done · 1,200 found · 30 not found · 4 errors · 250/s · acme rate limited: waiting 3 s"
        );
        assert_eq!(
            progress_line(&Tally::default(), Some(10), 0.0, None),
            "0/10 · 0 found · 0 not found · 0 errors · 0.0/s"
        );
    }

    #[test]
    fn summary_says_what_happened() {
        let mut t = tally();
        t.skipped = 17;
        assert_eq!(
            summary_line(&t, Duration::from_millis(2468), false),
            "userscope: 1,234 lines: 1,200 found, 30 not found, 4 errors (worst exit 6), 17 already done in 2.5 s (500/s)"
        );
        let line = summary_line(&Tally::default(), Duration::ZERO, true);
        assert!(
            line.starts_with(
                "userscope: 0 lines: 0 found, 0 not found, 0 errors in 0.0 s (0.0/s); interrupted"
            ),
            "{line}"
        );
    }

    #[test]
    fn helpers() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(duration_text(Duration::from_secs(59)), "59s");
        assert_eq!(duration_text(Duration::from_secs(3725)), "1h 02m");
        assert_eq!(more_severe(0, 2), 2);
        assert_eq!(more_severe(6, 4), 6);
    }
}

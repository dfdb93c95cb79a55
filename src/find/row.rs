//! One row of a find: a connection and what became of it. Every connection has exactly one
//! row; its status only moves forward (waiting → running → found / not found / error).

use std::time::Duration;

use crate::lookup::LookupOutcome;
use crate::vendors::{Lookup, VendorKind};

#[derive(Clone, Debug)]
pub struct Row {
    pub connection: String,
    pub vendor: VendorKind,
    /// What is (or was) asked; `None` for skipped and no-key rows.
    pub lookup: Option<Lookup>,
    /// Why a follow-up was asked (`email from coho`); `None` for the first round.
    pub via: Option<String>,
    pub status: Status,
}

#[derive(Clone, Debug)]
pub enum Status {
    /// The connection cannot take this identity class (the reason is the adapter's or the
    /// config's). Final, unless a follow-up asks it by email.
    Skipped {
        reason: String,
    },
    /// No key is configured (never a prompt). Final.
    NoKey {
        reason: String,
    },
    /// Planned, not started yet.
    Waiting,
    Running,
    Found {
        elapsed: Duration,
        outcome: Box<LookupOutcome>,
    },
    NotFound {
        elapsed: Duration,
    },
    /// Anything else: the same one-line cause and exit code `get` would give. Never shown as
    /// "absent".
    Error {
        elapsed: Duration,
        exit_code: i32,
        message: String,
    },
}

impl Status {
    /// The stable §9 status word.
    pub fn word(&self) -> &'static str {
        match self {
            Status::Skipped { .. } => "skipped",
            Status::NoKey { .. } => "no_key",
            Status::Waiting => "waiting",
            Status::Running => "running",
            Status::Found { .. } => "found",
            Status::NotFound { .. } => "not_found",
            Status::Error { .. } => "error",
        }
    }

    /// Whether nothing more will happen to this row in its round.
    pub fn is_final(&self) -> bool {
        !matches!(self, Status::Waiting | Status::Running)
    }

    /// How long the lookup took, for rows that were asked.
    pub fn elapsed(&self) -> Option<Duration> {
        match self {
            Status::Found { elapsed, .. }
            | Status::NotFound { elapsed }
            | Status::Error { elapsed, .. } => Some(*elapsed),
            _ => None,
        }
    }
}

impl Row {
    /// The found profile's outcome, if this row found the person.
    pub fn found(&self) -> Option<&LookupOutcome> {
        match &self.status {
            Status::Found { outcome, .. } => Some(outcome),
            _ => None,
        }
    }
}

/// The exit code of a whole find (design §9): 0 when at least one connection found the
/// person, 3 when every asked connection answered not found, otherwise the most severe error's
/// code (the highest, as §4 orders them: 2 usage < 4 key < 5 rate limit < 6 network; a
/// cancel is 130). Nothing asked at all (everything skipped or without a key) is 4 when some
/// connection lacked a key, else 2: there was no one to ask.
pub fn exit_code(rows: &[Row]) -> i32 {
    if rows
        .iter()
        .any(|r| matches!(r.status, Status::Found { .. }))
    {
        return 0;
    }
    let worst_error = rows
        .iter()
        .filter_map(|r| match r.status {
            Status::Error { exit_code, .. } => Some(exit_code),
            _ => None,
        })
        .max();
    if let Some(code) = worst_error {
        return code;
    }
    if rows
        .iter()
        .any(|r| matches!(r.status, Status::NotFound { .. }))
    {
        return 3;
    }
    if rows
        .iter()
        .any(|r| matches!(r.status, Status::NoKey { .. }))
    {
        4
    } else {
        2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(status: Status) -> Row {
        Row {
            connection: "c".into(),
            vendor: VendorKind::first(),
            lookup: None,
            via: None,
            status,
        }
    }

    fn error(code: i32) -> Row {
        row(Status::Error {
            elapsed: Duration::ZERO,
            exit_code: code,
            message: "x".into(),
        })
    }

    fn not_found() -> Row {
        row(Status::NotFound {
            elapsed: Duration::ZERO,
        })
    }

    fn skipped() -> Row {
        row(Status::Skipped { reason: "r".into() })
    }

    fn no_key() -> Row {
        row(Status::NoKey { reason: "r".into() })
    }

    fn found() -> Row {
        let outcome = crate::lookup::outcome_for_tests(
            VendorKind::first(),
            "c",
            crate::profile::Profile::default(),
        );
        row(Status::Found {
            elapsed: Duration::ZERO,
            outcome: Box::new(outcome),
        })
    }

    #[test]
    fn one_found_is_success_whatever_else_failed() {
        assert_eq!(exit_code(&[error(6), found(), not_found(), no_key()]), 0);
    }

    #[test]
    fn all_asked_not_found_is_3_skipped_and_no_key_do_not_count() {
        assert_eq!(
            exit_code(&[not_found(), skipped(), no_key(), not_found()]),
            3
        );
    }

    #[test]
    fn otherwise_the_most_severe_error_wins() {
        assert_eq!(exit_code(&[not_found(), error(4), error(6), error(5)]), 6);
        assert_eq!(exit_code(&[error(5), not_found(), skipped()]), 5);
        assert_eq!(exit_code(&[error(4), no_key()]), 4);
        assert_eq!(exit_code(&[error(6), error(130)]), 130);
    }

    #[test]
    fn nobody_to_ask() {
        assert_eq!(exit_code(&[skipped(), no_key()]), 4);
        assert_eq!(exit_code(&[skipped(), skipped()]), 2);
        assert_eq!(exit_code(&[]), 2);
    }
}

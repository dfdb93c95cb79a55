//! The work of `userscope get VENDOR --from FILE`: each line is one lookup of one kind at one
//! connection; the record's `result` is the §3 object `get --format json` prints, on one line.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::record::{LineOutcome, Status, compact};
use crate::error::LookupError;
use crate::lookup::{LookupEvent, LookupOutcome, Lookuper};
use crate::scheduler::Gate;
use crate::vendors::{Connection, Lookup, LookupKind};

/// One connection, one lookup kind, one shared `Lookuper` (one HTTP client, one token cache).
#[derive(Clone)]
pub struct GetWork {
    pub lookuper: Lookuper,
    pub conn: Connection,
    pub kind: LookupKind,
}

impl GetWork {
    /// The lookup for a value, or the line's refusal when the vendor would refuse it (a
    /// non-digit Vemetric id): exit code 2 and nothing sent.
    pub fn prepare(&self, value: &str) -> Result<Lookup, LineOutcome> {
        let lookup = Lookup::new(self.kind, value);
        match self
            .conn
            .vendor
            .adapter()
            .build_request(&self.conn, &lookup)
        {
            Ok(_) => Ok(lookup),
            Err(e) => Err(LineOutcome {
                exit_code: e.exit_code(),
                ..LineOutcome::rejected(e.to_string())
            }),
        }
    }

    /// Run one lookup. Each 429 the lookup waits out is passed to the scheduler's gate, so the
    /// whole connection pauses and slows down, not just this line.
    pub async fn work(&self, lookup: Lookup, gate: Gate, cancel: CancellationToken) -> LineOutcome {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let looked_up = self.lookuper.run(&self.conn, &lookup, Some(tx), cancel);
        let forward = async {
            let mut waits = 0u32;
            while let Some(LookupEvent::RateLimitedWaiting { wait, .. }) = rx.recv().await {
                gate.rate_limited(wait);
                waits += 1;
            }
            waits
        };
        let (result, waits) = tokio::join!(looked_up, forward);
        outcome_of(result, waits)
    }
}

/// A lookup's result as a line outcome: `found` with the compact §3 object, `not_found`
/// (exit 3, as `get`), or `error` with `get`'s one-line message and exit code.
pub fn outcome_of(result: Result<LookupOutcome, LookupError>, waits: u32) -> LineOutcome {
    let attempts = waits + 1;
    match result {
        Ok(outcome) => match crate::output::render_json(&outcome) {
            Ok(json) => LineOutcome {
                status: Status::Found,
                exit_code: 0,
                attempts,
                result: Some(compact(&json)),
                error: None,
            },
            Err(e) => LineOutcome {
                status: Status::Error,
                exit_code: 6,
                attempts,
                result: None,
                error: Some(format!("cannot render the profile as JSON: {e}")),
            },
        },
        Err(e @ LookupError::NotFound { .. }) => LineOutcome {
            status: Status::NotFound,
            exit_code: e.exit_code(),
            attempts,
            result: None,
            error: None,
        },
        Err(e) => LineOutcome {
            status: Status::Error,
            exit_code: e.exit_code(),
            // A request refused before sending (a key over plain http elsewhere) sent nothing.
            attempts: if matches!(e, LookupError::Usage(_)) {
                0
            } else {
                attempts
            },
            result: None,
            error: Some(e.to_string()),
        },
    }
}

/// `get`'s line on stderr while a 429 is waited out: `Coho rate limited: waiting 3 s (try 2
/// of 3)`. `attempt` is the try that was refused (from 1).
pub fn waiting_message(vendor: &str, wait: Duration, attempt: u32) -> String {
    format!(
        "{vendor} rate limited: waiting {} s (try {} of {})",
        wait.as_secs_f64().ceil().max(1.0),
        attempt + 1,
        crate::http::MAX_TRIES
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waiting_message_names_the_vendor_the_wait_and_the_try() {
        assert_eq!(
            waiting_message("Acme CRM", Duration::from_millis(2500), 1),
            "Acme CRM rate limited: waiting 3 s (try 2 of 3)"
        );
        assert_eq!(
            waiting_message("Acme", Duration::ZERO, 2),
            "Acme rate limited: waiting 1 s (try 3 of 3)"
        );
    }

    #[test]
    fn not_found_and_errors_keep_gets_exit_codes() {
        let nf = outcome_of(
            Err(LookupError::NotFound {
                vendor: "X",
                message: None,
            }),
            0,
        );
        assert_eq!(
            (nf.status, nf.exit_code, nf.attempts, nf.error),
            (Status::NotFound, 3, 1, None)
        );
        let limited = outcome_of(
            Err(LookupError::RateLimited {
                vendor: "X",
                retry_in: Some(Duration::from_secs(2)),
                message: None,
            }),
            2,
        );
        assert_eq!(
            (limited.status, limited.exit_code, limited.attempts),
            (Status::Error, 5, 3)
        );
        assert_eq!(
            limited.error.as_deref(),
            Some("X: rate limited, retry in 2 s")
        );
    }
}

//! One person everywhere (`userscope find`, design §9): ask every connection for one email or
//! product ID at once, follow an email found on the way, and line up what they say.
//!
//! The API, for the CLI and the TUI board:
//! ```text
//! let query = Query::parse(value, as_class)?;                   // exit 2 on bad input
//! let targets = route::targets(&config, &env);                  // or Target::ready(conn) each
//! let plan = Plan::new(query, targets, &config.find, follow);   // pure: rows, routed/skipped
//! let mut events = find::start(plan, lookuper, cancel.clone()); // one Lookuper for all
//! // FindEvent::Planned(rows) first, then Started / RateLimited / FollowUp / Finished by row
//! // index, and Done(report) last, always (cancel ends waiting rows as errors, exit 130).
//! ```
//! `FindReport` holds the final rows, the merged view and the exit code; `json::document`
//! is its stable JSON, `text::render` the CLI's board.
//!
//! Nothing here names a vendor: routing comes from each adapter's `find_kind` and `[find]`.

use std::time::Duration;

use crate::compare::merge::Merged;
use crate::vendors::Lookup;

mod follow;
pub mod json;
mod query;
pub mod route;
mod row;
mod run;
pub mod text;

pub use follow::{FollowUp, follow_ups};
pub use query::Query;
pub use route::{Target, TargetError};
pub use row::{Row, Status, exit_code};
pub use run::{DEFAULT_RATE, Plan, start};

/// What a running find reports, in the order things happen. Rows are addressed by their
/// index in `Planned`'s list, which never changes (one row per connection).
#[derive(Debug)]
pub enum FindEvent {
    /// Every row, once keys were checked: `skipped`, `no_key` and resolution errors are final,
    /// the others `Waiting`.
    Planned(Vec<Row>),
    Started {
        row: usize,
    },
    /// The connection answered 429; the lookup waits `wait` before trying again.
    RateLimited {
        row: usize,
        wait: Duration,
    },
    /// A skipped row is asked after all, with an email found in another profile.
    FollowUp {
        row: usize,
        lookup: Lookup,
        via: String,
    },
    Finished {
        row: usize,
        status: Status,
    },
    /// The end: every row final. Always the last event.
    Done(Box<FindReport>),
}

/// A finished find.
#[derive(Clone, Debug)]
pub struct FindReport {
    pub query: Query,
    pub rows: Vec<Row>,
    pub merged: Merged,
}

impl FindReport {
    /// §9's exit code: 0 found somewhere, 3 nobody has them, else the worst error's code.
    pub fn exit_code(&self) -> i32 {
        exit_code(&self.rows)
    }
}

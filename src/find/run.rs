//! The run: check keys (off the async workers, never prompting), ask every routed connection at
//! once through the scheduler, then one round of follow-ups, reporting each step as an event.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::compare::merge::{Source, merge};
use crate::config::FindSettings;
use crate::error::LookupError;
use crate::lookup::{LookupEvent, LookupOutcome, Lookuper};
use crate::scheduler::{self, Event, Gate, Task};
use crate::secrets::{KeySource, api_key_var};
use crate::vendors::{Connection, Lookup};

use super::follow::follow_ups;
use super::query::Query;
use super::route::{Target, first_round};
use super::row::{Row, Status};
use super::{FindEvent, FindReport};

/// Requests per second per connection (one request each per round, so this only matters when
/// a connection is told to wait by a 429).
pub const DEFAULT_RATE: f64 = 5.0;

/// What a find will do, before it starts: the query, one row per connection (asked or
/// skipped), and whether to follow emails. Pure to build; `start` runs it.
#[derive(Clone, Debug)]
pub struct Plan {
    pub query: Query,
    pub rows: Vec<Row>,
    /// The rows' targets, in the same order.
    targets: Vec<Target>,
    settings: FindSettings,
    pub follow: bool,
    /// Shared pacing across finds (`find --from`); `None`: this find paces on its own.
    pacer: Option<scheduler::Pacer>,
}

impl Plan {
    /// Route `query` over `targets` (see [`super::route`]); one row per distinct connection.
    pub fn new(query: Query, targets: Vec<Target>, settings: &FindSettings, follow: bool) -> Plan {
        let rows = first_round(&query, &targets, settings);
        let targets = rows
            .iter()
            .filter_map(|r| targets.iter().find(|t| t.name == r.connection).cloned())
            .collect();
        Plan {
            query,
            rows,
            targets,
            settings: settings.clone(),
            follow,
            pacer: None,
        }
    }

    /// Pace this find's requests with `pacer`, shared with other finds, so that together
    /// they never send a connection more than its rate (`find --from`).
    pub fn with_pacer(mut self, pacer: scheduler::Pacer) -> Plan {
        self.pacer = Some(pacer);
        self
    }
}

/// Start a find in a task. The receiver gets `Planned` first (every row, keys checked), then
/// `Started` / `RateLimited` / `FollowUp` / `Finished` as they happen, and `Done` last, always —
/// also after `cancel`, when unfinished rows end as errors with exit code 130.
pub fn start(
    plan: Plan,
    lookuper: Lookuper,
    cancel: CancellationToken,
) -> mpsc::UnboundedReceiver<FindEvent> {
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(run(plan, lookuper, cancel, tx));
    rx
}

async fn run(
    mut plan: Plan,
    lookuper: Lookuper,
    cancel: CancellationToken,
    tx: mpsc::UnboundedSender<FindEvent>,
) {
    check_keys(&mut plan, lookuper.keys.clone(), &cancel).await;
    let _ = tx.send(FindEvent::Planned(plan.rows.clone()));
    let first: Vec<usize> = waiting(&plan.rows);
    ask(&mut plan, &first, &lookuper, &cancel, &tx).await;
    if plan.follow && !cancel.is_cancelled() {
        let ups = follow_ups(&plan.rows, &plan.targets, &plan.settings);
        let mut second = Vec::new();
        for up in ups {
            if let Some(row) = plan.rows.get_mut(up.row) {
                row.lookup = Some(up.lookup.clone());
                row.via = Some(up.via.clone());
                row.status = Status::Waiting;
                second.push(up.row);
                let _ = tx.send(FindEvent::FollowUp {
                    row: up.row,
                    lookup: up.lookup,
                    via: up.via,
                });
            }
        }
        ask(&mut plan, &second, &lookuper, &cancel, &tx).await;
    }
    // Cancelled before a row finished: it is an error, never "absent".
    for (i, row) in plan.rows.iter_mut().enumerate() {
        if !row.status.is_final() {
            row.status = cancelled(Duration::ZERO);
            let _ = tx.send(FindEvent::Finished {
                row: i,
                status: row.status.clone(),
            });
        }
    }
    let report = FindReport::new(plan.query, plan.rows);
    let _ = tx.send(FindEvent::Done(Box::new(report)));
}

fn waiting(rows: &[Row]) -> Vec<usize> {
    rows.iter()
        .enumerate()
        .filter(|(_, r)| matches!(r.status, Status::Waiting))
        .map(|(i, _)| i)
        .collect()
}

fn cancelled(elapsed: Duration) -> Status {
    Status::Error {
        elapsed,
        exit_code: LookupError::Cancelled.exit_code(),
        message: LookupError::Cancelled.to_string(),
    }
}

/// Mark rows without a key `no_key`, and rows whose connection did not resolve (but have a
/// key) as errors. Keyring reads block on D-Bus, so they run in one blocking task.
async fn check_keys(plan: &mut Plan, keys: Arc<dyn KeySource>, cancel: &CancellationToken) {
    let asked: Vec<(usize, Connection)> = waiting(&plan.rows)
        .into_iter()
        .filter_map(|i| Some((i, key_connection(plan.targets.get(i)?))))
        .collect();
    let check = tokio::task::spawn_blocking(move || {
        asked
            .into_iter()
            .map(|(i, conn)| {
                (
                    i,
                    conn.name.clone(),
                    keys.credential(&conn).map(|c| c.is_some()),
                )
            })
            .collect::<Vec<_>>()
    });
    let results = tokio::select! {
        biased;
        _ = cancel.cancelled() => return,
        results = check => results.unwrap_or_default(),
    };
    for (i, name, has_key) in results {
        let target_error = plan
            .targets
            .get(i)
            .and_then(|t| t.connection.as_ref().err().cloned());
        let Some(row) = plan.rows.get_mut(i) else {
            continue;
        };
        row.status = match (has_key, target_error) {
            (Ok(false), _) => Status::NoKey {
                reason: LookupError::NoKey {
                    env_var: api_key_var(&name),
                    connection: name,
                }
                .to_string(),
            },
            (Err(e), _) => Status::Error {
                elapsed: Duration::ZERO,
                exit_code: 4,
                message: LookupError::KeyStore(format!("cannot read the key for {name}: {e}"))
                    .to_string(),
            },
            (Ok(true), Some(error)) => Status::Error {
                elapsed: Duration::ZERO,
                exit_code: error.exit_code,
                message: error.message,
            },
            (Ok(true), None) => Status::Waiting,
        };
    }
}

/// The connection a key is looked up for. Key stores go by name and vendor only, so an
/// unresolved connection (no account subdomain yet) gets a stand-in address that is never
/// contacted: its row becomes an error before anything is sent.
#[allow(clippy::expect_used, reason = "a constant URL")]
fn key_connection(target: &Target) -> Connection {
    match &target.connection {
        Ok(conn) => conn.clone(),
        Err(_) => Connection {
            name: target.name.clone(),
            vendor: target.vendor,
            base_url: url::Url::parse("http://127.0.0.1/").expect("a constant URL parses"),
            auth_url: None,
        },
    }
}

/// One round: ask rows `indices` at once, updating the plan and reporting as answers arrive.
async fn ask(
    plan: &mut Plan,
    indices: &[usize],
    lookuper: &Lookuper,
    cancel: &CancellationToken,
    tx: &mpsc::UnboundedSender<FindEvent>,
) {
    let tasks: Vec<Task<(Connection, Lookup)>> = indices
        .iter()
        .filter_map(|&i| {
            let row = plan.rows.get(i)?;
            let conn = plan.targets.get(i)?.connection.as_ref().ok()?.clone();
            Some(Task {
                index: i,
                connection: row.connection.clone(),
                input: (conn, row.lookup.clone()?),
            })
        })
        .collect();
    if tasks.is_empty() {
        return;
    }
    let settings = scheduler::Settings {
        // Everyone at once: the wall time is the slowest connection's, not the sum.
        concurrency: tasks.len(),
        default_rate: DEFAULT_RATE,
        rates: Default::default(),
    };
    let lookuper = lookuper.clone();
    let work = move |task: Task<(Connection, Lookup)>, gate: Gate, cancel: CancellationToken| {
        let lookuper = lookuper.clone();
        async move {
            let (conn, lookup) = task.input;
            let result = lookup_forwarding_429(&lookuper, &conn, &lookup, gate, cancel).await;
            let ok = result.is_ok();
            (result, ok)
        }
    };
    let mut events = match plan.pacer.clone() {
        Some(pacer) => scheduler::run_paced(
            pacer,
            settings.concurrency,
            tasks,
            work,
            CancellationToken::new(),
            cancel.clone(),
        ),
        None => scheduler::run(
            settings,
            tasks,
            work,
            CancellationToken::new(),
            cancel.clone(),
        ),
    };
    while let Some(event) = events.recv().await {
        match event {
            Event::Started { index, .. } => {
                if let Some(row) = plan.rows.get_mut(index) {
                    row.status = Status::Running;
                }
                let _ = tx.send(FindEvent::Started { row: index });
            }
            Event::Throttled {
                connection, wait, ..
            } => {
                if let Some(row) = plan.rows.iter().position(|r| r.connection == connection) {
                    let _ = tx.send(FindEvent::RateLimited { row, wait });
                }
            }
            Event::Finished {
                index,
                result,
                elapsed,
                ..
            } => {
                let status = status_of(result, elapsed);
                if let Some(row) = plan.rows.get_mut(index) {
                    row.status = status.clone();
                }
                let _ = tx.send(FindEvent::Finished { row: index, status });
            }
            Event::Done { .. } => break,
        }
    }
}

/// Run one lookup, telling the scheduler about each 429 the lookup waits out, so that
/// connection is paused and slowed while the others go on.
async fn lookup_forwarding_429(
    lookuper: &Lookuper,
    conn: &Connection,
    lookup: &Lookup,
    gate: Gate,
    cancel: CancellationToken,
) -> Result<LookupOutcome, LookupError> {
    let (events_tx, mut events_rx) = mpsc::unbounded_channel();
    let forward = tokio::spawn(async move {
        while let Some(event) = events_rx.recv().await {
            let LookupEvent::RateLimitedWaiting { wait, .. } = event;
            gate.rate_limited(wait);
        }
    });
    let result = lookuper.run(conn, lookup, Some(events_tx), cancel).await;
    // The sender went with `run`, so the forwarder ends once it has passed everything on.
    let _ = forward.await;
    result
}

fn status_of(result: Result<LookupOutcome, LookupError>, elapsed: Duration) -> Status {
    match result {
        Ok(outcome) => Status::Found {
            elapsed,
            outcome: Box::new(outcome),
        },
        Err(LookupError::NotFound { .. }) => Status::NotFound { elapsed },
        // A follow-up row's key is first read here (the first round's keys were checked
        // up front); no key is still `no_key`, not an error.
        Err(error @ LookupError::NoKey { .. }) => Status::NoKey {
            reason: error.to_string(),
        },
        Err(LookupError::Cancelled) => cancelled(elapsed),
        Err(error) => Status::Error {
            elapsed,
            exit_code: error.exit_code(),
            message: error.to_string(),
        },
    }
}

impl FindReport {
    /// The finished rows and what the found profiles say together.
    pub fn new(query: Query, rows: Vec<Row>) -> FindReport {
        let sources: Vec<Source<'_>> = rows
            .iter()
            .filter_map(|r| {
                r.found().map(|o| Source {
                    connection: &r.connection,
                    profile: &o.profile,
                })
            })
            .collect();
        let merged = merge(&sources);
        FindReport {
            query,
            rows,
            merged,
        }
    }
}

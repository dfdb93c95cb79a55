//! Many inputs at once (design §11): one value per line in, one JSONL record per line out,
//! through the scheduler (bounded concurrency, a rate per connection, 429 back-off), with
//! progress on a terminal, a summary at the end, `--resume` and Ctrl-C that finishes the
//! lines in flight.
//!
//! The engine ([`run`]) knows nothing of vendors: a caller gives it a `prepare` step (is this
//! line valid? — pure, nothing sent) and the `work` for one line, which returns a
//! [`LineOutcome`]. `get --from` plugs in [`get_work::GetWork`]; `find --from` can plug in a
//! find per line the same way, with its §9 object as the record's `result`.
//!
//! - [`input`]: lines read as bytes under a cap (blank, `#` comment, not UTF-8, too long).
//! - [`record`]: the stable record and its one-line JSON.
//! - [`out`]: the writer that never tears a line; what `--resume` reads from OUT.
//! - [`progress`]: counts, the progress line, the summary.
//! - [`keys`]: one key read for the whole run.
//! - [`get_work`]: the work of `get --from`.

use std::future::Future;
use std::io::BufRead;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::scheduler::{self, Event, Gate, Settings, Task};

pub mod get_work;
pub mod input;
pub mod keys;
pub mod out;
pub mod progress;
pub mod record;

pub use input::{InputLine, LineReader};
pub use out::{Done, JsonlWriter, open_resume};
pub use progress::Tally;
pub use record::{LineOutcome, Status};

/// The lane lines refused before sending go through: never paced, so a bad line costs no
/// request slot of the real connection (no connection name can hold a NUL).
const REFUSED_LANE: &str = "\0refused";

/// How a run is set up.
pub struct Options {
    /// Concurrency and the rate of `connection`.
    pub settings: Settings,
    /// The connection every valid line is paced on.
    pub connection: String,
    /// Number of lines that will run, when known (input from a file): for the ETA.
    pub total: Option<usize>,
    /// Lines OUT already answered (`--resume`): skipped.
    pub done: Done,
    /// Draw the progress line (stderr is a terminal).
    pub progress: bool,
}

/// Ctrl-C: `stop` ends dispatching (the lines in flight finish and are written); `abort`
/// (a second Ctrl-C) also abandons the lines in flight, which are then not written.
#[derive(Clone, Debug, Default)]
pub struct Signals {
    pub stop: CancellationToken,
    pub abort: CancellationToken,
}

impl Signals {
    /// Ctrl-C once stops, twice aborts. The watcher ends with the process.
    pub fn from_ctrl_c() -> Signals {
        let signals = Signals::default();
        let watched = signals.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                watched.stop.cancel();
                if tokio::signal::ctrl_c().await.is_ok() {
                    watched.abort.cancel();
                }
            }
        });
        signals
    }
}

/// How a run ended.
#[derive(Debug)]
pub struct Summary {
    pub tally: Tally,
    pub elapsed: Duration,
    /// Ctrl-C ended it before every line ran.
    pub interrupted: bool,
    /// Writing a record failed (a full disk, a closed pipe): the run stopped.
    pub write_error: Option<std::io::Error>,
    /// Reading the input failed part way: the run stopped.
    pub read_error: Option<std::io::Error>,
}

impl Summary {
    /// 130 after Ctrl-C; 0 when every line was found or not found; else the most severe
    /// error's code (design §4). A write or read failure is exit 6 / 2 at least.
    pub fn exit_code(&self) -> i32 {
        if self.interrupted {
            return 130;
        }
        let mut code = self.tally.worst_exit;
        if let Some(e) = &self.write_error
            && e.kind() != std::io::ErrorKind::BrokenPipe
        {
            code = progress::more_severe(code, 6);
        }
        if self.read_error.is_some() {
            code = progress::more_severe(code, 2);
        }
        code
    }
}

/// What one task carries: the input as the record shows it, and the line's work or its
/// refusal.
enum Item<V> {
    Go(V),
    Refused(LineOutcome),
}

/// Run every line of `lines` through `work` and write one record per line to `writer`, in the
/// order they finish. `prepare` turns a value into the work's input or refuses it (nothing is
/// sent for a refused line). Prints the summary on stderr at the end.
pub async fn run<R, V, P, W, Fut>(
    lines: LineReader<R>,
    options: Options,
    writer: Arc<JsonlWriter>,
    prepare: P,
    work: W,
    signals: Signals,
) -> Summary
where
    R: BufRead + Send + 'static,
    V: Send + 'static,
    P: Fn(&str) -> Result<V, LineOutcome> + Send + 'static,
    W: Fn(V, Gate, CancellationToken) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = LineOutcome> + Send + 'static,
{
    let started = Instant::now();
    let Options {
        mut settings,
        connection,
        total,
        done,
        progress,
    } = options;
    settings
        .rates
        .insert(REFUSED_LANE.to_owned(), f64::INFINITY);
    let read_error = Arc::new(Mutex::new(None));
    let skipped = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let tasks = Tasks {
        lines,
        ahead: std::collections::VecDeque::with_capacity(READ_BATCH),
        // A known total means a regular file was counted (see `Options::total`).
        batch: if total.is_some() { READ_BATCH } else { 1 },
        connection,
        done,
        prepare,
        read_error: read_error.clone(),
        skipped: skipped.clone(),
    };
    let work = Arc::new(work);
    // A write failure stops dispatching too, without counting as Ctrl-C.
    let stop = signals.stop.child_token();
    let mut events = scheduler::run(
        settings,
        tasks,
        move |task: Task<(String, Item<V>)>, gate, cancel| {
            let work = work.clone();
            async move {
                let (input, item) = task.input;
                let outcome = match item {
                    Item::Go(value) => work(value, gate, cancel).await,
                    Item::Refused(outcome) => outcome,
                };
                let ok = outcome.status != Status::Error;
                ((input, outcome), ok)
            }
        },
        stop.clone(),
        signals.abort.clone(),
    );

    let mut tally = Tally::default();
    let mut write_error = None;
    let mut drawer = progress::Progress::new(progress);
    let mut ticker = tokio::time::interval(progress::Progress::interval());
    let mut waiting: Option<(String, Instant)> = None;
    loop {
        tokio::select! {
            event = events.recv() => match event {
                None | Some(Event::Done { .. }) => break,
                Some(Event::Finished { index, result: (input, outcome), elapsed, .. }) => {
                    // Abandoned by a second Ctrl-C: not answered, so not written; a resume
                    // runs it again.
                    if signals.abort.is_cancelled() && outcome.exit_code == 130 {
                        continue;
                    }
                    let elapsed_ms = u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX);
                    let line = record::render_record(index, &input, elapsed_ms, &outcome);
                    if write_error.is_none() {
                        if let Err(e) = writer.write_line(&line) {
                            write_error = Some(e);
                            stop.cancel();
                        } else {
                            tally.add(outcome.status, outcome.exit_code);
                        }
                    }
                }
                Some(Event::Throttled { connection, wait, .. }) => {
                    let until = Instant::now() + wait;
                    waiting = Some((connection, until));
                }
                Some(Event::Started { .. }) => {}
            },
            _ = ticker.tick(), if progress => {
                let now = Instant::now();
                let note = waiting.as_ref().filter(|(_, until)| *until > now).map(|(c, until)| {
                    format!("{c} rate limited: waiting {} s", (*until - now).as_secs_f64().ceil())
                });
                tally.skipped = skipped.load(std::sync::atomic::Ordering::Relaxed);
                drawer.draw(&tally, total, note.as_deref());
            }
        }
    }
    tally.skipped = skipped.load(std::sync::atomic::Ordering::Relaxed);
    drawer.clear();
    let read_error = read_error
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .take();
    let summary = Summary {
        tally,
        elapsed: started.elapsed(),
        interrupted: signals.stop.is_cancelled(),
        write_error,
        read_error,
    };
    eprintln!(
        "{}",
        progress::summary_line(&summary.tally, summary.elapsed, summary.interrupted)
    );
    if let Some(e) = &summary.read_error {
        eprintln!("userscope: reading the input failed: {e}");
    }
    if let Some(e) = &summary.write_error
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("userscope: writing the output failed: {e}");
    }
    summary
}

/// Count the lines a run will look up (values not already done), reading `lines` once.
pub fn count_pending<R: BufRead>(lines: LineReader<R>, done: &Done) -> std::io::Result<usize> {
    let mut n = 0;
    for line in lines {
        let line = line?;
        if !done.contains(line.number, line.input_text()) {
            n += 1;
        }
    }
    Ok(n)
}

/// How many lines one blocking read takes ahead from a regular file (a pipe or a terminal is
/// read a line at a time, so a slow producer's lines start as they arrive). Handing a worker to `block_in_place` for
/// every line made tokio grow its thread pool to ~20 threads on a long run, each with its own
/// allocator arena and stack, so RSS crept with the input (measured: +4 MB by 100,000 lines)
/// while the heap in use stayed flat.
const READ_BATCH: usize = 64;

/// The lines as scheduler tasks, read lazily in small batches (the scheduler's look-ahead and
/// [`READ_BATCH`] bound memory).
struct Tasks<R, P> {
    lines: LineReader<R>,
    ahead: std::collections::VecDeque<std::io::Result<InputLine>>,
    batch: usize,
    connection: String,
    done: Done,
    prepare: P,
    read_error: Arc<Mutex<Option<std::io::Error>>>,
    skipped: Arc<std::sync::atomic::AtomicUsize>,
}

impl<R, V, P> Iterator for Tasks<R, P>
where
    R: BufRead,
    P: Fn(&str) -> Result<V, LineOutcome>,
{
    type Item = Task<(String, Item<V>)>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.ahead.is_empty() {
                let (lines, ahead, batch) = (&mut self.lines, &mut self.ahead, self.batch);
                if batch == 1 {
                    blocking(|| ahead.extend(lines.next()));
                } else {
                    // A regular file: a batch comes from the page cache in microseconds, less
                    // than handing the worker away would cost (see READ_BATCH).
                    ahead.extend(lines.by_ref().take(batch));
                }
            }
            let line = match self.ahead.pop_front()? {
                Ok(line) => line,
                Err(e) => {
                    *self
                        .read_error
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(e);
                    return None;
                }
            };
            let input = line.input_text().to_owned();
            if self.done.contains(line.number, &input) {
                self.skipped
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                continue;
            }
            let (connection, item) = match &line.value {
                Ok(value) => match (self.prepare)(value) {
                    Ok(v) => (self.connection.clone(), Item::Go(v)),
                    Err(refused) => (REFUSED_LANE.to_owned(), Item::Refused(refused)),
                },
                Err(e) => (
                    REFUSED_LANE.to_owned(),
                    Item::Refused(LineOutcome::rejected(e.to_string())),
                ),
            };
            return Some(Task {
                index: line.number,
                connection,
                input: (input, item),
            });
        }
    }
}

/// Reading the input may block (a pipe, a slow disk): tell a multi-threaded runtime so it
/// moves other tasks off this worker. A current-thread runtime (tests) just reads.
fn blocking<T>(read: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
        Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(read),
        _ => read(),
    }
}

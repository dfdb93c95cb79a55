//! Many lookups at once (`find` across vendors, bulk lists, watch): bounded concurrency, a
//! rate per connection that is never exceeded, back-off for a connection that answers 429,
//! cancellation and progress events.
//!
//! The scheduler knows nothing of HTTP: it runs `work` for each task and paces tasks per
//! connection. A task's work reports a 429 through its [`Gate`] (`rate_limited(wait)`): that
//! connection then pauses for at least `wait` and slows down; other connections go on.
//!
//! Pacing: each connection's requests start `1 / rate` apart (a token bucket of depth one, so
//! no burst ever exceeds the rate). Tasks are read ahead into one queue per connection, at
//! most `LOOKAHEAD` of them (a list of 100,000 inputs is never held in memory), and the next
//! task to start is the one whose connection may go first, so a paused connection does not
//! hold up the others.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{Semaphore, mpsc};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// The slowest a connection is slowed down to after repeated 429s.
pub const MIN_RATE: f64 = 0.1;
/// How many successes in a row restore a slowed connection by one step.
const RECOVER_AFTER: u32 = 10;
/// The longest single pause a 429 can impose on a connection.
pub const MAX_PAUSE: Duration = Duration::from_secs(60);

#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// Tasks running at once (at least 1).
    pub concurrency: usize,
    /// Requests per second per connection when `rates` does not name it.
    pub default_rate: f64,
    /// Requests per second for named connections; `f64::INFINITY` means no cap.
    pub rates: HashMap<String, f64>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            concurrency: 4,
            default_rate: 5.0,
            rates: HashMap::new(),
        }
    }
}

/// One unit of work: which connection it uses, and what to do (`input`).
#[derive(Clone, Debug, PartialEq)]
pub struct Task<T> {
    /// Position in the input, echoed back with the result.
    pub index: usize,
    pub connection: String,
    pub input: T,
}

/// What the scheduler reports, in the order things happen.
#[derive(Debug, PartialEq)]
pub enum Event<R> {
    /// A task's request is about to start (after its pacing wait).
    Started { index: usize, connection: String },
    /// A connection answered 429 and pauses for `wait`; its rate is now `rate` per second.
    Throttled {
        connection: String,
        wait: Duration,
        rate: f64,
    },
    Finished {
        index: usize,
        connection: String,
        result: R,
        elapsed: Duration,
    },
    /// Every task was dispatched and finished, or dispatching was stopped and the tasks in
    /// flight finished. Always the last event.
    Done { dispatched: usize },
}

/// Pacing state of one connection.
#[derive(Debug)]
struct Pace {
    /// The configured rate; a slowed connection recovers towards it.
    configured: f64,
    rate: f64,
    next_free: Instant,
    paused_until: Instant,
    successes: u32,
}

impl Pace {
    fn new(rate: f64, now: Instant) -> Pace {
        Pace {
            configured: rate,
            rate,
            next_free: now,
            paused_until: now,
            successes: 0,
        }
    }

    fn spacing(&self) -> Duration {
        if self.rate.is_finite() && self.rate > 0.0 {
            Duration::from_secs_f64(1.0 / self.rate.max(MIN_RATE))
        } else {
            Duration::ZERO
        }
    }

    /// The moment the next request may start.
    fn next_start(&self, now: Instant) -> Instant {
        now.max(self.next_free).max(self.paused_until)
    }

    /// Reserve the next start for a request starting now (or at its slot).
    fn reserve(&mut self, now: Instant) -> Instant {
        let slot = self.next_start(now);
        self.next_free = slot + self.spacing();
        slot
    }

    /// A 429: pause for `wait` (capped) and halve the rate (multiplicative decrease).
    fn throttle(&mut self, wait: Duration, now: Instant) -> f64 {
        let until = now + wait.min(MAX_PAUSE);
        self.paused_until = self.paused_until.max(until);
        self.next_free = self.next_free.max(until);
        self.rate = if self.rate.is_finite() {
            (self.rate / 2.0).max(MIN_RATE)
        } else {
            // An uncapped connection that is told to wait gets a cap: what it managed, halved,
            // is unknown here, so start from the default pace.
            Settings::default().default_rate
        };
        self.successes = 0;
        self.rate
    }

    /// A success: after `RECOVER_AFTER` in a row, a slowed connection speeds up by a quarter.
    fn succeeded(&mut self) {
        if self.rate >= self.configured {
            return;
        }
        self.successes += 1;
        if self.successes >= RECOVER_AFTER {
            self.successes = 0;
            self.rate = (self.rate * 1.25).min(self.configured);
        }
    }
}

/// Shared pacing of every connection.
#[derive(Debug)]
struct Paces {
    default_rate: f64,
    rates: HashMap<String, f64>,
    by_connection: Mutex<HashMap<String, Pace>>,
}

impl Paces {
    fn with<V>(&self, connection: &str, f: impl FnOnce(&mut Pace, Instant) -> V) -> V {
        let now = Instant::now();
        // A poisoned lock only means another task panicked mid-update; the pacing numbers
        // are still usable.
        let mut map = self
            .by_connection
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let pace = map.entry(connection.to_owned()).or_insert_with(|| {
            let rate = self
                .rates
                .get(connection)
                .copied()
                .unwrap_or(self.default_rate);
            Pace::new(rate, now)
        });
        f(pace, now)
    }
}

/// The pace of every connection, shareable between runs: several runs that share one pacer
/// (one `find` per line of `find --from`) together never send a connection more than its rate.
#[derive(Clone, Debug)]
pub struct Pacer(Arc<Paces>);

impl Pacer {
    /// `rates` per connection; `default_rate` for the others (`f64::INFINITY`: no cap).
    pub fn new(default_rate: f64, rates: HashMap<String, f64>) -> Pacer {
        Pacer(Arc::new(Paces {
            default_rate,
            rates,
            by_connection: Mutex::new(HashMap::new()),
        }))
    }
}

/// Handed to a task's work: how it tells the scheduler that its connection answered 429.
#[derive(Clone, Debug)]
pub struct Gate {
    connection: String,
    paces: Arc<Paces>,
    throttled: mpsc::UnboundedSender<(String, Duration, f64)>,
}

impl Gate {
    /// The connection answered 429 and asked for `wait`: pause it and slow it down. Tasks
    /// already paced for it wait until the pause is over.
    pub fn rate_limited(&self, wait: Duration) {
        let rate = self
            .paces
            .with(&self.connection, |p, now| p.throttle(wait, now));
        let _ = self.throttled.send((self.connection.clone(), wait, rate));
    }

    pub fn connection(&self) -> &str {
        &self.connection
    }
}

/// How many tasks are read ahead of the ones running, at most: enough that a paused
/// connection does not hold up the others, small enough that memory does not grow with the
/// input.
pub const LOOKAHEAD: usize = 256;

/// Tasks read ahead, one queue per connection, in input order within each.
struct Queues<T> {
    by_connection: Vec<(String, VecDeque<Task<T>>)>,
    len: usize,
}

impl<T> Queues<T> {
    fn push(&mut self, task: Task<T>) {
        self.len += 1;
        match self
            .by_connection
            .iter_mut()
            .find(|(c, _)| *c == task.connection)
        {
            Some((_, queue)) => queue.push_back(task),
            None => self
                .by_connection
                .push((task.connection.clone(), VecDeque::from([task]))),
        }
    }

    /// The connection whose next task may start first (ties: the one met first in the input).
    fn earliest(&self, paces: &Paces) -> Option<(String, Instant)> {
        self.by_connection
            .iter()
            .filter(|(_, q)| !q.is_empty())
            .map(|(c, _)| (c.clone(), paces.with(c, |p, now| p.next_start(now))))
            .min_by_key(|(_, at)| *at)
    }

    fn pop(&mut self, connection: &str) -> Option<Task<T>> {
        let task = self
            .by_connection
            .iter_mut()
            .find(|(c, _)| c == connection)
            .and_then(|(_, q)| q.pop_front());
        if task.is_some() {
            self.len -= 1;
        }
        task
    }
}

/// Run `tasks` through `work`, reporting on the returned channel. `stop` ends dispatching (the
/// tasks in flight finish, as bulk's Ctrl-C wants); `cancel` is also handed to every task's
/// work so it can abandon its request (Esc in the TUI cancels everything).
///
/// The work returns its result and whether it succeeded (a success helps a slowed
/// connection recover its rate).
pub fn run<T, R, I, F, Fut>(
    settings: Settings,
    tasks: I,
    work: F,
    stop: CancellationToken,
    cancel: CancellationToken,
) -> mpsc::UnboundedReceiver<Event<R>>
where
    T: Send + 'static,
    R: Send + 'static,
    I: IntoIterator<Item = Task<T>> + Send + 'static,
    I::IntoIter: Send,
    F: Fn(Task<T>, Gate, CancellationToken) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = (R, bool)> + Send + 'static,
{
    let concurrency = settings.concurrency;
    let pacer = Pacer::new(settings.default_rate, settings.rates);
    run_paced(pacer, concurrency, tasks, work, stop, cancel)
}

/// [`run`] with a pacer that other runs may share (their requests count against the same
/// rates); `concurrency` bounds this run's tasks only.
pub fn run_paced<T, R, I, F, Fut>(
    pacer: Pacer,
    concurrency: usize,
    tasks: I,
    work: F,
    stop: CancellationToken,
    cancel: CancellationToken,
) -> mpsc::UnboundedReceiver<Event<R>>
where
    T: Send + 'static,
    R: Send + 'static,
    I: IntoIterator<Item = Task<T>> + Send + 'static,
    I::IntoIter: Send,
    F: Fn(Task<T>, Gate, CancellationToken) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = (R, bool)> + Send + 'static,
{
    let (tx, rx) = mpsc::unbounded_channel();
    let concurrency = concurrency.max(1);
    let paces = pacer.0;
    let work = Arc::new(work);
    tokio::spawn(async move {
        let permits = Arc::new(Semaphore::new(concurrency));
        let (throttled_tx, mut throttled_rx) = mpsc::unbounded_channel();
        // Forward throttle notices as events, in the order they happen.
        let forward = {
            let tx = tx.clone();
            tokio::spawn(async move {
                while let Some((connection, wait, rate)) = throttled_rx.recv().await {
                    let _ = tx.send(Event::Throttled {
                        connection,
                        wait,
                        rate,
                    });
                }
            })
        };
        let mut input = tasks.into_iter();
        let mut exhausted = false;
        let mut queues = Queues {
            by_connection: Vec::new(),
            len: 0,
        };
        let mut dispatched = 0;
        let mut running = tokio::task::JoinSet::new();
        'dispatch: loop {
            while !exhausted && queues.len < LOOKAHEAD {
                match input.next() {
                    Some(task) => queues.push(task),
                    None => exhausted = true,
                }
            }
            let permit = tokio::select! {
                biased;
                _ = stop.cancelled() => break,
                _ = cancel.cancelled() => break,
                permit = permits.clone().acquire_owned() => match permit {
                    Ok(permit) => permit,
                    Err(_) => break,
                },
            };
            // Wait for the connection that may go first; a 429 that arrives meanwhile can push
            // it back, so look again after every wait.
            let task = loop {
                let Some((connection, at)) = queues.earliest(&paces) else {
                    break 'dispatch;
                };
                if at > Instant::now() {
                    tokio::select! {
                        biased;
                        _ = stop.cancelled() => break 'dispatch,
                        _ = cancel.cancelled() => break 'dispatch,
                        _ = tokio::time::sleep_until(at) => {}
                    }
                    continue;
                }
                paces.with(&connection, |p, now| p.reserve(now));
                match queues.pop(&connection) {
                    Some(task) => break task,
                    None => break 'dispatch,
                }
            };
            dispatched += 1;
            let gate = Gate {
                connection: task.connection.clone(),
                paces: paces.clone(),
                throttled: throttled_tx.clone(),
            };
            let (tx, work, paces, cancel) =
                (tx.clone(), work.clone(), paces.clone(), cancel.clone());
            running.spawn(async move {
                let _permit = permit;
                let (index, connection) = (task.index, task.connection.clone());
                let _ = tx.send(Event::Started {
                    index,
                    connection: connection.clone(),
                });
                let started = Instant::now();
                let (result, ok) = work(task, gate, cancel).await;
                if ok {
                    paces.with(&connection, |p, _| p.succeeded());
                }
                let _ = tx.send(Event::Finished {
                    index,
                    connection,
                    result,
                    elapsed: started.elapsed(),
                });
            });
            // Reap finished tasks as we go, so the set stays as small as the concurrency.
            while running.try_join_next().is_some() {}
        }
        while running.join_next().await.is_some() {}
        drop(throttled_tx);
        let _ = forward.await;
        let _ = tx.send(Event::Done { dispatched });
    });
    rx
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tasks(connections: &[&str], per: usize) -> Vec<Task<usize>> {
        let mut out = Vec::new();
        for i in 0..per {
            for c in connections {
                out.push(Task {
                    index: out.len(),
                    connection: (*c).to_owned(),
                    input: i,
                });
            }
        }
        out
    }

    async fn collect<R>(mut rx: mpsc::UnboundedReceiver<Event<R>>) -> Vec<Event<R>> {
        let mut all = Vec::new();
        while let Some(e) = rx.recv().await {
            let done = matches!(e, Event::Done { .. });
            all.push(e);
            if done {
                break;
            }
        }
        all
    }

    /// Start times per connection, from `Started` events stamped on a paused clock.
    type Starts = Arc<Mutex<Vec<(String, Instant)>>>;

    #[tokio::test(start_paused = true)]
    async fn every_task_runs_once_and_no_connection_exceeds_its_rate() {
        let starts: Starts = Arc::default();
        let settings = Settings {
            concurrency: 8,
            default_rate: 5.0,
            rates: HashMap::from([("fast".to_owned(), 20.0)]),
        };
        let seen = starts.clone();
        let rx = run(
            settings,
            tasks(&["slow", "fast"], 10),
            move |task, gate, _| {
                let seen = seen.clone();
                async move {
                    seen.lock()
                        .unwrap()
                        .push((gate.connection().to_owned(), Instant::now()));
                    tokio::time::sleep(Duration::from_millis(30)).await;
                    (task.index, true)
                }
            },
            CancellationToken::new(),
            CancellationToken::new(),
        );
        let events = collect(rx).await;
        let mut finished: Vec<usize> = events
            .iter()
            .filter_map(|e| match e {
                Event::Finished { result, .. } => Some(*result),
                _ => None,
            })
            .collect();
        finished.sort_unstable();
        assert_eq!(finished, (0..20).collect::<Vec<_>>());
        assert_eq!(events.last(), Some(&Event::Done { dispatched: 20 }));
        let starts = starts.lock().unwrap();
        for (connection, spacing) in [("slow", 200), ("fast", 50)] {
            let times: Vec<Instant> = starts
                .iter()
                .filter(|(c, _)| c == connection)
                .map(|(_, t)| *t)
                .collect();
            assert_eq!(times.len(), 10);
            for pair in times.windows(2) {
                assert!(
                    pair[1] - pair[0] >= Duration::from_millis(spacing),
                    "{connection}: {:?}",
                    pair[1] - pair[0]
                );
            }
        }
    }

    #[tokio::test(start_paused = true)]
    async fn concurrency_is_bounded() {
        let now_running = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let most = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let (r, m) = (now_running.clone(), most.clone());
        let settings = Settings {
            concurrency: 3,
            default_rate: f64::INFINITY,
            rates: HashMap::new(),
        };
        let rx = run(
            settings,
            tasks(&["a", "b", "c", "d"], 5),
            move |_, _, _| {
                let (r, m) = (r.clone(), m.clone());
                async move {
                    use std::sync::atomic::Ordering::SeqCst;
                    let n = r.fetch_add(1, SeqCst) + 1;
                    m.fetch_max(n, SeqCst);
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    r.fetch_sub(1, SeqCst);
                    ((), true)
                }
            },
            CancellationToken::new(),
            CancellationToken::new(),
        );
        let started = Instant::now();
        collect(rx).await;
        assert_eq!(most.load(std::sync::atomic::Ordering::SeqCst), 3);
        // 20 tasks of 100 ms, 3 at a time: 7 rounds.
        assert_eq!(started.elapsed(), Duration::from_millis(700));
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_pauses_and_slows_only_its_connection() {
        let starts: Starts = Arc::default();
        let seen = starts.clone();
        let settings = Settings {
            concurrency: 2,
            default_rate: 10.0,
            rates: HashMap::new(),
        };
        let rx = run(
            settings,
            tasks(&["storm", "calm"], 4),
            move |task, gate, _| {
                let seen = seen.clone();
                async move {
                    seen.lock()
                        .unwrap()
                        .push((gate.connection().to_owned(), Instant::now()));
                    if gate.connection() == "storm" && task.input == 0 {
                        gate.rate_limited(Duration::from_secs(3));
                    }
                    ((), true)
                }
            },
            CancellationToken::new(),
            CancellationToken::new(),
        );
        let begin = Instant::now();
        let events = collect(rx).await;
        assert!(events.contains(&Event::Throttled {
            connection: "storm".into(),
            wait: Duration::from_secs(3),
            rate: 5.0
        }));
        let starts = starts.lock().unwrap();
        let at = |c: &str| -> Vec<Duration> {
            starts
                .iter()
                .filter(|(n, _)| n == c)
                .map(|(_, t)| *t - begin)
                .collect()
        };
        let calm = at("calm");
        assert!(calm.iter().all(|t| *t < Duration::from_secs(1)), "{calm:?}");
        let storm = at("storm");
        assert_eq!(storm[0], Duration::ZERO);
        assert!(storm[1] >= Duration::from_secs(3), "{storm:?}");
        // Slowed to 5/s after the pause.
        assert!(
            storm[2] - storm[1] >= Duration::from_millis(200),
            "{storm:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn stop_ends_dispatching_and_lets_the_tasks_in_flight_finish() {
        let stop = CancellationToken::new();
        let trigger = stop.clone();
        let settings = Settings {
            concurrency: 2,
            default_rate: f64::INFINITY,
            rates: HashMap::new(),
        };
        let rx = run(
            settings,
            (0..1_000_000usize).map(|i| Task {
                index: i,
                connection: "c".to_owned(),
                input: i,
            }),
            move |task, _, cancel| {
                let trigger = trigger.clone();
                async move {
                    if task.index == 3 {
                        trigger.cancel();
                    }
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    (cancel.is_cancelled(), true)
                }
            },
            stop,
            CancellationToken::new(),
        );
        let events = collect(rx).await;
        let finished: Vec<bool> = events
            .iter()
            .filter_map(|e| match e {
                Event::Finished { result, .. } => Some(*result),
                _ => None,
            })
            .collect();
        // The million-item input was read lazily: only what concurrency allowed was taken.
        assert!(finished.len() <= 6, "{}", finished.len());
        assert!(finished.iter().all(|cancelled| !cancelled));
        assert!(
            matches!(events.last(), Some(Event::Done { dispatched }) if *dispatched == finished.len())
        );
    }

    #[test]
    fn a_slowed_connection_recovers_towards_its_rate() {
        let now = Instant::now();
        let mut pace = Pace::new(8.0, now);
        assert_eq!(pace.throttle(Duration::from_secs(1), now), 4.0);
        assert_eq!(pace.throttle(Duration::from_secs(1), now), 2.0);
        for _ in 0..RECOVER_AFTER {
            pace.succeeded();
        }
        assert_eq!(pace.rate, 2.5);
        for _ in 0..RECOVER_AFTER * 20 {
            pace.succeeded();
        }
        assert_eq!(pace.rate, 8.0);
        let mut pace = Pace::new(1.0, now);
        for _ in 0..10 {
            pace.throttle(Duration::from_secs(600), now);
        }
        assert_eq!(pace.rate, MIN_RATE);
        assert_eq!(pace.paused_until, now + MAX_PAUSE);
    }

    #[tokio::test(start_paused = true)]
    async fn runs_that_share_a_pacer_share_its_rate() {
        let starts: Starts = Arc::default();
        let pacer = Pacer::new(10.0, HashMap::new());
        let mut receivers = Vec::new();
        for _ in 0..3 {
            let seen = starts.clone();
            receivers.push(run_paced(
                pacer.clone(),
                4,
                tasks(&["shared"], 4),
                move |_, gate, _| {
                    let seen = seen.clone();
                    async move {
                        seen.lock()
                            .unwrap()
                            .push((gate.connection().to_owned(), Instant::now()));
                        ((), true)
                    }
                },
                CancellationToken::new(),
                CancellationToken::new(),
            ));
        }
        for rx in receivers {
            collect(rx).await;
        }
        let mut times: Vec<Instant> = starts.lock().unwrap().iter().map(|(_, t)| *t).collect();
        times.sort();
        assert_eq!(times.len(), 12);
        for pair in times.windows(2) {
            assert!(
                pair[1] - pair[0] >= Duration::from_millis(100),
                "{:?}",
                pair[1] - pair[0]
            );
        }
    }
}

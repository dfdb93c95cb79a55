//! `userscope get VENDOR ID --watch [SECS] [--exit-on-change] [--format text|json]`
//! (design §12): the profile once, as `get` prints it, then one line per change: a readable
//! line with `--format text`, the stable JSON event with `--format json` (or `jsonl`).
//!
//! Every refresh reuses one HTTP client and the key read once at the start. A 429 is waited
//! out as `get` does (and said on stderr while stderr is a terminal); a refresh that still
//! fails is reported on stderr and backed off (`watch::Schedule`), and the watch goes on, with
//! one exception: a key the vendor rejects (401/403) ends it with exit 4, since the key was
//! read once and retrying it cannot succeed; set it again and restart. Ctrl-C exits 130;
//! `--exit-on-change` exits 0 after the first refresh that changed something. A first lookup
//! that fails ends as `get` does, with its exit code.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use super::get::{connection_read_once, demo_server, http_settings, id_of, parse_lookup, print};
use super::{GetArgs, OutputFormat};
use crate::config::{Config, MIN_WATCH_SECS};
use crate::error::LookupError;
use crate::lookup::{LookupEvent, LookupOutcome, Lookuper};
use crate::vendors::{Connection, Lookup};
use crate::watch::{Diff, Ignore, Watch, json_line, text_lines};

/// Exit code of a watch stopped by Ctrl-C.
const INTERRUPTED: i32 = 130;

pub async fn run(args: GetArgs) -> i32 {
    match watch(args).await {
        Ok(code) => code,
        Err(error) => {
            eprintln!("userscope: {error}");
            error.exit_code()
        }
    }
}

/// The seconds between fetches: `--watch SECS`, else `[tui] watch_secs`, else 10; raised to
/// the 2 s floor (with a note) rather than refused, so `--watch 1` in a script still runs.
fn interval(flag: Option<u64>, config: &Config) -> Duration {
    let secs = flag.unwrap_or_else(|| config.tui.watch_interval_secs());
    if secs < MIN_WATCH_SECS {
        eprintln!(
            "userscope: --watch {secs}: refreshing every {MIN_WATCH_SECS} s, the shortest interval"
        );
    }
    Duration::from_secs(secs.max(MIN_WATCH_SECS))
}

async fn watch(args: GetArgs) -> Result<i32, LookupError> {
    let format = args.format.unwrap_or_default();
    if format == OutputFormat::Raw {
        return Err(LookupError::Usage(
            "--watch prints the profile, then one line per change; use --format text or json (--format raw does not apply)".to_owned(),
        ));
    }
    let config = Config::load()?;
    let settings = http_settings(&config.http, &args.connection)?;
    let interval = interval(args.watch.flatten(), &config);
    let ignore = Ignore::from_settings(&config.watch);

    let server = demo_server(args.demo).await?;
    let result = async {
        let (conn, keys) = connection_read_once(&args, &config, server.as_ref()).await?;
        let lookup = parse_lookup(&conn, args.by.as_deref(), id_of(&args))?;
        let fetcher = Fetcher {
            lookuper: Lookuper::new(settings, keys)?,
            conn,
            lookup,
            stop: ctrl_c_token(),
        };
        let options = Options {
            interval,
            ignore,
            format,
            exit_on_change: args.exit_on_change,
        };
        watch_loop(&fetcher, options).await
    }
    .await;
    if let Some(server) = server {
        server.shutdown().await;
    }
    result
}

struct Options {
    interval: Duration,
    ignore: Ignore,
    format: OutputFormat,
    exit_on_change: bool,
}

/// One lookup, repeated: the client, the key and the lookup stay the same for the whole watch.
struct Fetcher {
    lookuper: Lookuper,
    conn: Connection,
    lookup: Lookup,
    /// Cancelled by Ctrl-C.
    stop: CancellationToken,
}

impl Fetcher {
    /// One fetch; a 429 waited out inside it is said on stderr while stderr is a terminal.
    async fn fetch(&self) -> Result<LookupOutcome, LookupError> {
        let (events, mut waits) = tokio::sync::mpsc::unbounded_channel();
        let vendor = self.conn.vendor.display_name();
        let announce = std::io::stderr().is_terminal();
        let announcer = tokio::spawn(async move {
            while let Some(LookupEvent::RateLimitedWaiting { wait, attempt }) = waits.recv().await {
                if announce {
                    eprintln!(
                        "{}",
                        crate::bulk::get_work::waiting_message(vendor, wait, attempt)
                    );
                }
            }
        });
        let result = self
            .lookuper
            .run(
                &self.conn,
                &self.lookup,
                Some(events),
                self.stop.child_token(),
            )
            .await;
        let _ = announcer.await;
        result
    }
}

/// A token cancelled when the process gets Ctrl-C (SIGINT).
fn ctrl_c_token() -> CancellationToken {
    let stop = CancellationToken::new();
    let on_signal = stop.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_signal.cancel();
        }
    });
    stop
}

/// What the loop does after a refresh.
enum Next {
    Continue,
    Exit(i32),
}

async fn watch_loop(fetcher: &Fetcher, options: Options) -> Result<i32, LookupError> {
    let first = match fetcher.fetch().await {
        Err(LookupError::Cancelled) => return Ok(INTERRUPTED),
        other => other?,
    };
    print(&first, options.format)?;
    if std::io::stderr().is_terminal() {
        eprintln!(
            "userscope: watching, every {} s; Ctrl-C stops",
            options.interval.as_secs()
        );
    }
    let mut watch = Watch::new(
        first,
        chrono::Utc::now(),
        Instant::now(),
        options.interval,
        options.ignore.clone(),
    );
    loop {
        let wake = tokio::time::Instant::from_std(watch.schedule().next_due());
        tokio::select! {
            biased;
            () = fetcher.stop.cancelled() => return Ok(INTERRUPTED),
            () = tokio::time::sleep_until(wake) => {}
        }
        if !watch.begin(Instant::now()) {
            continue;
        }
        let next = match fetcher.fetch().await {
            Err(LookupError::Cancelled) => return Ok(INTERRUPTED),
            Ok(outcome) => {
                let version = watch.on_success(Instant::now(), chrono::Utc::now(), outcome);
                report(version.at, &version.diff, &options)?
            }
            Err(error) => failed(&mut watch, &error),
        };
        if let Next::Exit(code) = next {
            return Ok(code);
        }
    }
}

/// Print a refresh's changes; with `--exit-on-change`, the first change ends the watch.
fn report(
    at: chrono::DateTime<chrono::Utc>,
    diff: &Diff,
    options: &Options,
) -> Result<Next, LookupError> {
    if diff.is_empty() {
        return Ok(Next::Continue);
    }
    let lines: Vec<String> = match options.format {
        OutputFormat::Text => text_lines(at, diff),
        _ => crate::watch::events(at, diff)
            .iter()
            .map(json_line)
            .collect(),
    };
    let mut text = lines.join("\n");
    text.push('\n');
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => {}
        // `| head -1` closed the pipe: the reader has what it wanted.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(Next::Exit(0)),
        Err(e) => {
            return Err(LookupError::Usage(format!("cannot write the output: {e}")));
        }
    }
    Ok(if options.exit_on_change {
        Next::Exit(0)
    } else {
        Next::Continue
    })
}

/// A failed refresh: said on stderr, backed off; a rejected key ends the watch (exit 4).
fn failed(watch: &mut Watch<LookupOutcome>, error: &LookupError) -> Next {
    let wait = watch.on_error(Instant::now(), error);
    if let LookupError::KeyRejected { .. } = error {
        eprintln!("userscope: {error}");
        return Next::Exit(error.exit_code());
    }
    eprintln!(
        "userscope: refresh failed: {error}; next try in {} s",
        wait.as_secs()
    );
    Next::Continue
}

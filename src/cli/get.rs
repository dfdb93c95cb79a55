//! `userscope get VENDOR ID [--by KIND] [--format text|json|raw|jsonl] [--demo]`: one lookup,
//! printed. Errors are one line on stderr (`userscope: …`) and the stable exit code of design §4.
//!
//! `userscope get VENDOR --from FILE|- [--concurrency N] [--rate PER_SECOND] [--resume OUT]`:
//! one lookup per line through `bulk` (design §11), one JSON line per input.
//!
//! While a 429 is waited out, `get` says so on stderr (`Coho rate limited: waiting 3 s (try 2 of
//! 3)`), but only when stderr is a terminal: a script reading stderr gets the same one error
//! line as before, and a person watching is not left with seconds of silence.

use std::io::{IsTerminal, Write};
use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use super::{ConnectionArgs, GetArgs, OutputFormat};
use crate::config::{Config, HttpSettings, Overrides};
use crate::error::LookupError;
use crate::lookup::{LookupOutcome, Lookuper};
use crate::secrets::KeySource;
use crate::vendors::{Connection, Lookup, LookupKind, VendorKind};

/// Where keys come from for headless commands: env first, then the OS keyring.
pub fn key_source() -> Arc<dyn KeySource> {
    crate::secrets::default_key_source()
}

pub async fn run(args: GetArgs) -> i32 {
    if args.watch.is_some() {
        return super::watch::run(args).await;
    }
    if args.from.is_some() {
        return match get_bulk(&args).await {
            Ok(code) => code,
            Err(error) => {
                eprintln!("userscope: {error}");
                error.exit_code()
            }
        };
    }
    match get(args).await {
        Ok(()) => 0,
        Err(error) => {
            eprintln!("userscope: {error}");
            error.exit_code()
        }
    }
}

async fn get(args: GetArgs) -> Result<(), LookupError> {
    let format = args.format.unwrap_or_default();
    if format == OutputFormat::Raw && std::io::stdout().is_terminal() {
        return Err(LookupError::Usage(
            "--format raw prints the vendor's bytes unfiltered and refuses to write them to a terminal; redirect it to a file or pipe it (e.g. `| jq .`)".to_owned(),
        ));
    }
    let config = Config::load()?;
    let settings = http_settings(&config.http, &args.connection)?;
    if args.demo {
        return get_demo(&args, settings).await;
    }
    let overrides = overrides(&args.connection)?;
    let env = |var: &str| std::env::var(var).ok();
    let conn = config.resolve(&args.vendor, &overrides, &env)?;
    let lookup = parse_lookup(&conn, args.by.as_deref(), id_of(&args))?;
    let lookuper = Lookuper::new(settings, key_source())?;
    let outcome = run_cancellable(&lookuper, &conn, &lookup).await?;
    print(&outcome, format)
}

/// The positional ID (clap requires it whenever `--from` is absent).
pub(super) fn id_of(args: &GetArgs) -> &str {
    args.id.as_deref().unwrap_or_default()
}

/// `--demo`: the built-in demo vendors on a free loopback port, with their demo keys. The
/// vendor must be a registered one (configured connections point at real services).
async fn get_demo(args: &GetArgs, settings: HttpSettings) -> Result<(), LookupError> {
    let vendor = demo_vendor(&args.vendor)?;
    let server = crate::demo::start_for_command().await?;
    let conn = server.connection(vendor);
    let lookup = parse_lookup(&conn, args.by.as_deref(), id_of(args))?;
    let lookuper = Lookuper::new(settings, Arc::new(crate::demo::DemoKeys))?;
    let outcome = run_cancellable(&lookuper, &conn, &lookup).await;
    server.shutdown().await;
    print(&outcome?, args.format.unwrap_or_default())
}

/// `--demo`'s vendor: a registered one (configured connections point at real services).
pub fn demo_vendor(name: &str) -> Result<VendorKind, LookupError> {
    VendorKind::parse(name).ok_or_else(|| {
        LookupError::Usage(format!(
            "unknown vendor `{}` for --demo; vendors: {}",
            crate::sanitize::sanitize(name),
            crate::config::vendor_names()
        ))
    })
}

/// Ctrl-C cancels the request instead of killing the process mid-write.
async fn run_cancellable(
    lookuper: &Lookuper,
    conn: &Connection,
    lookup: &Lookup,
) -> Result<LookupOutcome, LookupError> {
    let cancel = CancellationToken::new();
    let on_signal = cancel.clone();
    let watcher = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_signal.cancel();
        }
    });
    let (events, mut waits) = tokio::sync::mpsc::unbounded_channel();
    let vendor = conn.vendor.display_name();
    let announce = std::io::stderr().is_terminal();
    let announcer = tokio::spawn(async move {
        while let Some(crate::lookup::LookupEvent::RateLimitedWaiting { wait, attempt }) =
            waits.recv().await
        {
            if announce {
                eprintln!(
                    "{}",
                    crate::bulk::get_work::waiting_message(vendor, wait, attempt)
                );
            }
        }
    });
    let result = lookuper.run(conn, lookup, Some(events), cancel).await;
    watcher.abort();
    let _ = announcer.await;
    result
}

/// Config `[http]` with the command-line flags on top.
pub fn http_settings(
    base: &HttpSettings,
    flags: &ConnectionArgs,
) -> Result<HttpSettings, LookupError> {
    let mut settings = base.clone();
    let positive = |v: f64, flag: &str| {
        if v.is_finite() && v > 0.0 {
            Ok(v)
        } else {
            Err(LookupError::Usage(format!(
                "{flag} must be a positive number of seconds"
            )))
        }
    };
    if let Some(t) = flags.timeout {
        settings.timeout_secs = positive(t, "--timeout")?;
    }
    if let Some(t) = flags.connect_timeout {
        settings.connect_timeout_secs = positive(t, "--connect-timeout")?;
    }
    if let Some(m) = flags.max_body_mib {
        if m == 0 {
            return Err(LookupError::Usage(
                "--max-body-mib must be at least 1".to_owned(),
            ));
        }
        settings.max_body_mib = m;
    }
    Ok(settings)
}

pub fn overrides(flags: &ConnectionArgs) -> Result<Overrides, LookupError> {
    Ok(Overrides {
        base_url: flags.base_url.clone(),
        region: flags.region.clone(),
        subdomain: flags.subdomain.clone(),
    })
}

/// `--by` (default: the vendor's first kind) and a non-empty ID.
pub fn parse_lookup(conn: &Connection, by: Option<&str>, id: &str) -> Result<Lookup, LookupError> {
    let kind = parse_kind(conn, by)?;
    if id.trim().is_empty() {
        return Err(LookupError::Usage(format!(
            "the {} to look up is empty",
            describe_kind(conn.vendor, kind)
        )));
    }
    Ok(Lookup::new(kind, id))
}

/// `--by`, or the vendor's first kind.
pub fn parse_kind(conn: &Connection, by: Option<&str>) -> Result<LookupKind, LookupError> {
    let vendor = conn.vendor;
    let kinds = || {
        vendor
            .lookup_kinds()
            .iter()
            .map(|k| k.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let kind = match by {
        None => vendor.default_lookup(),
        Some(text) => LookupKind::parse(text)
            .filter(|k| vendor.lookup_kinds().contains(k))
            .ok_or_else(|| {
                LookupError::Usage(format!(
                    "{} cannot look users up by `{}`; use --by {}",
                    vendor.display_name(),
                    crate::sanitize::sanitize(text),
                    kinds()
                ))
            })?,
    };
    Ok(kind)
}

fn describe_kind(vendor: VendorKind, kind: LookupKind) -> &'static str {
    vendor.adapter().describe_kind(kind)
}

pub(super) fn print(outcome: &LookupOutcome, format: OutputFormat) -> Result<(), LookupError> {
    let bytes = match format {
        OutputFormat::Text => crate::output::render_text(outcome, chrono::Utc::now()).into_bytes(),
        OutputFormat::Json => crate::output::render_json(outcome)
            .map_err(|e| LookupError::Usage(format!("cannot render JSON: {e}")))?
            .into_bytes(),
        OutputFormat::Raw => outcome.raw.to_vec(),
        OutputFormat::Jsonl => crate::output::render_json(outcome)
            .map(|json| format!("{}\n", crate::bulk::record::compact(&json)))
            .map_err(|e| LookupError::Usage(format!("cannot render JSON: {e}")))?
            .into_bytes(),
    };
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(&bytes).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        // `| head` closed the pipe: the reader has what it wanted.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(LookupError::Usage(format!("cannot write the output: {e}"))),
    }
}

/// The in-process demo server for `--demo`, started before anything else is sent.
pub(super) async fn demo_server(
    demo: bool,
) -> Result<Option<crate::demo::DemoServer>, LookupError> {
    if !demo {
        return Ok(None);
    }
    crate::demo::start_for_command().await.map(Some)
}

/// The connection of a run of many requests (`--from`, `--watch`) and its key, read ONCE for
/// the whole run (a keyring behind D-Bus is asked once); the demo keys with `--demo`.
pub(super) async fn connection_read_once(
    args: &GetArgs,
    config: &Config,
    server: Option<&crate::demo::DemoServer>,
) -> Result<(Connection, Arc<dyn KeySource>), LookupError> {
    if let Some(server) = server {
        return Ok((
            server.connection(demo_vendor(&args.vendor)?),
            Arc::new(crate::demo::DemoKeys),
        ));
    }
    let env = |var: &str| std::env::var(var).ok();
    let conn = config.resolve(&args.vendor, &overrides(&args.connection)?, &env)?;
    crate::http::check_key_transport(&conn.base_url)?;
    let once = crate::bulk::keys::ReadOnce::read(key_source(), &conn).await?;
    Ok((conn, Arc::new(once)))
}

/// `get VENDOR --from FILE|-`: every line one lookup through `bulk`, one JSON line each, on
/// stdout or appended to `--resume OUT`. Returns the run's exit code (design §11).
async fn get_bulk(args: &GetArgs) -> Result<i32, LookupError> {
    let from = args.from.as_deref().unwrap_or(std::path::Path::new("-"));
    match args.format {
        None | Some(OutputFormat::Jsonl) => {}
        Some(other) => {
            return Err(LookupError::Usage(format!(
                "--from writes one JSON line per input; --format {} does not apply",
                format!("{other:?}").to_lowercase()
            )));
        }
    }
    let concurrency = concurrency(args.concurrency)?;
    let flag_rate = args.rate.as_deref().map(parse_rate).transpose()?;
    let config = Config::load()?;
    let settings = http_settings(&config.http, &args.connection)?;

    // Open everything that can fail before the first request.
    let (done, writer) = bulk_output(args.resume.as_deref())?;
    let (reader, total) = open_input(from, &done)?;

    let server = demo_server(args.demo).await?;
    let (conn, keys) = connection_read_once(args, &config, server.as_ref()).await?;
    let rate = flag_rate
        .or_else(|| config.rate(&conn.name))
        .unwrap_or(crate::scheduler::Settings::default().default_rate);
    let work = crate::bulk::get_work::GetWork {
        kind: parse_kind(&conn, args.by.as_deref())?,
        lookuper: Lookuper::new(settings, keys)?,
        conn,
    };
    let options = crate::bulk::Options {
        settings: crate::scheduler::Settings {
            concurrency,
            default_rate: rate,
            rates: std::collections::HashMap::from([(work.conn.name.clone(), rate)]),
        },
        connection: work.conn.name.clone(),
        total,
        done,
        progress: std::io::stderr().is_terminal(),
    };
    let prepare = {
        let work = work.clone();
        move |value: &str| work.prepare(value)
    };
    let summary = crate::bulk::run(
        crate::bulk::LineReader::new(reader),
        options,
        Arc::new(writer),
        prepare,
        move |lookup, gate, cancel| {
            let work = work.clone();
            async move { work.work(lookup, gate, cancel).await }
        },
        crate::bulk::Signals::from_ctrl_c(),
    )
    .await;
    if let Some(server) = server {
        server.shutdown().await;
    }
    Ok(summary.exit_code())
}

/// `--concurrency` of a `--from` run: at least 1, default the scheduler's.
pub(super) fn concurrency(flag: Option<usize>) -> Result<usize, LookupError> {
    match flag {
        Some(0) => Err(LookupError::Usage(
            "--concurrency must be at least 1".to_owned(),
        )),
        Some(n) => Ok(n),
        None => Ok(crate::scheduler::Settings::default().concurrency),
    }
}

/// Where a `--from` run writes: appended to `--resume OUT` (with what OUT already answered),
/// else stdout.
pub(super) fn bulk_output(
    resume: Option<&std::path::Path>,
) -> Result<(crate::bulk::Done, crate::bulk::JsonlWriter), LookupError> {
    match resume {
        Some(path) => {
            let (file, done) = crate::bulk::open_resume(path).map_err(|e| {
                LookupError::Usage(format!(
                    "cannot open {} for --resume: {e}",
                    crate::fsio::shown(path)
                ))
            })?;
            Ok((done, crate::bulk::JsonlWriter::new(Box::new(file))))
        }
        None => Ok((
            crate::bulk::Done::default(),
            crate::bulk::JsonlWriter::new(Box::new(std::io::stdout())),
        )),
    }
}

/// `--rate`: requests per second, more than 0; `0`, `inf` or `unlimited` mean no cap.
pub(super) fn parse_rate(text: &str) -> Result<f64, LookupError> {
    let text = text.trim();
    let rate = if text.eq_ignore_ascii_case("unlimited") {
        f64::INFINITY
    } else {
        text.parse::<f64>().map_err(|_| {
            LookupError::Usage(format!(
                "--rate takes requests per second (e.g. 5, 0.5; 0 or inf: no cap), not `{}`",
                crate::sanitize::sanitize(text)
            ))
        })?
    };
    if rate.is_nan() || rate < 0.0 {
        return Err(LookupError::Usage(
            "--rate must be 0 or more (0 or inf: no cap)".to_owned(),
        ));
    }
    Ok(if rate == 0.0 { f64::INFINITY } else { rate })
}

pub(super) type Input = Box<dyn std::io::BufRead + Send>;

/// The input, and how many lines will run when that is cheap to know: a regular file is
/// counted in a first pass (streamed, nothing kept); stdin and pipes are not.
pub(super) fn open_input(
    from: &std::path::Path,
    done: &crate::bulk::Done,
) -> Result<(Input, Option<usize>), LookupError> {
    const BUFFER: usize = 64 * 1024;
    if from.as_os_str() == "-" {
        let stdin = std::io::BufReader::with_capacity(BUFFER, std::io::stdin());
        return Ok((Box::new(stdin), None));
    }
    let unreadable = |e: std::io::Error| {
        LookupError::Usage(format!("cannot read {}: {e}", crate::fsio::shown(from)))
    };
    let file = std::fs::File::open(from).map_err(unreadable)?;
    let meta = file.metadata().map_err(unreadable)?;
    if meta.is_dir() {
        return Err(LookupError::Usage(format!(
            "{} is a directory; --from takes a file with one value per line",
            crate::fsio::shown(from)
        )));
    }
    let total = if meta.is_file() {
        let counting = std::fs::File::open(from).map_err(unreadable)?;
        let lines =
            crate::bulk::LineReader::new(std::io::BufReader::with_capacity(BUFFER, counting));
        Some(crate::bulk::count_pending(lines, done).map_err(unreadable)?)
    } else {
        None
    };
    Ok((
        Box::new(std::io::BufReader::with_capacity(BUFFER, file)),
        total,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_flag_takes_positive_numbers_and_no_cap_words() {
        assert_eq!(parse_rate("5").unwrap(), 5.0);
        assert_eq!(parse_rate(" 0.5 ").unwrap(), 0.5);
        for no_cap in ["0", "inf", "INF", "unlimited"] {
            assert_eq!(parse_rate(no_cap).unwrap(), f64::INFINITY, "{no_cap}");
        }
        for bad in ["-1", "fast", "NaN", ""] {
            assert_eq!(parse_rate(bad).unwrap_err().exit_code(), 2, "{bad}");
        }
    }
}

//! `userscope find VALUE [--as email|id] [--only C,C] [--no-follow] [--format text|json]
//! [--demo]`: one person at every connection at once (design §9). Bad input is exit 2 before
//! anything is sent; otherwise the exit code is §9's (0 found somewhere, 3 found nowhere, else
//! the worst error's code; 130 after Ctrl-C).

use std::io::Write;
use std::sync::Arc;

use clap::{Args, ValueEnum};
use tokio_util::sync::CancellationToken;

use super::ConnectionArgs;
use crate::config::{Config, FindSettings};
use crate::error::LookupError;
use crate::find::{FindEvent, FindReport, Plan, Query, Target, route};
use crate::lookup::Lookuper;
use crate::secrets::KeySource;
use crate::vendors::{FindClass, VendorKind};

#[derive(Debug, Args)]
pub struct FindArgs {
    /// An email address, or the person's user ID in your product.
    #[arg(required_unless_present = "from", conflicts_with = "from")]
    pub value: Option<String>,
    /// Find every value in FILE (one per line; `-` reads stdin) and write one JSON line per
    /// input, its `result` the §9 object (design §11).
    #[arg(long, value_name = "FILE")]
    pub from: Option<std::path::PathBuf>,
    /// With --from: values (finds) running at once (default 4).
    #[arg(long, value_name = "N", requires = "from")]
    pub concurrency: Option<usize>,
    /// With --from: requests per second to each connection, shared by every find (default
    /// [connections.X] rate, else 5); 0 or `inf` means no cap.
    #[arg(long, value_name = "PER_SECOND", requires = "from")]
    pub rate: Option<String>,
    /// With --from: append to OUT instead of stdout, skipping values OUT already answered
    /// (found / not_found); the rest run again.
    #[arg(long, value_name = "OUT.jsonl", requires = "from")]
    pub resume: Option<std::path::PathBuf>,
    /// What VALUE is (default: email when it contains @, else id).
    #[arg(long = "as", value_enum, value_name = "CLASS")]
    pub as_class: Option<AsClass>,
    /// Ask only these connections (comma-separated names).
    #[arg(long, value_name = "C,C", value_delimiter = ',')]
    pub only: Vec<String>,
    /// Do not look up emails found in the answers at connections that take emails.
    #[arg(long)]
    pub no_follow: bool,
    /// Output: a status board with the conflicts first, or the stable JSON of design §9.
    #[arg(long, value_enum, default_value_t = FindFormat::Text)]
    pub format: FindFormat,
    /// Use the built-in demo vendors (in-process server, demo keys, no network).
    #[arg(long)]
    pub demo: bool,
    /// Total request timeout in seconds, per connection (default 30, or [http] timeout_secs).
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<f64>,
    /// Connect timeout in seconds (default 10, or [http] connect_timeout_secs).
    #[arg(long, value_name = "SECS")]
    pub connect_timeout: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AsClass {
    Email,
    Id,
}

impl From<AsClass> for FindClass {
    fn from(class: AsClass) -> FindClass {
        match class {
            AsClass::Email => FindClass::Email,
            AsClass::Id => FindClass::Id,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum FindFormat {
    /// A status board, then the conflicts, then the agreeing fields.
    #[default]
    Text,
    /// The stable JSON of design §9.
    Json,
}

pub async fn run(args: FindArgs) -> i32 {
    match find(args).await {
        Ok(code) => code,
        Err(error) => {
            eprintln!("userscope: {error}");
            error.exit_code()
        }
    }
}

async fn find(args: FindArgs) -> Result<i32, LookupError> {
    if args.from.is_some() {
        return find_bulk(args).await;
    }
    let query = Query::parse(
        args.value.as_deref().unwrap_or_default(),
        args.as_class.map(FindClass::from),
    )?;
    let config = Config::load()?;
    let flags = ConnectionArgs {
        timeout: args.timeout,
        connect_timeout: args.connect_timeout,
        ..ConnectionArgs::default()
    };
    let settings = super::get::http_settings(&config.http, &flags)?;
    let Setup {
        targets,
        keys,
        routes,
        server,
    } = setup(&args, &config).await?;
    let plan = Plan::new(query, targets, &routes, !args.no_follow);
    let lookuper = Lookuper::new(settings, keys)?;
    let report = run_cancellable(plan, lookuper).await;
    if let Some(server) = server {
        server.shutdown().await;
    }
    let code = report.exit_code();
    print(&report, args.format)?;
    Ok(code)
}

/// Where a find goes: the connections, their keys and the routing, and the demo server
/// when there is one (shut down by the caller).
struct Setup {
    targets: Vec<Target>,
    keys: Arc<dyn KeySource>,
    routes: FindSettings,
    server: Option<crate::demo::DemoServer>,
}

async fn setup(args: &FindArgs, config: &Config) -> Result<Setup, LookupError> {
    let (targets, keys, routes, server) = if args.demo {
        let server = crate::demo::start_for_command().await?;
        let targets = VendorKind::all()
            .map(|v| Target::ready(server.connection(v)))
            .collect();
        let keys: Arc<dyn KeySource> = Arc::new(crate::demo::DemoKeys);
        (targets, keys, FindSettings::default(), Some(server))
    } else {
        let env = |var: &str| std::env::var(var).ok();
        (
            route::targets(config, &env),
            super::get::key_source(),
            config.find.clone(),
            None,
        )
    };
    let targets = if args.only.is_empty() {
        targets
    } else {
        route::only(targets, &args.only)?
    };
    Ok(Setup {
        targets,
        keys,
        routes,
        server,
    })
}

/// `find --from FILE|-`: one find per line through `bulk` (bounded lines at once), all finds
/// pacing each connection with one shared pacer; one JSON line per input, its `result` the
/// §9 object (design §11). Keys are read once per connection for the whole run.
async fn find_bulk(args: FindArgs) -> Result<i32, LookupError> {
    if args.format != FindFormat::Text {
        return Err(LookupError::Usage(
            "--from writes one JSON line per input; --format does not apply".to_owned(),
        ));
    }
    let from = args.from.clone().unwrap_or_else(|| "-".into());
    let concurrency = super::get::concurrency(args.concurrency)?;
    let flag_rate = args
        .rate
        .as_deref()
        .map(super::get::parse_rate)
        .transpose()?;
    let config = Config::load()?;
    let flags = ConnectionArgs {
        timeout: args.timeout,
        connect_timeout: args.connect_timeout,
        ..ConnectionArgs::default()
    };
    let settings = super::get::http_settings(&config.http, &flags)?;
    let (done, writer) = super::get::bulk_output(args.resume.as_deref())?;
    let (reader, total) = super::get::open_input(&from, &done)?;
    let Setup {
        targets,
        keys,
        routes,
        server,
    } = setup(&args, &config).await?;
    let rates = targets
        .iter()
        .map(|t| {
            let rate = flag_rate
                .or_else(|| config.rate(&t.name))
                .unwrap_or(crate::find::DEFAULT_RATE);
            (t.name.clone(), rate)
        })
        .collect();
    let pacer = crate::scheduler::Pacer::new(crate::find::DEFAULT_RATE, rates);
    let lookuper = Lookuper::new(settings, Arc::new(crate::bulk::keys::Memo::new(keys)))?;
    let class = args.as_class.map(FindClass::from);
    let follow = !args.no_follow;
    let options = crate::bulk::Options {
        settings: crate::scheduler::Settings {
            concurrency,
            // Lines are not paced themselves: each connection is, by the shared pacer.
            default_rate: f64::INFINITY,
            rates: std::collections::HashMap::new(),
        },
        connection: "find".to_owned(),
        total,
        done,
        progress: std::io::IsTerminal::is_terminal(&std::io::stderr()),
    };
    let prepare = move |value: &str| {
        Query::parse(value, class).map_err(|e| crate::bulk::LineOutcome::rejected(e.to_string()))
    };
    let work = move |query: Query, _gate, cancel: CancellationToken| {
        let plan = Plan::new(query, targets.clone(), &routes, follow).with_pacer(pacer.clone());
        let lookuper = lookuper.clone();
        async move { line_outcome(&collect(plan, lookuper, cancel).await) }
    };
    let summary = crate::bulk::run(
        crate::bulk::LineReader::new(reader),
        options,
        Arc::new(writer),
        prepare,
        work,
        crate::bulk::Signals::from_ctrl_c(),
    )
    .await;
    if let Some(server) = server {
        server.shutdown().await;
    }
    Ok(summary.exit_code())
}

/// One find to its end: the report `Done` carries (the run always ends with `Done`; an empty
/// report stands in if its task died).
async fn collect(plan: Plan, lookuper: Lookuper, cancel: CancellationToken) -> FindReport {
    let query = plan.query.clone();
    let mut events = crate::find::start(plan, lookuper, cancel);
    while let Some(event) = events.recv().await {
        if let FindEvent::Done(done) = event {
            return *done;
        }
    }
    FindReport::new(query, Vec::new())
}

/// A find's report as a bulk line: found (exit 0) or not found (3) with the §9 object as
/// `result`, else the worst error's code with its one-line cause as `error` (design §11:
/// `error` instead of `result`).
fn line_outcome(report: &FindReport) -> crate::bulk::LineOutcome {
    use crate::bulk::Status;
    let exit_code = report.exit_code();
    let status = match exit_code {
        0 => Status::Found,
        3 => Status::NotFound,
        _ => Status::Error,
    };
    let result = (status != Status::Error)
        .then(|| serde_json::to_string(&crate::find::json::document(report)).ok())
        .flatten();
    let error = (status == Status::Error).then(|| {
        report
            .rows
            .iter()
            .find_map(|row| match &row.status {
                crate::find::Status::Error { message, .. } => Some(message.clone()),
                _ => None,
            })
            .unwrap_or_else(|| format!("no connection could be asked (exit {exit_code})"))
    });
    let attempts = report
        .rows
        .iter()
        .filter(|row| row.lookup.is_some())
        .count();
    crate::bulk::LineOutcome {
        status,
        exit_code,
        attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
        result,
        error,
    }
}

/// Ctrl-C cancels every lookup in flight; the board still prints, with those rows as errors.
async fn run_cancellable(plan: Plan, lookuper: Lookuper) -> FindReport {
    let cancel = CancellationToken::new();
    let on_signal = cancel.clone();
    let watcher = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_signal.cancel();
        }
    });
    let report = collect(plan, lookuper, cancel).await;
    watcher.abort();
    report
}

fn print(report: &FindReport, format: FindFormat) -> Result<(), LookupError> {
    let text = match format {
        FindFormat::Text => crate::find::text::render(report),
        FindFormat::Json => crate::find::json::render(report)
            .map_err(|e| LookupError::Usage(format!("cannot render JSON: {e}")))?,
    };
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        // `| head` closed the pipe: the reader has what it wanted.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(LookupError::Usage(format!("cannot write the output: {e}"))),
    }
}

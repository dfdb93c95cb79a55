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
    pub value: String,
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
    let query = Query::parse(&args.value, args.as_class.map(FindClass::from))?;
    let config = Config::load()?;
    let flags = ConnectionArgs {
        timeout: args.timeout,
        connect_timeout: args.connect_timeout,
        ..ConnectionArgs::default()
    };
    let settings = super::get::http_settings(&config.http, &flags)?;
    let (targets, keys, routes, server): (Vec<Target>, Arc<dyn KeySource>, FindSettings, _) =
        if args.demo {
            let server = crate::demo::start(0)
                .await
                .map_err(|e| LookupError::Network {
                    host: "127.0.0.1".to_owned(),
                    cause: format!("could not start the demo server: {e}"),
                })?;
            let targets = VendorKind::all()
                .map(|v| Target::ready(server.connection(v)))
                .collect();
            // The demo shows the adapters' own routing; a `[find]` list names real connections.
            (
                targets,
                Arc::new(crate::demo::DemoKeys),
                FindSettings::default(),
                Some(server),
            )
        } else {
            let env = |var: &str| std::env::var(var).ok();
            (
                route::targets(&config, &env),
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

/// Ctrl-C cancels every lookup in flight; the board still prints, with those rows as errors.
async fn run_cancellable(plan: Plan, lookuper: Lookuper) -> FindReport {
    let cancel = CancellationToken::new();
    let on_signal = cancel.clone();
    let watcher = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_signal.cancel();
        }
    });
    let query = plan.query.clone();
    let mut events = crate::find::start(plan, lookuper, cancel);
    let mut report = None;
    while let Some(event) = events.recv().await {
        if let FindEvent::Done(done) = event {
            report = Some(*done);
            break;
        }
    }
    watcher.abort();
    // The run always ends with `Done`; an empty report stands in if its task died.
    report.unwrap_or_else(|| FindReport::new(query, Vec::new()))
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

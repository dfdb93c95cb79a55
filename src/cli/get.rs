//! `userscope get VENDOR ID [--by KIND] [--format text|json|raw] [--demo]`: one lookup, printed.
//! Errors are one line on stderr (`userscope: …`) and the stable exit code of design §4.

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
    match get(args).await {
        Ok(()) => 0,
        Err(error) => {
            eprintln!("userscope: {error}");
            error.exit_code()
        }
    }
}

async fn get(args: GetArgs) -> Result<(), LookupError> {
    if args.format == OutputFormat::Raw && std::io::stdout().is_terminal() {
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
    let lookup = parse_lookup(&conn, args.by.as_deref(), &args.id)?;
    let lookuper = Lookuper::new(settings, key_source())?;
    let outcome = run_cancellable(&lookuper, &conn, &lookup).await?;
    print(&outcome, args.format)
}

/// `--demo`: the built-in demo vendors on a free loopback port, with their demo keys. The
/// vendor must be a registered one (configured connections point at real services).
async fn get_demo(args: &GetArgs, settings: HttpSettings) -> Result<(), LookupError> {
    let vendor = VendorKind::parse(&args.vendor).ok_or_else(|| {
        LookupError::Usage(format!(
            "unknown vendor `{}` for --demo; vendors: {}",
            crate::sanitize::sanitize(&args.vendor),
            crate::config::vendor_names()
        ))
    })?;
    let server = crate::demo::start(0)
        .await
        .map_err(|e| LookupError::Network {
            host: "127.0.0.1".to_owned(),
            cause: format!("could not start the demo server: {e}"),
        })?;
    let conn = server.connection(vendor);
    let lookup = parse_lookup(&conn, args.by.as_deref(), &args.id)?;
    let lookuper = Lookuper::new(settings, Arc::new(crate::demo::DemoKeys))?;
    let outcome = run_cancellable(&lookuper, &conn, &lookup).await;
    server.shutdown().await;
    print(&outcome?, args.format)
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
    let result = lookuper.run(conn, lookup, None, cancel).await;
    watcher.abort();
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
    if id.trim().is_empty() {
        return Err(LookupError::Usage(format!(
            "the {} to look up is empty",
            describe_kind(vendor, kind)
        )));
    }
    Ok(Lookup::new(kind, id))
}

fn describe_kind(vendor: VendorKind, kind: LookupKind) -> &'static str {
    vendor.adapter().describe_kind(kind)
}

fn print(outcome: &LookupOutcome, format: OutputFormat) -> Result<(), LookupError> {
    let bytes = match format {
        OutputFormat::Text => crate::output::render_text(outcome, chrono::Utc::now()).into_bytes(),
        OutputFormat::Json => crate::output::render_json(outcome)
            .map_err(|e| LookupError::Usage(format!("cannot render JSON: {e}")))?
            .into_bytes(),
        OutputFormat::Raw => outcome.raw.to_vec(),
    };
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(&bytes).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        // `| head` closed the pipe: the reader has what it wanted.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(LookupError::Usage(format!("cannot write the output: {e}"))),
    }
}

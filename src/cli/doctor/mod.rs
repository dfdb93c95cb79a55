//! `userscope doctor [--json] [--probe]`: checks the setup and says how to fix each problem.
//!
//! It looks at the config file (path, trust, parse), the state, log and history paths and their
//! modes, the keyring (bounded by a time limit: a D-Bus that never replies must not hang the
//! doctor), every connection (vendor, base URL, where its key comes from — never the key — and
//! the key's shape) and the terminal's OSC 52 clipboard support. `--probe` makes one
//! authenticated lookup per connection that has a key, the way `keys test` does.
//! Exit 0 when healthy, 1 when there is a problem (warnings do not count).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use tokio_util::sync::CancellationToken;

use crate::config::{Config, Overrides};
use crate::error::LookupError;
use crate::lookup::Lookuper;
use crate::sanitize::sanitize;
use crate::secrets::{
    Credential, EnvKeys, KeyError, KeyOrigin, KeySource, KeyringKeys, api_key_var, shape_warning,
};
use crate::vendors::{Connection, Lookup, LookupKind, VendorKind};

pub mod report;
use report::{
    ClipboardFacts, ConfigFacts, ConnectionFacts, KeyringFacts, PathFacts, Probe, Report,
};

#[derive(Debug, Clone, Args)]
pub struct DoctorArgs {
    /// Print the report as JSON (stable schema, documented in the README).
    #[arg(long)]
    pub json: bool,
    /// Also make one real authenticated lookup per connection that has a key (as `keys test`).
    #[arg(long)]
    pub probe: bool,
}

/// How long the keyring may take to answer all reads before it counts as not answering.
const KEYRING_TIME_LIMIT: Duration = Duration::from_secs(5);

/// The ID a probe looks up: a 404 for it still proves the key is accepted (as `keys test`).
const PROBE_ID: &str = "userscope-key-test";

pub async fn run(args: DoctorArgs) -> i32 {
    let report = gather(args.probe).await;
    if args.json {
        match serde_json::to_string_pretty(&report) {
            Ok(text) => println!("{text}"),
            Err(e) => {
                eprintln!("userscope: cannot write the report: {e}");
                return 1;
            }
        }
    } else {
        print!("{}", report::render_text(&report));
    }
    i32::from(!report.healthy)
}

/// Every check, then the findings.
pub async fn gather(probe: bool) -> Report {
    let (config_facts, config) = check_config();
    let paths = check_paths();
    let names = config.connection_names();
    let targets: Vec<(String, Option<VendorKind>)> = names
        .iter()
        .map(|name| {
            let vendor = super::keys::key_target(&config, name).ok().map(|(_, v)| v);
            (name.to_ascii_lowercase(), vendor)
        })
        .collect();
    let (keyring, stored) = read_keyring(&targets).await;
    let env = EnvKeys::from_process_env();
    let mut connections = Vec::new();
    let mut credentials = Vec::new();
    for ((name, vendor), stored) in targets.iter().zip(stored) {
        let Some(vendor) = vendor else { continue };
        let (facts, credential) = check_connection(
            &config,
            name,
            *vendor,
            env.credential_for(name, *vendor),
            stored,
        );
        connections.push(facts);
        credentials.push(credential);
    }
    if probe {
        let settings = config.http.clone();
        for (facts, credential) in connections.iter_mut().zip(credentials) {
            if let Some(found) = credential {
                facts.probe = Some(probe_connection(&config, &settings, &facts.name, found).await);
            }
        }
    }
    let clipboard = check_clipboard();
    let (problems, warnings) =
        report::findings(&config_facts, &paths, &keyring, &connections, &clipboard);
    Report {
        schema: report::SCHEMA,
        healthy: problems.is_empty(),
        config: config_facts,
        paths,
        keyring,
        connections,
        clipboard,
        problems,
        warnings,
    }
}

fn check_config() -> (ConfigFacts, Config) {
    let Some(path) = crate::config::config_path() else {
        let facts = ConfigFacts {
            path: None,
            exists: false,
            trusted: None,
            parses: true,
            error: None,
        };
        return (facts, Config::default());
    };
    let exists = std::fs::symlink_metadata(&path).is_ok();
    let trusted = exists.then(|| crate::config::check_trusted(&path).is_ok());
    let (config, error) = match Config::load_from(&path) {
        Ok(config) => (config, None),
        Err(e) => (Config::default(), Some(e.to_string())),
    };
    let facts = ConfigFacts {
        path: Some(crate::fsio::shown(&path)),
        exists,
        trusted,
        parses: error.is_none(),
        error,
    };
    (facts, config)
}

fn check_paths() -> Vec<PathFacts> {
    let state = crate::config::state_dir();
    let mut paths = vec![
        path_facts("state", state.as_deref()),
        path_facts("log", crate::logging::log_path().as_deref()),
        path_facts("history", crate::history::default_path().as_deref()),
    ];
    paths.push(PathFacts {
        name: "cache",
        path: None,
        exists: false,
        mode: None,
        note: Some("none on disk: access tokens are cached in memory only".to_owned()),
    });
    paths
}

fn path_facts(name: &'static str, path: Option<&Path>) -> PathFacts {
    let meta = path.and_then(|p| std::fs::symlink_metadata(p).ok());
    PathFacts {
        name,
        path: path.map(crate::fsio::shown),
        exists: meta.is_some(),
        mode: meta.map(|m| format!("{:04o}", mode_bits(&m))),
        note: None,
    }
}

#[cfg(unix)]
fn mode_bits(meta: &std::fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o7777
}

#[cfg(not(unix))]
fn mode_bits(_meta: &std::fs::Metadata) -> u32 {
    0o600
}

type Stored = Option<Result<Option<Credential>, KeyError>>;

/// Read every connection's keyring entry on a thread of its own, waiting at most
/// `KEYRING_TIME_LIMIT`: a bus that never replies leaves that thread behind (it ends with the
/// process) instead of hanging the doctor. `None` per connection: no answer in time.
async fn read_keyring(targets: &[(String, Option<VendorKind>)]) -> (KeyringFacts, Vec<Stored>) {
    let keyring = KeyringKeys::os();
    let backend = keyring.kind().to_string();
    let work: Vec<(String, VendorKind)> = targets
        .iter()
        .filter_map(|(name, vendor)| vendor.map(|v| (name.clone(), v)))
        .collect();
    let (tx, rx) = tokio::sync::oneshot::channel();
    let for_thread = work.clone();
    std::thread::spawn(move || {
        let work = for_thread;
        let read: Vec<_> = work
            .iter()
            .map(|(name, vendor)| keyring.credential_for(name, *vendor))
            .collect();
        let _ = tx.send(read);
    });
    let answers = tokio::time::timeout(KEYRING_TIME_LIMIT, rx).await;
    let read = match answers {
        Ok(Ok(read)) => read,
        _ => {
            let facts = KeyringFacts {
                backend,
                answers: false,
                error: Some(format!(
                    "no answer within {} s (a D-Bus service that never replies?)",
                    KEYRING_TIME_LIMIT.as_secs()
                )),
            };
            return (facts, targets.iter().map(|_| None).collect());
        }
    };
    // One message for the whole keyring: its hint names no connection in particular.
    let error = work.iter().zip(&read).find_map(|((name, _), r)| {
        r.as_ref().err().map(|e| {
            e.to_string()
                .replace(&api_key_var(name), crate::secrets::GENERIC_KEY_VAR)
        })
    });
    let facts = KeyringFacts {
        backend,
        answers: error.is_none(),
        error,
    };
    let mut read = read.into_iter();
    let stored = targets
        .iter()
        .map(|(_, vendor)| vendor.and_then(|_| read.next()))
        .collect();
    (facts, stored)
}

fn check_connection(
    config: &Config,
    name: &str,
    vendor: VendorKind,
    from_env: Option<(Credential, KeyOrigin)>,
    stored: Stored,
) -> (ConnectionFacts, Option<(Credential, KeyOrigin)>) {
    let env = |var: &str| std::env::var(var).ok();
    let resolved = config.resolve(name, &Overrides::default(), &env);
    let (found, key_source) = match (from_env, stored) {
        (Some(found), _) => (Some(found), "env"),
        (None, Some(Ok(Some(credential)))) => (Some((credential, KeyOrigin::Keyring)), "keyring"),
        (None, Some(Ok(None))) => (None, "none"),
        (None, Some(Err(_)) | None) => (None, "unknown"),
    };
    let shape = found.as_ref().and_then(|(credential, _)| match credential {
        Credential::Key(key) => shape_warning(vendor, key.expose()),
        Credential::ClientCredentials { .. } => None,
    });
    let facts = ConnectionFacts {
        name: sanitize(name).into_owned(),
        vendor: vendor.as_str().to_owned(),
        configured: config.connections.contains_key(name),
        base_url: resolved.as_ref().ok().map(|c| c.base_url.to_string()),
        base_url_error: resolved.as_ref().err().map(ToString::to_string),
        key_source,
        key_var: api_key_var(name),
        key_origin: found.as_ref().map(|(_, origin)| origin.to_string()),
        shape_warning: shape,
        probe: None,
    };
    (facts, found)
}

/// Answers with the one credential the doctor already read, so a probe reads no key again.
struct Found(Credential, KeyOrigin);

impl KeySource for Found {
    fn credential(&self, _conn: &Connection) -> Result<Option<(Credential, KeyOrigin)>, KeyError> {
        Ok(Some((self.0.clone(), self.1.clone())))
    }
}

/// The lookup a probe makes: one that a 404 answers for any valid key (as `keys test`).
fn probe_lookup(vendor: VendorKind) -> Lookup {
    let kind = if vendor.lookup_kinds().contains(&LookupKind::Identifier) {
        LookupKind::Identifier
    } else {
        vendor.default_lookup()
    };
    Lookup::new(kind, PROBE_ID)
}

async fn probe_connection(
    config: &Config,
    settings: &crate::config::HttpSettings,
    name: &str,
    (credential, origin): (Credential, KeyOrigin),
) -> Probe {
    let env = |var: &str| std::env::var(var).ok();
    let result = async {
        let conn = config.resolve(name, &Overrides::default(), &env)?;
        let lookuper = Lookuper::new(settings.clone(), Arc::new(Found(credential, origin)))?;
        lookuper
            .run(
                &conn,
                &probe_lookup(conn.vendor),
                None,
                CancellationToken::new(),
            )
            .await
    }
    .await;
    match result {
        Ok(outcome) => Probe {
            accepted: true,
            status: Some(outcome.request.status),
            message: format!("key accepted (HTTP {})", outcome.request.status),
            exit_code: 0,
        },
        Err(LookupError::NotFound { .. }) => Probe {
            accepted: true,
            status: Some(404),
            message: "key accepted (404 for the probe ID)".to_owned(),
            exit_code: 0,
        },
        Err(error) => Probe {
            accepted: false,
            status: match &error {
                LookupError::KeyRejected { status, .. } | LookupError::Server { status, .. } => {
                    Some(*status)
                }
                _ => None,
            },
            message: error.to_string(),
            exit_code: error.exit_code(),
        },
    }
}

fn check_clipboard() -> ClipboardFacts {
    let tmux = crate::tui::clipboard::tmux_set_clipboard();
    let warning =
        crate::tui::clipboard::support_warning(|v| std::env::var(v).ok(), tmux.as_deref());
    ClipboardFacts {
        osc52: warning.is_none(),
        warning,
    }
}

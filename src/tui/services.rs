//! The TUI's seam to the rest of the crate: which connections exist, where keys come from, and
//! the lookuper. Everything here happens before the first frame or inside runtime tasks.

use std::sync::Arc;

use crate::cli::TuiArgs;
use crate::config::{Config, Overrides};
use crate::demo::{self, DemoKeys, DemoServer};
use crate::error::LookupError;
use crate::lookup::Lookuper;
use crate::sanitize::sanitize;
use crate::secrets::{ApiKey, KeyOrigin, KeySource};
use crate::tui::app::{AppInit, ConnEntry, DemoHint};
use crate::tui::message::KeyStatus;
use crate::tui::ui::theme::Theme;
use crate::vendors::{Connection, Lookup, LookupKind, VendorKind};

pub struct Services {
    pub lookuper: Lookuper,
    pub keys: Arc<dyn KeySource>,
    /// Keeps the in-process demo server alive for the session (`--demo`).
    pub demo: Option<DemoServer>,
    /// `[find]`: who answers an email and who an ID, when All vendors is asked.
    pub find: crate::config::FindSettings,
    /// `[tui] watch_secs` and `[watch] ignore`: what `w` starts a watch with.
    pub watch: crate::tui::screens::profile::WatchSetup,
    /// `[tui] avatars`: load on open, or only on `i`.
    pub avatars: crate::tui::avatar::AvatarSetup,
    /// The avatar client (`[http]` timeouts, the 5 MiB avatar cap), or why there is none.
    pub avatar_client: Result<crate::http::HttpClient, String>,
    /// How avatars are drawn: half-blocks until `tui::run` asks the terminal (once, before
    /// the event stream reads).
    pub picker: ratatui_image::picker::Picker,
}

/// The key source for real vendors: env first, then the OS keyring.
pub fn key_source() -> Arc<dyn KeySource> {
    crate::secrets::default_key_source()
}

/// Store a key typed into the key dialog. Blocks (keyring round trips): run off the UI thread.
pub fn save_key(connection: &Connection, key: &ApiKey) -> Result<(), String> {
    crate::secrets::store_key(&connection.name, key)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Which connections have a key (never the key). Blocks: run off the UI thread.
pub fn key_statuses(keys: &dyn KeySource, connections: &[Connection]) -> Vec<(String, KeyStatus)> {
    connections
        .iter()
        .map(|c| {
            let status = match keys.credential(c) {
                Ok(Some((_, origin))) => KeyStatus::Present(origin),
                Ok(None) => KeyStatus::Missing,
                Err(e) => KeyStatus::Error(e.to_string()),
            };
            (c.name.clone(), status)
        })
        .collect()
}

/// The demo people of every vendor, plus the lookup that always answers 429.
pub fn demo_hints() -> Vec<DemoHint> {
    let mut hints = Vec::new();
    for vendor in VendorKind::all() {
        for user in demo::users(vendor) {
            hints.push(DemoHint {
                vendor,
                lookup: Lookup::new(user.lookup, user.value),
                label: user.label.to_owned(),
            });
        }
        let (kind, value) = demo::rate_limited(vendor);
        hints.push(DemoHint {
            vendor,
            lookup: Lookup::new(kind, value),
            label: "answers 429".to_owned(),
        });
    }
    hints
}

fn real_connections(config: &Config) -> Vec<ConnEntry> {
    let env = |name: &str| std::env::var(name).ok();
    config
        .connection_names()
        .into_iter()
        .filter_map(|name| {
            let vendor = config
                .connections
                .get(&name)
                .and_then(|c| c.vendor)
                .or_else(|| VendorKind::parse(&name))?;
            let connection = config
                .resolve(&name, &Overrides::default(), &env)
                .map_err(|e| e.to_string());
            Some(ConnEntry {
                name: name.to_ascii_lowercase(),
                vendor,
                connection,
                key: KeyStatus::Unknown,
            })
        })
        .collect()
}

/// Resolve the startup arguments into services and the initial state. Errors here are usage
/// errors shown before the terminal is taken over.
pub async fn prepare(
    args: &TuiArgs,
    theme: Theme,
    config: &Config,
) -> Result<(Services, AppInit), LookupError> {
    let keymap = crate::tui::keymap::KeyMap::with_overrides(&config.tui)
        .map_err(|e| LookupError::Usage(format!("config file: {e}")))?;
    let theme = theme
        .with_config(&config.tui)
        .map_err(|e| LookupError::Usage(format!("config file: {e}")))?;
    let (connections, keys, demo_server): (Vec<ConnEntry>, Arc<dyn KeySource>, _) = if args.demo {
        let server = demo::start(0).await.map_err(|e| LookupError::Network {
            host: "127.0.0.1".to_owned(),
            cause: format!("cannot start the demo server: {e}"),
        })?;
        let connections = VendorKind::all()
            .map(|v| ConnEntry {
                name: v.as_str().to_owned(),
                vendor: v,
                connection: Ok(server.connection(v)),
                key: KeyStatus::Present(KeyOrigin::Demo),
            })
            .collect();
        (connections, Arc::new(DemoKeys), Some(server))
    } else {
        (real_connections(config), key_source(), None)
    };

    let selected = match &args.vendor {
        None => 0,
        Some(wanted) => {
            let wanted_lower = wanted.trim().to_ascii_lowercase();
            connections
                .iter()
                .position(|c| c.name == wanted_lower)
                .or_else(|| {
                    let vendor = VendorKind::parse(wanted)?;
                    connections.iter().position(|c| c.vendor == vendor)
                })
                .ok_or_else(|| {
                    LookupError::Usage(format!(
                        "unknown vendor or connection `{}`; vendors: {}",
                        sanitize(wanted),
                        crate::config::vendor_names()
                    ))
                })?
        }
    };
    let vendor = connections
        .get(selected)
        .map_or(VendorKind::first(), |c| c.vendor);
    let kind = match &args.by {
        None => None,
        Some(by) => {
            let kind = LookupKind::parse(by).ok_or_else(|| {
                LookupError::Usage(format!(
                    "unknown lookup kind `{}`; use id, key, email or identifier",
                    sanitize(by)
                ))
            })?;
            if !vendor.lookup_kinds().contains(&kind) {
                let kinds: Vec<&str> = vendor.lookup_kinds().iter().map(|k| k.as_str()).collect();
                return Err(LookupError::Usage(format!(
                    "{} cannot look up by {kind}; use {}",
                    vendor.display_name(),
                    kinds.join(" or ")
                )));
            }
            Some(kind)
        }
    };
    let lookuper = Lookuper::new(config.http.clone(), keys.clone())?;
    let init = AppInit {
        demo: args.demo,
        connections,
        demo_users: if args.demo { demo_hints() } else { Vec::new() },
        selected,
        kind,
        input: args.lookup.clone().unwrap_or_default(),
        theme,
        keymap,
    };
    Ok((
        Services {
            lookuper,
            keys,
            demo: demo_server,
            find: config.find.clone(),
            watch: crate::tui::screens::profile::WatchSetup {
                interval: std::time::Duration::from_secs(config.tui.watch_interval_secs()),
                ignore: crate::watch::Ignore::from_settings(&config.watch),
            },
            avatars: crate::tui::avatar::AvatarSetup {
                auto: config.tui.avatars,
            },
            avatar_client: crate::avatar::client(&config.http).map_err(|e| e.to_string()),
            picker: crate::tui::avatar::halfblocks(),
        },
        init,
    ))
}

//! TOML configuration (XDG paths), HTTP settings and connection resolution.
//! The app runs with no config file at all.

use std::collections::BTreeMap;

use serde::Deserialize;
use url::Url;

use crate::error::LookupError;
use crate::secrets::env_stem;
pub use crate::vendors::vendor_names;
use crate::vendors::{Connection, ConnectionSettings, VendorKind};

mod file;
mod find;
mod http;
mod tui;
mod vendors;
pub mod watch;
pub use file::{check_trusted, config_path, state_dir};
pub use find::{FindRoute, FindSettings};
pub use http::HttpSettings;
pub use tui::{DEFAULT_WATCH_SECS, KeyList, MIN_WATCH_SECS, TuiSettings};
pub use vendors::{DeclaredVendors, register_demo_vendors};
pub use watch::WatchSettings;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub http: HttpSettings,
    pub connections: BTreeMap<String, ConnectionConfig>,
    /// TUI settings (key bindings, theme); read by the TUI.
    pub tui: TuiSettings,
    /// `[find]`: which connections answer `userscope find` for each identity class.
    pub find: FindSettings,
    /// `[vendors.NAME]`: vendors defined in this file (design §10). They are validated and
    /// registered before the rest of the file is read (a connection may name one); here only
    /// their handles.
    pub vendors: DeclaredVendors,
    /// `[watch]`: paths that never count as changes (each checked when the file is read).
    pub watch: WatchSettings,
}

/// One `[connections.NAME]` table. `region` and `subdomain` are connection settings whose
/// meaning belongs to the vendor that declares them (`VendorAdapter::settings`).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConnectionConfig {
    /// Defaults to the connection name when that is a vendor name.
    pub vendor: Option<VendorKind>,
    pub region: Option<toml::Spanned<String>>,
    pub subdomain: Option<toml::Spanned<String>>,
    pub base_url: Option<String>,
    pub auth_url: Option<String>,
    /// Requests per second for bulk runs (`get --from`); 0 or `inf` means no cap.
    pub rate: Option<toml::Spanned<f64>>,
}

impl ConnectionConfig {
    /// A vendor setting from the file, by its key.
    fn setting(&self, key: &str) -> Option<&toml::Spanned<String>> {
        match key {
            "region" => self.region.as_ref(),
            "subdomain" => self.subdomain.as_ref(),
            _ => None,
        }
    }
}

/// The vendor settings a connection table and the command line may give.
const SETTING_KEYS: [&str; 2] = ["region", "subdomain"];

/// Command-line overrides; they beat env vars, which beat the config file.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub base_url: Option<String>,
    /// `--region`: read by the vendor that declares the `region` setting.
    pub region: Option<String>,
    /// `--subdomain`: read by the vendor that declares the `subdomain` setting.
    pub subdomain: Option<String>,
}

impl Overrides {
    fn setting(&self, key: &str) -> Option<&String> {
        match key {
            "region" => self.region.as_ref(),
            "subdomain" => self.subdomain.as_ref(),
            _ => None,
        }
    }
}

/// A setting value is checked by the vendor that declares the setting, whichever vendor the
/// connection is for (as a typed value would be).
fn check_setting(key: &str, value: &str) -> Result<(), String> {
    match crate::vendors::setting(key) {
        Some((vendor, _)) => vendor.adapter().check_setting(key, value),
        None => Ok(()),
    }
}

impl Config {
    /// Parse, with every error prefixed by `FILE:LINE:COLUMN:` where the file says where.
    pub fn parse_located(text: &str, file: &str) -> Result<Config, String> {
        Config::parse(text).map_err(|e| locate(text, file, &e))
    }

    /// Two phases: the `[vendors.*]` tables are validated and registered first (once per
    /// process; see `vendors::register`), so that the rest of the file, read second, may name
    /// them (`[connections.X] vendor = "ledgerly"`).
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let declared = vendors::register_section(text)?;
        let mut config: Config = toml::from_str(text).map_err(|e| ConfigError {
            message: crate::sanitize::sanitize(&with_suggestion(e.message())).into_owned(),
            at: e.span().map(|span| span.start),
        })?;
        for (name, conn) in &config.connections {
            for key in SETTING_KEYS {
                if let Some(value) = conn.setting(key) {
                    check_setting(key, value.get_ref()).map_err(|message| ConfigError {
                        message,
                        at: Some(value.span().start),
                    })?;
                }
            }
            if let Some(rate) = &conn.rate
                && (rate.get_ref().is_nan() || *rate.get_ref() < 0.0)
            {
                return Err(ConfigError {
                    message: "`rate` must be a number of requests per second, 0 or more (0 or inf: no cap)".to_owned(),
                    at: Some(rate.span().start),
                });
            }
            if conn.vendor.is_none() && VendorKind::parse(name).is_none() {
                return Err(ConfigError {
                    message: format!(
                        "connection `{}` needs `vendor = \"…\"` (one of {})",
                        crate::sanitize::sanitize(name),
                        vendor_names()
                    ),
                    at: None,
                });
            }
        }
        config.find.check(&config)?;
        config.watch.check()?;
        config.vendors = declared;
        Ok(config)
    }

    /// Every connection: the configured ones, plus each vendor's default connection that the
    /// config does not define under the vendor's own name.
    pub fn connection_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.connections.keys().cloned().collect();
        for vendor in VendorKind::all() {
            if !self.connections.contains_key(vendor.as_str()) {
                names.push(vendor.as_str().to_owned());
            }
        }
        names
    }

    /// A connection's `rate` (requests per second; `f64::INFINITY` for 0 or `inf`: no cap).
    pub fn rate(&self, connection: &str) -> Option<f64> {
        let rate = *self.connections.get(connection)?.rate.as_ref()?.get_ref();
        Some(if rate == 0.0 { f64::INFINITY } else { rate })
    }

    /// Resolve a connection or vendor name into where to send requests.
    pub fn resolve(
        &self,
        name: &str,
        overrides: &Overrides,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Connection, LookupError> {
        let name = name.trim();
        let default_conf;
        let conf = match self.connections.get(name) {
            Some(c) => c,
            None => {
                let vendor = VendorKind::parse(name).ok_or_else(|| {
                    LookupError::Usage(format!(
                        "unknown vendor or connection `{}`; vendors: {}",
                        crate::sanitize::sanitize(name),
                        vendor_names()
                    ))
                })?;
                default_conf = ConnectionConfig {
                    vendor: Some(vendor),
                    ..ConnectionConfig::default()
                };
                &default_conf
            }
        };
        let vendor = conf
            .vendor
            .or_else(|| VendorKind::parse(name))
            .ok_or_else(|| LookupError::Usage(format!("connection `{name}` has no vendor")))?;
        let name = name.to_ascii_lowercase();
        let stem = env_stem(&name);
        let env_nonempty = |var: &str| env(var).filter(|v| !v.trim().is_empty());

        for key in SETTING_KEYS {
            let given = overrides.setting(key).cloned().or_else(|| {
                env_nonempty(&format!("USERSCOPE_{stem}_{}", key.to_ascii_uppercase()))
            });
            if let Some(value) = given {
                check_setting(key, &value).map_err(LookupError::Usage)?;
            }
        }
        // Each setting: the flag, then USERSCOPE_<STEM>_<KEY>, then the config file.
        let setting = |key: &str| -> Option<String> {
            overrides
                .setting(key)
                .cloned()
                .or_else(|| env_nonempty(&format!("USERSCOPE_{stem}_{}", key.to_ascii_uppercase())))
                .or_else(|| conf.setting(key).map(|v| v.get_ref().clone()))
        };
        let settings = ConnectionSettings {
            connection: &name,
            env_stem: &stem,
            lookup: &setting,
        };
        let endpoint = vendor.adapter().endpoint(&settings)?;
        let base_override = overrides
            .base_url
            .clone()
            .map(|u| (u, "--base-url".to_owned()))
            .or_else(|| {
                let var = format!("USERSCOPE_{stem}_BASE_URL");
                env_nonempty(&var).map(|u| (u, var))
            })
            .or_else(|| {
                conf.base_url
                    .clone()
                    .map(|u| (u, format!("base_url of [connections.{name}]")))
            });
        let base_url = match base_override {
            Some((url, source)) => parse_base_url(&url, &source)?,
            None => endpoint.base_url?,
        };
        // Vendors with a token exchange have an auth URL; env and config may move it.
        let auth_url = match endpoint.auth_url {
            Some(default) => {
                let var = format!("USERSCOPE_{stem}_AUTH_URL");
                Some(match env_nonempty(&var) {
                    Some(u) => parse_base_url(&u, &var)?,
                    None => match &conf.auth_url {
                        Some(u) => parse_base_url(u, &format!("auth_url of [connections.{name}]"))?,
                        None => default,
                    },
                })
            }
            None => None,
        };
        Ok(Connection {
            name,
            vendor,
            base_url,
            auth_url,
        })
    }
}

/// A config file that cannot be used: what is wrong and, where known, the byte offset.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ConfigError {
    pub message: String,
    pub at: Option<usize>,
}

/// serde's "unknown field `thme`, expected one of `theme`, `keys`, `watch_secs`" (also "unknown variant") with
/// "(did you mean `theme`?)" added when one expected name is close to what was typed. The
/// names come from the message itself, so every section (and every enum value, such as
/// `vendor`) gets this without keeping a second list of keys.
pub(crate) fn with_suggestion(message: &str) -> String {
    match did_you_mean(message) {
        Some(name) => format!("{message} (did you mean `{name}`?)"),
        None => message.to_owned(),
    }
}

fn did_you_mean(message: &str) -> Option<&str> {
    let rest = message
        .strip_prefix("unknown field `")
        .or_else(|| message.strip_prefix("unknown variant `"))?;
    let (typed, rest) = rest.split_once('`')?;
    let (_, expected) = rest.split_once("expected")?;
    // The backquoted names are every second piece between backquotes.
    let candidates = expected.split('`').skip(1).step_by(2);
    closest(typed, candidates)
}

/// The candidate nearest to `typed`, if near enough to be a typo: at most a third of the
/// longer word's characters edited (so `thme` → `theme`, but `colour` suggests nothing).
pub(crate) fn closest<'a>(
    typed: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    let typed_lower = typed.to_lowercase();
    candidates
        .map(|c| {
            (
                strsim::damerau_levenshtein(&typed_lower, &c.to_lowercase()),
                c,
            )
        })
        .filter(|(distance, c)| {
            let longest = typed.chars().count().max(c.chars().count());
            *distance > 0 && *distance * 3 <= longest.max(3) || (*distance == 0 && typed != *c)
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c)
}

/// An error as `FILE:LINE:COLUMN: message` where the file says where, else
/// `config file FILE: message`.
pub fn locate(text: &str, file: &str, error: &ConfigError) -> String {
    let file = crate::sanitize::sanitize(file);
    match error.at {
        Some(at) => {
            let (line, column) = line_and_column(text, at);
            format!("{file}:{line}:{column}: {}", error.message)
        }
        None => format!("config file {file}: {}", error.message),
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_and_column(text: &str, at: usize) -> (usize, usize) {
    let before = text.get(..at.min(text.len())).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}

/// A URL as it may be printed: sanitized, and with any userinfo (`user:password@`) hidden, also
/// when there is no scheme (`user:PW@host`), since a password pasted here must never be echoed.
fn shown_url(raw: &str) -> String {
    let text = crate::sanitize::redact_userinfo(raw.trim()).into_owned();
    let text = match (text.contains("://"), text.rfind('@')) {
        (false, Some(at)) => format!("***{}", text.get(at..).unwrap_or_default()),
        _ => text,
    };
    crate::sanitize::sanitize(&text).into_owned()
}

/// A base URL: scheme, host, port and, optionally, a path prefix to which the vendor's path
/// is appended (a self-hosted Vemetric serves its API under `/api`). The prefix is checked as
/// typed, before the parser could resolve it away: no `.`/`..` segments (nor `%2e`), no `\\`,
/// no `//`; no query, fragment or userinfo. A trailing `/` is dropped; no prefix is path `/`.
pub fn parse_base_url(raw: &str, source: &str) -> Result<Url, LookupError> {
    let bad = |why: &str| {
        LookupError::Usage(format!(
            "{source}: `{}` is not a usable base URL ({why}); expected e.g. https://host:port or https://host/prefix",
            shown_url(raw)
        ))
    };
    let mut url = Url::parse(raw.trim()).map_err(|e| bad(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("scheme must be http or https"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("credentials in URLs are not allowed"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad(
            "a query (`?…`) or fragment (`#…`) is not allowed: the vendor's query is added for you",
        ));
    }
    if let Some(why) = prefix_problem(raw.trim()) {
        return Err(bad(why));
    }
    let prefix = url.path().trim_end_matches('/').to_owned();
    url.set_path(if prefix.is_empty() { "/" } else { &prefix });
    Ok(url)
}

/// Why the path of a base URL, as typed (after the authority, before `?`/`#`), cannot be a prefix.
fn prefix_problem(text: &str) -> Option<&'static str> {
    let rest = text.split_once("://").map_or(text, |(_, rest)| rest);
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let path = rest.find(['/', '\\']).and_then(|at| rest.get(at..));
    let inner = path.unwrap_or_default().trim_matches('/');
    if inner.contains('\\') {
        return Some("a backslash in the path is not allowed");
    }
    for segment in inner.split('/').filter(|_| !inner.is_empty()) {
        let decoded = percent_encoding::percent_decode_str(segment).decode_utf8_lossy();
        if decoded == "." || decoded == ".." {
            return Some("`.` and `..` path segments are not allowed");
        }
        if segment.is_empty() {
            return Some("an empty path segment (`//`) is not allowed");
        }
    }
    None
}

#[cfg(test)]
mod tests;

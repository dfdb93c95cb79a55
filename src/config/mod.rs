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
pub mod watch;
pub use file::{check_trusted, config_path, state_dir};
pub use find::{FindRoute, FindSettings};
pub use http::HttpSettings;
pub use tui::{DEFAULT_WATCH_SECS, KeyList, MIN_WATCH_SECS, TuiSettings};
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
        let file = crate::sanitize::sanitize(file);
        Config::parse(text).map_err(|e| match e.at {
            Some(at) => {
                let (line, column) = line_and_column(text, at);
                format!("{file}:{line}:{column}: {}", e.message)
            }
            None => format!("config file {file}: {}", e.message),
        })
    }

    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| ConfigError {
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
fn with_suggestion(message: &str) -> String {
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
fn closest<'a>(typed: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
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

/// A base URL override keeps only scheme, host and port; the vendor's path is appended later.
pub fn parse_base_url(raw: &str, source: &str) -> Result<Url, LookupError> {
    let bad = |why: &str| {
        LookupError::Usage(format!(
            "{source}: `{}` is not a usable base URL ({why}); expected e.g. https://host:port",
            shown_url(raw)
        ))
    };
    let url = Url::parse(raw.trim()).map_err(|e| bad(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("scheme must be http or https"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("credentials in URLs are not allowed"));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(bad(
            "give only scheme, host and port: the vendor's path is added for you",
        ));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    /// The vendor that declares a setting (region, subdomain), and one with a fixed host.
    fn declaring(key: &str) -> VendorKind {
        crate::vendors::setting(key).unwrap().0
    }

    fn fixed_host_vendor() -> VendorKind {
        VendorKind::all()
            .find(|v| v.adapter().settings().is_empty())
            .unwrap()
    }

    #[test]
    fn default_connections_use_documented_hosts() {
        let c = Config::default();
        for vendor in VendorKind::all() {
            match (
                vendor.default_base_url(),
                c.resolve(vendor.as_str(), &Overrides::default(), &no_env),
            ) {
                (Some(url), Ok(conn)) => {
                    assert_eq!(conn.base_url.as_str().trim_end_matches('/'), url);
                    assert_eq!(conn.auth_url.is_some(), vendor.accepts_client_credentials());
                }
                // No fixed host: a setting is needed first.
                (None, Err(err)) => assert_eq!(err.exit_code(), 2, "{vendor}"),
                (url, conn) => panic!("{vendor}: {url:?} {conn:?}"),
            }
        }
        let upper = fixed_host_vendor().as_str().to_uppercase();
        assert!(c.resolve(&upper, &Overrides::default(), &no_env).is_ok());
    }

    #[test]
    fn settings_come_from_flag_env_or_file_and_mean_what_the_vendor_says() {
        let regional = declaring("region");
        let name = regional.as_str();
        let stem = env_stem(name);
        let c = Config::default();
        let us = Overrides {
            region: Some("us".into()),
            ..Overrides::default()
        };
        let lookup = |key: &str| (key == "region").then(|| "us".to_owned());
        let expected = regional
            .adapter()
            .endpoint(&ConnectionSettings {
                connection: name,
                env_stem: &stem,
                lookup: &lookup,
            })
            .unwrap();
        let from_flag = c.resolve(name, &us, &no_env).unwrap();
        let default = c.resolve(name, &Overrides::default(), &no_env).unwrap();
        assert_ne!(from_flag.base_url, default.base_url);
        assert_eq!(&from_flag.base_url, expected.base_url.as_ref().unwrap());
        assert_eq!(from_flag.auth_url, expected.auth_url);
        let var = format!("USERSCOPE_{stem}_REGION");
        let env = |v: &str| (v == var).then(|| "us".to_owned());
        let from_env = c.resolve(name, &Overrides::default(), &env).unwrap();
        assert_eq!(from_env.base_url, from_flag.base_url);
        let file = Config::parse(&format!("[connections.{name}]\nregion = \"us\"\n")).unwrap();
        let from_file = file.resolve(name, &Overrides::default(), &no_env).unwrap();
        assert_eq!(from_file.base_url, from_flag.base_url);
        // A bad value is refused by the declaring vendor, with the file's line and column.
        let err = Config::parse_located(
            &format!("[connections.{name}]\nregion = \"mars\"\n"),
            "c.toml",
        )
        .unwrap_err();
        let message = regional
            .adapter()
            .check_setting("region", "mars")
            .unwrap_err();
        assert_eq!(err, format!("c.toml:2:10: {message}"));
        let bad = Overrides {
            region: Some("mars".into()),
            ..Overrides::default()
        };
        assert_eq!(c.resolve(name, &bad, &no_env).unwrap_err().exit_code(), 2);
    }

    #[test]
    fn a_missing_or_invalid_subdomain_is_a_usage_error() {
        let vendor = declaring("subdomain");
        let c = Config::default();
        let err = c
            .resolve(vendor.as_str(), &Overrides::default(), &no_env)
            .unwrap_err();
        assert_eq!(err.exit_code(), 2);
        let o = Overrides {
            subdomain: Some("evil.com/x".into()),
            ..Overrides::default()
        };
        assert_eq!(
            c.resolve(vendor.as_str(), &o, &no_env)
                .unwrap_err()
                .exit_code(),
            2
        );
        let o = Overrides {
            subdomain: Some("acme".into()),
            ..Overrides::default()
        };
        let conn = c.resolve(vendor.as_str(), &o, &no_env).unwrap();
        assert_eq!(
            conn.base_url.host_str().map(|h| h.starts_with("acme.")),
            Some(true)
        );
        // A base URL makes the subdomain unnecessary.
        let o = Overrides {
            base_url: Some("http://127.0.0.1:9".into()),
            ..Overrides::default()
        };
        assert!(c.resolve(vendor.as_str(), &o, &no_env).is_ok());
    }

    #[test]
    fn base_url_precedence_flag_env_config() {
        let vendor = fixed_host_vendor();
        let name = vendor.as_str();
        let c = Config::parse(&format!(
            "[connections.{name}]\nbase_url = \"http://127.0.0.1:1\"\n"
        ))
        .unwrap();
        let var = format!("USERSCOPE_{}_BASE_URL", env_stem(name));
        let env = |v: &str| (v == var).then(|| "http://127.0.0.1:2".to_owned());
        let flag = Overrides {
            base_url: Some("http://127.0.0.1:3".into()),
            ..Overrides::default()
        };
        assert_eq!(
            c.resolve(name, &Overrides::default(), &no_env)
                .unwrap()
                .base_url
                .port(),
            Some(1)
        );
        assert_eq!(
            c.resolve(name, &Overrides::default(), &env)
                .unwrap()
                .base_url
                .port(),
            Some(2)
        );
        assert_eq!(
            c.resolve(name, &flag, &env).unwrap().base_url.port(),
            Some(3)
        );
    }

    #[test]
    fn named_connections_and_unknown_names() {
        let regional = declaring("region");
        let text = format!(
            "[connections.eu-2]\nvendor = \"{}\"\nregion = \"us\"\n[connections.acme]\nvendor = \"{}\"\nsubdomain = \"acme\"\n",
            regional,
            declaring("subdomain")
        );
        let c = Config::parse(&text).unwrap();
        let conn = c.resolve("eu-2", &Overrides::default(), &no_env).unwrap();
        let us = Overrides {
            region: Some("us".into()),
            ..Overrides::default()
        };
        let direct = Config::default()
            .resolve(regional.as_str(), &us, &no_env)
            .unwrap();
        assert_eq!((conn.vendor, &conn.base_url), (regional, &direct.base_url));
        assert_eq!(conn.name, "eu-2");
        assert_eq!(
            c.resolve("nope", &Overrides::default(), &no_env)
                .unwrap_err()
                .exit_code(),
            2
        );
        assert!(Config::parse("[connections.x]\nregion = \"eu\"\n").is_err());
        assert!(Config::parse("[connections.x]\nvendor = \"nope\"\n").is_err());
        assert!(parse_base_url("https://h/path", "t").is_err());
        assert!(parse_base_url("ftp://h", "t").is_err());
        for raw in [
            "http://alice:S3cret@127.0.0.1:8080",
            "alice:S3cret@127.0.0.1:8080",
        ] {
            let err = parse_base_url(raw, "--base-url").unwrap_err().to_string();
            assert!(!err.contains("S3cret") && !err.contains("alice"), "{err}");
            assert!(err.contains("***@127.0.0.1:8080"), "{err}");
        }
    }

    #[test]
    fn unknown_keys_suggest_the_nearest_name_in_every_section() {
        let cases = [
            (
                "thme = 1\n",
                "c.toml:1:1: unknown field `thme`, expected one of `http`, `connections`, `tui`, `find`, `watch`",
                None,
            ),
            (
                "[htp]\n",
                "c.toml:1:2: unknown field `htp`, expected one of `http`, `connections`, `tui`, `find`, `watch`",
                Some("http"),
            ),
            (
                "[http]\n\ntimeout_sec = 3\n",
                "c.toml:3:1: unknown field `timeout_sec`, expected one of `connect_timeout_secs`, `timeout_secs`, `max_body_mib`",
                Some("timeout_secs"),
            ),
            (
                "[tui]\nthme = \"light\"\n",
                "c.toml:2:1: unknown field `thme`, expected one of `theme`, `keys`, `watch_secs`",
                Some("theme"),
            ),
            (
                "[connections.eu]\nvendor = \"x\"\nbase_ulr = \"http://127.0.0.1:1\"\n",
                "c.toml:3:1: unknown field `base_ulr`, expected one of `vendor`, `region`, `subdomain`, `base_url`, `auth_url`, `rate`",
                Some("base_url"),
            ),
            (
                "[connections.eu]\nsubdomian = \"acme\"\n",
                "c.toml:2:1: unknown field `subdomian`, expected one of `vendor`, `region`, `subdomain`, `base_url`, `auth_url`, `rate`",
                Some("subdomain"),
            ),
            (
                "[connections.eu]\ncolour = \"red\"\n",
                "c.toml:2:1: unknown field `colour`, expected one of `vendor`, `region`, `subdomain`, `base_url`, `auth_url`, `rate`",
                None,
            ),
        ];
        for (text, start, suggestion) in cases {
            let err = Config::parse_located(text, "c.toml").unwrap_err();
            let expected = match suggestion {
                Some(name) => format!("{start} (did you mean `{name}`?)"),
                None => start.to_owned(),
            };
            assert_eq!(err, expected, "{text}");
        }
        // An enum value (the vendor) gets the same help.
        let vendor = VendorKind::all().next().unwrap().as_str();
        let typo = format!("{}x", vendor);
        let err =
            Config::parse_located(&format!("[connections.a]\nvendor = \"{typo}\"\n"), "c.toml")
                .unwrap_err();
        assert!(err.starts_with("c.toml:2:10: unknown variant"), "{err}");
        assert!(
            err.ends_with(&format!("(did you mean `{vendor}`?)")),
            "{err}"
        );
    }

    #[test]
    fn closest_accepts_typos_only() {
        let names = ["theme", "keys"];
        assert_eq!(closest("thme", names.into_iter()), Some("theme"));
        assert_eq!(closest("Theme", names.into_iter()), Some("theme"));
        assert_eq!(closest("kyes", names.into_iter()), Some("keys"));
        assert_eq!(closest("zzzzzz", names.into_iter()), None);
        assert_eq!(closest("theme", names.into_iter()), None);
    }

    #[test]
    fn a_connections_rate_is_a_number_of_zero_or_more() {
        let name = fixed_host_vendor().as_str();
        let c = Config::parse(&format!("[connections.{name}]\nrate = 2.5\n")).unwrap();
        assert_eq!(c.rate(name), Some(2.5));
        let c = Config::parse(&format!("[connections.{name}]\nrate = 10\n")).unwrap();
        assert_eq!(c.rate(name), Some(10.0));
        for no_cap in ["0", "inf"] {
            let c = Config::parse(&format!("[connections.{name}]\nrate = {no_cap}\n")).unwrap();
            assert_eq!(c.rate(name), Some(f64::INFINITY));
        }
        assert_eq!(Config::default().rate(name), None);
        let err = Config::parse_located(&format!("[connections.{name}]\nrate = -1\n"), "c.toml")
            .unwrap_err();
        assert!(err.starts_with("c.toml:2:8: `rate` must be"), "{err}");
        let err = Config::parse_located(
            &format!("[connections.{name}]\nrate = \"fast\"\n"),
            "c.toml",
        )
        .unwrap_err();
        assert!(err.starts_with("c.toml:2:8:"), "{err}");
    }

    #[test]
    fn errors_say_file_line_and_column() {
        let text = "[http]\ntimeout_secs = 5.0\n\n[tui]\nthme = \"light\"\n";
        let err = Config::parse_located(text, "config.toml").unwrap_err();
        assert!(
            err.starts_with("config.toml:5:1: unknown field `thme`"),
            "{err}"
        );
        let err = Config::parse_located("[http]\ntimeout = 3\n", "c.toml").unwrap_err();
        assert!(
            err.starts_with("c.toml:2:1: unknown field `timeout`"),
            "{err}"
        );
        assert_eq!(line_and_column("ab\ncdé\nx", 7), (2, 4));
        // A connection name with ESC and BEL is shown with visible stand-ins, never raw.
        let err = Config::parse_located(
            "[connections.\"a\\u001b[2Jb\\u0007\"]\nregion = \"eu\"\n",
            "c.toml",
        )
        .unwrap_err();
        assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");
        assert!(err.contains("a␛[2Jb␇"), "{err}");
    }
}

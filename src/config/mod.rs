//! TOML configuration (XDG paths), HTTP settings and connection resolution.
//! The app runs with no config file at all.

use std::collections::BTreeMap;

use serde::Deserialize;
use url::Url;

use crate::error::LookupError;
use crate::secrets::env_stem;
use crate::vendor::{Connection, VendorKind, coho};

mod file;
mod http;
mod tui;
pub use file::{config_path, state_dir};
pub use http::HttpSettings;
pub use tui::{KeyList, TuiSettings};

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub http: HttpSettings,
    pub connections: BTreeMap<String, ConnectionConfig>,
    /// TUI settings (key bindings, theme); read by the TUI.
    pub tui: TuiSettings,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CohoRegion {
    #[default]
    Eu,
    Us,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConnectionConfig {
    /// Defaults to the connection name when that is a vendor name.
    pub vendor: Option<VendorKind>,
    pub region: Option<CohoRegion>,
    pub subdomain: Option<String>,
    pub base_url: Option<String>,
    pub auth_url: Option<String>,
}

/// Command-line overrides; they beat env vars, which beat the config file.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub base_url: Option<String>,
    pub region: Option<CohoRegion>,
    pub subdomain: Option<String>,
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
            message: crate::sanitize::sanitize(e.message()).into_owned(),
            at: e.span().map(|span| span.start),
        })?;
        for (name, conn) in &config.connections {
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
        Ok(config)
    }

    /// Every connection: the configured ones, plus each vendor's default connection that the
    /// config does not define under the vendor's own name.
    pub fn connection_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.connections.keys().cloned().collect();
        for vendor in VendorKind::ALL {
            if !self.connections.contains_key(vendor.as_str()) {
                names.push(vendor.as_str().to_owned());
            }
        }
        names
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

        let region = match overrides.region {
            Some(r) => r,
            None => match env_nonempty(&format!("USERSCOPE_{stem}_REGION")) {
                Some(r) => parse_region(&r)?,
                None => conf.region.unwrap_or_default(),
            },
        };
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
            None => match vendor {
                VendorKind::Coho => parse_base_url(coho::base_for(region), "built-in")?,
                VendorKind::Usercom => {
                    let sub = overrides
                        .subdomain
                        .clone()
                        .or_else(|| env_nonempty(&format!("USERSCOPE_{stem}_SUBDOMAIN")))
                        .or_else(|| conf.subdomain.clone())
                        .ok_or_else(|| {
                            LookupError::Usage(format!(
                                "User.com needs your account subdomain: pass --subdomain, set USERSCOPE_{stem}_SUBDOMAIN, or add `subdomain = \"…\"` to [connections.{name}] in the config file"
                            ))
                        })?;
                    usercom_base(&sub)?
                }
                other => parse_base_url(other.default_base_url().unwrap_or_default(), "built-in")?,
            },
        };
        let auth_url = if vendor == VendorKind::Coho {
            let var = format!("USERSCOPE_{stem}_AUTH_URL");
            Some(match env_nonempty(&var) {
                Some(u) => parse_base_url(&u, &var)?,
                None => match &conf.auth_url {
                    Some(u) => parse_base_url(u, &format!("auth_url of [connections.{name}]"))?,
                    None => parse_base_url(coho::auth_base_for(region), "built-in")?,
                },
            })
        } else {
            None
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

/// 1-based line and column (in characters) of a byte offset.
pub fn line_and_column(text: &str, at: usize) -> (usize, usize) {
    let before = text.get(..at.min(text.len())).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}

pub fn vendor_names() -> String {
    VendorKind::ALL.map(VendorKind::as_str).join(", ")
}

pub fn parse_region(s: &str) -> Result<CohoRegion, LookupError> {
    match s.trim().to_ascii_lowercase().as_str() {
        "eu" => Ok(CohoRegion::Eu),
        "us" => Ok(CohoRegion::Us),
        other => Err(LookupError::Usage(format!(
            "unknown Coho region `{}`: use eu or us",
            crate::sanitize::sanitize(other)
        ))),
    }
}

/// A base URL override keeps only scheme, host and port; the vendor's path is appended later.
pub fn parse_base_url(raw: &str, source: &str) -> Result<Url, LookupError> {
    let bad = |why: &str| {
        LookupError::Usage(format!(
            "{source}: `{}` is not a usable base URL ({why}); expected e.g. https://host:port",
            crate::sanitize::sanitize(raw)
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

/// `https://{subdomain}.user.com`; the subdomain must be one DNS label so it cannot pick another host.
pub fn usercom_base(subdomain: &str) -> Result<Url, LookupError> {
    let sub = subdomain.trim().to_ascii_lowercase();
    let valid = !sub.is_empty()
        && sub.len() <= 63
        && sub.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !sub.starts_with('-')
        && !sub.ends_with('-');
    if !valid {
        return Err(LookupError::Usage(format!(
            "`{}` is not a User.com subdomain: letters, digits and '-' only (the part before .user.com)",
            crate::sanitize::sanitize(subdomain)
        )));
    }
    parse_base_url(&format!("https://{sub}.user.com"), "subdomain")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn default_connections_use_documented_hosts() {
        let c = Config::default();
        let coho = c.resolve("coho", &Overrides::default(), &no_env).unwrap();
        assert_eq!(coho.base_url.as_str(), "https://app.coho.ai/");
        assert_eq!(coho.auth_url.unwrap().as_str(), "https://auth.app.coho.ai/");
        let us = Overrides {
            region: Some(CohoRegion::Us),
            ..Overrides::default()
        };
        let coho_us = c.resolve("coho", &us, &no_env).unwrap();
        assert_eq!(coho_us.base_url.as_str(), "https://app.us.coho.ai/");
        assert_eq!(
            coho_us.auth_url.unwrap().as_str(),
            "https://auth.app.us.coho.ai/"
        );
        let vem = c
            .resolve("Vemetric", &Overrides::default(), &no_env)
            .unwrap();
        assert_eq!(vem.base_url.as_str(), "https://api.vemetric.com/");
    }

    #[test]
    fn usercom_needs_a_valid_subdomain() {
        let c = Config::default();
        let err = c
            .resolve("usercom", &Overrides::default(), &no_env)
            .unwrap_err();
        assert_eq!(err.exit_code(), 2);
        let o = Overrides {
            subdomain: Some("evil.com/x".into()),
            ..Overrides::default()
        };
        assert_eq!(
            c.resolve("usercom", &o, &no_env).unwrap_err().exit_code(),
            2
        );
        let o = Overrides {
            subdomain: Some("acme".into()),
            ..Overrides::default()
        };
        assert_eq!(
            c.resolve("usercom", &o, &no_env).unwrap().base_url.as_str(),
            "https://acme.user.com/"
        );
    }

    #[test]
    fn base_url_precedence_flag_env_config() {
        let c =
            Config::parse("[connections.foldspace]\nbase_url = \"http://127.0.0.1:1\"\n").unwrap();
        let env = |v: &str| {
            (v == "USERSCOPE_FOLDSPACE_BASE_URL").then(|| "http://127.0.0.1:2".to_owned())
        };
        let flag = Overrides {
            base_url: Some("http://127.0.0.1:3".into()),
            ..Overrides::default()
        };
        assert_eq!(
            c.resolve("foldspace", &Overrides::default(), &no_env)
                .unwrap()
                .base_url
                .port(),
            Some(1)
        );
        assert_eq!(
            c.resolve("foldspace", &Overrides::default(), &env)
                .unwrap()
                .base_url
                .port(),
            Some(2)
        );
        assert_eq!(
            c.resolve("foldspace", &flag, &env).unwrap().base_url.port(),
            Some(3)
        );
    }

    #[test]
    fn named_connections_and_unknown_names() {
        let c = Config::parse(
            "[connections.coho-us]\nvendor = \"coho\"\nregion = \"us\"\n[connections.acme]\nvendor = \"usercom\"\nsubdomain = \"acme\"\n",
        )
        .unwrap();
        let conn = c
            .resolve("coho-us", &Overrides::default(), &no_env)
            .unwrap();
        assert_eq!(
            (conn.vendor, conn.base_url.as_str()),
            (VendorKind::Coho, "https://app.us.coho.ai/")
        );
        assert_eq!(
            c.resolve("nope", &Overrides::default(), &no_env)
                .unwrap_err()
                .exit_code(),
            2
        );
        assert!(Config::parse("[connections.x]\nregion = \"eu\"\n").is_err());
        assert!(parse_base_url("https://h/path", "t").is_err());
        assert!(parse_base_url("ftp://h", "t").is_err());
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
    }
}

//! `userscope vendors`: every connection (each vendor's default one plus configured ones), its
//! lookup kinds, whether a key is set and where from (never the key), and its endpoint.

use unicode_width::UnicodeWidthStr;
use url::Url;

use crate::config::{Config, Overrides};
use crate::error::LookupError;
use crate::secrets::KeySource;
use crate::vendors::{Connection, VendorKind};

/// `userscope vendors [--json]` / `userscope vendors check [FILE]`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct VendorsArgs {
    /// One JSON array instead of the table (never a key).
    #[arg(long)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Option<VendorsCommand>,
}

#[derive(Debug, Clone, clap::Subcommand)]
pub enum VendorsCommand {
    /// Validate the vendors defined in the config file (or FILE) and print each with its
    /// lookups; exit 2 with FILE:LINE:COLUMN on a problem.
    #[command(after_help = CHECK_HELP)]
    Check {
        /// The file to check (default: the config file).
        file: Option<std::path::PathBuf>,
    },
}

/// `vendors check --help`, in the layout of every command's help (`cli/help.rs`).
const CHECK_HELP: &str = "Examples:
  userscope vendors check                    the config file's [vendors.*] tables
  userscope vendors check ./my-vendors.toml  another file, before it becomes the config

Environment:
  USERSCOPE_CONFIG                   config file (default $XDG_CONFIG_HOME/userscope/config.toml)

Exit codes:
  0  the file is valid (its vendors are listed)
  2  a problem, at FILE:LINE:COLUMN";

pub async fn run_with(args: VendorsArgs) -> i32 {
    if let Some(VendorsCommand::Check { file }) = args.command {
        return match check(file) {
            Ok(text) => {
                print!("{text}");
                0
            }
            Err(message) => {
                eprintln!("userscope: {message}");
                2
            }
        };
    }
    let listed = if args.json { json_list() } else { table() };
    match listed {
        Ok(text) => {
            print!("{text}");
            0
        }
        Err(error) => {
            eprintln!("userscope: {error}");
            error.exit_code()
        }
    }
}

fn rows() -> Result<Vec<Row>, LookupError> {
    let config = Config::load()?;
    let keys = super::get::key_source();
    let env = |var: &str| std::env::var(var).ok();
    Ok(config
        .connection_names()
        .into_iter()
        .filter_map(|name| row(&config, &name, keys.as_ref(), &env))
        .collect())
}

fn json_list() -> Result<String, LookupError> {
    let mut text = render_json(&rows()?)
        .map_err(|e| LookupError::Usage(format!("cannot render JSON: {e}")))?;
    text.push('\n');
    Ok(text)
}

/// `vendors --json`: one object per connection: `connection`, `vendor` (its CLI name),
/// `vendorName`, `lookupKinds` (the default first), `keySet`, `key` (where from, as in the
/// table), `endpoint`, `keyringError`.
pub fn render_json(rows: &[Row]) -> Result<String, serde_json::Error> {
    let list: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| {
            serde_json::json!({
                "connection": r.name,
                "vendor": r.vendor_id,
                "vendorName": r.vendor,
                "lookupKinds": r.lookup_kinds,
                "keySet": r.key_set,
                "key": r.key,
                "endpoint": r.endpoint,
                "keyringError": r.key_problem,
                "source": if r.declared { "config" } else { "built-in" },
            })
        })
        .collect();
    serde_json::to_string_pretty(&list)
}

fn table() -> Result<String, LookupError> {
    let rows = rows()?;
    let mut text = render(&rows);
    // A keyring problem is the same for every row: explain it once, under the table.
    if let Some(problem) = rows.iter().find_map(|r| r.key_problem.as_deref()) {
        text.push_str(&format!("\nkeyring: {problem}\n"));
    }
    Ok(text)
}

/// One line of the table, every cell already sanitized.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub name: String,
    pub vendor: String,
    pub kinds: String,
    pub key: String,
    pub endpoint: String,
    /// Why the key store could not be read, if it could not.
    pub key_problem: Option<String>,
    /// The vendor's CLI name (`vendor` above is its display name).
    pub vendor_id: &'static str,
    pub lookup_kinds: Vec<&'static str>,
    pub key_set: bool,
    /// Defined in the config file (design §10), not built in.
    pub declared: bool,
}

fn row(
    config: &Config,
    name: &str,
    keys: &dyn KeySource,
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<Row> {
    let clean = |s: &str| crate::sanitize::sanitize(s).into_owned();
    let (conn, endpoint) = match config.resolve(name, &Overrides::default(), env) {
        Ok(conn) => {
            let endpoint = conn.base_url.as_str().trim_end_matches('/').to_owned();
            (conn, endpoint)
        }
        Err(_) => {
            // A vendor whose host needs a setting (e.g. an account subdomain) that is not
            // given: no endpoint yet, but the key can still be set.
            let vendor = config
                .connections
                .get(name)
                .and_then(|c| c.vendor)
                .or_else(|| VendorKind::parse(name))?;
            let placeholder = Url::parse("https://unresolved.invalid").ok()?;
            let conn = Connection {
                name: name.to_ascii_lowercase(),
                vendor,
                base_url: placeholder,
                auth_url: None,
            };
            let endpoint = if let Some(setting) = missing_setting(vendor) {
                format!("needs {}", setting.key)
            } else {
                "invalid settings (see `userscope get`)".to_owned()
            };
            (conn, endpoint)
        }
    };
    let (key, key_problem, key_set) = match keys.credential(&conn) {
        Ok(Some((_, origin))) => (format!("set via {origin}"), None, true),
        Ok(None) => ("not set".to_owned(), None, false),
        Err(e) => (
            "not in env; keyring unreadable".to_owned(),
            Some(clean(&e.to_string())),
            false,
        ),
    };
    let lookup_kinds: Vec<&'static str> = conn
        .vendor
        .lookup_kinds()
        .iter()
        .map(|k| k.as_str())
        .collect();
    Some(Row {
        name: clean(&conn.name),
        vendor: conn.vendor.display_name().to_owned(),
        kinds: lookup_kinds.join(", "),
        key: clean(&key),
        endpoint: clean(&endpoint),
        key_problem,
        vendor_id: conn.vendor.as_str(),
        lookup_kinds,
        key_set,
        declared: conn.vendor.is_declared(),
    })
}

/// `vendors check [FILE]`: the file read as a start reads it (trust rule, size cap, both parse
/// phases), then each vendor it defines with its lookups.
fn check(file: Option<std::path::PathBuf>) -> Result<String, String> {
    let path = file
        .or_else(crate::config::config_path)
        .ok_or_else(|| "no config file path (set USERSCOPE_CONFIG or give FILE)".to_owned())?;
    let shown = crate::fsio::shown(&path);
    if !path.exists() {
        return Err(format!("{shown}: no such file"));
    }
    let config = Config::load_from(&path).map_err(|e| e.to_string())?;
    Ok(render_check(&shown, &config.vendors.kinds))
}

/// What `vendors check` prints for the vendors a file defines.
pub fn render_check(file: &str, kinds: &[VendorKind]) -> String {
    let mut out = match kinds.len() {
        0 => format!("{file}: valid; it defines no vendors\n"),
        1 => format!("{file}: valid; 1 vendor\n"),
        n => format!("{file}: valid; {n} vendors\n"),
    };
    for vendor in kinds {
        out.push_str(&format!(
            "\n{} ({})  {}\n",
            vendor.as_str(),
            vendor.display_name(),
            vendor.default_base_url().unwrap_or_default()
        ));
        if let Some(declared) = vendor.declared() {
            let spec = declared.spec();
            out.push_str(&format!("  auth    {}\n", spec.auth.describe()));
            for (n, lookup) in spec.lookups.iter().enumerate() {
                let query: Vec<String> = lookup
                    .query
                    .iter()
                    .map(|(k, v)| format!("{k}={}", v.text()))
                    .collect();
                let query = if query.is_empty() {
                    String::new()
                } else {
                    format!("?{}", query.join("&"))
                };
                let profile = if lookup.profile.as_str().is_empty() {
                    "the body".to_owned()
                } else {
                    format!("at {}", lookup.profile)
                };
                let find = lookup
                    .find
                    .map(|c| format!(", find {c}"))
                    .unwrap_or_default();
                let default = if n == 0 { " (default)" } else { "" };
                out.push_str(&format!(
                    "  by {}{default}  GET {}{query}  person {profile}{find}\n",
                    lookup.by,
                    lookup.path.text(),
                ));
            }
        }
    }
    // Names, URLs and templates come from the file: one safe line each.
    let lines: Vec<String> = out
        .lines()
        .map(|l| crate::sanitize::sanitize(l).into_owned())
        .collect();
    format!("{}\n", lines.join("\n"))
}

/// The setting a vendor without a fixed host needs before it has an endpoint.
fn missing_setting(vendor: VendorKind) -> Option<crate::vendors::Setting> {
    if vendor.default_base_url().is_some() {
        return None;
    }
    vendor.adapter().settings().first().copied()
}

/// Columns aligned by display width.
pub fn render(rows: &[Row]) -> String {
    let header = Row {
        name: "NAME".into(),
        vendor: "VENDOR".into(),
        kinds: "LOOKUP BY (default first)".into(),
        key: "KEY".into(),
        endpoint: "ENDPOINT".into(),
        key_problem: None,
        vendor_id: "",
        lookup_kinds: Vec::new(),
        key_set: false,
        declared: false,
    };
    // Vendors from the config file are marked in the table (in JSON: `source`).
    let marked: Vec<Row> = rows
        .iter()
        .map(|r| Row {
            vendor: if r.declared {
                format!("{} (config)", r.vendor)
            } else {
                r.vendor.clone()
            },
            ..r.clone()
        })
        .collect();
    let all: Vec<&Row> = std::iter::once(&header).chain(&marked).collect();
    let width = |f: fn(&Row) -> &str| all.iter().map(|r| f(r).width()).max().unwrap_or(0);
    let widths = [
        width(|r| &r.name),
        width(|r| &r.vendor),
        width(|r| &r.kinds),
        width(|r| &r.key),
    ];
    let mut out = String::new();
    for r in all {
        let cells = [&r.name, &r.vendor, &r.kinds, &r.key];
        for (cell, w) in cells.iter().zip(widths) {
            out.push_str(cell);
            out.push_str(&" ".repeat(w.saturating_sub(cell.width()) + 2));
        }
        out.push_str(&r.endpoint);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::{EnvKeys, api_key_var};

    /// One row per registered vendor (with no config), showing where keys come from, never
    /// the key, each vendor's lookup kinds, and its endpoint or the setting it still needs.
    #[test]
    fn table_shows_where_keys_come_from_never_the_key() {
        let config = Config::default();
        let with_key = VendorKind::all().last().unwrap();
        let var = api_key_var(with_key.as_str());
        let env = |v: &str| (v == var).then(|| "secret-123".to_owned());
        let keys = EnvKeys::with_lookup(env);
        let rows: Vec<Row> = config
            .connection_names()
            .iter()
            .filter_map(|n| row(&config, n, &keys, &env))
            .collect();
        let text = render(&rows);
        assert!(!text.contains("secret-123"));
        assert_eq!(text.lines().count(), VendorKind::all().count() + 1);
        for vendor in VendorKind::all() {
            let line = text
                .lines()
                .find(|l| l.starts_with(&format!("{} ", vendor.as_str())))
                .unwrap();
            assert!(line.contains(vendor.display_name()), "{text}");
            let kinds: Vec<&str> = vendor.lookup_kinds().iter().map(|k| k.as_str()).collect();
            assert!(line.contains(&kinds.join(", ")), "{text}");
            let key = if vendor == with_key {
                format!("set via env {var}")
            } else {
                "not set".to_owned()
            };
            assert!(line.contains(&key), "{text}");
            let endpoint = match vendor.default_base_url() {
                Some(url) => url.to_owned(),
                None => format!("needs {}", missing_setting(vendor).unwrap().key),
            };
            assert!(line.ends_with(&endpoint), "{text}");
        }
        let json: serde_json::Value = serde_json::from_str(&render_json(&rows).unwrap()).unwrap();
        assert!(!json.to_string().contains("secret-123"));
        let list = json.as_array().unwrap();
        assert_eq!(list.len(), VendorKind::all().count());
        for (entry, vendor) in list.iter().zip(VendorKind::all()) {
            assert_eq!(entry["connection"], vendor.as_str());
            assert_eq!(entry["vendor"], vendor.as_str());
            assert_eq!(entry["vendorName"], vendor.display_name());
            let kinds: Vec<&str> = vendor.lookup_kinds().iter().map(|k| k.as_str()).collect();
            assert_eq!(entry["lookupKinds"], serde_json::json!(kinds));
            assert_eq!(entry["keySet"], vendor == with_key);
            assert_eq!(entry["keyringError"], serde_json::Value::Null);
            assert_eq!(entry["source"], "built-in");
        }
    }
}

//! `userscope vendors`: every connection (each vendor's default one plus configured ones), its
//! lookup kinds, whether a key is set and where from (never the key), and its endpoint.

use unicode_width::UnicodeWidthStr;
use url::Url;

use crate::config::{Config, Overrides};
use crate::error::LookupError;
use crate::secrets::KeySource;
use crate::vendors::{Connection, VendorKind};

/// `userscope vendors [--json]`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct VendorsArgs {
    /// One JSON array instead of the table (never a key).
    #[arg(long)]
    pub json: bool,
}

pub async fn run_with(args: VendorsArgs) -> i32 {
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
    })
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
    };
    let all: Vec<&Row> = std::iter::once(&header).chain(rows).collect();
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
        }
    }
}

//! `[find]`: which connection answers `userscope find` for each identity class, with which
//! lookup kind (design §9). A class given here replaces the adapters' defaults for that class
//! entirely: the listed connections are asked, every other one is `skipped` — so a list says
//! the whole routing in one place, and a vendor's own IDs can be routed on purpose.
//!
//! ```toml
//! [find]
//! email = ["usercom:email", "vemetric:identifier"]
//! id = ["coho:id", "chakra:id"]
//! ```
//!
//! Each entry is checked when the file is read (unknown connection, a kind the connection's
//! vendor does not have, an entry not of the `connection:kind` form, the same connection twice),
//! with the entry's line and column.

use serde::Deserialize;
use toml::Spanned;

use super::{Config, ConfigError};
use crate::vendors::{FindClass, LookupKind, VendorKind};

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FindSettings {
    /// Who answers an email: `"connection:kind"` entries, in the order they are shown.
    pub email: Option<Vec<Spanned<String>>>,
    /// Who answers your product's user ID.
    pub id: Option<Vec<Spanned<String>>>,
}

/// One `[find]` entry, checked: ask `connection` with `kind`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FindRoute {
    /// Lower-cased, as connections are named everywhere else.
    pub connection: String,
    pub kind: LookupKind,
}

impl FindSettings {
    fn entries(&self, class: FindClass) -> Option<&[Spanned<String>]> {
        match class {
            FindClass::Email => self.email.as_deref(),
            FindClass::Id => self.id.as_deref(),
        }
    }

    /// The configured routes of a class, or `None` when the file leaves it to the adapters.
    /// Entries were checked when the file was read; one that no longer parses is left out.
    pub fn routes(&self, class: FindClass) -> Option<Vec<FindRoute>> {
        self.entries(class).map(|entries| {
            entries
                .iter()
                .filter_map(|e| split(e.get_ref()).ok())
                .collect()
        })
    }

    /// Check every entry against the connections of `config` (the file's own plus every
    /// vendor's default one), with the entry's byte offset for `FILE:LINE:COLUMN`.
    pub fn check(&self, config: &Config) -> Result<(), ConfigError> {
        let names = config.connection_names();
        for class in FindClass::ALL {
            let Some(entries) = self.entries(class) else {
                continue;
            };
            let mut seen: Vec<String> = Vec::new();
            for entry in entries {
                let at = Some(entry.span().start);
                let fail = |message: String| ConfigError { message, at };
                let route =
                    split(entry.get_ref()).map_err(|m| fail(format!("[find] {class}: {m}")))?;
                let vendor = names
                    .iter()
                    .find(|n| n.eq_ignore_ascii_case(&route.connection))
                    .and_then(|n| vendor_of(config, n))
                    .ok_or_else(|| {
                        fail(format!(
                            "[find] {class}: unknown connection `{}`; connections: {}",
                            crate::sanitize::sanitize(&route.connection),
                            names.join(", ")
                        ))
                    })?;
                if !vendor.lookup_kinds().contains(&route.kind) {
                    let kinds: Vec<&str> =
                        vendor.lookup_kinds().iter().map(|k| k.as_str()).collect();
                    return Err(fail(format!(
                        "[find] {class}: {} cannot look people up by `{}`; its kinds: {}",
                        vendor.display_name(),
                        route.kind,
                        kinds.join(", ")
                    )));
                }
                if seen.contains(&route.connection) {
                    return Err(fail(format!(
                        "[find] {class}: connection `{}` is listed twice",
                        crate::sanitize::sanitize(&route.connection)
                    )));
                }
                seen.push(route.connection);
            }
        }
        Ok(())
    }
}

/// The vendor of a connection name (a configured one, or a vendor's default connection).
fn vendor_of(config: &Config, name: &str) -> Option<VendorKind> {
    match config.connections.get(name) {
        Some(c) => c.vendor.or_else(|| VendorKind::parse(name)),
        None => VendorKind::parse(name),
    }
}

/// `"connection:kind"` into its parts (the kind by its `--by` name).
fn split(entry: &str) -> Result<FindRoute, String> {
    let shown = || crate::sanitize::sanitize(entry).into_owned();
    let (connection, kind) = entry.split_once(':').ok_or_else(|| {
        format!(
            "`{}` is not `connection:kind` (e.g. `{}:{}`)",
            shown(),
            VendorKind::first(),
            VendorKind::first().default_lookup()
        )
    })?;
    let connection = connection.trim();
    if connection.is_empty() {
        return Err(format!("`{}` names no connection", shown()));
    }
    let kind = LookupKind::parse(kind).ok_or_else(|| {
        format!(
            "`{}`: unknown lookup kind `{}` (id, key, email, identifier)",
            shown(),
            crate::sanitize::sanitize(kind.trim())
        )
    })?;
    Ok(FindRoute {
        connection: connection.to_ascii_lowercase(),
        kind,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A vendor and one of its kinds, and a kind it lacks (no vendor named in code here).
    fn vendor_with_a_missing_kind() -> (VendorKind, LookupKind, LookupKind) {
        VendorKind::all()
            .find_map(|v| {
                let missing = [LookupKind::Id, LookupKind::Key, LookupKind::Email]
                    .into_iter()
                    .find(|k| !v.lookup_kinds().contains(k))?;
                Some((v, v.default_lookup(), missing))
            })
            .unwrap()
    }

    #[test]
    fn routes_parse_and_replace_only_the_classes_given() {
        let (vendor, kind, _) = vendor_with_a_missing_kind();
        let text = format!(
            "[find]\nid = [\"{vendor}:{kind}\", \" Team-B : {kind} \"]\n[connections.team-b]\nvendor = \"{vendor}\"\n"
        );
        let config = Config::parse(&text).unwrap();
        assert_eq!(
            config.find.routes(FindClass::Id),
            Some(vec![
                FindRoute {
                    connection: vendor.as_str().to_owned(),
                    kind
                },
                FindRoute {
                    connection: "team-b".to_owned(),
                    kind
                },
            ])
        );
        assert_eq!(config.find.routes(FindClass::Email), None);
        let empty = Config::parse("[find]\nemail = []\n").unwrap();
        assert_eq!(empty.find.routes(FindClass::Email), Some(vec![]));
    }

    #[test]
    fn mistakes_say_file_line_and_column() {
        let (vendor, _, missing) = vendor_with_a_missing_kind();
        let cases = [
            (
                "[find]\nemail = [\"nowhere:email\"]\n".to_owned(),
                "c.toml:2:10: [find] email: unknown connection `nowhere`; connections: ",
            ),
            (
                format!("[find]\nid = [\"{vendor}:{missing}\"]\n"),
                "c.toml:2:7: [find] id: ",
            ),
            (
                format!("[find]\nid = [\"{vendor}\"]\n"),
                "c.toml:2:7: [find] id: ",
            ),
            (
                format!("[find]\nid = [\"{vendor}:nope\"]\n"),
                "c.toml:2:7: [find] id: ",
            ),
            (
                "[find]\nphone = []\n".to_owned(),
                "c.toml:2:1: unknown field `phone`",
            ),
        ];
        for (text, expected) in cases {
            let err = Config::parse_located(&text, "c.toml").unwrap_err();
            assert!(err.starts_with(expected), "{text}: {err}");
        }
        let err = Config::parse_located(
            &format!("[find]\nid = [\"{vendor}:{missing}\"]\n"),
            "c.toml",
        )
        .unwrap_err();
        assert!(
            err.contains(&format!("cannot look people up by `{missing}`")),
            "{err}"
        );
        let err = Config::parse_located(&format!("[find]\nid = [\"{vendor}:nope\"]\n"), "c.toml")
            .unwrap_err();
        assert!(err.contains("unknown lookup kind `nope`"), "{err}");
        let twice = format!(
            "[find]\nid = [\"{vendor}:{k}\", \"{vendor}:{k}\"]\n",
            k = vendor.default_lookup()
        );
        let err = Config::parse_located(&twice, "c.toml").unwrap_err();
        assert!(err.contains("is listed twice"), "{err}");
    }
}

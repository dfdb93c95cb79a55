//! Routing (pure): which connection is asked for an identity class, with which lookup kind,
//! or why it is skipped. The adapters say by default (`VendorAdapter::find_kind`); a `[find]`
//! list in the config file replaces that for its class.

use crate::config::{Config, FindSettings, Overrides};
use crate::error::LookupError;
use crate::vendors::{Connection, FindClass, Lookup, LookupKind, VendorKind};

use super::query::Query;
use super::row::{Row, Status};

/// A connection that may take part: its name, vendor and where it points. A connection that
/// cannot be resolved (a missing account subdomain) keeps the reason; it is only an error if
/// it would be asked and has a key.
#[derive(Clone, Debug)]
pub struct Target {
    pub name: String,
    pub vendor: VendorKind,
    pub connection: Result<Connection, TargetError>,
}

/// Why a connection could not be resolved, with `get`'s exit code for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetError {
    pub exit_code: i32,
    pub message: String,
}

impl Target {
    /// A connection that resolved.
    pub fn ready(connection: Connection) -> Target {
        Target {
            name: connection.name.clone(),
            vendor: connection.vendor,
            connection: Ok(connection),
        }
    }
}

/// Every connection of the config (its own and each vendor's default one), resolved with the
/// environment, in the config's order.
pub fn targets(config: &Config, env: &dyn Fn(&str) -> Option<String>) -> Vec<Target> {
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
                .resolve(&name, &Overrides::default(), env)
                .map_err(|e| TargetError {
                    exit_code: e.exit_code(),
                    message: e.to_string(),
                });
            Some(Target {
                name: name.to_ascii_lowercase(),
                vendor,
                connection,
            })
        })
        .collect()
}

/// The kind a connection is asked with for `class`, or why it is skipped.
pub fn route(
    target: &Target,
    class: FindClass,
    settings: &FindSettings,
) -> Result<LookupKind, String> {
    match settings.routes(class) {
        Some(routes) => routes
            .iter()
            .find(|r| r.connection == target.name)
            .map(|r| r.kind)
            .ok_or_else(|| format!("not listed in [find] {class} of the config file")),
        None => target.vendor.find_kind(class).map_err(str::to_owned),
    }
}

/// Restrict to `--only` names (any case); an unknown name is a usage error, so a typo never
/// silently asks nobody.
pub fn only(targets: Vec<Target>, names: &[String]) -> Result<Vec<Target>, LookupError> {
    for name in names {
        if !targets
            .iter()
            .any(|t| t.name.eq_ignore_ascii_case(name.trim()))
        {
            let known: Vec<&str> = targets.iter().map(|t| t.name.as_str()).collect();
            return Err(LookupError::Usage(format!(
                "--only: unknown connection `{}`; connections: {}",
                crate::sanitize::sanitize(name.trim()),
                known.join(", ")
            )));
        }
    }
    Ok(targets
        .into_iter()
        .filter(|t| names.iter().any(|n| t.name.eq_ignore_ascii_case(n.trim())))
        .collect())
}

/// The first round's rows: each target asked with its routed kind (`Waiting`) or `Skipped`.
/// A connection listed twice (the same name) appears once.
pub fn first_round(query: &Query, targets: &[Target], settings: &FindSettings) -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    for target in targets {
        if rows.iter().any(|r| r.connection == target.name) {
            continue;
        }
        let (lookup, status) = match route(target, query.class, settings) {
            Ok(kind) => (
                Some(Lookup::new(kind, query.value.clone())),
                Status::Waiting,
            ),
            Err(reason) => (None, Status::Skipped { reason }),
        };
        rows.push(Row {
            connection: target.name.clone(),
            vendor: target.vendor,
            lookup,
            via: None,
            status,
        });
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Vendors are taken from the registry by what their adapters say, so no vendor is named.
    fn target(name: &str, vendor: VendorKind) -> Target {
        Target {
            name: name.into(),
            vendor,
            connection: Err(TargetError {
                exit_code: 2,
                message: "unused".into(),
            }),
        }
    }

    fn all_targets() -> Vec<Target> {
        VendorKind::all().map(|v| target(v.as_str(), v)).collect()
    }

    fn query(value: &str) -> Query {
        Query::parse(value, None).unwrap()
    }

    #[test]
    fn defaults_come_from_each_adapter_with_its_reason() {
        for (value, class) in [
            ("m@example.org", FindClass::Email),
            ("acct-1", FindClass::Id),
        ] {
            let rows = first_round(&query(value), &all_targets(), &FindSettings::default());
            assert_eq!(rows.len(), VendorKind::all().count());
            for (row, vendor) in rows.iter().zip(VendorKind::all()) {
                match (vendor.find_kind(class), &row.status, &row.lookup) {
                    (Ok(kind), Status::Waiting, Some(lookup)) => {
                        assert_eq!(lookup, &Lookup::new(kind, value));
                    }
                    (Err(reason), Status::Skipped { reason: got }, None) => {
                        assert_eq!(reason, got);
                    }
                    other => panic!("{vendor}: {other:?}"),
                }
            }
        }
    }

    #[test]
    fn a_config_list_replaces_the_defaults_of_its_class_only() {
        let first = VendorKind::first();
        let kind = first.default_lookup();
        let config = Config::parse(&format!("[find]\nid = [\"{first}:{kind}\"]\n")).unwrap();
        let rows = first_round(&query("acct-1"), &all_targets(), &config.find);
        let asked: Vec<&str> = rows
            .iter()
            .filter(|r| matches!(r.status, Status::Waiting))
            .map(|r| r.connection.as_str())
            .collect();
        assert_eq!(asked, [first.as_str()]);
        assert_eq!(rows[0].lookup, Some(Lookup::new(kind, "acct-1")));
        for row in &rows[1..] {
            match &row.status {
                Status::Skipped { reason } => {
                    assert_eq!(reason, "not listed in [find] id of the config file")
                }
                other => panic!("{other:?}"),
            }
        }
        // The email class still follows the adapters.
        let by_email = first_round(&query("m@example.org"), &all_targets(), &config.find);
        let defaults = first_round(
            &query("m@example.org"),
            &all_targets(),
            &FindSettings::default(),
        );
        let words = |rows: &[Row]| rows.iter().map(|r| r.status.word()).collect::<Vec<_>>();
        assert_eq!(words(&by_email), words(&defaults));
    }

    #[test]
    fn only_restricts_and_refuses_unknown_names() {
        let names: Vec<String> = VendorKind::all()
            .take(2)
            .map(|v| v.as_str().to_uppercase())
            .collect();
        let kept = only(all_targets(), &names).unwrap();
        assert_eq!(kept.len(), 2);
        let err = only(all_targets(), &["nobody".into()]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(
            err.to_string()
                .starts_with("--only: unknown connection `nobody`")
        );
    }

    #[test]
    fn a_connection_appears_once() {
        let mut targets = all_targets();
        targets.push(target(VendorKind::first().as_str(), VendorKind::first()));
        let rows = first_round(&query("acct-1"), &targets, &FindSettings::default());
        assert_eq!(rows.len(), VendorKind::all().count());
    }
}

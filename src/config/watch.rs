//! `[watch]`: paths that never count as changes when a profile is watched (design §12).
//!
//! ```toml
//! [watch]
//! ignore = ["properties.updateTime", "attributes.lastSeen*"]
//! ```
//!
//! A path names one place of the normalized profile: `displayName`, `email`, `kind`,
//! `location.<field>`, or `properties.<key>`, `attributes.<key>`, `tags.<key>`,
//! `segments.<id>`. A trailing `*` makes it a prefix (`attributes.last*`, `tags.*`). Each entry
//! is checked when the file is read, so a typo (`propertes.updateTime`) stops with its line and
//! column instead of silently ignoring nothing.

use serde::Deserialize;
use toml::Spanned;

use super::ConfigError;

/// The identity fields a watch reports by name.
pub const IDENTITY_PATHS: [&str; 3] = ["displayName", "email", "kind"];
/// The keyed sections: `section.<key>` (segments by id).
pub const KEYED_SECTIONS: [&str; 4] = ["properties", "attributes", "tags", "segments"];
/// The fields of `location.<field>`, spelled as in the JSON form (design §3).
pub use crate::profile::LOCATION_FIELDS;

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WatchSettings {
    /// Paths (or `prefix*` patterns) whose changes are not reported; kept with where they
    /// are in the file, so a bad one is refused at its own line and column.
    pub ignore: Vec<Spanned<String>>,
}

impl WatchSettings {
    /// Check every entry (called when the file is read).
    pub fn check(&self) -> Result<(), ConfigError> {
        for entry in &self.ignore {
            check_path(entry.get_ref()).map_err(|message| ConfigError {
                message,
                at: Some(entry.span().start),
            })?;
        }
        Ok(())
    }

    /// The entries as text (checked when the file was read).
    pub fn ignore_paths(&self) -> Vec<&str> {
        self.ignore.iter().map(|e| e.get_ref().as_str()).collect()
    }
}

/// Whether `path` is a usable `[watch] ignore` entry; the message says what is wrong.
pub fn check_ignore_path(path: &str) -> Result<(), String> {
    check_path(path)
}

/// Whether `path` names a place a watch can report (a trailing `*` matches any rest).
fn check_path(path: &str) -> Result<(), String> {
    let shown = || crate::sanitize::sanitize(path).into_owned();
    let expected = || {
        format!(
            "[watch] ignore: `{}` is not a profile path; use {}, location.<field>, or {}.<key> (a trailing * matches any rest)",
            shown(),
            IDENTITY_PATHS.join(", "),
            KEYED_SECTIONS.join("|")
        )
    };
    let body = path.strip_suffix('*').unwrap_or(path);
    if body.contains('*') {
        return Err(format!(
            "[watch] ignore: `{}`: `*` is allowed only at the end",
            shown()
        ));
    }
    if path.ends_with('*') && body.is_empty() {
        return Err(format!(
            "[watch] ignore: `{}` would silence every change; stop watching instead",
            shown()
        ));
    }
    let prefix_of = |full: &str| path.ends_with('*') && full.starts_with(body);
    if IDENTITY_PATHS.iter().any(|p| *p == path || prefix_of(p)) {
        return Ok(());
    }
    let Some((section, rest)) = body.split_once('.') else {
        // `tags*`, `prop*`: a prefix of a section name is fine as a pattern.
        if path.ends_with('*')
            && KEYED_SECTIONS
                .iter()
                .chain(std::iter::once(&"location"))
                .any(|s| s.starts_with(body))
        {
            return Ok(());
        }
        return Err(expected());
    };
    if section == "location" {
        let known = if path.ends_with('*') {
            LOCATION_FIELDS.iter().any(|f| f.starts_with(rest))
        } else {
            LOCATION_FIELDS.contains(&rest)
        };
        if known {
            return Ok(());
        }
        return Err(format!(
            "[watch] ignore: `{}`: location has {}",
            shown(),
            LOCATION_FIELDS.join(", ")
        ));
    }
    if !KEYED_SECTIONS.contains(&section) {
        return Err(expected());
    }
    if rest.is_empty() && !path.ends_with('*') {
        return Err(format!(
            "[watch] ignore: `{}` names no key (write `{section}.<key>`, or `{section}.*` for all)",
            shown()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_of_every_kind_are_accepted() {
        for ok in [
            "displayName",
            "email",
            "kind",
            "location.countryCode",
            "location.city",
            "properties.updateTime",
            "attributes.last seen",
            "tags.plan",
            "segments.seg-1",
            "properties.*",
            "attributes.last*",
            "location.*",
            "tags*",
            "e*",
        ] {
            assert_eq!(check_ignore_path(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn typos_and_unknown_places_are_refused_with_the_reason() {
        let err = |p: &str| check_ignore_path(p).unwrap_err();
        assert!(err("propertes.updateTime").contains("is not a profile path"));
        assert!(err("name").contains("is not a profile path"));
        assert_eq!(
            err("location.zip"),
            "[watch] ignore: `location.zip`: location has continent, country, countryCode, region, state, city, postalCode, timezone"
        );
        assert!(err("tags.").contains("names no key"));
        assert!(err("*").contains("would silence every change"));
        assert!(err("tags.*.x").contains("only at the end"));
        assert!(err("").contains("is not a profile path"));
    }

    #[test]
    fn the_section_reads_a_list_and_refuses_unknown_keys() {
        let s: WatchSettings =
            toml::from_str("ignore = [\"properties.updateTime\", \"tags.*\"]").unwrap();
        assert_eq!(s.ignore_paths(), ["properties.updateTime", "tags.*"]);
        assert!(toml::from_str::<WatchSettings>("ignor = []").is_err());
        assert!(toml::from_str::<WatchSettings>("ignore = \"tags.plan\"").is_err());
    }

    #[test]
    fn a_bad_entry_in_the_file_is_refused_at_its_line_and_column() {
        let text = "[watch]\nignore = [\"tags.plan\", \"propertes.x\"]\n";
        let err = crate::config::Config::parse_located(text, "config.toml").unwrap_err();
        assert!(
            err.starts_with(
                "config.toml:2:24: [watch] ignore: `propertes.x` is not a profile path"
            ),
            "{err}"
        );
        let ok = crate::config::Config::parse("[watch]\nignore = [\"tags.plan\"]\n").unwrap();
        assert_eq!(ok.watch.ignore_paths(), ["tags.plan"]);
    }
}

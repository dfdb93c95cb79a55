//! The `[tui]` section: theme, key bindings, the watch interval and avatars on open. Which theme and action
//! names exist is the TUI's to say (it checks them when it starts); unknown keys of the section
//! itself, and a `watch_secs` below the floor, are refused when the file is read, with their
//! line and column.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};

/// The default seconds between two fetches of a watched profile (design §12).
pub const DEFAULT_WATCH_SECS: u64 = 10;
/// Never more often than this: a watch must not become a load test of the vendor.
pub const MIN_WATCH_SECS: u64 = 2;

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TuiSettings {
    /// `dark`, `light` or `high-contrast`.
    pub theme: Option<String>,
    /// `[tui.keys]`: action name → one key or a list of keys.
    pub keys: BTreeMap<String, KeyList>,
    /// Seconds between two fetches of a watched profile; at least [`MIN_WATCH_SECS`].
    /// `None`: [`DEFAULT_WATCH_SECS`] (see [`TuiSettings::watch_interval_secs`]).
    #[serde(deserialize_with = "at_least_min_watch_secs")]
    pub watch_secs: Option<u64>,
    /// Load a profile's avatar whenever it opens (default: only on `i`). Loading an image
    /// tells its host the operator's address, hence off unless asked for.
    pub avatars: bool,
}

impl TuiSettings {
    /// The watch interval in seconds: the file's, else the default.
    pub fn watch_interval_secs(&self) -> u64 {
        self.watch_secs.unwrap_or(DEFAULT_WATCH_SECS)
    }
}

fn at_least_min_watch_secs<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    let secs = u64::deserialize(d)?;
    if secs < MIN_WATCH_SECS {
        return Err(serde::de::Error::custom(format!(
            "watch_secs must be at least {MIN_WATCH_SECS} (seconds between two fetches), not {secs}"
        )));
    }
    Ok(Some(secs))
}

/// `quit = "ctrl-q"` or `quit = ["ctrl-q", "x"]`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum KeyList {
    One(String),
    Many(Vec<String>),
}

impl KeyList {
    pub fn keys(&self) -> Vec<&str> {
        match self {
            KeyList::One(key) => vec![key.as_str()],
            KeyList::Many(keys) => keys.iter().map(String::as_str).collect(),
        }
    }
}

impl std::fmt::Display for KeyList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let quoted: Vec<String> = self.keys().iter().map(|k| format!("{k:?}")).collect();
        match self {
            KeyList::One(_) => f.write_str(&quoted.join("")),
            KeyList::Many(_) => write!(f, "[{}]", quoted.join(", ")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_key_or_a_list() {
        let t: TuiSettings =
            toml::from_str("theme = \"light\"\n[keys]\nquit = \"x\"\nhelp = [\"h\", \"?\"]\n")
                .unwrap();
        assert_eq!(t.theme.as_deref(), Some("light"));
        assert_eq!(t.keys["quit"].keys(), ["x"]);
        assert_eq!(t.keys["help"].to_string(), "[\"h\", \"?\"]");
    }

    #[test]
    fn unknown_keys_and_wrong_types_are_refused() {
        assert!(toml::from_str::<TuiSettings>("thme = \"light\"").is_err());
        assert!(toml::from_str::<TuiSettings>("theme = 3").is_err());
        assert!(toml::from_str::<TuiSettings>("[keys]\nquit = 3").is_err());
    }

    #[test]
    fn watch_secs_defaults_to_10_and_refuses_below_2() {
        let none: TuiSettings = toml::from_str("").unwrap();
        assert_eq!((none.watch_secs, none.watch_interval_secs()), (None, 10));
        let set: TuiSettings = toml::from_str("watch_secs = 2").unwrap();
        assert_eq!(set.watch_interval_secs(), 2);
        for bad in [
            "watch_secs = 1",
            "watch_secs = 0",
            "watch_secs = -3",
            "watch_secs = 2.5",
        ] {
            assert!(toml::from_str::<TuiSettings>(bad).is_err(), "{bad}");
        }
        let err = toml::from_str::<TuiSettings>("watch_secs = 1").unwrap_err();
        assert_eq!(
            err.message(),
            "watch_secs must be at least 2 (seconds between two fetches), not 1"
        );
    }

    #[test]
    fn avatars_is_off_unless_set_and_strict() {
        let none: TuiSettings = toml::from_str("").unwrap();
        assert!(!none.avatars);
        let on: TuiSettings = toml::from_str("avatars = true").unwrap();
        assert!(on.avatars);
        assert!(toml::from_str::<TuiSettings>("avatars = \"yes\"").is_err());
        let err = crate::config::Config::parse_located("[tui]\navatar = true\n", "config.toml")
            .unwrap_err();
        assert!(err.starts_with("config.toml:2:1: "), "{err}");
        assert!(err.contains("avatar"), "{err}");
        let err = crate::config::Config::parse_located("[tui]\navatars = 1\n", "config.toml")
            .unwrap_err();
        assert!(err.starts_with("config.toml:2:11: "), "{err}");
    }

    #[test]
    fn watch_secs_below_the_floor_is_refused_at_its_line_and_column() {
        let text = "[tui]\ntheme = \"dark\"\nwatch_secs = 1\n";
        let err = crate::config::Config::parse_located(text, "config.toml").unwrap_err();
        assert_eq!(
            err,
            "config.toml:3:14: watch_secs must be at least 2 (seconds between two fetches), not 1"
        );
    }
}

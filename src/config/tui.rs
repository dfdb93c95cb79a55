//! The `[tui]` section: theme and key bindings. Which theme and action names exist is the
//! TUI's to say (it checks them when it starts); unknown keys of the section itself are
//! refused when the file is read, with their line and column.

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TuiSettings {
    /// `dark`, `light` or `high-contrast`.
    pub theme: Option<String>,
    /// `[tui.keys]`: action name → one key or a list of keys.
    pub keys: BTreeMap<String, KeyList>,
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
}

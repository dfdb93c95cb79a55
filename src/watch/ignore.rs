//! `[watch] ignore`: paths that never count as changes (a `lastSeen` that moves on every
//! request would otherwise drown the real changes). Exact paths, or a prefix ending in `*`.

use std::collections::HashSet;

use crate::config::WatchSettings;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ignore {
    exact: HashSet<String>,
    prefixes: Vec<String>,
}

impl Ignore {
    /// From paths already checked (`config::watch::check_ignore_path`); an unchecked one that
    /// names nothing simply never matches.
    pub fn new<'a>(paths: impl IntoIterator<Item = &'a str>) -> Ignore {
        let mut ignore = Ignore::default();
        for path in paths {
            match path.strip_suffix('*') {
                Some(prefix) => ignore.prefixes.push(prefix.to_owned()),
                None => {
                    ignore.exact.insert(path.to_owned());
                }
            }
        }
        ignore
    }

    /// The `[watch]` section's list.
    pub fn from_settings(settings: &WatchSettings) -> Ignore {
        Ignore::new(settings.ignore_paths())
    }

    pub fn matches(&self, path: &str) -> bool {
        self.exact.contains(path) || self.prefixes.iter().any(|p| path.starts_with(p.as_str()))
    }

    pub fn is_empty(&self) -> bool {
        self.exact.is_empty() && self.prefixes.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_paths_and_prefixes() {
        let ignore = Ignore::new(["properties.updateTime", "attributes.last*"]);
        assert!(ignore.matches("properties.updateTime"));
        assert!(!ignore.matches("properties.updateTimes"));
        assert!(!ignore.matches("attributes.updateTime"));
        assert!(ignore.matches("attributes.lastSeen"));
        assert!(ignore.matches("attributes.last"));
        assert!(!ignore.matches("attributes.first"));
        assert!(Ignore::new([]).is_empty());
    }
}

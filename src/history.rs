//! Recent lookups, kept across runs in `STATE_DIR/history.json` so the start screen can offer
//! them again. Only what identifies a lookup and how it ended is stored: never a key, never a
//! vendor's answer (profiles hold personal data; the history must stay harmless to leak).

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::vendor::{Lookup, LookupKind, VendorKind};

/// Older entries are dropped beyond this many; the file stays a few tens of kilobytes.
pub const MAX_ENTRIES: usize = 200;
const FILE_NAME: &str = "history.json";

/// How a lookup ended. The error is its kind only ("HTTP 401", "network"), never a body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    /// Found. The person's name is not kept: it is the vendor's data, not the lookup's.
    Ok,
    NotFound,
    Error {
        kind: String,
    },
}

impl Outcome {
    pub fn is_ok(&self) -> bool {
        matches!(self, Outcome::Ok)
    }

    /// The short text the recent list shows.
    pub fn label(&self) -> &str {
        match self {
            Outcome::Ok => "found",
            Outcome::NotFound => "not found",
            Outcome::Error { kind } => kind,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub connection: String,
    pub vendor: VendorKind,
    pub by: LookupKind,
    pub value: String,
    #[serde(with = "rfc3339")]
    pub at: DateTime<Utc>,
    pub outcome: Outcome,
}

impl Entry {
    pub fn lookup(&self) -> Lookup {
        Lookup::new(self.by, self.value.clone())
    }

    fn same_lookup(&self, other: &Entry) -> bool {
        self.connection == other.connection && self.by == other.by && self.value == other.value
    }
}

/// `at` as an RFC 3339 string (chrono is built without its serde feature here).
mod rfc3339 {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(at: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let text = String::deserialize(d)?;
        DateTime::parse_from_rfc3339(&text)
            .map(|t| t.with_timezone(&Utc))
            .map_err(serde::de::Error::custom)
    }
}

/// The file as written: a version so a later format can be told apart.
#[derive(Serialize, Deserialize)]
struct File {
    version: u32,
    entries: Vec<Entry>,
}

pub fn default_path() -> Option<PathBuf> {
    crate::config::state_dir().map(|d| d.join(FILE_NAME))
}

/// Put `entry` first (newest first); an earlier run of the same lookup is replaced, and the list
/// is capped at `MAX_ENTRIES`.
pub fn push(entries: &mut Vec<Entry>, entry: Entry) {
    entries.retain(|e| !e.same_lookup(&entry));
    entries.insert(0, entry);
    entries.truncate(MAX_ENTRIES);
}

/// The stored history, newest first. A missing file is an empty history; an unreadable or
/// corrupt one is logged and ignored, because losing the recent list must never stop the app.
pub fn load(path: &Path) -> Vec<Entry> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
        Err(e) => {
            tracing::warn!(path = %path.display(), "cannot read the history, ignoring it: {e}");
            return Vec::new();
        }
    };
    match serde_json::from_str::<File>(&text) {
        Ok(mut file) => {
            file.entries.truncate(MAX_ENTRIES);
            file.entries
        }
        Err(e) => {
            tracing::warn!(path = %path.display(), "the history file is corrupt, ignoring it: {e}");
            Vec::new()
        }
    }
}

/// Write the history atomically: a temporary file in the same directory, then a rename, so a
/// crash mid-write leaves the old file, never half a file. The directory is created if needed.
pub fn save(path: &Path, entries: &[Entry]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    std::fs::create_dir_all(dir)?;
    let capped = entries.get(..MAX_ENTRIES).unwrap_or(entries);
    let file = File {
        version: 1,
        entries: capped.to_vec(),
    };
    let json = serde_json::to_vec_pretty(&file).map_err(std::io::Error::other)?;
    // Unique per process and per call, so two saves in flight never share a temporary file.
    static SAVES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = SAVES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = dir.join(format!(".{FILE_NAME}.{}-{n}.tmp", std::process::id()));
    let written = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&json)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// Remove the history file (the "clear history" action). A missing file is already clear.
pub fn clear(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(value: &str, outcome: Outcome) -> Entry {
        Entry {
            connection: "coho".to_owned(),
            vendor: VendorKind::Coho,
            by: LookupKind::Id,
            value: value.to_owned(),
            at: DateTime::parse_from_rfc3339("2026-11-23T10:00:00Z")
                .unwrap()
                .with_timezone(&Utc),
            outcome,
        }
    }

    #[test]
    fn push_puts_newest_first_replaces_repeats_and_caps() {
        let mut list = Vec::new();
        for i in 0..MAX_ENTRIES + 5 {
            push(&mut list, entry(&format!("u-{i}"), Outcome::NotFound));
        }
        assert_eq!(list.len(), MAX_ENTRIES);
        assert_eq!(list[0].value, format!("u-{}", MAX_ENTRIES + 4));
        // The oldest five were dropped.
        assert_eq!(list[MAX_ENTRIES - 1].value, "u-5");
        push(&mut list, entry("u-100", Outcome::Ok));
        assert_eq!(list.len(), MAX_ENTRIES);
        assert_eq!(list[0].value, "u-100");
        assert_eq!(list.iter().filter(|e| e.value == "u-100").count(), 1);
    }

    #[test]
    fn save_then_load_round_trips_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("history.json");
        let list = vec![
            entry(
                "u-2",
                Outcome::Error {
                    kind: "HTTP 401".to_owned(),
                },
            ),
            entry("u-1", Outcome::Ok),
        ];
        save(&path, &list).unwrap();
        assert_eq!(load(&path), list);
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, vec!["history.json".to_owned()]);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("\"status\": \"error\""), "{text}");
    }

    #[test]
    fn save_replaces_the_old_file_and_caps_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.json");
        std::fs::write(&path, "old").unwrap();
        let list: Vec<Entry> = (0..MAX_ENTRIES + 3)
            .map(|i| entry(&format!("u-{i}"), Outcome::NotFound))
            .collect();
        save(&path, &list).unwrap();
        let loaded = load(&path);
        assert_eq!(loaded.len(), MAX_ENTRIES);
        assert_eq!(loaded[0].value, "u-0");
    }

    #[test]
    fn a_corrupt_or_missing_file_is_an_empty_history() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.json");
        assert!(load(&path).is_empty());
        std::fs::write(&path, "{\"version\":1,\"entries\":[{\"connection\":").unwrap();
        assert!(load(&path).is_empty());
        std::fs::write(&path, [0xff, 0xfe, 0x00]).unwrap();
        assert!(load(&path).is_empty());
        clear(&path).unwrap();
        assert!(!path.exists());
        clear(&path).unwrap();
    }
}

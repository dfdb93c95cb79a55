//! Recent lookups, kept across runs in `STATE_DIR/history.json` so the start screen can offer
//! them again. Only what identifies a lookup and how it ended is stored: never a key, never a
//! vendor's answer (profiles hold personal data; the history must stay harmless to leak).

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::vendors::{Lookup, LookupKind, VendorKind};

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

/// The file as written: a version so a later format can be told apart. Entries are read one
/// by one, so one that this version cannot read (a vendor it does not know, a damaged field)
/// is skipped alone and written back as it was.
#[derive(Serialize, Deserialize)]
struct File<E> {
    version: u32,
    entries: Vec<E>,
}

/// The largest history file read; a normal one is a few tens of kilobytes.
const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

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

/// What is on disk: the entries this version reads, and the others kept verbatim.
#[derive(Debug, Default)]
struct OnDisk {
    entries: Vec<Entry>,
    unreadable: Vec<serde_json::Value>,
}

fn read(path: &Path) -> Result<OnDisk, String> {
    let bytes = match crate::fsio::read_capped(path, MAX_FILE_BYTES) {
        Ok(bytes) => bytes,
        Err(e) if e.is_missing() => return Ok(OnDisk::default()),
        Err(e) => return Err(e.to_string()),
    };
    let file: File<serde_json::Value> =
        serde_json::from_slice(&bytes).map_err(|e| format!("not a history file: {e}"))?;
    let mut disk = OnDisk::default();
    for value in file.entries {
        match serde_json::from_value::<Entry>(value.clone()) {
            Ok(entry) => disk.entries.push(entry),
            Err(e) => {
                tracing::warn!("skipping a history entry this version cannot read: {e}");
                disk.unreadable.push(value);
            }
        }
    }
    disk.entries.truncate(MAX_ENTRIES);
    Ok(disk)
}

/// The stored history, newest first. A missing file is an empty history; an unreadable one is
/// logged and ignored, because losing the recent list must never stop the app.
pub fn load(path: &Path) -> Vec<Entry> {
    match read(path) {
        Ok(disk) => disk.entries,
        Err(e) => {
            tracing::warn!(path = %path.display(), "ignoring the history: {e}");
            Vec::new()
        }
    }
}

/// Both lists as one: the same lookup once (its newest run), newest first, capped.
fn merged(ours: &[Entry], theirs: Vec<Entry>) -> Vec<Entry> {
    let mut all: Vec<Entry> = ours.to_vec();
    for entry in theirs {
        match all.iter_mut().find(|e| e.same_lookup(&entry)) {
            Some(e) if e.at < entry.at => *e = entry,
            Some(_) => {}
            None => all.push(entry),
        }
    }
    // Stable: among equal times, ours keep their order and come first.
    all.sort_by_key(|e| std::cmp::Reverse(e.at));
    all.truncate(MAX_ENTRIES);
    all
}

/// Save `entries` merged with what is on disk now, so two instances running at once keep both
/// sets: under an advisory lock on the state directory, re-read, merge, replace atomically
/// (private file, never through a symlink). A file that is not a history at all is kept beside
/// as `history.json.damaged` before it is replaced.
pub fn save(path: &Path, entries: &[Entry]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    crate::fsio::private_dir(dir)?;
    let _lock = lock_dir(dir)?;
    let disk = match read(path) {
        Ok(disk) => disk,
        Err(e) => {
            tracing::warn!(path = %path.display(), "the history file is damaged, keeping a copy: {e}");
            let mut damaged = path.as_os_str().to_owned();
            damaged.push(".damaged");
            // Best effort: a FIFO or a directory cannot be copied, and is then replaced below.
            let _ = std::fs::copy(path, PathBuf::from(damaged));
            OnDisk::default()
        }
    };
    let file = File {
        version: 1,
        entries: merged(entries, disk.entries)
            .iter()
            .map(serde_json::to_value)
            .chain(disk.unreadable.into_iter().map(Ok))
            .collect::<Result<Vec<_>, _>>()
            .map_err(std::io::Error::other)?,
    };
    let json = serde_json::to_vec_pretty(&file).map_err(std::io::Error::other)?;
    crate::fsio::replace_private(path, &json)
}

/// Held while the history is re-read, merged and replaced; released when dropped.
struct DirLock(#[allow(dead_code)] std::fs::File);

/// An exclusive advisory lock on the directory itself (no lock file to leave behind).
fn lock_dir(dir: &Path) -> std::io::Result<DirLock> {
    let handle = std::fs::File::open(dir)?;
    handle.lock()?;
    Ok(DirLock(handle))
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
            connection: VendorKind::first().as_str().to_owned(),
            vendor: VendorKind::first(),
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

    #[test]
    fn two_writers_keep_both_sets() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.json");
        // Eight writers at once, each with its own entries (as eight TUIs would save them).
        std::thread::scope(|s| {
            for writer in 0..8 {
                let path = &path;
                s.spawn(move || {
                    let mine: Vec<Entry> = (0..5)
                        .map(|i| entry(&format!("w{writer}-{i}"), Outcome::Ok))
                        .collect();
                    save(path, &mine).unwrap();
                });
            }
        });
        assert_eq!(load(&path).len(), 40);
    }

    #[test]
    fn the_newest_run_of_a_lookup_wins_the_merge() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.json");
        let mut newer = entry("u-1", Outcome::Ok);
        newer.at += chrono::Duration::seconds(5);
        save(&path, std::slice::from_ref(&newer)).unwrap();
        save(&path, &[entry("u-1", Outcome::NotFound)]).unwrap();
        assert_eq!(load(&path), vec![newer]);
    }

    #[test]
    fn one_unreadable_entry_is_skipped_alone_and_kept_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.json");
        let good = serde_json::to_value(entry("u-1", Outcome::Ok)).unwrap();
        let mut alien = good.clone();
        alien["vendor"] = serde_json::json!("not-a-vendor-we-know");
        alien["value"] = serde_json::json!("u-alien");
        let text = serde_json::json!({"version": 1, "entries": [alien, good, {"broken": true}]});
        std::fs::write(&path, text.to_string()).unwrap();
        assert_eq!(load(&path), vec![entry("u-1", Outcome::Ok)]);
        save(&path, &[entry("u-2", Outcome::Ok)]).unwrap();
        let values: Vec<String> = load(&path).into_iter().map(|e| e.value).collect();
        assert_eq!(values, ["u-2", "u-1"]);
        let on_disk = std::fs::read_to_string(&path).unwrap();
        assert!(
            on_disk.contains("u-alien") && on_disk.contains("\"broken\""),
            "{on_disk}"
        );
    }

    #[test]
    fn a_damaged_file_is_kept_beside_and_the_history_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.json");
        std::fs::write(&path, "not json").unwrap();
        save(&path, &[entry("u-1", Outcome::Ok)]).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("history.json.damaged")).unwrap(),
            "not json"
        );
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    #[test]
    fn a_fifo_history_is_ignored_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.json");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&path)
                .status()
                .unwrap()
                .success()
        );
        assert!(load(&path).is_empty());
    }
}

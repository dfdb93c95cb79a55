//! Leak detectors: a secret (a canary key) in bytes, in a file under a directory, or in any
//! running process's arguments. Each test that uses them also proves they can fail by finding
//! a planted canary.

use std::path::{Path, PathBuf};

use super::run::truncated;

/// Whether `needle` (not empty) occurs in `haystack`.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// `bytes` do not hold `needle`; `what` names them in the failure.
#[track_caller]
pub fn assert_absent(needle: &str, what: &str, bytes: &[u8]) {
    assert!(
        !contains(bytes, needle.as_bytes()),
        "{what} leaks a key: {}",
        truncated(&String::from_utf8_lossy(bytes), 3000)
    );
}

/// Every file under `dir`, at any depth.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                files.extend(files_under(&path));
            } else {
                files.push(path);
            }
        }
    }
    files
}

/// Every file under `dir` whose bytes contain `needle`, as displayed paths.
pub fn files_containing(dir: &Path, needle: &str) -> Vec<String> {
    files_under(dir)
        .into_iter()
        .filter(|path| std::fs::read(path).is_ok_and(|bytes| contains(&bytes, needle.as_bytes())))
        .map(|path| path.display().to_string())
        .collect()
}

/// A running process whose arguments hold the needle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcessHit {
    pub pid: u32,
    /// `/proc/PID/cmdline` with the NULs between arguments shown as spaces.
    pub argv: String,
}

impl std::fmt::Display for ProcessHit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.pid, self.argv)
    }
}

/// Every process on the machine whose `/proc/PID/cmdline` contains `needle`.
pub fn processes_with_in_argv(needle: &str) -> Vec<ProcessHit> {
    let mut hits = Vec::new();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return hits;
    };
    for entry in entries.flatten() {
        // Only the numbered entries are processes (`self` would count this one twice).
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse().ok()) else {
            continue;
        };
        if let Ok(bytes) = std::fs::read(entry.path().join("cmdline"))
            && contains(&bytes, needle.as_bytes())
        {
            hits.push(ProcessHit {
                pid,
                argv: String::from_utf8_lossy(&bytes).replace('\0', " "),
            });
        }
    }
    hits
}

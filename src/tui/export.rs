//! Exporting a profile to a file in the current directory: the proposed name, the dialog's
//! state, and a writer that never follows a symlink and never replaces a file unless told to.
//! What is written is the normalized profile (as `get --format json` prints it) or the body
//! exactly as received; neither holds a key (keys live only in the keyring and request
//! headers, which are not exported).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::lookup::LookupOutcome;
use crate::tui::input::TextInput;

/// What the export holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportKind {
    /// The normalized profile, same as `userscope get … --format json`.
    Normalized,
    /// The vendor's body byte for byte.
    Raw,
}

impl ExportKind {
    pub fn label(self) -> &'static str {
        match self {
            ExportKind::Normalized => "normalized profile (JSON)",
            ExportKind::Raw => "raw body as received",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExportState {
    Editing,
    Writing,
    /// The file exists: Enter again replaces it.
    ConfirmOverwrite,
    Failed(String),
}

#[derive(Clone, Debug)]
pub struct ExportDialog {
    pub name: TextInput,
    pub kind: ExportKind,
    pub state: ExportState,
    /// The profile the dialog was opened on: that is what it writes.
    pub outcome: Arc<LookupOutcome>,
}

impl ExportDialog {
    pub fn new(outcome: &Arc<LookupOutcome>, now: DateTime<Utc>) -> ExportDialog {
        ExportDialog {
            outcome: Arc::clone(outcome),
            name: TextInput::new(&proposed_name(outcome, now)),
            kind: ExportKind::Normalized,
            state: ExportState::Editing,
        }
    }
}

/// Only letters, digits, `_` and `-` (others become `_`), at most 60 characters, so a vendor
/// ID can never pick another directory or a hidden file.
pub fn safe_component(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .take(60)
        .collect()
}

/// `VENDOR-ID-YYYYMMDD-HHMMSS.json`, the ID being the profile's own or else the looked-up value.
pub fn proposed_name(outcome: &LookupOutcome, now: DateTime<Utc>) -> String {
    let id = outcome
        .profile
        .id
        .as_deref()
        .filter(|id| !id.trim().is_empty())
        .unwrap_or(&outcome.lookup.value);
    format!(
        "{}-{}-{}.json",
        outcome.vendor.as_str(),
        safe_component(id),
        now.format("%Y%m%d-%H%M%S")
    )
}

/// The bytes to write for `kind`.
pub fn contents(outcome: &LookupOutcome, kind: ExportKind) -> Result<Vec<u8>, String> {
    match kind {
        ExportKind::Normalized => crate::output::render_json(outcome)
            .map(String::into_bytes)
            .map_err(|e| format!("cannot render the profile: {e}")),
        ExportKind::Raw => Ok(outcome.raw.to_vec()),
    }
}

/// Why an export was not written.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    #[error("{0} already exists")]
    Exists(String),
    #[error("`{0}` is not a plain file name (no `/`, not empty, not `.` or `..`)")]
    BadName(String),
    /// The name is a symbolic link (or a directory, a FIFO…): never written through or over.
    #[error("{0} is {1}; userscope writes exports only as plain files")]
    NotAFile(String, &'static str),
    #[error("{0}")]
    Io(String),
}

/// Check a typed file name: one plain name in the current directory.
pub fn check_name(name: &str) -> Result<&str, ExportError> {
    let name = name.trim();
    let bad = name.is_empty()
        || name == "."
        || name == ".."
        || name.contains(['/', '\\', '\0'])
        || name.chars().any(char::is_control);
    if bad {
        Err(ExportError::BadName(
            crate::sanitize::sanitize(name).into_owned(),
        ))
    } else {
        Ok(name)
    }
}

/// Refuse a target that exists as anything but a regular file, looked at without following a
/// link: a symlink planted under the export's name (pointing at `~/.bashrc`, say) is refused
/// and left as it is, its target untouched.
fn check_target(path: &Path, name: &str) -> Result<(), ExportError> {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return Ok(());
    };
    let kind = meta.file_type();
    let what = if kind.is_symlink() {
        "a symbolic link"
    } else if kind.is_dir() {
        "a directory"
    } else if kind.is_file() {
        return Ok(());
    } else {
        "not a regular file"
    };
    Err(ExportError::NotAFile(
        crate::sanitize::sanitize(name).into_owned(),
        what,
    ))
}

/// Write `bytes` to `dir/name`, a private file (0600: profiles are personal data). A
/// temporary file, created new with owner-only permissions, is written first, then put in
/// place: without `overwrite` by a hard link, which fails if the name exists; with it by a
/// rename. A name that is a symlink is refused either way; and as neither a link nor a rename
/// ever writes through a symlink, one planted after that check only gets itself replaced.
pub fn write(
    dir: &Path,
    name: &str,
    bytes: &[u8],
    overwrite: bool,
) -> Result<PathBuf, ExportError> {
    let name = check_name(name)?;
    let path = dir.join(name);
    check_target(&path, name)?;
    let io = |e: std::io::Error| ExportError::Io(e.to_string());
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = dir.join(format!(".userscope-export-{}-{n}.tmp", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let result = (|| {
        let mut file = options.open(&tmp).map_err(io)?;
        file.write_all(bytes).map_err(io)?;
        file.sync_all().map_err(io)?;
        drop(file);
        if overwrite {
            std::fs::rename(&tmp, &path).map_err(io)
        } else {
            match std::fs::hard_link(&tmp, &path) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    Err(ExportError::Exists(name.to_owned()))
                }
                Err(e) => Err(io(e)),
            }
        }
    })();
    // After a rename this is already gone; after a link or a failure it must go.
    let _ = std::fs::remove_file(&tmp);
    result.map(|()| path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_to_overwrite_unless_asked_and_never_writes_through_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "a.json", b"one", false).unwrap();
        assert_eq!(path, dir.path().join("a.json"));
        assert_eq!(
            write(dir.path(), "a.json", b"two", false),
            Err(ExportError::Exists("a.json".to_owned()))
        );
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        write(dir.path(), "a.json", b"two", true).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");

        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
            let target = dir.path().join("target.txt");
            std::fs::write(&target, "precious").unwrap();
            std::os::unix::fs::symlink(&target, dir.path().join("link.json")).unwrap();
            // A symlink under the name is refused, asked to overwrite or not, and stays.
            for overwrite in [false, true] {
                assert_eq!(
                    write(dir.path(), "link.json", b"x", overwrite),
                    Err(ExportError::NotAFile(
                        "link.json".to_owned(),
                        "a symbolic link"
                    ))
                );
            }
            assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious");
            assert!(
                std::fs::symlink_metadata(dir.path().join("link.json"))
                    .unwrap()
                    .file_type()
                    .is_symlink()
            );
            std::fs::create_dir(dir.path().join("d.json")).unwrap();
            assert_eq!(
                write(dir.path(), "d.json", b"x", true)
                    .unwrap_err()
                    .to_string(),
                "d.json is a directory; userscope writes exports only as plain files"
            );
        }
        // No temporary files are left behind.
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".tmp"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn names_with_a_directory_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["", " ", ".", "..", "../x.json", "a/b.json", "x\u{1b}.json"] {
            assert!(
                matches!(
                    write(dir.path(), name, b"x", false),
                    Err(ExportError::BadName(_))
                ),
                "{name:?}"
            );
        }
    }
}

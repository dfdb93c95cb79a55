//! The files userscope reads and writes, done safely in one place.
//!
//! Reads (config, history, `open`): only regular files, with a size cap that holds for devices
//! too. A FIFO would block `open(2)` until a writer comes and `/dev/zero` never ends, so the
//! file is opened non-blocking, its type checked on the open descriptor (no window between the
//! check and the read), and at most `cap + 1` bytes are read.
//!
//! Writes (history, log, exports): private to the user (0600 files in 0700 directories,
//! tightened when found looser), never through a symlink, and replaced atomically (a temporary
//! file and a rename) where a half-written file would lose data.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Why a file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{path} does not exist")]
    Missing { path: String },
    #[error("{path} is {what}, not a regular file")]
    NotRegular { path: String, what: &'static str },
    #[error("{path} is {size} bytes, over the {cap}-byte limit")]
    TooLarge { path: String, size: u64, cap: u64 },
    #[error("cannot read {path}: {cause}")]
    Io { path: String, cause: String },
}

impl ReadError {
    pub fn is_missing(&self) -> bool {
        matches!(self, ReadError::Missing { .. })
    }
}

/// A path as it may be printed: control characters made visible.
pub fn shown(path: &Path) -> String {
    crate::sanitize::sanitize(&path.display().to_string()).into_owned()
}

/// What a file type is called in messages.
fn type_name(file_type: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return "a device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_dir() {
        "a directory"
    } else if file_type.is_symlink() {
        "a symbolic link"
    } else {
        "not a regular file"
    }
}

fn open_for_reading(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Non-blocking so that opening a FIFO returns at once instead of waiting for a writer.
        options.custom_flags(rustix::fs::OFlags::NONBLOCK.bits().cast_signed());
    }
    options.open(path)
}

/// Read a regular file of at most `cap` bytes.
pub fn read_capped(path: &Path, cap: u64) -> Result<Vec<u8>, ReadError> {
    let io = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::NotFound => ReadError::Missing { path: shown(path) },
        _ => ReadError::Io {
            path: shown(path),
            cause: e.to_string(),
        },
    };
    let file = open_for_reading(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if !meta.file_type().is_file() {
        return Err(ReadError::NotRegular {
            path: shown(path),
            what: type_name(&meta.file_type()),
        });
    }
    if meta.len() > cap {
        return Err(ReadError::TooLarge {
            path: shown(path),
            size: meta.len(),
            cap,
        });
    }
    // The length can still grow while reading: read at most one byte past the cap to tell.
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(cap.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > cap {
        return Err(ReadError::TooLarge {
            path: shown(path),
            size: bytes.len() as u64,
            cap,
        });
    }
    Ok(bytes)
}

/// Create `dir` (and parents) and make sure it is 0700 when it is ours.
pub fn private_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
        if !dir.exists() {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)?;
        }
        let meta = std::fs::metadata(dir)?;
        // Only our own directory is tightened: a shared parent such as /tmp is left alone.
        if meta.uid() == current_uid() && meta.permissions().mode() & 0o077 != 0 {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
        Ok(())
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir)
    }
}

/// The real user id (rustix wraps the system call without `unsafe` in this crate).
#[cfg(unix)]
pub fn current_uid() -> u32 {
    rustix::process::getuid().as_raw()
}

fn parent_of(path: &Path) -> PathBuf {
    path.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Open `path` for writing a private file: 0600, never through a symlink (`O_NOFOLLOW`), and
/// tightened to 0600 when it already exists looser.
fn open_private(path: &Path, append: bool, create_new: bool) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true);
    if append {
        options.append(true).create(true);
    } else if create_new {
        options.create_new(true);
    } else {
        options.create(true).truncate(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options
            .mode(0o600)
            .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits().cast_signed());
        let file = options.open(path).map_err(|e| {
            if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) {
                std::io::Error::other(format!(
                    "{} is a symbolic link; userscope does not write through links",
                    shown(path)
                ))
            } else {
                e
            }
        })?;
        let meta = file.metadata()?;
        if !meta.file_type().is_file() {
            return Err(std::io::Error::other(format!(
                "{} is {}, not a regular file",
                shown(path),
                type_name(&meta.file_type())
            )));
        }
        if meta.permissions().mode() & 0o077 != 0 {
            file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
        Ok(file)
    }
    #[cfg(not(unix))]
    {
        options.open(path)
    }
}

/// The log file, opened for appending: private, and refused when it is a symlink.
pub fn open_log(path: &Path) -> std::io::Result<File> {
    private_dir(&parent_of(path))?;
    open_private(path, true, false)
}

/// Write a new private file (exports): refused when `path` exists as a symlink.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = open_private(path, false, false)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Replace `path` atomically with `bytes`: a private temporary file in the same directory
/// (created new, so never a link planted there), synced, then renamed over `path`. A crash
/// leaves the old file, never half a file; `rename` replaces a symlink itself, not its target.
pub fn replace_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = parent_of(path);
    private_dir(&dir)?;
    // Unique per process and per call, so two saves in flight never share a temporary file.
    static SAVES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = SAVES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = path
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{name}.{}-{n}.tmp", std::process::id()));
    let written = (|| {
        let mut f = open_private(&tmp, false, true)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn reads_refuse_fifos_devices_and_directories_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let started = std::time::Instant::now();
        let err = read_capped(&fifo, 1024).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "{} is a FIFO (named pipe), not a regular file",
                fifo.display()
            )
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        let err = read_capped(Path::new("/dev/zero"), 1024).unwrap_err();
        assert_eq!(err.to_string(), "/dev/zero is a device, not a regular file");
        let err = read_capped(dir.path(), 1024).unwrap_err();
        assert!(
            err.to_string()
                .ends_with("is a directory, not a regular file")
        );
        assert!(
            read_capped(&dir.path().join("nope"), 1)
                .unwrap_err()
                .is_missing()
        );
    }

    #[test]
    fn reads_are_capped() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("f");
        std::fs::write(&f, b"12345").unwrap();
        assert_eq!(read_capped(&f, 5).unwrap(), b"12345");
        assert!(matches!(
            read_capped(&f, 4).unwrap_err(),
            ReadError::TooLarge { cap: 4, .. }
        ));
    }

    #[test]
    fn writes_are_private_atomic_and_never_through_links() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("state");
        std::fs::create_dir(&state).unwrap();
        std::fs::set_permissions(&state, std::fs::Permissions::from_mode(0o755)).unwrap();
        let history = state.join("history.json");
        replace_private(&history, b"[1]").unwrap();
        assert_eq!(std::fs::read(&history).unwrap(), b"[1]");
        assert_eq!(mode(&history), 0o600);
        assert_eq!(mode(&state), 0o700, "the state dir is tightened");
        // A looser existing log is tightened; a symlinked one is refused.
        let log = state.join("userscope.log");
        std::fs::write(&log, b"old\n").unwrap();
        std::fs::set_permissions(&log, std::fs::Permissions::from_mode(0o644)).unwrap();
        open_log(&log).unwrap().write_all(b"new\n").unwrap();
        assert_eq!(std::fs::read(&log).unwrap(), b"old\nnew\n");
        assert_eq!(mode(&log), 0o600);
        let target = dir.path().join("elsewhere");
        std::fs::write(&target, b"precious").unwrap();
        let link = state.join("linked.log");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let err = open_log(&link).unwrap_err();
        assert!(err.to_string().contains("is a symbolic link"), "{err}");
        assert!(write_private(&link, b"x").is_err());
        assert_eq!(std::fs::read(&target).unwrap(), b"precious");
        // No temporary files are left behind.
        let names: Vec<_> = std::fs::read_dir(&state)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
    }
}

//! Where the config file and the state directory are, and reading the config file.

use std::path::{Path, PathBuf};

use super::Config;
use crate::error::LookupError;

/// The config file path: `USERSCOPE_CONFIG`, else `<XDG config>/userscope/config.toml`.
pub fn config_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("USERSCOPE_CONFIG") {
        return Some(PathBuf::from(p));
    }
    project_dirs().map(|d| d.config_dir().join("config.toml"))
}

/// Where logs and history live (`$XDG_STATE_HOME/userscope`).
pub fn state_dir() -> Option<PathBuf> {
    project_dirs().map(|d| {
        d.state_dir()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| d.data_local_dir().to_path_buf())
    })
}

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "userscope")
}

impl Config {
    /// Load from `config_path()`; a missing file is the default config.
    pub fn load() -> Result<Config, LookupError> {
        match config_path() {
            Some(path) => Config::load_from(&path),
            None => Ok(Config::default()),
        }
    }

    /// Read and parse a config file: a regular file of at most 1 MiB that only its owner (you
    /// or root) can change, in a directory others cannot write to; a missing file is the
    /// default config. The file decides where keys are sent, so a file that someone else can
    /// edit is refused, as ssh refuses such a config.
    pub fn load_from(path: &Path) -> Result<Config, LookupError> {
        let bytes = match crate::fsio::read_capped(path, MAX_CONFIG_BYTES) {
            Ok(bytes) => bytes,
            Err(e) if e.is_missing() => return Ok(Config::default()),
            Err(e) => return Err(LookupError::Usage(format!("config file: {e}"))),
        };
        check_trusted(path).map_err(LookupError::Usage)?;
        let text = String::from_utf8(bytes).map_err(|_| {
            LookupError::Usage(format!(
                "config file {} is not UTF-8 text",
                crate::fsio::shown(path)
            ))
        })?;
        Config::parse_located(&text, &path.display().to_string()).map_err(LookupError::Usage)
    }
}

/// The largest config file read; a real one is a few kilobytes.
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// Whether the config file may be trusted: not writable by group or others, owned by the user
/// or root, and its directory not writable by group or others (else anyone who can write there
/// could swap the file). The error says how to fix it.
#[cfg(unix)]
pub fn check_trusted(path: &Path) -> Result<(), String> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let me = crate::fsio::current_uid();
    let shown = crate::fsio::shown(path);
    let meta = std::fs::metadata(path)
        .map_err(|e| format!("cannot check the config file {shown}: {e}"))?;
    if meta.uid() != me && meta.uid() != 0 {
        return Err(format!(
            "refusing the config file {shown}: it is owned by another user (uid {}), who could point your keys at any host; use a file of your own",
            meta.uid()
        ));
    }
    if meta.permissions().mode() & 0o022 != 0 {
        return Err(format!(
            "refusing the config file {shown}: others can write to it and point your keys at any host; fix with `chmod 600 {shown}`"
        ));
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    let dir_meta =
        std::fs::metadata(dir).map_err(|e| format!("cannot check the config directory: {e}"))?;
    if dir_meta.permissions().mode() & 0o022 != 0 {
        let dir = crate::fsio::shown(dir);
        return Err(format!(
            "refusing the config file {shown}: others can write to its directory {dir} and replace it; fix with `chmod go-w {dir}` (or move the file)"
        ));
    }
    Ok(())
}

#[cfg(not(unix))]
pub fn check_trusted(_path: &Path) -> Result<(), String> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn chmod(path: &Path, mode: u32) {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    fn usage(result: Result<Config, LookupError>) -> String {
        match result {
            Err(LookupError::Usage(message)) => message,
            other => panic!("expected a usage error, got {other:?}"),
        }
    }

    #[test]
    fn a_config_others_can_write_is_refused_with_the_fix() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "[http]\ntimeout_secs = 5.0\n").unwrap();
        chmod(&path, 0o600);
        assert_eq!(Config::load_from(&path).unwrap().http.timeout_secs, 5.0);
        chmod(&path, 0o666);
        let err = usage(Config::load_from(&path));
        assert!(
            err.ends_with(&format!("fix with `chmod 600 {}`", path.display())),
            "{err}"
        );
        chmod(&path, 0o620);
        assert!(usage(Config::load_from(&path)).contains("others can write to it"));
        chmod(&path, 0o644);
        chmod(dir.path(), 0o777);
        let err = usage(Config::load_from(&path));
        assert!(err.contains("others can write to its directory"), "{err}");
        assert!(err.contains("chmod go-w"), "{err}");
        chmod(dir.path(), 0o700);
        assert!(Config::load_from(&path).is_ok());
    }

    #[test]
    fn fifos_devices_and_huge_files_fail_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("config.toml");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let err = usage(Config::load_from(&fifo));
        assert!(
            err.ends_with("is a FIFO (named pipe), not a regular file"),
            "{err}"
        );
        let err = usage(Config::load_from(Path::new("/dev/zero")));
        assert_eq!(
            err,
            "config file: /dev/zero is a device, not a regular file"
        );
        let big = dir.path().join("big.toml");
        std::fs::write(&big, vec![b'#'; 2 * 1024 * 1024]).unwrap();
        assert!(
            usage(Config::load_from(&big))
                .contains("is 2097152 bytes, over the 1048576-byte limit")
        );
        assert!(Config::load_from(&dir.path().join("absent.toml")).is_ok());
    }
}

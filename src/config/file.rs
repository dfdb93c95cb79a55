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

    pub fn load_from(path: &Path) -> Result<Config, LookupError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Config::parse_located(&text, &path.display().to_string())
                .map_err(LookupError::Usage),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(LookupError::Usage(format!(
                "cannot read config file {}: {e}",
                path.display()
            ))),
        }
    }
}

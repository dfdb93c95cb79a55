//! A throwaway HOME for a `userscope` child: config, state and data dirs inside a temp dir, no
//! config file, nothing of the developer's environment read or written.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::leaks::files_under;

/// A fresh HOME with config, state and data dirs inside; no config file.
pub struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    pub fn new() -> Home {
        Home {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// HOME, the XDG dirs inside it and a config path that does not exist.
    pub fn env(&self) -> Vec<(&'static str, OsString)> {
        let home = self.path();
        vec![
            ("HOME", home.into()),
            ("XDG_CONFIG_HOME", home.join("config").into()),
            ("XDG_STATE_HOME", home.join("state").into()),
            ("XDG_DATA_HOME", home.join("data").into()),
            ("XDG_RUNTIME_DIR", home.join("run").into()),
            (
                "USERSCOPE_CONFIG",
                home.join("does-not-exist/config.toml").into(),
            ),
        ]
    }

    /// `userscope ARGS` with nothing of the developer's environment but PATH.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_userscope"));
        cmd.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .envs(self.env())
            .args(args);
        cmd
    }

    /// Where `userscope` writes its log under this HOME.
    pub fn log_file(&self) -> PathBuf {
        self.path().join("state/userscope/userscope.log")
    }

    /// Every file under this HOME.
    pub fn files(&self) -> Vec<PathBuf> {
        files_under(self.path())
    }
}

impl Default for Home {
    fn default() -> Self {
        Home::new()
    }
}

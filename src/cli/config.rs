//! `userscope config path` and `userscope config check [FILE]`: where the config file is, and
//! whether it can be used, with the very error a normal start would give (exit 2).

use std::path::PathBuf;

use clap::Subcommand;

use crate::config::{Config, config_path};

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the config file's path (USERSCOPE_CONFIG, else the XDG default); the file need
    /// not exist.
    #[command(after_help = super::help::config())]
    Path,
    /// Validate a config file (default: the one `path` prints) as a normal start reads it:
    /// trust (owner, modes), size, TOML, unknown keys with a did-you-mean, settings.
    #[command(after_help = super::help::config())]
    Check {
        /// The file to check instead of the configured one.
        #[arg(value_name = "FILE")]
        file: Option<PathBuf>,
    },
}

pub fn run(cmd: &ConfigCommand) -> i32 {
    match cmd {
        ConfigCommand::Path => match config_path() {
            Some(path) => {
                println!("{}", crate::fsio::shown(&path));
                0
            }
            None => {
                eprintln!(
                    "userscope: no home directory, so there is no default config path: set USERSCOPE_CONFIG"
                );
                2
            }
        },
        ConfigCommand::Check { file } => check(file.clone().or_else(config_path)),
    }
}

fn check(path: Option<PathBuf>) -> i32 {
    let Some(path) = path else {
        println!("no config file path (no home directory): the built-in defaults apply");
        return 0;
    };
    let shown = crate::fsio::shown(&path);
    let exists = std::fs::symlink_metadata(&path).is_ok();
    match Config::load_from(&path) {
        Ok(_) if !exists => {
            println!("{shown} does not exist: the built-in defaults apply (no file is needed)");
            0
        }
        Ok(config) => {
            // The TUI's own checks (theme name, actions, keys taken twice) run at its start;
            // `check` runs them too, so a file that passes here starts the TUI.
            let tui = crate::tui::keymap::KeyMap::with_overrides(&config.tui).and_then(|_| {
                crate::tui::ui::theme::Theme::default()
                    .with_config(&config.tui)
                    .map(|_| ())
            });
            if let Err(e) = tui {
                eprintln!("userscope: {shown}: {e}");
                return 2;
            }
            println!(
                "{shown} is valid ({} connection{} configured)",
                config.connections.len(),
                if config.connections.len() == 1 {
                    ""
                } else {
                    "s"
                }
            );
            0
        }
        Err(e) => {
            eprintln!("userscope: {e}");
            e.exit_code()
        }
    }
}

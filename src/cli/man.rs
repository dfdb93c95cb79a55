//! `userscope man`: roff man pages from the same `clap::Command` as `--help` (`clap_mangen`).
//!
//! One page per command, as git does: `userscope.1` for the whole tool (its SUBCOMMANDS
//! section lists the others) and `userscope-get.1`, `userscope-keys-set.1`, … for each
//! subcommand, so `man userscope-get` opens straight at what `get` takes. Without `--out-dir`
//! only `userscope.1` is printed, to read it at once with `userscope man | man -l -`.

use std::path::{Path, PathBuf};

use clap::{Args, CommandFactory};

use super::Cli;

#[derive(Debug, Clone, Args)]
pub struct ManArgs {
    /// Write userscope.1 and one page per subcommand (userscope-get.1, …) into this directory
    /// instead of printing userscope.1 (e.g. ~/.local/share/man/man1).
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

/// The main page, `userscope.1`, as roff.
pub fn main_page() -> Result<Vec<u8>, String> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut buf)
        .map_err(|e| format!("cannot render the man page: {e}"))?;
    Ok(buf)
}

/// Every page into `dir` (created if missing); returns the file names written.
pub fn write_all(dir: &Path) -> Result<Vec<String>, String> {
    let shown = crate::fsio::shown(dir);
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {shown}: {e}"))?;
    clap_mangen::generate_to(Cli::command(), dir)
        .map_err(|e| format!("cannot write the man pages into {shown}: {e}"))?;
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot list {shown}: {e}"))?
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("userscope") && name.ends_with(".1"))
        .collect();
    names.sort();
    Ok(names)
}

pub fn run(args: &ManArgs) -> i32 {
    use std::io::Write;
    let result = match &args.out_dir {
        Some(dir) => write_all(dir).map(|names| {
            println!(
                "wrote {} man pages into {}",
                names.len(),
                crate::fsio::shown(dir)
            );
        }),
        None => main_page().and_then(|page| {
            std::io::stdout()
                .write_all(&page)
                .map_err(|e| format!("cannot print the man page: {e}"))
        }),
    };
    match result {
        Ok(()) => 0,
        Err(message) => {
            eprintln!("userscope: {message}");
            2
        }
    }
}

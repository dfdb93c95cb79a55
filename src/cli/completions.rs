//! `userscope completions SHELL`: the shell script that completes userscope's commands, flags,
//! vendor and connection names.
//!
//! Dynamic, through `clap_complete`'s `CompleteEnv`: the script calls `userscope` back at each
//! Tab (with `COMPLETE=SHELL` set), and the candidates come from the same `clap::Command`, the
//! vendor registry and the config file of that moment. So a connection added to the config is
//! completed at once, with no script to regenerate and no second list of names to keep; the
//! price is clap_complete's `unstable-dynamic` feature, pinned in Cargo.toml. Static scripts
//! (`clap_complete::generate`) could complete only the vendors, not the connections.

use std::io::Write;

use clap::{CommandFactory, ValueEnum};
use clap_complete::engine::{ArgValueCandidates, CompletionCandidate};
use clap_complete::env::Shells;

use super::Cli;
use crate::config::Config;
use crate::vendors::{LookupKind, VendorKind};

/// The variable the script sets when it asks for candidates.
pub const COMPLETE_VAR: &str = "COMPLETE";

/// The shells a script can be printed for (all that `clap_complete` supports).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Elvish,
    Powershell,
}

impl Shell {
    fn name(self) -> &'static str {
        match self {
            Shell::Bash => "bash",
            Shell::Zsh => "zsh",
            Shell::Fish => "fish",
            Shell::Elvish => "elvish",
            Shell::Powershell => "powershell",
        }
    }
}

/// The command line with completion candidates added to every argument that takes a vendor or
/// connection name, or a lookup kind. Candidates are added here rather than where the
/// arguments are declared so one place says what is completed, also for arguments of other
/// files (`open --vendor`).
pub fn command() -> clap::Command {
    let connections = || ArgValueCandidates::new(connection_candidates);
    let kinds = || ArgValueCandidates::new(kind_candidates);
    Cli::command()
        .mut_arg("vendor", |a| a.add(connections()))
        .mut_arg("by", |a| a.add(kinds()))
        .mut_subcommand("get", |c| {
            // `mut_arg` re-inserts a positional at the end: keep the vendor first, before
            // the (optional, with --from) ID.
            c.mut_arg("vendor", |a| a.add(connections()).index(1))
                .mut_arg("id", |a| a.index(2))
                .mut_arg("by", |a| a.add(kinds()))
        })
        .mut_subcommand("open", |c| c.mut_arg("vendor", |a| a.add(connections())))
        .mut_subcommand("keys", |keys| {
            ["set", "delete", "test"]
                .into_iter()
                .fold(keys, |keys, name| {
                    keys.mut_subcommand(name, |c| c.mut_arg("connection", |a| a.add(connections())))
                })
        })
}

/// Every vendor and connection name: the config's connections plus each vendor's default one.
/// A config that cannot be read still completes the vendors (completion never prints errors).
pub fn connection_candidates() -> Vec<CompletionCandidate> {
    let config = Config::load().unwrap_or_default();
    config
        .connection_names()
        .into_iter()
        .map(|name| {
            let vendor = config
                .connections
                .get(&name)
                .and_then(|c| c.vendor)
                .or_else(|| VendorKind::parse(&name));
            let candidate = CompletionCandidate::new(crate::sanitize::sanitize(&name).into_owned());
            match vendor {
                Some(v) => candidate.help(Some(v.display_name().into())),
                None => candidate,
            }
        })
        .collect()
}

fn kind_candidates() -> Vec<CompletionCandidate> {
    let mut kinds: Vec<LookupKind> = Vec::new();
    for kind in VendorKind::all().flat_map(|v| v.lookup_kinds().iter().copied()) {
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    kinds
        .into_iter()
        .map(|k| CompletionCandidate::new(k.as_str()))
        .collect()
}

/// The registration script for `shell`; it calls `userscope` (found on `PATH`) back at each Tab.
pub fn script(shell: Shell) -> Result<Vec<u8>, String> {
    let shells = Shells::builtins();
    let completer = shells
        .completer(shell.name())
        .ok_or_else(|| format!("no completion support for {}", shell.name()))?;
    let mut buf = Vec::new();
    completer
        .write_registration(
            COMPLETE_VAR,
            "userscope",
            "userscope",
            "userscope",
            &mut buf,
        )
        .map_err(|e| format!("cannot write the {} script: {e}", shell.name()))?;
    Ok(buf)
}

pub fn run(shell: Shell) -> i32 {
    match script(shell) {
        Ok(bytes) => match std::io::stdout().write_all(&bytes) {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("userscope: cannot print the completion script: {e}");
                1
            }
        },
        Err(message) => {
            eprintln!("userscope: {message}");
            2
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shell_has_a_script_that_calls_userscope_back() {
        for shell in Shell::value_variants() {
            let text = String::from_utf8(script(*shell).unwrap()).unwrap();
            assert!(text.contains("COMPLETE"), "{shell:?}: {text}");
            assert!(text.contains("userscope"), "{shell:?}");
        }
    }

    #[test]
    fn kinds_are_every_lookup_kind_once() {
        let kinds: Vec<String> = kind_candidates()
            .iter()
            .map(|c| c.get_value().to_string_lossy().into_owned())
            .collect();
        let mut unique = kinds.clone();
        unique.dedup();
        assert_eq!(kinds, unique);
        for vendor in VendorKind::all() {
            for kind in vendor.lookup_kinds() {
                assert!(kinds.contains(&kind.as_str().to_owned()));
            }
        }
    }

    #[test]
    fn the_completion_command_is_valid() {
        command().debug_assert();
    }
}

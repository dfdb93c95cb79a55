//! Hardening (issue 6), proven against the real binary: a fault-injecting vendor server, hostile
//! strings, hostile IDs, keys that must never leak, and bounded fuzzing of every vendor parser.
//!
//! Every `get` runs as a child process with its own HOME / XDG dirs, no config file, the key in
//! `USERSCOPE_<VENDOR>_API_KEY` and `--base-url http://127.0.0.1:PORT`. The fault server
//! (`support::fault_server`) is a raw TCP listener so it can misbehave in ways a real HTTP
//! library would not let it.
//!
//! One module per kind of attack: `faults` (faulty servers), `hostile_strings`, `hostile_ids`
//! (injection through the ID), `keys` (keys never leak), `fuzz` (every vendor parser).
//!
//! Fuzzing: `USERSCOPE_FUZZ_CASES=N` sets the cases per vendor and target (default 512);
//! e.g. `USERSCOPE_FUZZ_CASES=200000 cargo test --release --test hardening fuzz_`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap,
    clippy::cast_precision_loss,
    reason = "a test stops at its first broken expectation; its own numbers are not from the network"
)]
#![cfg(target_os = "linux")]

#[path = "../support/mod.rs"]
mod support;

mod faults;
mod files;
mod fuzz;
mod hostile_ids;
mod hostile_strings;
mod keys;

use support::hostile::assert_terminal_safe;
use support::run::Finished;

// ---------------------------------------------------------------------------------------------
// What every error must look like
// ---------------------------------------------------------------------------------------------

/// Exit `code`, nothing on stdout, and exactly one sanitized `userscope: …` line on stderr
/// with no panic and no Debug dump. Returns that line.
#[track_caller]
fn assert_one_line_error(f: &Finished, code: i32) -> String {
    assert_eq!(f.code, Some(code), "{}", f.describe());
    assert!(
        f.stdout.is_empty(),
        "nothing may be printed as a profile: {}",
        f.describe()
    );
    assert_terminal_safe("stderr", &f.stderr);
    let text = f.stderr_text();
    assert!(text.ends_with('\n'), "{}", f.describe());
    assert_eq!(text.lines().count(), 1, "one line: {}", f.describe());
    let line = text.trim_end_matches('\n').to_owned();
    eprintln!("stderr: {line}");
    assert!(line.starts_with("userscope: "), "{line}");
    for bad in [
        "panicked",
        "RUST_BACKTRACE",
        "Error {",
        "kind:",
        "Some(",
        "source:",
    ] {
        assert!(!line.contains(bad), "`{bad}` in {line}");
    }
    line
}

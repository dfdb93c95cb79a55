//! The terminal UI. SKELETON: being written.

use crate::cli::TuiArgs;

/// Run the TUI until the operator quits; returns the process exit code.
pub async fn run(_args: TuiArgs) -> i32 {
    eprintln!("the TUI is being built");
    1
}

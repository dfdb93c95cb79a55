//! Esc on a slow lookup cancels it and leaves the lookup field, so the next `q` quits instead
//! of being typed into the ID (issue 18).

use std::time::{Duration, Instant};

use crate::faults::{VendorEnv, canary_key, fault_script, serve_by_target};
use crate::tmux::Tmux;
use crate::{BIN, tmux_available};

#[test]
fn esc_cancels_a_slow_lookup_and_q_then_quits() {
    if !tmux_available() {
        println!("SKIPPED: tmux is not installed (the CI script installs it)");
        return;
    }
    let key = canary_key("cancel");
    let decoy = serve_by_target(|_| Vec::new());
    // `slow-headers` answers after 8 s; the timeout is longer, so only Esc ends it sooner.
    let server = serve_by_target(fault_script(key.clone(), decoy.addr()));
    let env = VendorEnv::new(&key, &server.base_url(), "[http]\ntimeout_secs = 30\n", "");
    let tmux = Tmux::start("cancel");
    tmux.wait_for(&["e2e$"]);
    tmux.line(&env.source_line());
    tmux.line(&format!(
        "'{BIN}' --vendor coho --lookup slow-headers; echo USERSCOPE_EXITED_$?"
    ));
    tmux.wait_for(&["id slow-headers", "cancels"]);
    let started = Instant::now();
    tmux.keys(&["Escape"]);
    let screen = tmux.wait_for(&["Lookup of slow-headers cancelled"]);
    assert!(!screen.contains(&key), "{screen}");
    // The field kept its text and lost the focus: `q` quits at once.
    assert!(screen.contains("› slow-headers"), "{screen}");
    tmux.keys(&["q"]);
    let screen = tmux.wait_for(&["USERSCOPE_EXITED_0"]);
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "quit before the server answered: {:?}",
        started.elapsed()
    );
    assert!(!screen.contains("slow-headersq"), "{screen}");
    assert!(!tmux.alternate_screen_on());
}

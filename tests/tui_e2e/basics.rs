//! The demo in a real terminal: browse every pane, quit, Ctrl-C, SIGTERM and a panic each give
//! the shell its screen back; bad startup arguments are usage errors.

use std::process::Command;

use crate::tmux::Tmux;
use crate::{BIN, NAME, launch_line, run_without_terminal, tmux_available};

#[test]
fn browse_every_pane_then_quit_restores_the_shell() {
    if !tmux_available() {
        println!("SKIPPED: tmux is not installed (the CI script installs it)");
        return;
    }
    let tmux = Tmux::start("browse");
    tmux.wait_for(&["e2e$"]);
    tmux.line(&launch_line(""));
    let screen = tmux.wait_for(&[NAME, "1 Overview", "8 Request"]);
    assert!(
        screen.contains("hannah.okafor@northwind-logistics.com"),
        "{screen}"
    );
    assert!(
        tmux.alternate_screen_on(),
        "the TUI runs on the alternate screen"
    );

    // Every pane by number, each showing its title and some of its content.
    let panes: [(&str, &[&str]); 8] = [
        ("2", &["Properties (", "signupTime"]),
        ("3", &["Tags (", ""]),
        ("4", &["Segments (", "Power users"]),
        ("5", &["Attributes (", ""]),
        ("6", &["Location (", "Rotterdam"]),
        ("7", &["Raw ·", "\"userProperties\": {"]),
        ("8", &["Request", "authorization", "Bearer [redacted]"]),
        ("1", &["Overview", "Looked up by"]),
    ];
    for (key, needles) in panes {
        tmux.keys(&[key]);
        tmux.wait_for(needles);
    }
    // And with Tab / Shift-Tab.
    tmux.keys(&["Tab"]);
    tmux.wait_for(&["Properties (", "firstVisitTime"]);
    tmux.keys(&["BTab"]);
    tmux.wait_for(&["Looked up by"]);

    // Resizing to 80×24 redraws with the short tab labels; back to 120×40 with the long ones.
    assert!(
        tmux.run(&["resize-window", "-t", "e2e", "-x", "80", "-y", "24"])
            .status
            .success()
    );
    tmux.wait_for(&[NAME, "2 Props", "8 Req"]);
    assert!(
        tmux.run(&["resize-window", "-t", "e2e", "-x", "120", "-y", "40"])
            .status
            .success()
    );
    tmux.wait_for(&[NAME, "2 Properties", "8 Request"]);

    // Enter on a row opens the full value; Esc closes it.
    tmux.keys(&["2", "Enter"]);
    tmux.wait_for(&["firstVisitTime · Esc closes"]);
    tmux.keys(&["Escape"]);
    tmux.wait_gone("Esc closes");
    tmux.keys(&["1"]);

    // The help overlay, closed with Esc.
    tmux.keys(&["?"]);
    tmux.wait_for(&["Keys · Esc, q or ? closes", "show this help", "Everywhere"]);
    tmux.keys(&["Escape"]);
    tmux.wait_gone("show this help");

    tmux.keys(&["q"]);
    let screen = tmux.wait_for(&["USERSCOPE_EXITED_0"]);
    assert!(
        !tmux.alternate_screen_on(),
        "the alternate screen is left on quit"
    );
    assert!(
        !screen.contains(NAME),
        "the TUI's screen is gone:\n{screen}"
    );
    assert!(
        screen.contains("--lookup u-1001"),
        "the shell's own screen is back:\n{screen}"
    );
    // The shell is usable: it answers a command.
    tmux.line("echo still-$((40+2))");
    tmux.wait_for(&["still-42"]);
    // Logs went to the state dir, not the screen.
    let log = tmux.home().join("state/userscope/userscope.log");
    assert!(log.exists(), "log file at {}", log.display());
}

#[test]
fn ctrl_c_and_sigterm_restore_the_terminal() {
    if !tmux_available() {
        println!("SKIPPED: tmux is not installed (the CI script installs it)");
        return;
    }
    let tmux = Tmux::start("signals");
    tmux.wait_for(&["e2e$"]);

    // Ctrl-C while typing in the lookup field still quits (exit 130).
    tmux.line(&format!(
        "'{BIN}' --demo --vendor usercom; echo USERSCOPE_EXITED_$?"
    ));
    tmux.wait_for(&["Look up at User.com"]);
    tmux.keys(&["a", "b", "q"]);
    tmux.wait_for(&["› abq"]);
    tmux.keys(&["C-c"]);
    tmux.wait_for(&["USERSCOPE_EXITED_130"]);
    assert!(!tmux.alternate_screen_on());

    // SIGTERM from outside: the pid is written by the shell that then execs the binary.
    let pidfile = tmux.home().join("pid");
    tmux.line(&format!(
        "sh -c 'echo $$ > {}; exec \"$0\" --demo --vendor coho --lookup u-1001' '{BIN}'; echo USERSCOPE_EXITED_$?",
        pidfile.display()
    ));
    tmux.wait_for(&[NAME]);
    let pid = std::fs::read_to_string(&pidfile).unwrap().trim().to_owned();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let screen = tmux.wait_for(&["USERSCOPE_EXITED_143"]);
    assert!(
        !tmux.alternate_screen_on(),
        "SIGTERM leaves the alternate screen"
    );
    assert!(!screen.contains(NAME), "{screen}");
}

#[test]
fn a_panic_restores_the_terminal_then_prints_the_message_and_log_path() {
    if !tmux_available() {
        println!("SKIPPED: tmux is not installed (the CI script installs it)");
        return;
    }
    let tmux = Tmux::start("panic");
    tmux.wait_for(&["e2e$"]);
    // Debug builds panic after the first frame when this is set (see tui::runtime).
    tmux.line(&launch_line("USERSCOPE_TEST_PANIC_AFTER_FIRST_FRAME=1 "));
    let screen = tmux.wait_for(&["USERSCOPE_EXITED_101"]);
    assert!(
        !tmux.alternate_screen_on(),
        "restored before the message:\n{screen}"
    );
    assert!(
        screen.contains("thread 'main'") && screen.contains("panicked at"),
        "{screen}"
    );
    assert!(screen.contains("test panic requested"), "{screen}");
    assert!(screen.contains("details are in the log:"), "{screen}");
    assert!(screen.contains("state/userscope/userscope.log"), "{screen}");
    // Printed on the normal screen, in order: message, then where the log is.
    // Nothing jumps back over it afterwards: the exit marker comes last.
    let message = screen.find("test panic requested").unwrap();
    let log = screen.find("details are in the log:").unwrap();
    let exited = screen.find("USERSCOPE_EXITED_101").unwrap();
    assert!(message < log && log < exited, "{screen}");
    let log_text =
        std::fs::read_to_string(tmux.home().join("state/userscope/userscope.log")).unwrap();
    assert!(
        log_text.contains("test panic requested"),
        "the panic is logged too"
    );
    tmux.line("echo still-$((40+2))");
    tmux.wait_for(&["still-42"]);
}

#[test]
fn bad_startup_arguments_are_usage_errors() {
    let cases: [(&[&str], &str); 4] = [
        (
            &["--demo", "--vendor", "nope"],
            "unknown vendor or connection `nope`",
        ),
        (
            &[
                "--demo", "--vendor", "coho", "--lookup", "x", "--by", "email",
            ],
            "Coho cannot look up by email; use id",
        ),
        (
            &[
                "--demo", "--vendor", "vemetric", "--lookup", "x", "--by", "zip",
            ],
            "unknown lookup kind `zip`",
        ),
        (&["--demo"], "the terminal UI needs a terminal"),
    ];
    for (args, message) in cases {
        let out = run_without_terminal(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "nothing drawn without a terminal");
    }
}

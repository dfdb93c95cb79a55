//! The files a run leaves behind: private, never through a symlink, and free of what was looked
//! up at the default log level.

use std::os::unix::fs::PermissionsExt;

use crate::support::home::Home;

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// A lookup by email at the default log level: the log says a lookup happened (vendor, status,
/// timing) but never whom it was for; the log is 0600 in a 0700 directory.
#[test]
fn a_canary_email_never_reaches_the_log_and_the_log_is_private() {
    let home = Home::new();
    let canary = "canary.person.7f3a@example.org";
    let out = home
        .command(&["get", "usercom", canary, "--by", "email", "--demo"])
        .output()
        .unwrap();
    // The demo has no such person: exit 3, and the lookup was logged.
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let log = std::fs::read_to_string(home.log_file()).unwrap();
    assert!(log.contains("lookup"), "{log}");
    assert!(!log.contains("canary.person"), "{log}");
    for file in home.files() {
        let text = String::from_utf8_lossy(&std::fs::read(&file).unwrap()).into_owned();
        assert!(
            !text.contains("canary.person"),
            "{}: {text}",
            file.display()
        );
    }
    assert_eq!(mode(&home.log_file()), 0o600);
    assert_eq!(mode(home.log_file().parent().unwrap()), 0o700);
}

/// A log file that is a symlink is refused (the target stays untouched) and the run goes on.
#[test]
fn a_symlinked_log_is_refused_and_its_target_untouched() {
    let home = Home::new();
    let dir = home.log_file().parent().unwrap().to_path_buf();
    std::fs::create_dir_all(&dir).unwrap();
    let target = home.path().join("precious.txt");
    std::fs::write(&target, "precious\n").unwrap();
    std::os::unix::fs::symlink(&target, home.log_file()).unwrap();
    let out = home.command(&["vendors"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("is a symbolic link"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious\n");
}

/// A config file that is a FIFO or a device fails at once with a clear error (exit 2), and one
/// that others can write is refused with the fix.
#[test]
fn fifo_device_and_writable_configs_fail_at_once() {
    let home = Home::new();
    let fifo = home.path().join("config.fifo");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let writable = home.path().join("shared.toml");
    std::fs::write(&writable, "").unwrap();
    std::fs::set_permissions(&writable, std::fs::Permissions::from_mode(0o666)).unwrap();
    for (config, said) in [
        (fifo.as_path(), "is a FIFO (named pipe), not a regular file"),
        (
            std::path::Path::new("/dev/zero"),
            "/dev/zero is a device, not a regular file",
        ),
        (writable.as_path(), "fix with `chmod 600"),
    ] {
        let started = std::time::Instant::now();
        let out = home
            .command(&["vendors"])
            .env("USERSCOPE_CONFIG", config)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(said), "{stderr}");
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
    }
}

/// Set in the child processes of the test below: which writer this process is.
const HISTORY_WRITER: &str = "USERSCOPE_TEST_HISTORY_WRITER";

/// Two processes saving the history at the same moment (as two TUIs would): both sets are
/// kept. The test re-runs this test binary twice as the writers (the same trick as the
/// namespace test in tests/transport.rs), each saving its own 25 entries in 5 saves.
#[test]
fn two_processes_saving_history_at_once_keep_both_sets() {
    use userscope::history::{Entry, Outcome, load, save};
    use userscope::vendors::{LookupKind, VendorKind};
    let entry = |value: String| Entry {
        connection: VendorKind::first().as_str().to_owned(),
        vendor: VendorKind::first(),
        by: LookupKind::Id,
        value,
        at: chrono::Utc::now(),
        outcome: Outcome::Ok,
    };
    if let Ok(role) = std::env::var(HISTORY_WRITER) {
        let path = std::path::PathBuf::from(std::env::var("USERSCOPE_TEST_HISTORY").unwrap());
        // Five saves of a growing list, as a TUI saves after every lookup.
        let mut mine = Vec::new();
        for i in 0..25 {
            mine.insert(0, entry(format!("{role}-{i}")));
            if i % 5 == 4 {
                save(&path, &mine).unwrap();
            }
        }
        return;
    }
    let home = Home::new();
    let path = home.path().join("state/userscope/history.json");
    let writers: Vec<std::process::Child> = ["a", "b"]
        .iter()
        .map(|role| {
            std::process::Command::new(std::env::current_exe().unwrap())
                .args([
                    "--exact",
                    "files::two_processes_saving_history_at_once_keep_both_sets",
                    "--test-threads=1",
                ])
                .env(HISTORY_WRITER, role)
                .env("USERSCOPE_TEST_HISTORY", &path)
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for writer in writers {
        let out = writer.wait_with_output().unwrap();
        assert!(out.status.success());
        // The child really ran this test (a filter typo would run nothing and pass).
        assert!(String::from_utf8_lossy(&out.stdout).contains("1 passed"));
    }
    let mut values: Vec<String> = load(&path).into_iter().map(|e| e.value).collect();
    values.sort();
    let mut expected: Vec<String> = ["a", "b"]
        .iter()
        .flat_map(|role| (0..25).map(move |i| format!("{role}-{i}")))
        .collect();
    expected.sort();
    assert_eq!(values, expected);
}

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

//! The OS keyring end to end, through the binary.
//!
//! Tests against a real Secret Service run only when `USERSCOPE_REAL_KEYRING=1`: `.ci/test-all.sh`
//! sets it inside `dbus-run-session` with an unlocked throwaway gnome-keyring. Elsewhere they
//! print "skipped: …" and return, so they never touch a developer's own keyring.
//! Every child gets its own HOME and XDG dirs; children inherit the test's D-Bus session.

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

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tempfile::TempDir;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod support;

use support::leaks::{contains, files_containing, processes_with_in_argv};

const BIN: &str = env!("CARGO_BIN_EXE_userscope");

fn real_keyring(test: &str) -> bool {
    if std::env::var("USERSCOPE_REAL_KEYRING").as_deref() == Ok("1") {
        return true;
    }
    eprintln!(
        "skipped: {test} needs a throwaway Secret Service (run `bash .ci/test-all.sh`, which sets USERSCOPE_REAL_KEYRING=1)"
    );
    false
}

/// A key nobody else uses, so finding it anywhere means this test leaked it.
fn canary(tag: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("canary-{tag}-{}-{nanos}-k3y", std::process::id())
}

/// Temp HOME, XDG config/state/cache/data dirs and config file for the children.
struct Sandbox {
    root: TempDir,
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    /// `/proc/PID/cmdline` (any process) or the child's environment that contained the needle.
    seen_in_processes: Vec<String>,
}

impl Sandbox {
    fn new(config_toml: &str) -> Sandbox {
        let root = tempfile::tempdir().unwrap();
        for dir in [
            "home",
            "config/userscope",
            "state",
            "cache",
            "data",
            "runtime",
        ] {
            std::fs::create_dir_all(root.path().join(dir)).unwrap();
        }
        std::fs::write(
            root.path().join("config/userscope/config.toml"),
            config_toml,
        )
        .unwrap();
        Sandbox { root }
    }

    fn dir(&self, name: &str) -> PathBuf {
        self.root.path().join(name)
    }

    fn command(&self, program: &str, args: &[&str]) -> Command {
        let mut cmd = Command::new(program);
        cmd.args(args);
        // Nothing from the developer's shell may pick a key or a keyring for the child.
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("USERSCOPE_") {
                cmd.env_remove(&name);
            }
        }
        cmd.env("HOME", self.dir("home"))
            .env("XDG_CONFIG_HOME", self.dir("config"))
            .env("XDG_STATE_HOME", self.dir("state"))
            .env("XDG_CACHE_HOME", self.dir("cache"))
            .env("XDG_DATA_HOME", self.dir("data"))
            .env("USERSCOPE_CONFIG", self.dir("config/userscope/config.toml"))
            .env("USERSCOPE_LOG", "trace")
            .env("NO_COLOR", "1");
        cmd
    }

    /// Run userscope with `stdin`; while it runs, look for `needle` in every process's
    /// command line and in the child's environment.
    fn run(&self, args: &[&str], stdin: Option<&str>, needle: Option<&str>) -> Run {
        let cmd = self.command(BIN, args);
        run_watched(cmd, stdin, needle)
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(self.dir("state/userscope/userscope.log")).unwrap_or_default()
    }
}

fn run_watched(mut cmd: Command, stdin: Option<&str>, needle: Option<&str>) -> Run {
    let mut child = cmd
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut seen = Vec::new();
    let mut sample = |pid: u32| {
        if let Some(needle) = needle {
            seen.extend(
                processes_with_in_argv(needle)
                    .into_iter()
                    .map(|hit| format!("cmdline of {}", hit.pid)),
            );
            let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
            if contains(&environ, needle.as_bytes()) {
                seen.push(format!("environment of {pid}"));
            }
        }
    };
    let pid = child.id();
    sample(pid);
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let stdout = std::thread::spawn(move || {
        let mut s = String::new();
        out.read_to_string(&mut s).unwrap();
        s
    });
    let stderr = std::thread::spawn(move || {
        let mut s = String::new();
        err.read_to_string(&mut s).unwrap();
        s
    });
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        pipe.write_all(input.as_bytes()).unwrap();
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        sample(pid);
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "userscope did not finish within 60 s"
        );
        std::thread::sleep(Duration::from_millis(2));
    };
    Run {
        code: status.code().unwrap_or(-1),
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
        seen_in_processes: seen,
    }
}

/// Whether `keys list` printed this row (columns compared with single spaces).
fn has_row(stdout: &str, row: &str) -> bool {
    stdout
        .lines()
        .any(|l| l.split_whitespace().collect::<Vec<_>>().join(" ") == row)
}

fn secret_tool_search(account: &str) -> String {
    let out = Command::new("secret-tool")
        .args([
            "search",
            "--all",
            "service",
            "userscope",
            "username",
            account,
        ])
        .output()
        .expect("secret-tool (libsecret-tools) is installed by .ci/test-all.sh");
    // secret-tool prints the attributes on stdout and the item headers on stderr.
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

async fn foldspace_mock(key: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/user/user-1"))
        .and(header("x-foldspace-api-key", key))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "identifyId": "user-1",
            "userType": "user",
            "email": "zoe@example.com",
            "name": "Zoë"
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/user/nobody"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(serde_json::json!({"message": "not found"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/user/forbidden"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(serde_json::json!({"message": "bad key"})),
        )
        .mount(&server)
        .await;
    server
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_keyring_round_trip_through_the_binary() {
    if !real_keyring("real_keyring_round_trip_through_the_binary") {
        return;
    }
    let key = canary("roundtrip");
    let server = foldspace_mock(&key).await;
    let base = server.uri();
    let sb = Sandbox::new("");

    let set = sb.run(&["keys", "set", "foldspace"], Some(&key), None);
    assert_eq!(set.code, 0, "{}{}", set.stdout, set.stderr);
    assert_eq!(
        set.stdout,
        "Stored the API key for foldspace in the Secret Service keyring (service userscope, account foldspace).\n"
    );

    let found = secret_tool_search("foldspace");
    assert!(found.contains("attribute.service = userscope"), "{found}");
    assert!(found.contains("attribute.username = foldspace"), "{found}");
    assert!(
        found.contains(&format!("secret = {key}")),
        "secret-tool should see the stored key"
    );

    let list = sb.run(&["keys", "list"], None, None);
    assert_eq!(list.code, 0, "{}{}", list.stdout, list.stderr);
    assert!(
        has_row(&list.stdout, "foldspace foldspace keyring"),
        "{}",
        list.stdout
    );

    // Only the keyring holds the key: the sandbox removed every USERSCOPE_* variable.
    let get = sb.run(
        &[
            "get",
            "foldspace",
            "user-1",
            "--base-url",
            &base,
            "--format",
            "json",
        ],
        None,
        None,
    );
    assert_eq!(get.code, 0, "{}{}", get.stdout, get.stderr);
    let json: serde_json::Value = serde_json::from_str(&get.stdout).unwrap();
    assert_eq!(json["profile"]["email"], "zoe@example.com");
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0]
            .headers
            .get("x-foldspace-api-key")
            .map(|v| v.as_bytes()),
        Some(key.as_bytes())
    );

    let delete = sb.run(&["keys", "delete", "foldspace"], None, None);
    assert_eq!(delete.code, 0, "{}{}", delete.stdout, delete.stderr);
    assert_eq!(
        delete.stdout,
        "Deleted the key for foldspace from the Secret Service keyring.\n"
    );
    assert!(!secret_tool_search("foldspace").contains("attribute.username"));

    let after = sb.run(
        &["get", "foldspace", "user-1", "--base-url", &base],
        None,
        None,
    );
    assert_eq!(after.code, 4, "{}{}", after.stdout, after.stderr);
    assert!(
        after.stderr.contains(
            "no API key for foldspace: set USERSCOPE_FOLDSPACE_API_KEY or run `userscope keys set foldspace`"
        ),
        "{}",
        after.stderr
    );
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        1,
        "no request without a key"
    );

    let again = sb.run(&["keys", "delete", "foldspace"], None, None);
    assert_eq!(again.code, 0);
    assert_eq!(
        again.stdout,
        "No key for foldspace in the Secret Service keyring; nothing to delete.\n"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_keyring_leaves_no_trace_of_the_key() {
    if !real_keyring("real_keyring_leaves_no_trace_of_the_key") {
        return;
    }
    let key = canary("leak");
    let server = foldspace_mock(&key).await;
    let base = server.uri();
    let sb = Sandbox::new("[connections.foldspace-leak]\nvendor = \"foldspace\"\n");
    let conn = "foldspace-leak";

    let get_json = vec![
        "get",
        conn,
        "user-1",
        "--base-url",
        &base,
        "--format",
        "json",
    ];
    let test_found = vec!["keys", "test", conn, "--id", "user-1", "--base-url", &base];
    let test_rejected = vec![
        "keys",
        "test",
        conn,
        "--id",
        "forbidden",
        "--base-url",
        &base,
    ];
    // (arguments, stdin, exit code, a fragment of stdout + stderr)
    let steps: Vec<(Vec<&str>, Option<&str>, i32, &str)> = vec![
        (
            vec!["keys", "set", conn],
            Some(key.as_str()),
            0,
            "Stored the API key for foldspace-leak",
        ),
        (get_json, None, 0, "\"zoe@example.com\""),
        (
            vec!["get", conn, "user-1", "--base-url", &base],
            None,
            0,
            "zoe@example.com",
        ),
        (vec!["keys", "list"], None, 0, "keyring"),
        (
            vec!["keys", "test", conn, "--base-url", &base],
            None,
            0,
            "key accepted: Foldspace answered 404",
        ),
        (
            test_found,
            None,
            0,
            "key accepted: Foldspace answered HTTP 200",
        ),
        // Failing lookups: a key the vendor rejects, and no key at all after the delete.
        (
            vec!["get", conn, "forbidden", "--base-url", &base],
            None,
            4,
            "rejected the key (HTTP 401)",
        ),
        (test_rejected, None, 4, "key rejected (key from keyring)"),
        (
            vec!["keys", "delete", conn],
            None,
            0,
            "Deleted the key for foldspace-leak",
        ),
        (
            vec!["get", conn, "user-1", "--base-url", &base],
            None,
            4,
            "no API key for foldspace-leak",
        ),
    ];
    for (args, stdin, expected, says) in steps {
        let run = sb.run(&args, stdin, Some(&key));
        assert_eq!(run.code, expected, "{args:?}: {}{}", run.stdout, run.stderr);
        let said = format!("{}{}", run.stdout, run.stderr);
        assert!(said.contains(says), "{args:?} should say {says:?}: {said}");
        assert!(
            !run.stdout.contains(&key),
            "{args:?} printed the key on stdout"
        );
        assert!(
            !run.stderr.contains(&key),
            "{args:?} printed the key on stderr"
        );
        assert!(
            run.seen_in_processes.is_empty(),
            "{args:?}: key visible in {:?}",
            run.seen_in_processes
        );
    }
    // The lookups really used the key (so the checks above had something to leak).
    let sent = server.received_requests().await.unwrap();
    assert!(
        sent.iter().any(
            |r| r.headers.get("x-foldspace-api-key").map(|v| v.as_bytes()) == Some(key.as_bytes())
        ),
        "the mock never saw the key"
    );
    let log = sb.log_text();
    assert!(
        !log.is_empty(),
        "the log file should exist for this check to mean anything"
    );
    assert!(!log.contains(&key), "the key is in the log");
    for dir in ["home", "config", "state", "cache", "data", "runtime"] {
        let hits = files_containing(&sb.dir(dir), &key);
        assert!(hits.is_empty(), "the key is in {hits:?}");
    }
}

/// A vendor defined in the config file (design §10) keeps its key in the keyring like any
/// vendor: account = its name; `keys list` shows it; `get` sends it in the configured header.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_keyring_config_vendor_round_trip() {
    if !real_keyring("real_keyring_config_vendor_round_trip") {
        return;
    }
    let key = canary("declared");
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/people/p-1"))
        .and(header("x-books-key", key.as_str()))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"id": "p-1", "email": "ada@books.example"})),
        )
        .mount(&server)
        .await;
    let sb = Sandbox::new(
        "[vendors.books]\nname = \"Books\"\nbase_url = \"https://api.books.example\"\nauth = { type = \"header\", header = \"X-Books-Key\" }\n[[vendors.books.lookup]]\nby = \"id\"\npath = \"/api/people/{value}\"\n[vendors.books.fields]\nid = \"/id\"\nemail = \"/email\"\n",
    );
    let set = sb.run(&["keys", "set", "books"], Some(&key), None);
    assert_eq!(set.code, 0, "{}{}", set.stdout, set.stderr);
    assert_eq!(
        set.stdout,
        "Stored the API key for books in the Secret Service keyring (service userscope, account books).\n"
    );
    let found = secret_tool_search("books");
    assert!(found.contains("attribute.username = books"), "{found}");
    assert!(found.contains(&format!("secret = {key}")), "{found}");
    let list = sb.run(&["keys", "list"], None, None);
    assert_eq!(list.code, 0, "{}{}", list.stdout, list.stderr);
    assert!(
        has_row(&list.stdout, "books books keyring"),
        "{}",
        list.stdout
    );
    let get = sb.run(
        &[
            "get",
            "books",
            "p-1",
            "--base-url",
            &server.uri(),
            "--format",
            "json",
        ],
        None,
        None,
    );
    assert_eq!(get.code, 0, "{}{}", get.stdout, get.stderr);
    let json: serde_json::Value = serde_json::from_str(&get.stdout).unwrap();
    assert_eq!(json["profile"]["email"], "ada@books.example");
    let delete = sb.run(&["keys", "delete", "books"], None, None);
    assert_eq!(delete.code, 0, "{}{}", delete.stdout, delete.stderr);
    assert!(!secret_tool_search("books").contains("attribute.username"));
}

#[test]
fn real_keyring_coho_client_credentials_are_one_item() {
    if !real_keyring("real_keyring_coho_client_credentials_are_one_item") {
        return;
    }
    let secret = canary("coho");
    let sb = Sandbox::new("[connections.coho-us-test]\nvendor = \"coho\"\nregion = \"us\"\n");
    let set = sb.run(
        &["keys", "set", "coho-us-test", "--client-id", "client-42"],
        Some(&format!("{secret}\n")),
        None,
    );
    assert_eq!(set.code, 0, "{}{}", set.stdout, set.stderr);
    assert_eq!(
        set.stdout,
        "Stored the client id + secret for coho-us-test in the Secret Service keyring (service userscope, account coho-us-test).\n"
    );
    let found = secret_tool_search("coho-us-test");
    assert_eq!(
        found.matches("attribute.username = coho-us-test").count(),
        1,
        "{found}"
    );
    assert!(
        found.contains(&format!(
            r#"secret = {{"clientId":"client-42","secret":"{secret}"}}"#
        )),
        "{found}"
    );
    let list = sb.run(&["keys", "list"], None, None);
    assert!(
        has_row(
            &list.stdout,
            "coho-us-test coho keyring (client id + secret)"
        ),
        "{}",
        list.stdout
    );
    // --client-id belongs to Coho only.
    let wrong = sb.run(
        &["keys", "set", "foldspace", "--client-id", "x"],
        Some("k"),
        None,
    );
    assert_eq!(wrong.code, 2, "{}", wrong.stderr);
    let delete = sb.run(&["keys", "delete", "coho-us-test"], None, None);
    assert_eq!(delete.code, 0, "{}", delete.stderr);
    assert!(!secret_tool_search("coho-us-test").contains("attribute.username"));
}

#[test]
fn unknown_connection_and_empty_input_are_usage_errors() {
    let sb = Sandbox::new("");
    let unknown = sb.run(&["keys", "set", "nope"], Some("k"), None);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown
            .stderr
            .contains("unknown vendor or connection `nope`"),
        "{}",
        unknown.stderr
    );
    let empty = sb.run(&["keys", "set", "foldspace"], Some(" \n"), None);
    assert_eq!(empty.code, 2);
    assert!(
        empty.stderr.contains("no key on stdin; nothing stored"),
        "{}",
        empty.stderr
    );
    let two_lines = sb.run(&["keys", "set", "coho"], Some("id\nsecret\n"), None);
    assert_eq!(two_lines.code, 2);
    assert!(
        two_lines.stderr.contains("more than one line"),
        "{}",
        two_lines.stderr
    );
}

/// No bus at all: no DBUS_SESSION_BUS_ADDRESS and an empty runtime dir (no `bus` socket).
#[test]
fn no_session_bus_is_reported_distinctly() {
    let sb = Sandbox::new("");
    let run = |args: &[&str], stdin: Option<&str>| {
        let mut cmd = sb.command(BIN, args);
        cmd.env_remove("DBUS_SESSION_BUS_ADDRESS")
            .env("XDG_RUNTIME_DIR", sb.dir("runtime"));
        run_watched(cmd, stdin, None)
    };
    let list = run(&["keys", "list"], None);
    assert_eq!(list.code, 4, "{}{}", list.stdout, list.stderr);
    assert!(
        has_row(
            &list.stdout,
            "foldspace foldspace keyring error: no D-Bus session bus"
        ),
        "{}",
        list.stdout
    );
    assert!(
        list.stdout.contains("USERSCOPE_KEYRING=keyutils"),
        "the fix is named: {}",
        list.stdout
    );
    let set = run(&["keys", "set", "foldspace"], Some("k"));
    assert_eq!(set.code, 4);
    assert!(
        set.stderr.starts_with("userscope: no D-Bus session bus"),
        "{}",
        set.stderr
    );
    let test = run(
        &[
            "keys",
            "test",
            "foldspace",
            "--base-url",
            "http://127.0.0.1:9",
        ],
        None,
    );
    assert_eq!(test.code, 4);
    assert!(
        test.stderr.contains("no D-Bus session bus"),
        "not 'no key': {}",
        test.stderr
    );
}

/// Runs `script` in a nested D-Bus session of its own (so it cannot disturb the suite's
/// keyring), with `$B` = the userscope binary.
fn nested_session(sb: &Sandbox, bus_config: Option<&Path>, script: &str) -> Run {
    let mut args: Vec<String> = vec!["50".into(), "dbus-run-session".into()];
    if let Some(conf) = bus_config {
        args.push(format!("--config-file={}", conf.display()));
    }
    args.extend(["--".into(), "bash".into(), "-c".into(), script.into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut cmd = sb.command("timeout", &args);
    // Its own keyring daemon: fresh data and runtime dirs, no control socket of the outer one.
    cmd.env("B", BIN)
        .env("XDG_RUNTIME_DIR", sb.dir("runtime"))
        .env_remove("GNOME_KEYRING_CONTROL")
        .env_remove("DBUS_SESSION_BUS_ADDRESS");
    run_watched(cmd, None, None)
}

const UNLOCK: &str = r#"printf %s pass | gnome-keyring-daemon --unlock --components=secrets >/dev/null
for i in $(seq 100); do
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q true && break
  sleep 0.1
done
"#;

#[test]
fn no_secret_service_provider_is_reported_distinctly() {
    if !real_keyring("no_secret_service_provider_is_reported_distinctly") {
        return;
    }
    let sb = Sandbox::new("");
    // A session bus that can activate nothing: no service directories.
    let conf = sb.dir("bus.conf");
    std::fs::write(
        &conf,
        r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*"/><allow receive_sender="*"/><allow own="*"/>
  </policy>
</busconfig>
"#,
    )
    .unwrap();
    let run = nested_session(
        &sb,
        Some(&conf),
        r#"$B keys list; echo "list=$?"; printf %s k | $B keys set chakra; echo "set=$?""#,
    );
    assert!(
        has_row(
            &run.stdout,
            "chakra chakra keyring error: no Secret Service provider"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("list=4") && run.stdout.contains("set=4"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr
            .contains("userscope: no Secret Service provider on the session bus"),
        "{}",
        run.stderr
    );
}

/// The note's trap: a locked gnome-keyring answers reads with "no such item". userscope must
/// say "locked", never "no key set".
#[test]
fn locked_keyring_is_not_reported_as_no_key() {
    if !real_keyring("locked_keyring_is_not_reported_as_no_key") {
        return;
    }
    let sb = Sandbox::new("");
    // First session: unlock a fresh keyring (in the sandbox's data dir) and store a key.
    let first = nested_session(
        &sb,
        None,
        &format!("{UNLOCK}printf %s k-locked | $B keys set vemetric; echo \"set=$?\""),
    );
    assert!(
        first.stdout.contains("set=0"),
        "{}{}",
        first.stdout,
        first.stderr
    );
    // Second session: the same keyring file, but the daemon starts (on demand) locked.
    let second = nested_session(
        &sb,
        None,
        r#"$B keys list; echo "list=$?"; $B keys test vemetric --base-url http://127.0.0.1:9; echo "test=$?"; printf %s k2 | $B keys set vemetric; echo "set=$?""#,
    );
    let out = &second.stdout;
    assert!(
        has_row(out, "vemetric vemetric keyring error: keyring locked"),
        "{out}"
    );
    assert!(
        !has_row(out, "vemetric vemetric not set"),
        "a locked keyring is not 'not set': {out}"
    );
    assert!(
        out.contains("list=4") && out.contains("test=4") && out.contains("set=4"),
        "{out}"
    );
    assert!(
        second.stderr.contains("userscope: the keyring is locked"),
        "{}",
        second.stderr
    );
    assert!(!second.stderr.contains("no API key"), "{}", second.stderr);
}

/// The leak detectors themselves: a key planted in a command line and in a file is found.
#[test]
fn leak_detectors_find_a_planted_key() {
    let key = canary("planted");
    let sb = Sandbox::new("");
    let mut cmd = Command::new("sh");
    cmd.args(["-c", "sleep 0.2; echo \"$0\"", &key]);
    let run = run_watched(cmd, None, Some(&key));
    assert!(
        run.seen_in_processes
            .iter()
            .any(|s| s.starts_with("cmdline of")),
        "{:?}",
        run.seen_in_processes
    );
    assert_eq!(run.stdout, format!("{key}\n"));
    std::fs::write(sb.dir("state/planted.txt"), format!("x{key}y")).unwrap();
    assert_eq!(
        files_containing(&sb.dir("state"), &key),
        vec![sb.dir("state/planted.txt").display().to_string()]
    );
}

/// `USERSCOPE_KEYRING=keyutils`: the kernel keyring, opt-in for headless servers. A CI shell has
/// no session keyring; userscope joins one, so this works without `keyctl session`.
#[test]
fn keyutils_opt_in_round_trip() {
    if !real_keyring("keyutils_opt_in_round_trip") {
        return;
    }
    let conn = format!("chakra-ku-{}", std::process::id());
    let sb = Sandbox::new(&format!("[connections.{conn}]\nvendor = \"chakra\"\n"));
    let run = |args: &[&str], stdin: Option<&str>| {
        let mut cmd = sb.command(BIN, args);
        cmd.env("USERSCOPE_KEYRING", "keyutils");
        run_watched(cmd, stdin, None)
    };
    let key = canary("keyutils");
    let set = run(&["keys", "set", &conn], Some(&key));
    assert_eq!(set.code, 0, "{}{}", set.stdout, set.stderr);
    assert_eq!(
        set.stdout,
        format!(
            "Stored the API key for {conn} in the keyutils kernel keyring (service userscope, account {conn}).\n"
        )
    );
    let list = run(&["keys", "list"], None);
    assert!(
        has_row(&list.stdout, &format!("{conn} chakra keyring")),
        "{}",
        list.stdout
    );
    // The Secret Service does not have it: the two stores are separate.
    assert!(!secret_tool_search(&conn).contains("attribute.username"));
    let delete = run(&["keys", "delete", &conn], None);
    assert_eq!(
        delete.stdout,
        format!("Deleted the key for {conn} from the keyutils kernel keyring.\n")
    );
    let list = run(&["keys", "list"], None);
    assert!(
        has_row(&list.stdout, &format!("{conn} chakra not set")),
        "{}",
        list.stdout
    );
}

/// A tmux session on a private server, started with the sandbox's environment.
struct Tmux<'a> {
    sb: &'a Sandbox,
    socket: String,
}

impl Tmux<'_> {
    fn start<'a>(sb: &'a Sandbox, name: &str, shell_command: &str) -> Tmux<'a> {
        let tmux = Tmux {
            sb,
            socket: format!("userscope-keys-{name}-{}", std::process::id()),
        };
        let status = tmux
            .cmd(&["new-session", "-d", "-x", "150", "-y", "30", shell_command])
            .status()
            .unwrap();
        assert!(status.success());
        tmux
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut all = vec!["-L", self.socket.as_str(), "-f", "/dev/null"];
        all.extend_from_slice(args);
        let mut cmd = self.sb.command("tmux", &all);
        cmd.env_remove("TMUX").env("TERM", "xterm-256color");
        cmd
    }

    fn screen(&self) -> String {
        let out = self.cmd(&["capture-pane", "-p", "-J"]).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "waited for {text:?}; the screen shows:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// "Type" text: through a tmux paste buffer fed on stdin, so it is in no process argument.
    fn type_text(&self, text: &str) {
        let mut load = self.cmd(&["load-buffer", "-b", "typed", "-"]);
        let mut child = load.stdin(Stdio::piped()).spawn().unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
        assert!(child.wait().unwrap().success());
        assert!(
            self.cmd(&["paste-buffer", "-b", "typed", "-d"])
                .status()
                .unwrap()
                .success()
        );
    }

    fn enter(&self) {
        assert!(
            self.cmd(&["send-keys", "Enter"])
                .status()
                .unwrap()
                .success()
        );
    }
}

impl Drop for Tmux<'_> {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]).status();
    }
}

/// On a terminal `keys set` prompts without echo; Coho first asks for an optional client id.
#[test]
fn real_keyring_set_from_a_hidden_terminal_prompt() {
    if !real_keyring("real_keyring_set_from_a_hidden_terminal_prompt") {
        return;
    }
    let sb = Sandbox::new(
        "[connections.foldspace-tty]\nvendor = \"foldspace\"\n[connections.coho-tty]\nvendor = \"coho\"\n",
    );
    let key = canary("tty");
    let tmux = Tmux::start(
        &sb,
        "fs",
        &format!("{BIN} keys set foldspace-tty; echo EXIT=$?; sleep 60"),
    );
    tmux.wait_for("Foldspace API key for foldspace-tty (input hidden): ");
    tmux.type_text(&key);
    tmux.enter();
    let screen = tmux.wait_for("EXIT=");
    assert!(screen.contains("EXIT=0"), "{screen}");
    assert!(
        screen.contains("Stored the API key for foldspace-tty in the Secret Service keyring"),
        "{screen}"
    );
    assert!(!screen.contains(&key), "the key was echoed:\n{screen}");
    assert!(secret_tool_search("foldspace-tty").contains(&format!("secret = {key}")));
    drop(tmux);

    let secret = canary("tty-coho");
    let tmux = Tmux::start(
        &sb,
        "coho",
        &format!("{BIN} keys set coho-tty; echo EXIT=$?; sleep 60"),
    );
    tmux.wait_for("Client id (leave empty to store an access token instead): ");
    tmux.type_text("cid-tty");
    tmux.enter();
    tmux.wait_for("Coho client secret for coho-tty (input hidden): ");
    tmux.type_text(&secret);
    tmux.enter();
    let screen = tmux.wait_for("EXIT=");
    assert!(screen.contains("EXIT=0"), "{screen}");
    assert!(
        screen.contains("Stored the client id + secret for coho-tty"),
        "{screen}"
    );
    assert!(
        !screen.contains(&secret),
        "the secret was echoed:\n{screen}"
    );
    let found = secret_tool_search("coho-tty");
    assert!(
        found.contains(&format!(
            r#"secret = {{"clientId":"cid-tty","secret":"{secret}"}}"#
        )),
        "{found}"
    );
    drop(tmux);

    for conn in ["foldspace-tty", "coho-tty"] {
        let delete = sb.run(&["keys", "delete", conn], None, None);
        assert_eq!(delete.code, 0, "{}", delete.stderr);
    }
}

/// `keys set|list` pieces that name vendors (moved from the unit tests in `src/cli/keys.rs`,
/// which stay vendor-neutral).
mod keys_cli_tables {
    use userscope::cli::keys::{KeyRow, key_status, key_target, render_list};
    use userscope::config::Config;
    use userscope::secrets::{ApiKey, Credential, KeyError, KeyOrigin};
    use userscope::vendors::VendorKind;

    fn key(v: &str) -> Credential {
        Credential::Key(ApiKey::new(v))
    }

    #[test]
    fn key_target_accepts_vendors_and_configured_connections() {
        let config = Config::parse(
            "[connections.coho-us]\nvendor = \"coho\"\nregion = \"us\"\n[connections.acme]\nvendor = \"usercom\"\n",
        )
        .unwrap();
        assert_eq!(
            key_target(&config, "Foldspace").unwrap(),
            ("foldspace".into(), VendorKind::FOLDSPACE)
        );
        assert_eq!(
            key_target(&config, "coho-us").unwrap(),
            ("coho-us".into(), VendorKind::COHO)
        );
        // A User.com connection without a subdomain can still get its key.
        assert_eq!(
            key_target(&config, "acme").unwrap(),
            ("acme".into(), VendorKind::USERCOM)
        );
        let err = key_target(&config, "nope").unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(
            err.to_string()
                .contains("configured connections: acme, coho-us"),
            "{err}"
        );
    }

    #[test]
    fn status_says_where_the_key_comes_from() {
        let env = (key("e"), KeyOrigin::Env("USERSCOPE_COHO_API_KEY".into()));
        let locked = Err(KeyError::Locked { detail: "x".into() });
        assert_eq!(key_status(None, &Ok(None)), "not set");
        assert_eq!(key_status(None, &Ok(Some(key("k")))), "keyring");
        assert_eq!(
            key_status(Some(&env), &Ok(None)),
            "env USERSCOPE_COHO_API_KEY"
        );
        assert_eq!(
            key_status(Some(&env), &Ok(Some(key("k")))),
            "env USERSCOPE_COHO_API_KEY + keyring (env wins)"
        );
        assert_eq!(key_status(None, &locked), "keyring error: keyring locked");
        assert_eq!(
            key_status(Some(&env), &locked),
            "env USERSCOPE_COHO_API_KEY (keyring error: keyring locked)"
        );
        let client = Credential::ClientCredentials {
            client_id: "id".into(),
            secret: ApiKey::new("s"),
        };
        assert_eq!(
            key_status(None, &Ok(Some(client))),
            "keyring (client id + secret)"
        );
    }

    #[test]
    fn list_table_shows_each_error_once_with_its_fix() {
        let locked = KeyError::Locked { detail: "x".into() };
        let rows = vec![
            KeyRow {
                connection: "coho".into(),
                vendor: VendorKind::COHO,
                status: "keyring".into(),
                keyring_error: None,
            },
            KeyRow {
                connection: "foldspace".into(),
                vendor: VendorKind::FOLDSPACE,
                status: "keyring error: keyring locked".into(),
                keyring_error: Some(locked.clone()),
            },
            KeyRow {
                connection: "vemetric".into(),
                vendor: VendorKind::VEMETRIC,
                status: "keyring error: keyring locked".into(),
                keyring_error: Some(locked.clone()),
            },
        ];
        let text = render_list(&rows, "Secret Service keyring");
        let expected = format!(
            "Keys come from USERSCOPE_<CONNECTION>_API_KEY first, then the Secret Service keyring (service userscope).\n\
             CONNECTION  VENDOR     KEY\n\
             coho        coho       keyring\n\
             foldspace   foldspace  keyring error: keyring locked\n\
             vemetric    vemetric   keyring error: keyring locked\n\
             \nkeyring: {locked}\n"
        );
        assert_eq!(text, expected);
    }
}

//! `userscope get VENDOR ID --watch` (design §12) through the real binary, against a mock
//! vendor on 127.0.0.1 whose answer changes with every request: the profile once, then the
//! stable JSON event (or the text line) per change; `--exit-on-change` exits 0; `[watch]
//! ignore` silences paths; a failed refresh is reported and backed off without ending the
//! watch; a rejected key ends it with exit 4; Ctrl-C exits 130; the live demo person changes.
//!
//! The first refresh comes after the 2 s floor (`--watch 1` is raised to it), so each test
//! takes a few seconds of wall time.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap,
    clippy::cast_precision_loss,
    reason = "a test stops at its first broken expectation; its own numbers are not from the network"
)]

mod support;

use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::home::Home;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const KEY: &str = "vm-watch-test-key-77c1";

/// The n-th answer (from 1) of the mock.
type Script = fn(usize) -> ResponseTemplate;

struct Changing {
    served: Arc<AtomicUsize>,
    script: Script,
}

impl Respond for Changing {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.served.fetch_add(1, Ordering::SeqCst) + 1;
        (self.script)(n)
    }
}

/// A Vemetric user whose `ticks` attribute is `ticks` and whose `lastSeen` moves every time.
fn person(ticks: usize) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"user": {
        "id": "42",
        "identifier": "user-42",
        "displayName": "User 42",
        "country": "DE",
        "data": {"plan": "pro", "ticks": ticks, "lastSeen": format!("2026-11-30T14:00:{:02}Z", ticks % 60)},
        "anonymous": false
    }}))
}

/// Ticks 1, 2, 3 … one per request.
fn counting(n: usize) -> ResponseTemplate {
    person(n)
}

struct Vendor {
    server: MockServer,
    served: Arc<AtomicUsize>,
}

impl Vendor {
    async fn start(script: Script) -> Vendor {
        let server = MockServer::start().await;
        let served = Arc::new(AtomicUsize::new(0));
        Mock::given(method("GET"))
            .and(path("/v1/users/single"))
            .and(query_param("id", "42"))
            .respond_with(Changing {
                served: served.clone(),
                script,
            })
            .mount(&server)
            .await;
        Vendor { server, served }
    }

    fn served(&self) -> usize {
        self.served.load(Ordering::SeqCst)
    }

    /// `userscope get vemetric 42 --base-url MOCK ARGS…` in a clean HOME, the key in env.
    fn command(&self, home: &Home, args: &[&str]) -> Command {
        let base = self.server.uri();
        let mut all = vec!["get", "vemetric", "42", "--base-url", base.as_str()];
        all.extend_from_slice(args);
        let mut cmd = home.command(&all);
        cmd.env("USERSCOPE_VEMETRIC_API_KEY", KEY);
        cmd
    }
}

async fn output(mut cmd: Command) -> Output {
    tokio::task::spawn_blocking(move || {
        cmd.stdin(Stdio::null());
        cmd.output().unwrap()
    })
    .await
    .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// The JSON lines after the pretty profile (each event is one line starting with `{"at"`).
fn events(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .filter(|l| l.starts_with("{\"at\""))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn json_watch_prints_the_profile_then_the_event_and_exits_0_on_change() {
    let vendor = Vendor::start(counting).await;
    let home = Home::new();
    let started = Instant::now();
    let out = output(vendor.command(
        &home,
        &["--watch", "1", "--exit-on-change", "--format", "json"],
    ))
    .await;
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    // The interval was raised to the floor, and said so.
    assert!(
        stderr.contains("--watch 1: refreshing every 2 s, the shortest interval"),
        "{stderr}"
    );
    assert!(started.elapsed() >= Duration::from_secs(2));
    assert_eq!(vendor.served(), 2);
    // First the profile, exactly as `get --format json` prints it.
    let (profile, rest) = stdout.split_once("\n}\n").unwrap();
    let profile: Value = serde_json::from_str(&format!("{profile}\n}}")).unwrap();
    assert_eq!(
        profile["profile"]["attributes"][1],
        json!({"key": "ticks", "value": 1})
    );
    // Then one event per line: both attributes that moved, old → new, nothing else.
    let events = events(rest);
    assert_eq!(rest.lines().count(), events.len());
    let at = events[0]["at"].as_str().unwrap();
    assert!(chrono::DateTime::parse_from_rfc3339(at).is_ok(), "{at}");
    assert!(at.ends_with('Z'), "{at}");
    let without_at: Vec<Value> = events
        .iter()
        .map(|e| {
            let mut e = e.clone();
            e.as_object_mut().unwrap().remove("at");
            e
        })
        .collect();
    assert_eq!(
        without_at,
        [
            json!({"path": "attributes.ticks", "old": 1, "new": 2}),
            json!({"path": "attributes.lastSeen", "old": "2026-11-30T14:00:01Z", "new": "2026-11-30T14:00:02Z"}),
        ]
    );
    // The stable key order of the event.
    assert!(rest.starts_with("{\"at\":"), "{rest}");
    assert!(
        rest.contains(",\"path\":\"attributes.ticks\",\"old\":1,\"new\":2}"),
        "{rest}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn text_watch_prints_lines_and_honours_watch_ignore_from_the_config() {
    let vendor = Vendor::start(counting).await;
    let home = Home::new();
    let config = home.path().join("config.toml");
    std::fs::write(
        &config,
        "[watch]\nignore = [\"attributes.lastSeen\"]\n[tui]\nwatch_secs = 2\n",
    )
    .unwrap();
    let mut cmd = vendor.command(&home, &["--watch", "--exit-on-change"]);
    cmd.env("USERSCOPE_CONFIG", &config);
    let out = output(cmd).await;
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.starts_with("User 42"),
        "the text profile first: {stdout}"
    );
    let changes: Vec<&str> = stdout
        .lines()
        .filter(|l| l.contains("  changed  "))
        .collect();
    assert_eq!(changes.len(), 1, "{stdout}");
    assert!(
        changes[0].ends_with("Z  changed  attributes.ticks: 1 → 2"),
        "{}",
        changes[0]
    );
    assert!(!stdout.contains("lastSeen: "), "ignored: {stdout}");
    assert!(stderr.is_empty(), "{stderr}");
}

/// 200, then 500, then 200 with a new value.
fn failing_once(n: usize) -> ResponseTemplate {
    match n {
        2 => ResponseTemplate::new(500)
            .set_body_json(json!({"error": {"code": "INTERNAL", "message": "boom"}})),
        n => person(n),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_refresh_is_reported_and_backed_off_and_the_watch_goes_on() {
    let vendor = Vendor::start(failing_once).await;
    let home = Home::new();
    let out = output(vendor.command(
        &home,
        &["--watch", "2", "--exit-on-change", "--format", "jsonl"],
    ))
    .await;
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert_eq!(vendor.served(), 3);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(lines[0].starts_with("userscope: refresh failed: Vemetric answered HTTP 500"));
    // Back-off: twice the interval after the first failure.
    assert!(lines[0].ends_with("; next try in 4 s"), "{stderr}");
    // `jsonl`: the profile on one line, then the events; the change is against the last good
    // version (ticks 1), not the failure.
    let all: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(all[0]["profile"]["id"], "42");
    assert_eq!(all[1]["path"], "attributes.ticks");
    assert_eq!(
        (all[1]["old"].clone(), all[1]["new"].clone()),
        (json!(1), json!(3))
    );
}

/// 200, then 401: the key was revoked while watching.
fn revoked(n: usize) -> ResponseTemplate {
    match n {
        1 => person(1),
        _ => ResponseTemplate::new(401)
            .set_body_json(json!({"error": {"code": "UNAUTHORIZED", "message": "bad key"}})),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_rejected_on_refresh_ends_the_watch_with_exit_4() {
    let vendor = Vendor::start(revoked).await;
    let home = Home::new();
    let out = output(vendor.command(&home, &["--watch", "2", "--format", "json"])).await;
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(4), "{stdout}\n{stderr}");
    assert_eq!(vendor.served(), 2);
    assert!(
        stderr.contains("Vemetric rejected the key (HTTP 401)"),
        "{stderr}"
    );
    assert!(!stderr.contains(KEY) && !stdout.contains(KEY));
}

#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_stops_the_watch_with_exit_130() {
    let vendor = Vendor::start(counting).await;
    let home = Home::new();
    let mut cmd = vendor.command(&home, &["--watch", "2", "--format", "json"]);
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait for the first answer: the Ctrl-C handler is in place before the first request.
    let deadline = Instant::now() + Duration::from_secs(20);
    while vendor.served() < 1 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    // Ctrl-C to our own child, by its pid (kill(1): no unsafe FFI in tests either).
    let pid = child.id().to_string();
    let sent = Command::new("kill").args(["-INT", &pid]).status().unwrap();
    assert!(sent.success());
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", text(&out.stderr));
    let profile: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(profile["profile"]["id"], "42");
}

#[test]
fn watch_conflicts_with_from_and_refuses_raw() {
    let home = Home::new();
    let out = home
        .command(&["get", "vemetric", "--from", "-", "--watch"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("cannot be used with"),
        "{}",
        text(&out.stderr)
    );
    let out = home
        .command(&["get", "vemetric", "42", "--exit-on-change"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = home
        .command(&["get", "vemetric", "42", "--watch", "--format", "raw"])
        .stdout(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--format raw does not apply"));
}

#[test]
fn the_live_demo_person_changes_between_refreshes() {
    let home = Home::new();
    let out = home
        .command(&[
            "get",
            "--demo",
            "coho",
            "u-live",
            "--watch",
            "2",
            "--exit-on-change",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    let (profile, rest) = stdout.split_once("\n}\n").unwrap();
    let profile: Value = serde_json::from_str(&format!("{profile}\n}}")).unwrap();
    assert_eq!(
        profile["warnings"],
        json!([]),
        "the live body follows Coho's contract"
    );
    let events = events(rest);
    let paths: Vec<&str> = events.iter().map(|e| e["path"].as_str().unwrap()).collect();
    // The clock's fields moved (2 s later); `ticks` moves every 3 s, so it may or may not have.
    assert!(paths.contains(&"properties.updateTime"), "{paths:?}");
    assert!(paths.contains(&"attributes.lastSeen"), "{paths:?}");
    for e in &events {
        assert_ne!(e["old"], e["new"], "{e}");
    }
}

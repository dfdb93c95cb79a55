//! `userscope get VENDOR --from FILE` (design §11) through the real binary, against a mock
//! Vemetric on 127.0.0.1 that records when each request arrived: every input line exactly
//! once, statuses and exit codes, the rate, 429 + Retry-After, resume after Ctrl-C, stdin,
//! comments and blanks, lines that are not UTF-8 or too long, the key never written, and the
//! progress line on a terminal (tmux) but not in a file.

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

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::Write;
use std::net::SocketAddr;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use support::home::Home;

const KEY: &str = "vm-bulk-test-key-5b1e";

/// Ids the mock answers specially (all others: found).
const NOT_FOUND_FROM: u64 = 9000; // 9000..9100: 404 user not found
const SERVER_ERROR_FROM: u64 = 5000; // 5000..5100: 500
const LIMITED_ONCE: u64 = 4290; // 429 with Retry-After: 1 the first time, then found

#[derive(Default)]
struct Seen {
    requests: Mutex<Vec<(String, Instant)>>,
    limited: Mutex<HashSet<String>>,
    delay_ms: AtomicU64,
}

/// The mock Vemetric: `GET /v1/users/single?id=N` on 127.0.0.1, on its own runtime thread.
struct Mock {
    addr: SocketAddr,
    seen: Arc<Seen>,
}

impl Mock {
    fn start() -> Mock {
        let seen = Arc::new(Seen::default());
        let (tx, rx) = std::sync::mpsc::channel();
        let state = seen.clone();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                tx.send(listener.local_addr().unwrap()).unwrap();
                let app = axum::Router::new().fallback(move |req: axum::extract::Request| {
                    let state = state.clone();
                    async move { answer(&state, req.uri(), req.headers()).await }
                });
                axum::serve(listener, app).await.unwrap();
            });
        });
        Mock {
            addr: rx.recv().unwrap(),
            seen,
        }
    }

    fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn requests(&self) -> Vec<(String, Instant)> {
        self.seen.requests.lock().unwrap().clone()
    }

    fn ids(&self) -> Vec<String> {
        self.requests().into_iter().map(|(id, _)| id).collect()
    }
}

async fn answer(
    state: &Seen,
    uri: &axum::http::Uri,
    headers: &axum::http::HeaderMap,
) -> axum::response::Response<axum::body::Body> {
    use axum::response::IntoResponse;
    let id = uri
        .query()
        .and_then(|q| q.strip_prefix("id="))
        .unwrap_or_default()
        .to_owned();
    state
        .requests
        .lock()
        .unwrap()
        .push((id.clone(), Instant::now()));
    let delay = state.delay_ms.load(Ordering::SeqCst);
    if delay > 0 {
        tokio::time::sleep(Duration::from_millis(delay)).await;
    }
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let json = |status: u16, body: String| {
        (
            axum::http::StatusCode::from_u16(status).unwrap(),
            [("content-type", "application/json")],
            body,
        )
            .into_response()
    };
    if auth != format!("Bearer {KEY}") {
        return json(
            401,
            r#"{"error":{"code":"UNAUTHORIZED","message":"bad key"}}"#.into(),
        );
    }
    let n: u64 = id.parse().unwrap_or(0);
    if n == LIMITED_ONCE && state.limited.lock().unwrap().insert(id.clone()) {
        return (
            axum::http::StatusCode::TOO_MANY_REQUESTS,
            [("content-type", "application/json"), ("retry-after", "1")],
            r#"{"error":{"code":"RATE_LIMITED","message":"slow down"}}"#,
        )
            .into_response();
    }
    if (NOT_FOUND_FROM..NOT_FOUND_FROM + 100).contains(&n) {
        return json(
            404,
            r#"{"error":{"code":"USER_NOT_FOUND","message":"User not found"}}"#.into(),
        );
    }
    if (SERVER_ERROR_FROM..SERVER_ERROR_FROM + 100).contains(&n) {
        return json(
            500,
            r#"{"error":{"code":"INTERNAL","message":"boom"}}"#.into(),
        );
    }
    json(
        200,
        format!(
            r#"{{"user":{{"id":"{id}","identifier":"user-{id}","displayName":"User {id}","country":"DE","city":null,"lastSeenAt":null,"avatarUrl":null,"data":{{"plan":"pro"}},"anonymous":false}}}}"#
        ),
    )
}

/// `userscope get vemetric --from ... --base-url MOCK` in a clean HOME, with the key in env.
fn bulk(home: &Home, mock: &Mock, args: &[&str]) -> Command {
    let base = mock.base_url();
    let mut all = vec!["get", "vemetric", "--base-url", &base];
    all.extend_from_slice(args);
    let mut cmd = home.command(&all);
    cmd.env("USERSCOPE_VEMETRIC_API_KEY", KEY);
    cmd
}

fn run_with_stdin(mut cmd: Command, stdin: &[u8]) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn records(stdout: &[u8]) -> Vec<Value> {
    let text = std::str::from_utf8(stdout).unwrap();
    assert!(
        text.is_empty() || text.ends_with('\n'),
        "torn last line: {text:?}"
    );
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn by_line(records: &[Value]) -> BTreeMap<u64, Value> {
    let mut map = BTreeMap::new();
    for r in records {
        let line = r["line"].as_u64().unwrap();
        assert!(map.insert(line, r.clone()).is_none(), "line {line} twice");
    }
    map
}

fn write_file(home: &Home, name: &str, bytes: &[u8]) -> String {
    let path = home.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path.display().to_string()
}

fn assert_no_key(out: &Output) {
    for stream in [&out.stdout, &out.stderr] {
        let text = String::from_utf8_lossy(stream);
        assert!(!text.contains(KEY), "the key leaked: {text}");
    }
}

#[test]
fn every_line_once_with_its_status_and_the_worst_exit_code() {
    let mock = Mock::start();
    let home = Home::new();
    let input = "# support export\n1001\n\n  1002  \n9001\nabc\n5001\n# done\n1003\n";
    let file = write_file(&home, "ids.txt", input.as_bytes());
    let out = bulk(&home, &mock, &["--from", &file, "--rate", "0"])
        .output()
        .unwrap();
    assert_no_key(&out);
    let lines = by_line(&records(&out.stdout));
    let expect: BTreeMap<u64, (&str, &str, i64)> = BTreeMap::from([
        (2, ("1001", "found", 0)),
        (4, ("1002", "found", 0)),
        (5, ("9001", "not_found", 3)),
        (6, ("abc", "error", 2)),
        (7, ("5001", "error", 6)),
        (9, ("1003", "found", 0)),
    ]);
    assert_eq!(
        lines.keys().copied().collect::<Vec<_>>(),
        expect.keys().copied().collect::<Vec<_>>()
    );
    for (line, (input, status, code)) in &expect {
        let r = &lines[line];
        assert_eq!(r["input"], *input, "{r}");
        assert_eq!(r["status"], *status, "{r}");
        assert_eq!(r["exitCode"], *code, "{r}");
        assert!(r["elapsedMs"].is_u64(), "{r}");
        match *status {
            "found" => {
                assert_eq!(r["attempts"], 1);
                assert!(r.get("error").is_none(), "{r}");
                let result = &r["result"];
                assert_eq!(result["vendor"], "vemetric");
                assert_eq!(
                    result["lookup"],
                    serde_json::json!({"by": "id", "value": input})
                );
                assert_eq!(result["request"]["status"], 200);
                assert_eq!(result["profile"]["displayName"], format!("User {input}"));
                assert_eq!(result["raw"]["user"]["id"], *input);
            }
            "not_found" => {
                assert!(r.get("result").is_none() && r.get("error").is_none(), "{r}");
            }
            _ => {
                assert!(r.get("result").is_none(), "{r}");
                assert!(r["error"].as_str().is_some_and(|e| !e.is_empty()), "{r}");
            }
        }
    }
    assert_eq!(lines[&6]["attempts"], 0, "an invalid line sends nothing");
    assert!(
        lines[&6]["error"].as_str().unwrap().contains("digits"),
        "{}",
        lines[&6]
    );
    let mut sent = mock.ids();
    sent.sort();
    assert_eq!(sent, ["1001", "1002", "1003", "5001", "9001"]);
    assert_eq!(out.status.code(), Some(6));
    let stderr = String::from_utf8(out.stderr.clone()).unwrap();
    assert_eq!(
        stderr
            .lines()
            .next()
            .unwrap_or_default()
            .split(" in ")
            .next(),
        Some("userscope: 6 lines: 3 found, 1 not found, 2 errors (worst exit 6)"),
        "{stderr}"
    );
    assert!(
        !stderr.contains('\r'),
        "no progress when stderr is not a terminal: {stderr:?}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn stdin_input_and_all_answered_is_exit_0() {
    let mock = Mock::start();
    let home = Home::new();
    let ids: Vec<String> = (1..=30).map(|i| (2000 + i).to_string()).collect();
    let mut input = ids.join("\n");
    input.push_str("\n9050\n");
    let out = run_with_stdin(
        bulk(
            &home,
            &mock,
            &["--from", "-", "--rate", "inf", "--concurrency", "8"],
        ),
        input.as_bytes(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = by_line(&records(&out.stdout));
    assert_eq!(lines.len(), 31);
    assert_eq!(
        lines.keys().copied().collect::<Vec<_>>(),
        (1..=31).collect::<Vec<u64>>()
    );
    assert_eq!(lines[&31]["status"], "not_found");
    let mut sent = mock.ids();
    sent.sort();
    let mut expected = ids.clone();
    expected.push("9050".into());
    expected.sort();
    assert_eq!(sent, expected, "each input requested exactly once");
    assert_no_key(&out);
}

#[test]
fn the_rate_is_never_exceeded() {
    let mock = Mock::start();
    let home = Home::new();
    let ids: Vec<String> = (1..=15).map(|i| (3000 + i).to_string()).collect();
    let file = write_file(&home, "ids.txt", ids.join("\n").as_bytes());
    let out = bulk(
        &home,
        &mock,
        &["--from", &file, "--rate", "10", "--concurrency", "8"],
    )
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let times: Vec<Instant> = mock.requests().into_iter().map(|(_, t)| t).collect();
    assert_eq!(times.len(), 15);
    // 10/s: starts 100 ms apart. Arrival jitter is allowed a little, never a burst.
    for pair in times.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(gap >= Duration::from_millis(60), "gap {gap:?}");
    }
    assert!(
        times[14] - times[0] >= Duration::from_millis(1350),
        "{:?}",
        times[14] - times[0]
    );
    for (i, t) in times.iter().enumerate() {
        let in_a_second = times[i..]
            .iter()
            .filter(|u| **u - *t < Duration::from_secs(1))
            .count();
        assert!(in_a_second <= 11, "{in_a_second} requests within 1 s");
    }
}

#[test]
fn a_429_waits_at_least_retry_after_and_pauses_the_connection() {
    let mock = Mock::start();
    let home = Home::new();
    let input = format!("{LIMITED_ONCE}\n1\n2\n3\n");
    let file = write_file(&home, "ids.txt", input.as_bytes());
    let out = bulk(
        &home,
        &mock,
        &["--from", &file, "--rate", "5", "--concurrency", "4"],
    )
    .output()
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = by_line(&records(&out.stdout));
    assert_eq!(lines[&1]["status"], "found");
    assert_eq!(lines[&1]["attempts"], 2);
    assert!(
        lines[&1]["elapsedMs"].as_u64().unwrap() >= 1000,
        "{}",
        lines[&1]
    );
    let requests = mock.requests();
    let limited: Vec<Instant> = requests
        .iter()
        .filter(|(id, _)| *id == LIMITED_ONCE.to_string())
        .map(|(_, t)| *t)
        .collect();
    assert_eq!(limited.len(), 2);
    assert!(
        limited[1] - limited[0] >= Duration::from_secs(1),
        "{:?}",
        limited[1] - limited[0]
    );
    // The whole connection paused: nothing else was sent while the 429 was waited out.
    let first = limited[0];
    let during: Vec<&String> = requests
        .iter()
        .filter(|(_, t)| {
            *t > first + Duration::from_millis(50) && *t < first + Duration::from_millis(900)
        })
        .map(|(id, _)| id)
        .collect();
    assert!(during.is_empty(), "sent during the pause: {during:?}");
    assert_eq!(requests.len(), 5);
}

#[test]
fn a_line_that_is_not_utf8_or_too_long_is_an_error_and_the_run_goes_on() {
    let mock = Mock::start();
    let home = Home::new();
    let mut input = b"1001\n10\xff02\n".to_vec();
    input.extend(std::iter::repeat_n(b'7', 1024 * 1024));
    input.extend_from_slice(b"\n1003\n");
    let file = write_file(&home, "ids.txt", &input);
    let out = bulk(&home, &mock, &["--from", &file, "--rate", "0"])
        .output()
        .unwrap();
    let lines = by_line(&records(&out.stdout));
    assert_eq!(lines.keys().copied().collect::<Vec<_>>(), vec![1, 2, 3, 4]);
    assert_eq!(lines[&1]["status"], "found");
    assert_eq!(lines[&4]["status"], "found");
    for line in [2, 3] {
        let r = &lines[&line];
        assert_eq!(
            (&r["status"], &r["exitCode"], &r["attempts"]),
            (&Value::from("error"), &Value::from(2), &Value::from(0)),
            "{r}"
        );
    }
    assert!(lines[&2]["error"].as_str().unwrap().contains("UTF-8"));
    assert!(lines[&3]["error"].as_str().unwrap().contains("1 MiB"));
    assert!(
        lines[&3]["input"].as_str().unwrap().len() < 100,
        "the long line is not echoed whole"
    );
    let mut sent = mock.ids();
    sent.sort();
    assert_eq!(sent, ["1001", "1003"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn ctrl_c_finishes_the_lines_in_flight_and_resume_sends_only_the_rest() {
    let mock = Mock::start();
    mock.seen.delay_ms.store(150, Ordering::SeqCst);
    let home = Home::new();
    let ids: Vec<String> = (1..=40).map(|i| (6000 + i).to_string()).collect();
    let file = write_file(
        &home,
        "ids.txt",
        format!("# header\n{}\n", ids.join("\n")).as_bytes(),
    );
    let out_path = home.path().join("out.jsonl");
    let out_arg = out_path.display().to_string();
    let args = [
        "--from",
        file.as_str(),
        "--rate",
        "0",
        "--concurrency",
        "2",
        "--resume",
        out_arg.as_str(),
    ];
    let child = bulk(&home, &mock, &args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Let a few lines finish, then Ctrl-C (SIGINT) while two are in flight.
    let deadline = Instant::now() + Duration::from_secs(20);
    while mock.requests().len() < 6 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    // Ctrl-C to our own child, by its pid (kill(1): no unsafe FFI in tests either).
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let first = child.wait_with_output().unwrap();
    assert_eq!(
        first.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(
        first.stdout.is_empty(),
        "with --resume the records go to OUT"
    );
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(stderr.contains("interrupted"), "{stderr}");
    let written = records(&std::fs::read(&out_path).unwrap());
    let sent_first = mock.ids();
    assert_eq!(
        written.len(),
        sent_first.len(),
        "every line in flight was finished and written"
    );
    assert!(written.len() < 40, "stopped early: {}", written.len());

    mock.seen.delay_ms.store(0, Ordering::SeqCst);
    let second = bulk(&home, &mock, &args).output().unwrap();
    assert_eq!(
        second.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    let all = by_line(&records(&std::fs::read(&out_path).unwrap()));
    assert_eq!(
        all.keys().copied().collect::<Vec<_>>(),
        (2..=41).collect::<Vec<u64>>()
    );
    assert!(all.values().all(|r| r["status"] == "found"));
    let sent: Vec<String> = mock.ids();
    assert_eq!(
        sent.len(),
        40,
        "the resumed run sent only the missing lookups"
    );
    assert_eq!(sent.iter().collect::<BTreeSet<_>>().len(), 40);
    let summary = String::from_utf8_lossy(&second.stderr);
    assert!(
        summary.contains(&format!("{} already done", written.len())),
        "{summary}"
    );
    assert!(!String::from_utf8_lossy(&std::fs::read(&out_path).unwrap()).contains(KEY));
}

#[test]
fn single_get_format_jsonl_is_one_compact_line_of_the_json_form() {
    let mock = Mock::start();
    let home = Home::new();
    let base = mock.base_url();
    let get = |format: &str| {
        let mut cmd = home.command(&[
            "get",
            "vemetric",
            "1001",
            "--base-url",
            &base,
            "--format",
            format,
        ]);
        cmd.env("USERSCOPE_VEMETRIC_API_KEY", KEY);
        cmd.output().unwrap()
    };
    let (jsonl, json) = (get("jsonl"), get("json"));
    assert_eq!(jsonl.status.code(), Some(0));
    let text = String::from_utf8(jsonl.stdout).unwrap();
    assert_eq!(text.lines().count(), 1);
    assert!(text.ends_with('\n'));
    let a: Value = serde_json::from_str(&text).unwrap();
    let mut b: Value = serde_json::from_slice(&json.stdout).unwrap();
    // Only the timing differs between two requests.
    b["request"]["elapsedMs"] = a["request"]["elapsedMs"].clone();
    assert_eq!(a, b);
}

#[test]
fn bad_flags_are_usage_errors_before_anything_is_sent() {
    let mock = Mock::start();
    let home = Home::new();
    let file = write_file(&home, "ids.txt", b"1001\n");
    for args in [
        vec!["--from", file.as_str(), "--concurrency", "0"],
        vec!["--from", file.as_str(), "--rate", "-2"],
        vec!["--from", file.as_str(), "--format", "text"],
        vec!["--from", "/nonexistent/ids.txt"],
    ] {
        let out = bulk(&home, &mock, &args).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.stdout.is_empty());
    }
    // No key: one error before the run, not one per line.
    let base = mock.base_url();
    let out = home
        .command(&["get", "vemetric", "--base-url", &base, "--from", &file])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert!(out.stdout.is_empty());
    assert!(mock.ids().is_empty());
}

/// tmux: the progress line is drawn on a terminal's stderr; stdout (a file) gets only records.
#[test]
fn progress_appears_on_a_terminal() {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("skipped: tmux is not installed");
        return;
    }
    let mock = Mock::start();
    mock.seen.delay_ms.store(100, Ordering::SeqCst);
    let home = Home::new();
    let ids: Vec<String> = (1..=60).map(|i| (7000 + i).to_string()).collect();
    let file = write_file(&home, "ids.txt", ids.join("\n").as_bytes());
    let out_file = home.path().join("out.jsonl");
    let socket = format!("userscope-bulk-{}", std::process::id());
    let tmux = |args: &[&str]| {
        Command::new("tmux")
            .args(["-L", &socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .unwrap()
    };
    let h = home.path().display().to_string();
    let line = format!(
        "env -i PATH=/usr/bin:/bin HOME={h} XDG_CONFIG_HOME={h}/config XDG_STATE_HOME={h}/state XDG_DATA_HOME={h}/data USERSCOPE_CONFIG={h}/none.toml USERSCOPE_VEMETRIC_API_KEY={KEY} TERM=xterm-256color {bin} get vemetric --base-url {base} --from {file} --rate 0 --concurrency 2 > {out}; sleep 30",
        bin = env!("CARGO_BIN_EXE_userscope"),
        base = mock.base_url(),
        out = out_file.display()
    );
    assert!(
        tmux(&[
            "new-session",
            "-d",
            "-x",
            "160",
            "-y",
            "10",
            "-s",
            "b",
            &line
        ])
        .status
        .success()
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut progress = None;
    let mut summary = None;
    while Instant::now() < deadline && summary.is_none() {
        let screen =
            String::from_utf8_lossy(&tmux(&["capture-pane", "-p", "-t", "b"]).stdout).into_owned();
        if progress.is_none() && screen.contains("/60 · ") && screen.contains(" found · ") {
            progress = Some(screen.clone());
        }
        if screen.contains("userscope: 60 lines: 60 found") {
            summary = Some(screen);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = tmux(&["kill-server"]);
    let progress = progress.expect("a progress line on the terminal");
    assert!(progress.contains("0 not found · 0 errors ·"), "{progress}");
    let summary = summary.expect("the summary on the terminal");
    assert!(
        !summary.contains("/60 · "),
        "the progress line is cleared before the summary:\n{summary}"
    );
    assert!(!summary.contains(KEY));
    let stdout = std::fs::read_to_string(&out_file).unwrap();
    assert_eq!(records(stdout.as_bytes()).len(), 60);
    assert!(
        !stdout.contains('\r') && !stdout.contains(" found · "),
        "progress never goes to stdout"
    );
}

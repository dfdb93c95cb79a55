//! Hardening (issue 6), proven against the real binary: a fault-injecting vendor server, hostile
//! strings, hostile IDs, keys that must never leak, and bounded fuzzing of every vendor parser.
//!
//! Every `get` runs as a child process with its own HOME / XDG dirs, no config file, the key in
//! `USERSCOPE_<VENDOR>_API_KEY` and `--base-url http://127.0.0.1:PORT`. The fault server is a raw
//! TCP listener so it can misbehave in ways a real HTTP library would not let it.
//!
//! Fuzzing: `USERSCOPE_FUZZ_CASES=N` sets the cases per vendor and target (default 512);
//! e.g. `USERSCOPE_FUZZ_CASES=200000 cargo test --release --test hardening fuzz_`.
#![cfg(target_os = "linux")]

use std::io::Read;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, TestRunner};
use serde_json::{Map, Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use userscope::lookup::{LookupOutcome, RequestInfo};
use userscope::vendor::{Connection, Lookup, LookupKind, VendorKind};

// =============================================================================================
// The fault-injecting vendor server
// =============================================================================================

/// Every connection handler stops by itself after this long, whatever its script says.
const CONNECTION_BOUND: Duration = Duration::from_secs(10);
/// Longest request head read; anything longer is dropped.
const MAX_HEAD_BYTES: usize = 64 * 1024;

/// A request as it arrived on the wire (target undecoded, header names lower-cased).
#[derive(Clone, Debug)]
struct SeenRequest {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
}

impl SeenRequest {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The key as sent, whatever the vendor's header (scheme word included).
    fn auth_value(&self) -> Option<&str> {
        self.header("authorization")
            .or_else(|| self.header("x-foldspace-api-key"))
    }
}

/// One thing the server does on a connection, in order.
enum Step {
    Write(Vec<u8>),
    Sleep(Duration),
    /// Write the bytes one at a time with a pause after each.
    Drip(Vec<u8>, Duration),
    /// Write `total` spaces in 64 KiB pieces, counting what the socket accepts.
    Flood(u64),
    /// Abort the connection with a TCP RST (SO_LINGER 0) instead of a clean close.
    Reset,
}

type Script = Arc<dyn Fn(&SeenRequest, usize) -> Vec<Step> + Send + Sync>;

struct ServerState {
    script: Script,
    seen: Mutex<Vec<SeenRequest>>,
    /// Response bytes the socket accepted.
    written: AtomicU64,
    /// A write failed: the client hung up before the response was complete.
    client_hung_up: AtomicBool,
}

struct FaultServer {
    addr: SocketAddr,
    state: Arc<ServerState>,
    accept: tokio::task::JoinHandle<()>,
}

impl FaultServer {
    async fn start(
        script: impl Fn(&SeenRequest, usize) -> Vec<Step> + Send + Sync + 'static,
    ) -> FaultServer {
        FaultServer::start_on("127.0.0.1:0", script)
            .await
            .expect("bind 127.0.0.1")
    }

    async fn start_on(
        bind: &str,
        script: impl Fn(&SeenRequest, usize) -> Vec<Step> + Send + Sync + 'static,
    ) -> std::io::Result<FaultServer> {
        let listener = TcpListener::bind(bind).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(ServerState {
            script: Arc::new(script),
            seen: Mutex::new(Vec::new()),
            written: AtomicU64::new(0),
            client_hung_up: AtomicBool::new(false),
        });
        let for_loop = state.clone();
        let accept = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let state = for_loop.clone();
                tokio::spawn(async move {
                    let _ = tokio::time::timeout(CONNECTION_BOUND, serve(stream, state)).await;
                });
            }
        });
        Ok(FaultServer {
            addr,
            state,
            accept,
        })
    }

    fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn requests(&self) -> Vec<SeenRequest> {
        self.state.seen.lock().unwrap().clone()
    }

    fn written(&self) -> u64 {
        self.state.written.load(Ordering::SeqCst)
    }

    fn client_hung_up(&self) -> bool {
        self.state.client_hung_up.load(Ordering::SeqCst)
    }
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

async fn serve(mut stream: TcpStream, state: Arc<ServerState>) {
    let Some(request) = read_head(&mut stream).await else {
        return;
    };
    let index = {
        let mut seen = state.seen.lock().unwrap();
        seen.push(request.clone());
        seen.len() - 1
    };
    let steps = (state.script)(&request, index);
    for step in steps {
        let ok = match step {
            Step::Write(bytes) => write_counted(&mut stream, &bytes, &state).await,
            Step::Sleep(d) => {
                tokio::time::sleep(d).await;
                true
            }
            Step::Drip(bytes, every) => {
                let mut ok = true;
                for byte in bytes {
                    if !write_counted(&mut stream, &[byte], &state).await {
                        ok = false;
                        break;
                    }
                    tokio::time::sleep(every).await;
                }
                ok
            }
            Step::Flood(total) => {
                let piece = vec![b' '; 64 * 1024];
                let mut left = total;
                let mut ok = true;
                while left > 0 {
                    let n = left.min(piece.len() as u64) as usize;
                    if !write_counted(&mut stream, &piece[..n], &state).await {
                        ok = false;
                        break;
                    }
                    left -= n as u64;
                }
                ok
            }
            Step::Reset => {
                #[allow(deprecated)] // SO_LINGER 0 is exactly what makes the RST here.
                let _ = stream.set_linger(Some(Duration::ZERO));
                drop(stream);
                return;
            }
        };
        if !ok {
            state.client_hung_up.store(true, Ordering::SeqCst);
            return;
        }
    }
    let _ = stream.shutdown().await;
}

async fn write_counted(stream: &mut TcpStream, bytes: &[u8], state: &ServerState) -> bool {
    match stream.write_all(bytes).await {
        Ok(()) => {
            state
                .written
                .fetch_add(bytes.len() as u64, Ordering::SeqCst);
            true
        }
        Err(_) => false,
    }
}

/// Read up to the blank line ending the request head; `None` on EOF, timeout or oversize.
async fn read_head(stream: &mut TcpStream) -> Option<SeenRequest> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let deadline = Instant::now() + Duration::from_secs(5);
    let end = loop {
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos;
        }
        if buf.len() > MAX_HEAD_BYTES {
            return None;
        }
        let left = deadline.checked_duration_since(Instant::now())?;
        let n = tokio::time::timeout(left, stream.read(&mut chunk))
            .await
            .ok()?
            .ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_owned();
    let target = first.next()?.to_owned();
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Some(SeenRequest {
        method,
        target,
        headers,
    })
}

/// A full response with Content-Length (unless one is given) and `Connection: close`.
fn response(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = head(status, headers);
    if !headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("content-length"))
    {
        // Re-open the head to add the length before the blank line.
        out.truncate(out.len() - 2);
        out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
    }
    out.extend_from_slice(body);
    out
}

/// Status line and headers (plus `Connection: close`), ending with the blank line.
fn head(status: u16, headers: &[(&str, &str)]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} Status\r\nConnection: close\r\n").into_bytes();
    for (name, value) in headers {
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out
}

fn json_response(status: u16, body: &str) -> Vec<Step> {
    vec![Step::Write(response(
        status,
        &[("Content-Type", "application/json")],
        body.as_bytes(),
    ))]
}

// =============================================================================================
// Running the binary
// =============================================================================================

/// A fresh HOME with config, state and data dirs inside; no config file.
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Home {
        Home {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `userscope ARGS` with nothing of the developer's environment but PATH.
    fn command(&self, args: &[&str]) -> Command {
        let home = self.path();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_userscope"));
        cmd.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_STATE_HOME", home.join("state"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_RUNTIME_DIR", home.join("run"))
            .env("USERSCOPE_CONFIG", home.join("does-not-exist/config.toml"))
            .args(args);
        cmd
    }

    fn log_file(&self) -> PathBuf {
        self.path().join("state/userscope/userscope.log")
    }

    fn files(&self) -> Vec<PathBuf> {
        files_under(self.path())
    }
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                files.extend(files_under(&path));
            } else {
                files.push(path);
            }
        }
    }
    files
}

/// How a child process ended, and what was seen while it ran.
#[derive(Debug)]
struct Finished {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    elapsed: Duration,
    /// Peak resident set size of the child (`wait4` rusage), KiB.
    peak_rss_kib: u64,
    /// Samples of every `/proc/*/cmdline` taken while the child ran.
    proc_samples: usize,
    /// `/proc/*/cmdline` entries that contained the watched needle.
    cmdline_hits: Vec<String>,
}

impl Finished {
    fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }

    fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    fn describe(&self) -> String {
        format!(
            "exit {:?} after {:?}\nstdout: {}\nstderr: {}",
            self.code,
            self.elapsed,
            truncated(&self.stdout_text(), 2000),
            self.stderr_text()
        )
    }
}

fn truncated(s: &str, max: usize) -> String {
    if s.len() <= max {
        s.to_owned()
    } else {
        let mut end = max;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}…", &s[..end])
    }
}

/// Run `cmd` to the end (killed after `limit`), reaping it with `wait4` for its peak RSS and,
/// with `needle`, sampling every process's command line while it runs.
// The child is reaped by `wait4` (for its rusage), which clippy cannot see.
#[allow(clippy::zombie_processes)]
fn run(mut cmd: Command, limit: Duration, needle: Option<&str>) -> Finished {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = spawn_retrying(&mut cmd);
    let pid = child.id() as libc::pid_t;
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = out.read_to_end(&mut buf);
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = err.read_to_end(&mut buf);
        buf
    });
    let mut proc_samples = 0;
    let mut cmdline_hits = Vec::new();
    let mut killed = false;
    let (status, usage) = loop {
        let mut status: libc::c_int = 0;
        // SAFETY: plain syscall on our own child; both out-pointers are valid for writes.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let reaped = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if reaped == pid {
            break (status, usage);
        }
        assert!(
            reaped == 0,
            "wait4 failed: {}",
            std::io::Error::last_os_error()
        );
        if let Some(needle) = needle {
            proc_samples += 1;
            cmdline_hits.extend(cmdlines_containing(needle));
        }
        if !killed && started.elapsed() > limit {
            let _ = child.kill();
            killed = true;
        }
        std::thread::sleep(Duration::from_millis(15));
    };
    let elapsed = started.elapsed();
    let code = if libc::WIFEXITED(status) {
        Some(libc::WEXITSTATUS(status))
    } else {
        None
    };
    Finished {
        code,
        stdout: out_reader.join().unwrap(),
        stderr: err_reader.join().unwrap(),
        elapsed,
        peak_rss_kib: usage.ru_maxrss.max(0) as u64,
        proc_samples,
        cmdline_hits,
    }
}

/// Spawn, retrying for a while when the binary is missing: in a shared working tree another
/// `cargo build` may be relinking it at this very moment.
fn spawn_retrying(cmd: &mut Command) -> std::process::Child {
    let mut tries = 0;
    loop {
        match cmd.spawn() {
            Ok(child) => return child,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && tries < 40 => {
                tries += 1;
                std::thread::sleep(Duration::from_millis(250));
            }
            Err(e) => panic!("spawn {:?}: {e}", cmd.get_program()),
        }
    }
}

/// Every `/proc/PID/cmdline` on the machine that contains `needle`.
fn cmdlines_containing(needle: &str) -> Vec<String> {
    let mut hits = Vec::new();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return hits;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !name.to_string_lossy().bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        if let Ok(bytes) = std::fs::read(entry.path().join("cmdline"))
            && contains(&bytes, needle.as_bytes())
        {
            hits.push(format!(
                "{}: {}",
                name.to_string_lossy(),
                String::from_utf8_lossy(&bytes).replace('\0', " ")
            ));
        }
    }
    hits
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// Run a blocking child from an async test without stalling the fault server.
async fn run_async(cmd: Command, limit: Duration, needle: Option<String>) -> Finished {
    tokio::task::spawn_blocking(move || run(cmd, limit, needle.as_deref()))
        .await
        .unwrap()
}

// ---------------------------------------------------------------------------------------------
// What every error must look like
// ---------------------------------------------------------------------------------------------

/// Characters that must never reach a terminal from a vendor: C0 (but `\n`), DEL, C1, bidi
/// controls and line/paragraph separators.
fn forbidden_char(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

#[track_caller]
fn assert_terminal_safe(what: &str, bytes: &[u8]) {
    let text = std::str::from_utf8(bytes).unwrap_or_else(|e| {
        panic!(
            "{what} is not UTF-8 ({e}): {:?}",
            String::from_utf8_lossy(bytes)
        )
    });
    if let Some(c) = text.chars().find(|c| forbidden_char(*c)) {
        panic!("{what} holds the raw control U+{:04X}: {text:?}", c as u32);
    }
}

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

// =============================================================================================
// 1. Faulty servers
// =============================================================================================

const FAULT_KEY: &str = "coho-fault-test-key";

/// `get coho u-1` against `base` with small timeouts (and `extra` flags).
fn coho_get(home: &Home, base: &str, timeout: &str, extra: &[&str]) -> Command {
    let mut args = vec![
        "get",
        "coho",
        "u-1",
        "--base-url",
        base,
        "--timeout",
        timeout,
        "--connect-timeout",
        "1",
    ];
    args.extend_from_slice(extra);
    let mut cmd = home.command(&args);
    cmd.env("USERSCOPE_COHO_API_KEY", FAULT_KEY);
    cmd
}

async fn get_against(
    script: impl Fn(&SeenRequest, usize) -> Vec<Step> + Send + Sync + 'static,
    timeout: &str,
    extra: &[&str],
) -> (Finished, FaultServer) {
    let server = FaultServer::start(script).await;
    let home = Home::new();
    let cmd = coho_get(&home, &server.base_url(), timeout, extra);
    let finished = run_async(cmd, Duration::from_secs(30), None).await;
    // Whatever the fault, `get` ends within its timeout (plus process start and slack for a
    // loaded machine); the 429 tests wait at most 2 × 1.5 s on top.
    let bound = Duration::from_secs_f64(timeout.parse::<f64>().unwrap() + 5.0);
    assert!(
        finished.elapsed < bound,
        "took {:?}: {}",
        finished.elapsed,
        finished.describe()
    );
    (finished, server)
}

const SMALL_BODY: &str = r#"{"userId":"u-1","userProperties":{"name":"Ann"}}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_slow_headers_time_out_with_exit_6() {
    let (f, server) = get_against(
        |_, _| {
            let mut steps = vec![Step::Sleep(Duration::from_secs(9))];
            steps.extend(json_response(200, SMALL_BODY));
            steps
        },
        "2",
        &[],
    )
    .await;
    let line = assert_one_line_error(&f, 6);
    assert!(
        line.contains("did not answer within 2 s (timeout)"),
        "{line}"
    );
    assert!(f.elapsed < Duration::from_secs(6), "{:?}", f.elapsed);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_slow_body_a_byte_a_second_times_out_with_exit_6() {
    let (f, _server) = get_against(
        |_, _| {
            let body = SMALL_BODY.as_bytes().to_vec();
            let mut h = head(200, &[("Content-Type", "application/json")]);
            h.truncate(h.len() - 2);
            h.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
            vec![Step::Write(h), Step::Drip(body, Duration::from_secs(1))]
        },
        "2",
        &[],
    )
    .await;
    let line = assert_one_line_error(&f, 6);
    assert!(line.contains("(timeout)"), "{line}");
    assert!(f.elapsed < Duration::from_secs(6), "{:?}", f.elapsed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_connection_reset_mid_body_is_exit_6() {
    let (f, _server) = get_against(
        |_, _| {
            vec![
                Step::Write(head(
                    200,
                    &[
                        ("Content-Type", "application/json"),
                        ("Content-Length", "1000"),
                    ],
                )),
                Step::Write(br#"{"userId":"u-1","userProperties":{"#.to_vec()),
                Step::Sleep(Duration::from_millis(100)),
                Step::Reset,
            ]
        },
        "5",
        &[],
    )
    .await;
    let line = assert_one_line_error(&f, 6);
    assert!(
        line.starts_with("userscope: Coho sent a body userscope cannot use")
            || line.contains("reset"),
        "{line}"
    );
    assert!(f.elapsed < Duration::from_secs(5), "{:?}", f.elapsed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_truncated_body_shorter_than_content_length_is_exit_6() {
    let (f, _server) = get_against(
        |_, _| {
            vec![
                Step::Write(head(
                    200,
                    &[
                        ("Content-Type", "application/json"),
                        ("Content-Length", "1000"),
                    ],
                )),
                Step::Write(vec![b' '; 100]),
            ]
        },
        "5",
        &[],
    )
    .await;
    let line = assert_one_line_error(&f, 6);
    assert!(
        line.contains("the body was cut short: the connection closed after 100 bytes of 1000"),
        "{line}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_invalid_utf8_and_nul_in_a_200_body_is_exit_6() {
    let (f, _server) = get_against(
        |_, _| {
            vec![Step::Write(response(
                200,
                &[("Content-Type", "application/json")],
                b"{\"userId\":\"u-1\xff\xfe\x00\x1b[2J\"}",
            ))]
        },
        "5",
        &[],
    )
    .await;
    let line = assert_one_line_error(&f, 6);
    assert!(
        line.starts_with("userscope: Coho sent a body userscope cannot use (HTTP 200)"),
        "{line}"
    );
    assert!(!f.stderr.contains(&0), "a NUL reached stderr");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_valid_json_of_the_wrong_shape_is_exit_6() {
    for body in ["[1,2,3]", "\"just a string\"", "null", "42"] {
        let (f, _server) = get_against(move |_, _| json_response(200, body), "5", &[]).await;
        let line = assert_one_line_error(&f, 6);
        assert!(line.contains("JSON of the wrong shape"), "{body}: {line}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_wrong_shape_is_not_called_invalid_json() {
    let (f, _server) = get_against(|_, _| json_response(200, "[1,2,3]"), "5", &[]).await;
    let line = assert_one_line_error(&f, 6);
    assert!(line.contains("JSON of the wrong shape"), "{line}");
    assert!(
        !line.contains("not valid JSON"),
        "valid JSON called invalid: {line}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_html_500_is_exit_6_without_the_html() {
    let (f, _server) = get_against(
        |_, _| {
            vec![Step::Write(response(
                500,
                &[("Content-Type", "text/html; charset=utf-8")],
                b"<!DOCTYPE html><html><head><title>Oops</title></head><body><h1>Server Error (500)</h1><p>PAGE-MARKER</p></body></html>",
            ))]
        },
        "5",
        &[],
    )
    .await;
    let line = assert_one_line_error(&f, 6);
    assert_eq!(line, "userscope: Coho answered HTTP 500");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_html_page_with_status_200_is_exit_6() {
    let (f, _server) = get_against(
        |_, _| {
            vec![Step::Write(response(
                200,
                &[("Content-Type", "text/html")],
                b"<html><body>Please log in PAGE-MARKER</body></html>",
            ))]
        },
        "5",
        &[],
    )
    .await;
    let line = assert_one_line_error(&f, 6);
    assert!(line.contains("it is an HTML page, not JSON"), "{line}");
    assert!(
        !line.contains("PAGE-MARKER") && !line.contains("<html"),
        "{line}"
    );
}

/// A fixed script: what the server does on every connection.
type StepsFn = fn() -> Vec<Step>;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_answers_that_are_not_http_are_exit_6() {
    let cases: [(&str, StepsFn); 6] = [
        ("content-length beyond u64", || {
            vec![Step::Write(
                b"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n{}".to_vec(),
            )]
        }),
        ("two different content-lengths", || {
            vec![Step::Write(
                b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 7\r\n\r\n{}".to_vec(),
            )]
        }),
        ("a chunk size beyond u64", || {
            vec![Step::Write(
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFFFF\r\n{}"
                    .to_vec(),
            )]
        }),
        ("garbage instead of HTTP", || {
            vec![Step::Write(b"SSH-2.0-OpenSSH_9.6\r\n\r\n\x1b[2J".to_vec())]
        }),
        ("closed without a byte", Vec::new),
        ("endless headers", || {
            vec![
                Step::Write(b"HTTP/1.1 200 OK\r\n".to_vec()),
                Step::Write(
                    b"X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"
                        .repeat(200_000),
                ),
            ]
        }),
    ];
    for (what, script) in cases {
        let (f, server) = get_against(move |_, _| script(), "5", &[]).await;
        let line = assert_one_line_error(&f, 6);
        eprintln!("{what}: {line}");
        // The host was reached: it is never called unreachable.
        assert!(
            line.starts_with("userscope: 127.0.0.1:")
                && line.contains(" did not answer with HTTP: ")
                || line.starts_with("userscope: Coho sent a body userscope cannot use (HTTP 200)"),
            "{what}: {line}"
        );
        assert!(
            f.peak_rss_kib < RSS_LIMIT_KIB,
            "{what}: peak RSS {} KiB",
            f.peak_rss_kib
        );
        if what == "endless headers" {
            wait_for(|| server.client_hung_up()).await;
        }
    }
}

/// Peak RSS allowed for a child that was sent a 20 MiB or a bomb body with a 1 MiB cap.
const RSS_LIMIT_KIB: u64 = 64 * 1024;
const TWENTY_MIB: u64 = 20 * 1024 * 1024;

/// A 20 MiB body under a 1 MiB cap: one line, exit 6, the connection dropped before the server
/// wrote it all, and memory bounded.
async fn assert_cut_at_the_1_mib_cap(f: &Finished, server: &FaultServer) {
    let line = assert_one_line_error(f, 6);
    assert_eq!(
        line,
        "userscope: Coho's response is larger than the 1 MiB limit; raise it with --max-body-mib"
    );
    wait_for(|| server.client_hung_up()).await;
    assert!(
        server.written() < TWENTY_MIB,
        "the server wrote all {} bytes",
        server.written()
    );
    eprintln!(
        "peak RSS {} KiB; the server wrote {} bytes",
        f.peak_rss_kib,
        server.written()
    );
    assert!(
        f.peak_rss_kib < RSS_LIMIT_KIB,
        "peak RSS {} KiB",
        f.peak_rss_kib
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_20_mib_body_with_content_length_over_the_cap_is_refused_unread() {
    let (f, server) = get_against(
        |_, _| {
            vec![
                Step::Write(head(
                    200,
                    &[
                        ("Content-Type", "application/json"),
                        ("Content-Length", &TWENTY_MIB.to_string()),
                    ],
                )),
                Step::Flood(TWENTY_MIB),
            ]
        },
        "10",
        &["--max-body-mib", "1"],
    )
    .await;
    assert_cut_at_the_1_mib_cap(&f, &server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_20_mib_body_without_length_is_cut_at_the_cap_while_streaming() {
    let (f, server) = get_against(
        |_, _| {
            vec![
                // No Content-Length: the body ends when the connection closes, so only the
                // streaming cap can stop it.
                Step::Write(head(200, &[("Content-Type", "application/json")])),
                Step::Flood(TWENTY_MIB),
            ]
        },
        "10",
        &["--max-body-mib", "1"],
    )
    .await;
    assert_cut_at_the_1_mib_cap(&f, &server).await;
}

/// Poll `done` for up to 5 s (the server notices a hang-up on its next write).
async fn wait_for(done: impl Fn() -> bool) {
    let until = Instant::now() + Duration::from_secs(5);
    while !done() && Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(done(), "the server never saw the client hang up");
}

/// A gzip stream of `members × 16 MiB` zeros: one member made by the system `gzip`,
/// repeated (RFC 1952 allows concatenated members). `None` without a `gzip` binary.
fn gzip_bomb(members: usize) -> Option<Vec<u8>> {
    let mut child = Command::new("gzip")
        .args(["-c", "-9"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .ok()?;
    let mut stdin = child.stdin.take()?;
    let feeder = std::thread::spawn(move || {
        use std::io::Write;
        let zeros = vec![0u8; 1024 * 1024];
        for _ in 0..16 {
            stdin.write_all(&zeros).ok()?;
        }
        Some(())
    });
    let out = child.wait_with_output().ok()?;
    feeder.join().ok()??;
    if !out.status.success() || out.stdout.len() < 18 {
        return None;
    }
    Some(out.stdout.repeat(members))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_gzip_bomb_is_not_decoded_and_fails_as_not_json() {
    // 64 members × 16 MiB = 1 GiB of zeros once expanded, about 1 MiB on the wire.
    let Some(bomb) = gzip_bomb(64) else {
        eprintln!("SKIPPED fault_gzip_bomb_is_not_decoded_and_fails_as_not_json: no `gzip` binary");
        return;
    };
    assert!(bomb.len() < 2 * 1024 * 1024, "{} bytes", bomb.len());
    let bomb = Arc::new(bomb);
    let served = bomb.clone();
    let started = Instant::now();
    let (f, server) = get_against(
        move |_, _| {
            vec![Step::Write(response(
                200,
                &[
                    ("Content-Type", "application/json"),
                    ("Content-Encoding", "gzip"),
                ],
                &served,
            ))]
        },
        "10",
        &[],
    )
    .await;
    let line = assert_one_line_error(&f, 6);
    assert_eq!(
        line,
        "userscope: Coho sent a body userscope cannot use (HTTP 200): the body is compressed \
         (Content-Encoding: gzip), which userscope did not ask for"
    );
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
    eprintln!(
        "peak RSS {} KiB; the server wrote {} bytes",
        f.peak_rss_kib,
        server.written()
    );
    assert!(
        f.peak_rss_kib < RSS_LIMIT_KIB,
        "peak RSS {} KiB",
        f.peak_rss_kib
    );
    let requests = server.requests();
    let accept = requests[0].header("accept-encoding").unwrap_or_default();
    assert!(!accept.contains("gzip"), "advertised gzip: {accept}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_redirect_to_another_host_is_not_followed_and_the_key_stays_home() {
    // "Another host": 127.0.0.2 (another address of loopback) and the same address on
    // another port. Both are other authorities; neither may see a request.
    let elsewhere = FaultServer::start_on("127.0.0.2:0", |_, _| json_response(200, SMALL_BODY))
        .await
        .ok();
    let other_port = FaultServer::start(|_, _| json_response(200, SMALL_BODY)).await;
    let mut targets = vec![other_port.base_url()];
    if let Some(s) = &elsewhere {
        targets.push(s.base_url());
    } else {
        eprintln!("note: cannot bind 127.0.0.2; testing the other-port redirect only");
    }
    for status in [301, 302, 307, 308] {
        for target in &targets {
            let location = format!("{target}/api/data/user/u-1");
            let (f, _server) = get_against(
                move |_, _| {
                    vec![Step::Write(response(
                        status,
                        &[
                            ("Location", &location),
                            ("Content-Type", "application/json"),
                        ],
                        b"{}",
                    ))]
                },
                "5",
                &[],
            )
            .await;
            let line = assert_one_line_error(&f, 6);
            assert!(
                line.contains(&format!(
                    "answered HTTP {status}: redirect to {target}/api/data/user/u-1 not followed"
                )),
                "{line}"
            );
        }
    }
    assert_eq!(
        other_port.requests().len(),
        0,
        "{:?}",
        other_port.requests()
    );
    if let Some(s) = &elsewhere {
        assert_eq!(s.requests().len(), 0, "{:?}", s.requests());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_endless_redirect_loop_on_the_same_host_stops_with_exit_6() {
    let (f, server) = get_against(
        |_, _| {
            vec![Step::Write(response(
                302,
                &[("Location", "/api/data/user/u-1")],
                b"",
            ))]
        },
        "5",
        &[],
    )
    .await;
    let line = assert_one_line_error(&f, 6);
    assert!(
        line.contains("answered HTTP 302: redirect to /api/data/user/u-1 not followed"),
        "{line}"
    );
    let n = server.requests().len();
    assert!((2..=6).contains(&n), "{n} requests for one lookup");
    // Same origin: the key went along, and only there.
    for r in server.requests() {
        assert_eq!(
            r.header("authorization"),
            Some(format!("Bearer {FAULT_KEY}").as_str())
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_429_storm_without_retry_after_gives_up_after_3_tries_with_exit_5() {
    let (f, server) = get_against(
        |_, _| {
            json_response(
                429,
                r#"{"error":"Too Many Requests","message":"slow down"}"#,
            )
        },
        "5",
        &[],
    )
    .await;
    let line = assert_one_line_error(&f, 5);
    assert!(
        line.starts_with("userscope: Coho: rate limited, retry in "),
        "{line}"
    );
    assert!(line.ends_with(": slow down"), "{line}");
    assert_eq!(server.requests().len(), 3);
    assert!(f.elapsed < Duration::from_secs(15), "{:?}", f.elapsed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_429_with_an_absurd_retry_after_gives_up_at_once_with_exit_5() {
    let (f, server) = get_against(
        |_, _| {
            vec![Step::Write(response(
                429,
                &[
                    ("Retry-After", "999999"),
                    ("Content-Type", "application/json"),
                ],
                br#"{"message":"come back later"}"#,
            ))]
        },
        "5",
        &[],
    )
    .await;
    let line = assert_one_line_error(&f, 5);
    assert_eq!(
        line,
        "userscope: Coho: rate limited, retry in 999999 s: come back later"
    );
    assert_eq!(server.requests().len(), 1);
    assert!(f.elapsed < Duration::from_secs(5), "{:?}", f.elapsed);
}

// =============================================================================================
// 2. Hostile strings
// =============================================================================================

/// OSC 52 (clipboard write), clear screen, a C1 CSI, a bidi override, CR LF, NUL, DEL.
const HOSTILE: &str = "\u{1b}]52;c;aGFjaw==\u{7}\u{1b}[2J\u{9b}31m\u{202e}evil\r\nX\u{0}\u{7f}";
/// The same, as `sanitize` shows it.
const HOSTILE_SHOWN: &str = "␛]52;c;aGFjaw==␇␛[2J<U+009B>31m<U+202E>evil␍␊X␀␡";

fn api_key_var(vendor: VendorKind) -> String {
    format!("USERSCOPE_{}_API_KEY", vendor.as_str().to_ascii_uppercase())
}

/// A key of the vendor's documented shape (so no shape warning muddies stderr).
fn plain_key(vendor: VendorKind) -> String {
    match vendor {
        VendorKind::Usercom => "u".repeat(64),
        VendorKind::Vemetric => format!("vem_{}", "k1".repeat(16)),
        other => format!("{}-test-key", other.as_str()),
    }
}

/// Every string value gets the hostile suffix, and every object gains a hostile member.
fn poison(value: &Value) -> Value {
    match value {
        Value::String(s) => Value::String(format!("{s}{HOSTILE}")),
        Value::Array(items) => Value::Array(items.iter().map(poison).collect()),
        Value::Object(map) => {
            let mut out: Map<String, Value> =
                map.iter().map(|(k, v)| (k.clone(), poison(v))).collect();
            out.insert(format!("k{HOSTILE}"), Value::String(format!("v{HOSTILE}")));
            Value::Object(out)
        }
        other => other.clone(),
    }
}

/// The demo's rich user of each vendor: its lookup args and body.
fn rich_user(vendor: VendorKind) -> (&'static str, &'static str, &'static str) {
    let user = &userscope::demo::users(vendor)[0];
    (user.lookup.as_str(), user.value, user.body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_strings_in_every_vendors_profile_are_shown_not_executed() {
    for vendor in VendorKind::ALL {
        let (by, id, body) = rich_user(vendor);
        let poisoned = poison(&serde_json::from_str(body).unwrap()).to_string();
        let served = poisoned.clone();
        let server = FaultServer::start(move |_, _| json_response(200, &served)).await;
        let home = Home::new();
        let base = server.base_url();

        let mut cmd = home.command(&["get", vendor.as_str(), id, "--by", by, "--base-url", &base]);
        cmd.env(api_key_var(vendor), plain_key(vendor));
        let f = run_async(cmd, Duration::from_secs(30), None).await;
        assert_eq!(f.code, Some(0), "{vendor}: {}", f.describe());
        assert_terminal_safe(&format!("{vendor} text stdout"), &f.stdout);
        assert_terminal_safe(&format!("{vendor} stderr"), &f.stderr);
        let text = f.stdout_text();
        assert!(text.contains(HOSTILE_SHOWN), "{vendor}: {text}");
        assert!(
            text.contains(&format!("k{HOSTILE_SHOWN}")),
            "{vendor}: the hostile key is shown: {text}"
        );

        // Raw into a pipe: the bytes exactly as received.
        let mut cmd = home.command(&[
            "get",
            vendor.as_str(),
            id,
            "--by",
            by,
            "--base-url",
            &base,
            "--format",
            "raw",
        ]);
        cmd.env(api_key_var(vendor), plain_key(vendor));
        let f = run_async(cmd, Duration::from_secs(30), None).await;
        assert_eq!(f.code, Some(0), "{vendor}: {}", f.describe());
        assert_eq!(
            f.stdout,
            poisoned.as_bytes(),
            "{vendor}: raw is byte for byte"
        );
    }
}

/// An error body in the vendor's documented shape whose message is `message`.
fn error_body(vendor: VendorKind, message: &str) -> String {
    match vendor {
        VendorKind::Coho => json!({"error": "Error", "message": message}),
        VendorKind::Usercom => json!({"detail": message}),
        VendorKind::Foldspace => json!({"error": message}),
        VendorKind::Chakra => json!({"_data": null, "_meta": {}, "_errors": [message]}),
        VendorKind::Vemetric => json!({"error": {"code": "E", "message": message,
            "details": [{"field": message, "message": message}]}}),
    }
    .to_string()
}

/// (status, exit code, extra response headers)
type ErrorCase = (u16, i32, &'static [(&'static str, &'static str)]);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_strings_in_error_messages_are_sanitized_on_stderr() {
    let cases: [ErrorCase; 5] = [
        (404, 3, &[]),
        (401, 4, &[]),
        (400, 2, &[]),
        (500, 6, &[]),
        (429, 5, &[("Retry-After", "999999")]),
    ];
    for vendor in VendorKind::ALL {
        let (by, id, _) = rich_user(vendor);
        for (status, code, headers) in cases {
            let body = error_body(vendor, &format!("bad {HOSTILE} thing"));
            let server = FaultServer::start(move |_, _| {
                let mut h = vec![("Content-Type", "application/json")];
                h.extend_from_slice(headers);
                vec![Step::Write(response(status, &h, body.as_bytes()))]
            })
            .await;
            let home = Home::new();
            let mut cmd = home.command(&[
                "get",
                vendor.as_str(),
                id,
                "--by",
                by,
                "--base-url",
                &server.base_url(),
            ]);
            cmd.env(api_key_var(vendor), plain_key(vendor));
            let f = run_async(cmd, Duration::from_secs(30), None).await;
            let line = assert_one_line_error(&f, code);
            // Line breaks in a vendor message are folded to spaces; the rest is made visible.
            assert!(
                line.contains("bad ␛]52;c;aGFjaw==␇␛[2J<U+009B>31m<U+202E>evil X␀␡ thing"),
                "{vendor} {status}: {line}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_bytes_in_a_plain_500_body_and_a_redirect_location_are_sanitized() {
    let mut plain =
        b"internal \x1b]52;c;aGFjaw==\x07 \xc2\x9b31m \xe2\x80\xae evil \xff\x00 end".to_vec();
    plain.extend_from_slice(&[b'x'; 600]);
    let (f, _s) = get_against(
        move |_, _| {
            vec![Step::Write(response(
                500,
                &[("Content-Type", "text/plain")],
                &plain,
            ))]
        },
        "5",
        &[],
    )
    .await;
    let line = assert_one_line_error(&f, 6);
    assert!(
        line.starts_with("userscope: Coho answered HTTP 500 — body: internal ␛]52;c;aGFjaw==␇ <U+009B>31m <U+202E> evil �␀ end"),
        "{line}"
    );

    // Header values may carry UTF-8 (obs-text): a C1 CSI and a bidi override in Location.
    let (f, _s) = get_against(
        |_, _| {
            vec![Step::Write(b"HTTP/1.1 302 Found\r\nConnection: close\r\nContent-Length: 0\r\nLocation: http://127.0.0.1:9/\xc2\x9b2J\xe2\x80\xaeevil\r\n\r\n".to_vec())]
        },
        "5",
        &[],
    )
    .await;
    let line = assert_one_line_error(&f, 6);
    assert!(
        line.contains("redirect to http://127.0.0.1:9/<U+009B>2J<U+202E>evil not followed"),
        "{line}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_id_echoed_in_text_output_is_sanitized() {
    let server = FaultServer::start(|_, _| json_response(200, SMALL_BODY)).await;
    let home = Home::new();
    // argv cannot carry NUL; the rest of the hostile string can.
    let id = format!("u-1{}", HOSTILE.replace('\0', ""));
    let mut cmd = home.command(&["get", "coho", &id, "--base-url", &server.base_url()]);
    cmd.env("USERSCOPE_COHO_API_KEY", FAULT_KEY);
    let f = run_async(cmd, Duration::from_secs(30), None).await;
    assert_eq!(f.code, Some(0), "{}", f.describe());
    assert_terminal_safe("text stdout", &f.stdout);
    assert!(
        f.stdout_text()
            .contains(&format!("id u-1{}", HOSTILE_SHOWN.replace('␀', ""))),
        "{}",
        f.stdout_text()
    );
}

/// `script -qec CMD /dev/null` runs CMD with a pty as stdin/stdout/stderr.
fn script_available() -> bool {
    Command::new("script")
        .args(["-qec", "true", "/dev/null"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn shell_quote(arg: &str) -> String {
    format!("'{}'", arg.replace('\'', r"'\''"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raw_format_refuses_a_terminal_with_exit_2_before_sending() {
    if !script_available() {
        eprintln!(
            "SKIPPED raw_format_refuses_a_terminal_with_exit_2_before_sending: util-linux `script` cannot allocate a pty here"
        );
        return;
    }
    let server = FaultServer::start(|_, _| json_response(200, SMALL_BODY)).await;
    let home = Home::new();
    let inner: Vec<String> = [
        env!("CARGO_BIN_EXE_userscope"),
        "get",
        "coho",
        "u-1",
        "--format",
        "raw",
        "--base-url",
        &server.base_url(),
    ]
    .iter()
    .map(|a| shell_quote(a))
    .collect();
    let mut cmd = home.command(&[]);
    cmd.env("USERSCOPE_COHO_API_KEY", FAULT_KEY);
    cmd.env("TERM", "dumb");
    let mut script = Command::new("script");
    script.args(["-qec", &inner.join(" "), "/dev/null"]);
    script.env_clear();
    for (k, v) in cmd.get_envs() {
        if let Some(v) = v {
            script.env(k, v);
        }
    }
    let f = run_async(script, Duration::from_secs(30), None).await;
    assert_eq!(f.code, Some(2), "{}", f.describe());
    let text = f.stdout_text();
    assert!(
        text.contains("userscope: --format raw prints the vendor's bytes unfiltered and refuses to write them to a terminal"),
        "{text}"
    );
    assert_eq!(
        server.requests().len(),
        0,
        "raw refused, yet a request was sent"
    );
}

// =============================================================================================
// 3. Injection through the ID
// =============================================================================================

/// Where a lookup kind puts the ID.
#[derive(Clone, Copy, Debug)]
enum Placement {
    /// `prefix` + one encoded segment + `suffix`.
    Path(&'static str, &'static str),
    /// `path` + `?param=` + one encoded value.
    Query(&'static str, &'static str),
}

const ENDPOINTS: [(VendorKind, LookupKind, Placement); 8] = [
    (
        VendorKind::Coho,
        LookupKind::Id,
        Placement::Path("/api/data/user/", ""),
    ),
    (
        VendorKind::Usercom,
        LookupKind::Key,
        Placement::Query("/api/public/users/search/", "key"),
    ),
    (
        VendorKind::Usercom,
        LookupKind::Id,
        Placement::Path("/api/public/users/", "/"),
    ),
    (
        VendorKind::Usercom,
        LookupKind::Email,
        Placement::Query("/api/public/users/search/", "email"),
    ),
    (
        VendorKind::Foldspace,
        LookupKind::Identifier,
        Placement::Path("/v1/user/", ""),
    ),
    (
        VendorKind::Chakra,
        LookupKind::Id,
        Placement::Path("/v1/ext/user/", ""),
    ),
    (
        VendorKind::Vemetric,
        LookupKind::Id,
        Placement::Query("/v1/users/single", "id"),
    ),
    (
        VendorKind::Vemetric,
        LookupKind::Identifier,
        Placement::Query("/v1/users/single", "identifier"),
    ),
];

fn hostile_ids() -> Vec<String> {
    let mut ids: Vec<String> = [
        "../../admin",
        "..%2F..%2Fadmin",
        "%2e%2e%2fadmin",
        "a%2Fb",
        "a/b",
        "..\\..\\admin",
        "u-1?x=1",
        "u-1&id=2",
        "u-1#frag",
        "u-1;x=1",
        "a\r\nX-Injected: 1",
        "a\nX-Injected: 1",
        "%0d%0aX-Injected:%201",
        "..",
        ".",
        "ｕ-1001",
        "u‐1001",
        "１００１",
        " u-1 ",
        "u 1+2",
        "%",
        "@evil.example",
        "//evil.example/x",
        "http://evil.example/",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    ids.push("A".repeat(10 * 1024));
    ids
}

/// Characters an encoded ID may consist of on the wire: unreserved and `%XX`.
fn only_encoded(text: &str) -> bool {
    text.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b))
}

fn decoded(text: &str) -> Vec<u8> {
    percent_encoding::percent_decode_str(text).collect()
}

/// `Ok` when `target` is the documented endpoint carrying exactly `id`, else why not.
fn check_target(placement: Placement, target: &str, id: &str) -> Result<(), String> {
    match placement {
        Placement::Path(prefix, suffix) => {
            if target.contains('?') || target.contains('#') {
                return Err(format!("query or fragment in {target}"));
            }
            let rest = target
                .strip_prefix(prefix)
                .and_then(|r| r.strip_suffix(suffix))
                .ok_or_else(|| format!("{target} is not {prefix}…{suffix}"))?;
            if !only_encoded(rest) {
                return Err(format!("segment `{rest}` is not fully encoded"));
            }
            if decoded(rest) != id.as_bytes() {
                return Err(format!("segment `{rest}` does not decode to the ID"));
            }
        }
        Placement::Query(path, param) => {
            let (p, q) = target
                .split_once('?')
                .ok_or_else(|| format!("no query in {target}"))?;
            if p != path {
                return Err(format!("path {p} is not {path}"));
            }
            let value = q
                .strip_prefix(param)
                .and_then(|r| r.strip_prefix('='))
                .ok_or_else(|| format!("query `{q}` is not {param}=…"))?;
            if !only_encoded(value) {
                return Err(format!(
                    "value `{value}` is not fully encoded (one param only)"
                ));
            }
            if decoded(value) != id.as_bytes() {
                return Err(format!("value `{value}` does not decode to the ID"));
            }
        }
    }
    Ok(())
}

/// The server-side verdict can fail: it rejects traversal, extra segments, extra parameters
/// and values that do not decode to the ID.
#[test]
fn target_check_rejects_requests_that_leave_the_endpoint() {
    let path = Placement::Path("/api/data/user/", "");
    assert!(check_target(path, "/api/data/user/a%2Fb", "a/b").is_ok());
    assert!(check_target(path, "/api/data/user/a/b", "a/b").is_err());
    assert!(check_target(path, "/admin", "../../admin").is_err());
    assert!(check_target(path, "/api/data/user/u-1?x=1", "u-1?x=1").is_err());
    assert!(check_target(path, "/api/data/user/u-1", "u-2").is_err());
    assert!(check_target(path, "/api/data/user/%C3%BC", "ü").is_ok());
    let trailing = Placement::Path("/api/public/users/", "/");
    assert!(check_target(trailing, "/api/public/users/12", "12").is_err());
    let query = Placement::Query("/v1/users/single", "identifier");
    assert!(check_target(query, "/v1/users/single?identifier=a%26x%3D1", "a&x=1").is_ok());
    assert!(check_target(query, "/v1/users/single?identifier=a&x=1", "a&x=1").is_err());
    assert!(check_target(query, "/v1/users/single?id=1", "1").is_err());
    assert!(check_target(query, "/v1/users/single/?identifier=a", "a").is_err());
}

async fn hostile_ids_at(vendor: VendorKind) {
    let server =
        FaultServer::start(|_, _| json_response(404, r#"{"message":"no such user"}"#)).await;
    let home = Home::new();
    let mut refused = Vec::new();
    for (v, kind, placement) in ENDPOINTS {
        if v != vendor {
            continue;
        }
        for id in hostile_ids() {
            let before = server.requests().len();
            let mut cmd = home.command(&[
                "get",
                vendor.as_str(),
                &id,
                "--by",
                kind.as_str(),
                "--base-url",
                &server.base_url(),
            ]);
            cmd.env(api_key_var(vendor), plain_key(vendor));
            let f = run_async(cmd, Duration::from_secs(30), None).await;
            let requests = server.requests();
            let new = &requests[before..];
            let shown = truncated(&format!("{id:?}"), 40);
            if f.code == Some(2) {
                assert_one_line_error(&f, 2);
                assert!(
                    new.is_empty(),
                    "{vendor} {kind} {shown}: refused after sending {new:?}"
                );
                refused.push(format!("{kind} {shown}"));
                continue;
            }
            let line = assert_one_line_error(&f, 3);
            assert_eq!(new.len(), 1, "{vendor} {kind} {shown}: {line}");
            let request = &new[0];
            assert_eq!(request.method, "GET");
            assert!(
                request.header("x-injected").is_none(),
                "{vendor} {kind} {shown}: header injected: {:?}",
                request.headers
            );
            if let Err(why) = check_target(placement, &request.target, &id) {
                panic!("{vendor} {kind} {shown}: {why}");
            }
        }
    }
    // The 10 KiB ID and the dot segments can never be sent; digit-only kinds refuse the rest.
    assert!(
        refused.iter().any(|r| r.contains("AAAA")),
        "{vendor}: {refused:?}"
    );
    eprintln!("{vendor}: refused with exit 2: {refused:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_ids_coho() {
    hostile_ids_at(VendorKind::Coho).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_ids_usercom() {
    hostile_ids_at(VendorKind::Usercom).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_ids_foldspace() {
    hostile_ids_at(VendorKind::Foldspace).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_ids_chakra() {
    hostile_ids_at(VendorKind::Chakra).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_ids_vemetric() {
    hostile_ids_at(VendorKind::Vemetric).await;
}

/// NUL cannot travel in a process argument, so IDs with NUL (and the rest of the table) are
/// also checked one level down, on the request the adapter builds.
#[test]
fn hostile_ids_with_nul_build_the_documented_request_or_are_refused() {
    let mut ids = hostile_ids();
    ids.extend(["a\0b".to_owned(), "\0".to_owned(), "..\0".to_owned()]);
    for (vendor, kind, placement) in ENDPOINTS {
        let base = if vendor == VendorKind::Usercom {
            "https://acme.user.com"
        } else {
            "https://vendor.example"
        };
        let conn = Connection {
            name: vendor.as_str().to_owned(),
            vendor,
            base_url: url::Url::parse(base).unwrap(),
            auth_url: None,
        };
        for id in &ids {
            match vendor
                .adapter()
                .build_request(&conn, &Lookup::new(kind, id.clone()))
            {
                Ok(spec) => {
                    assert_eq!(&spec.url[..url::Position::BeforePath], base);
                    let target = &spec.url[url::Position::BeforePath..];
                    if let Err(why) = check_target(placement, target, id) {
                        panic!("{vendor} {kind} {id:?}: {why}");
                    }
                }
                Err(e) => assert_eq!(e.exit_code(), 2, "{vendor} {kind} {id:?}: {e}"),
            }
        }
    }
}

// =============================================================================================
// 4. Keys never leak
// =============================================================================================

/// Every canary key contains this marker, and nothing else on the machine does: it holds this
/// test process's id, so a concurrent run elsewhere cannot trip the `/proc` scan.
fn canary() -> &'static str {
    static MARKER: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    MARKER.get_or_init(|| format!("leakcanary{:x}", std::process::id()))
}

/// A canary key of the vendor's documented shape.
fn canary_key(vendor: VendorKind) -> String {
    let padded = |prefix: String, len: usize| {
        let filler = "0123456789abcdefghijklmnopqrstuvwxyz";
        let mut key = prefix;
        let missing = len.saturating_sub(key.len());
        key.extend(filler.chars().cycle().take(missing));
        key
    };
    match vendor {
        VendorKind::Usercom => padded(format!("{}usercom", canary()), 64),
        VendorKind::Vemetric => format!("vem_{}", padded(canary().to_owned(), 32)),
        other => format!("{}-{}-7f3a9c2e5b1d4086", other.as_str(), canary()),
    }
}

/// The lookup (kind, value) of each vendor whose value tells the leak server what to do.
fn leak_lookup(vendor: VendorKind, action: &str) -> (&'static str, String) {
    match vendor {
        VendorKind::Vemetric => ("identifier", action.to_owned()),
        other => (other.default_lookup().as_str(), action.to_owned()),
    }
}

fn vendor_of(target: &str) -> VendorKind {
    if target.starts_with("/api/data/user/") {
        VendorKind::Coho
    } else if target.starts_with("/api/public/users/") {
        VendorKind::Usercom
    } else if target.starts_with("/v1/user/") {
        VendorKind::Foldspace
    } else if target.starts_with("/v1/ext/user/") {
        VendorKind::Chakra
    } else {
        VendorKind::Vemetric
    }
}

/// Answers by the action named in the ID, echoing whatever key it received.
fn leak_script(elsewhere: String) -> impl Fn(&SeenRequest, usize) -> Vec<Step> + Send + Sync {
    move |request, _| {
        let vendor = vendor_of(&request.target);
        let echo = request.auth_value().unwrap_or("no key").to_owned();
        let message = format!("the key {echo} is not valid here");
        let with_echo = |status: u16, extra: &[(&str, &str)], body: &str| {
            let mut headers = vec![
                ("Content-Type", "application/json"),
                ("X-Echo-Key", echo.as_str()),
                ("WWW-Authenticate", echo.as_str()),
            ];
            headers.extend_from_slice(extra);
            vec![Step::Write(response(status, &headers, body.as_bytes()))]
        };
        let target = &request.target;
        if target.contains("echo401") {
            with_echo(401, &[], &error_body(vendor, &message))
        } else if target.contains("echo403") {
            with_echo(403, &[], &error_body(vendor, &message))
        } else if target.contains("echo404") {
            with_echo(404, &[], &error_body(vendor, &message))
        } else if target.contains("echo429") {
            with_echo(
                429,
                &[("Retry-After", "999999")],
                &error_body(vendor, &message),
            )
        } else if target.contains("echo500text") {
            let headers = [
                ("Content-Type", "text/plain"),
                ("X-Echo-Key", echo.as_str()),
            ];
            vec![Step::Write(response(500, &headers, message.as_bytes()))]
        } else if target.contains("echo500") {
            with_echo(500, &[], &error_body(vendor, &message))
        } else if target.contains("echo200bad") {
            with_echo(200, &[], &format!("{message} is not JSON"))
        } else if target.contains("redirect") {
            let location = format!("{elsewhere}/collect?k={}", echo.replace(' ', "+"));
            with_echo(302, &[("Location", &location)], "")
        } else {
            // Slow enough that the command-line sampler sees the process alive.
            let mut steps = vec![Step::Sleep(Duration::from_millis(300))];
            steps.extend(json_response(200, rich_user(vendor).2));
            steps
        }
    }
}

#[track_caller]
fn assert_no_canary(what: &str, bytes: &[u8]) {
    assert_absent(canary(), what, bytes);
}

#[track_caller]
fn assert_absent(needle: &str, what: &str, bytes: &[u8]) {
    assert!(
        !contains(bytes, needle.as_bytes()),
        "{what} leaks a key: {}",
        truncated(&String::from_utf8_lossy(bytes), 3000)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_never_leak_through_output_errors_logs_or_process_arguments() {
    let elsewhere = FaultServer::start_on("127.0.0.2:0", |_, _| json_response(200, "{}"))
        .await
        .unwrap_or(FaultServer::start(|_, _| json_response(200, "{}")).await);
    let server = FaultServer::start(leak_script(elsewhere.base_url())).await;
    let home = Home::new();
    let all_keys: Vec<(String, String)> = VendorKind::ALL
        .iter()
        .map(|v| (api_key_var(*v), canary_key(*v)))
        .collect();
    let runs: [(&str, &str, i32); 11] = [
        ("ok", "text", 0),
        ("ok", "json", 0),
        ("ok", "raw", 0),
        ("echo401", "text", 4),
        ("echo403", "json", 4),
        ("echo404", "text", 3),
        ("echo429", "text", 5),
        ("echo500", "text", 6),
        ("echo500text", "text", 6),
        ("echo200bad", "json", 6),
        ("redirect", "text", 6),
    ];
    let mut sampled_alive = 0;
    for vendor in VendorKind::ALL {
        for (action, format, code) in runs {
            let (by, id) = leak_lookup(vendor, action);
            let mut cmd = home.command(&[
                "get",
                vendor.as_str(),
                &id,
                "--by",
                by,
                "--format",
                format,
                "--base-url",
                &server.base_url(),
            ]);
            cmd.envs(all_keys.iter().map(|(k, v)| (k, v)));
            cmd.env("USERSCOPE_LOG", "trace");
            let f = run_async(cmd, Duration::from_secs(30), Some(canary().to_owned())).await;
            let what = format!("{vendor} {action} --format {format}");
            assert_eq!(f.code, Some(code), "{what}: {}", f.describe());
            assert_no_canary(&format!("{what} stdout"), &f.stdout);
            assert_no_canary(&format!("{what} stderr"), &f.stderr);
            assert!(f.cmdline_hits.is_empty(), "{what}: {:?}", f.cmdline_hits);
            if f.proc_samples > 0 {
                sampled_alive += 1;
            }
            if code != 0 {
                assert_one_line_error(&f, code);
            }
        }
    }
    // The server did receive every key (so the echoes above carried them) …
    let received: Vec<String> = server
        .requests()
        .iter()
        .filter_map(|r| r.auth_value().map(str::to_owned))
        .collect();
    for vendor in VendorKind::ALL {
        let key = canary_key(vendor);
        assert!(
            received.iter().any(|v| v.contains(&key)),
            "{vendor} key never sent"
        );
    }
    // … the redirect target got nothing …
    assert!(
        elsewhere.requests().is_empty(),
        "{:?}",
        elsewhere.requests()
    );
    // … and `vendors` with every key set shows none of them.
    let mut cmd = home.command(&["vendors"]);
    cmd.envs(all_keys.iter().map(|(k, v)| (k, v)));
    cmd.env("USERSCOPE_LOG", "trace");
    let f = run_async(cmd, Duration::from_secs(30), Some(canary().to_owned())).await;
    assert_eq!(f.code, Some(0), "{}", f.describe());
    assert_no_canary("vendors stdout", &f.stdout);
    assert_no_canary("vendors stderr", &f.stderr);
    assert!(f.cmdline_hits.is_empty(), "{:?}", f.cmdline_hits);

    // `keys list` (no keyring reachable here: env keys only) and `keys test` against an
    // answer that echoes the key.
    let mut commands: Vec<(Vec<String>, Option<i32>)> =
        vec![(vec!["keys".into(), "list".into()], None)];
    for vendor in VendorKind::ALL {
        if vendor == VendorKind::Vemetric {
            continue; // `keys test` looks up by id, which Vemetric wants as digits.
        }
        let args = [
            "keys",
            "test",
            vendor.as_str(),
            "--id",
            "echo401",
            "--base-url",
            &server.base_url(),
        ];
        commands.push((args.iter().map(|a| (*a).to_owned()).collect(), Some(4)));
    }
    for (args, code) in commands {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut cmd = home.command(&args);
        cmd.envs(all_keys.iter().map(|(k, v)| (k, v)));
        cmd.env("USERSCOPE_LOG", "trace");
        let f = run_async(cmd, Duration::from_secs(30), Some(canary().to_owned())).await;
        let what = args.join(" ");
        if let Some(code) = code {
            assert_eq!(f.code, Some(code), "{what}: {}", f.describe());
        }
        assert_no_canary(&format!("{what} stdout"), &f.stdout);
        assert_no_canary(&format!("{what} stderr"), &f.stderr);
        assert!(f.cmdline_hits.is_empty(), "{what}: {:?}", f.cmdline_hits);
    }

    // Nothing written under HOME (log, history, state) holds a key; the log exists and has
    // the lookups in it, so this check can fail.
    let log = std::fs::read_to_string(home.log_file()).expect("the log file is written");
    assert!(log.contains("lookup"), "{log}");
    for file in home.files() {
        assert_no_canary(&file.display().to_string(), &std::fs::read(&file).unwrap());
    }
    assert!(
        // At least the 15 slow (300 ms) successful runs were seen alive.
        sampled_alive >= 15,
        "the process list was sampled in only {sampled_alive} runs"
    );
}

/// Planted by the detector self-test; distinct from [`canary`] because the tests run in
/// parallel and the leak test samples every process on the machine.
const PLANTED: &str = "plantedcanary";

/// The detectors above can fail: a planted canary is found in a process argument while the
/// process runs, in its output, and in a file.
#[test]
fn leak_detectors_find_a_planted_key() {
    let mut cmd = Command::new("sh");
    cmd.args([
        "-c",
        "echo \"$0\"; sleep 0.3",
        &format!("planted-{PLANTED}-argv"),
    ]);
    let f = run(cmd, Duration::from_secs(10), Some(PLANTED));
    assert_eq!(f.code, Some(0), "{}", f.describe());
    assert!(
        f.cmdline_hits
            .iter()
            .any(|h| h.contains(&format!("planted-{PLANTED}-argv"))),
        "the process-argument sampler missed it ({} samples)",
        f.proc_samples
    );
    let caught = std::panic::catch_unwind(|| assert_absent(PLANTED, "stdout", &f.stdout));
    assert!(caught.is_err(), "assert_no_canary missed the planted key");
    let home = Home::new();
    let file = home.path().join("state/userscope/planted.log");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, format!("x {PLANTED} y")).unwrap();
    assert!(home.files().contains(&file));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_are_refused_for_plain_http_to_other_machines_before_connecting() {
    let home = Home::new();
    for vendor in VendorKind::ALL {
        let (by, id, _) = rich_user(vendor);
        for base in [
            "http://10.255.255.1:9",
            "http://localhost.evil.invalid:9",
            "http://[::ffff:10.255.255.1]:9",
        ] {
            for via_env in [false, true] {
                let mut args = vec![
                    "get",
                    vendor.as_str(),
                    id,
                    "--by",
                    by,
                    "--connect-timeout",
                    "5",
                    "--timeout",
                    "5",
                ];
                if !via_env {
                    args.extend(["--base-url", base]);
                }
                let mut cmd = home.command(&args);
                if via_env {
                    cmd.env(
                        format!(
                            "USERSCOPE_{}_BASE_URL",
                            vendor.as_str().to_ascii_uppercase()
                        ),
                        base,
                    );
                }
                cmd.env(api_key_var(vendor), canary_key(vendor));
                let f = run_async(cmd, Duration::from_secs(30), None).await;
                let line = assert_one_line_error(&f, 2);
                assert!(
                    line.starts_with("userscope: refusing to send the API key to http://"),
                    "{vendor} {base}: {line}"
                );
                // Refused before connecting: far quicker than the 5 s connect timeout.
                assert!(
                    f.elapsed < Duration::from_millis(2500),
                    "{vendor} {base}: {:?}",
                    f.elapsed
                );
                assert_no_canary("stderr", &f.stderr);
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coho_client_secret_is_refused_for_a_plain_http_auth_url_elsewhere() {
    let server = FaultServer::start(|_, _| json_response(200, SMALL_BODY)).await;
    let home = Home::new();
    let mut cmd = home.command(&[
        "get",
        "coho",
        "u-1",
        "--base-url",
        &server.base_url(),
        "--connect-timeout",
        "5",
    ]);
    cmd.env("USERSCOPE_COHO_CLIENT_ID", "client-1")
        .env("USERSCOPE_COHO_SECRET", format!("secret-{}-1", canary()))
        .env("USERSCOPE_COHO_AUTH_URL", "http://10.255.255.1:9");
    let f = run_async(cmd, Duration::from_secs(30), None).await;
    let line = assert_one_line_error(&f, 2);
    assert!(
        line.starts_with("userscope: refusing to send the API key to http://10.255.255.1:9"),
        "{line}"
    );
    assert!(f.elapsed < Duration::from_millis(2500), "{:?}", f.elapsed);
    assert_no_canary("stderr", &f.stderr);
    assert!(server.requests().is_empty(), "{:?}", server.requests());
}

// =============================================================================================
// 5. Fuzzing every vendor parser
// =============================================================================================

fn fuzz_cases() -> u32 {
    std::env::var("USERSCOPE_FUZZ_CASES")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(512)
}

/// Run `check` on `cases` values of `strategy`; a panic or an assertion failure fails the
/// test with the shrunk input. Returns how many inputs ran.
fn fuzz<S: Strategy>(name: &str, strategy: S, check: impl Fn(S::Value)) -> u64
where
    S::Value: std::fmt::Debug,
{
    let count = AtomicU64::new(0);
    let mut runner = TestRunner::new(ProptestConfig {
        cases: fuzz_cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    let result = runner.run(&strategy, |value| {
        count.fetch_add(1, Ordering::Relaxed);
        check(value);
        Ok(())
    });
    if let Err(e) = result {
        panic!("fuzz {name}: {e}");
    }
    let n = count.load(Ordering::Relaxed);
    eprintln!("fuzz {name}: {n} inputs, 0 panics");
    n
}

fn arb_string() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,12}",
        "[a-zA-Z0-9_ -]{0,12}",
        Just(HOSTILE.to_owned()),
        Just(String::new()),
        Just("2024-03-01T10:00:00Z".to_owned()),
        Just("u-1001".to_owned()),
    ]
}

fn arb_number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        Just(Value::from(0)),
        Just(Value::from(i64::MAX)),
        Just(Value::from(i64::MIN)),
        Just(Value::from(u64::MAX)),
        Just(Value::from(1_700_000_000_000i64)),
        Just(Value::from(-1)),
    ]
}

/// Keys the vendors document, so that random JSON often lands in documented slots.
const KEYS: &[&str] = &[
    "_data",
    "_meta",
    "_errors",
    "user",
    "userId",
    "id",
    "identifier",
    "identifyId",
    "name",
    "email",
    "displayName",
    "firstName",
    "middleName",
    "lastName",
    "username",
    "userProperties",
    "properties",
    "calculatedProperties",
    "tags",
    "segments",
    "attributes",
    "lists",
    "data",
    "customAttributes",
    "products",
    "location",
    "timezone",
    "country",
    "city",
    "continent",
    "region",
    "userType",
    "anonymous",
    "status",
    "key",
    "value",
    "timeframe",
    "signUpDate",
    "createdAt",
    "lastSeen",
    "team",
    "role",
    "profile",
    "onboardingData",
    "phones",
    "emails",
    "message",
    "error",
    "detail",
    "details",
    "code",
    "field",
    "name_std",
    "countryCode",
];

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        arb_number(),
        arb_string().prop_map(Value::from),
    ];
    leaf.prop_recursive(5, 96, 8, |inner| {
        let key = prop_oneof![3 => proptest::sample::select(KEYS).prop_map(str::to_owned), 1 => arb_string()];
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((key, inner), 0..8)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

/// Every path (object keys / array indices) to a node of `value`, the root included.
fn paths(value: &Value) -> Vec<Vec<PathStep>> {
    let mut out = vec![Vec::new()];
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                for mut p in paths(v) {
                    p.insert(0, PathStep::Key(k.clone()));
                    out.push(p);
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                for mut p in paths(v) {
                    p.insert(0, PathStep::Index(i));
                    out.push(p);
                }
            }
        }
        _ => {}
    }
    out
}

#[derive(Clone, Debug)]
enum PathStep {
    Key(String),
    Index(usize),
}

fn replace_at(value: &mut Value, path: &[PathStep], with: Value) {
    let Some((first, rest)) = path.split_first() else {
        *value = with;
        return;
    };
    let child = match (first, value) {
        (PathStep::Key(k), Value::Object(map)) => map.get_mut(k),
        (PathStep::Index(i), Value::Array(items)) => items.get_mut(*i),
        _ => None,
    };
    if let Some(child) = child {
        replace_at(child, rest, with);
    }
}

/// Normalize, then render as `get` would (text and JSON): nothing may panic, and the text
/// must be safe for a terminal.
fn normalize_and_render(vendor: VendorKind, body: Value) {
    let raw = body.to_string();
    let Ok(normalized) = vendor.adapter().normalize(body) else {
        return;
    };
    let outcome = LookupOutcome {
        vendor,
        connection: vendor.as_str().to_owned(),
        lookup: Lookup::new(vendor.default_lookup(), "u-1"),
        request: RequestInfo {
            method: "GET".to_owned(),
            url: "https://vendor.example/x".to_owned(),
            status: 200,
            elapsed_ms: 1,
            response_headers: vec![],
            request_headers: vec![],
        },
        profile: normalized.profile,
        raw: bytes::Bytes::from(raw),
        warnings: normalized.warnings,
        origin: userscope::lookup::Origin::Request,
    };
    let text = userscope::output::render_text(&outcome, chrono::Utc::now());
    if let Some(c) = text.chars().find(|c| forbidden_char(*c)) {
        panic!("raw control U+{:04X} in text output: {text:?}", c as u32);
    }
    userscope::output::render_json(&outcome).expect("JSON output renders");
}

#[track_caller]
fn check_message(vendor: VendorKind, message: Option<String>) {
    if let Some(m) = message {
        assert!(!m.trim().is_empty(), "{vendor}: empty message");
        assert!(
            !m.contains('\n') && !m.contains('\r'),
            "{vendor}: not one line: {m:?}"
        );
        assert!(
            m.chars().count() <= 301,
            "{vendor}: {} chars",
            m.chars().count()
        );
    }
}

const STATUSES: &[u16] = &[400, 401, 403, 404, 422, 429, 500, 502, 503];

fn fuzz_vendor(vendor: VendorKind) {
    let name = vendor.as_str();
    let adapter = vendor.adapter();
    let mut total = 0;

    total += fuzz(
        &format!("{name} error_message(arbitrary bytes)"),
        (
            proptest::sample::select(STATUSES),
            proptest::collection::vec(any::<u8>(), 0..512),
        ),
        |(status, body)| check_message(vendor, adapter.error_message(status, &body)),
    );
    total += fuzz(
        &format!("{name} error_message(arbitrary JSON)"),
        (proptest::sample::select(STATUSES), arb_json()),
        |(status, body)| {
            check_message(
                vendor,
                adapter.error_message(status, body.to_string().as_bytes()),
            )
        },
    );
    total += fuzz(
        &format!("{name} parse+normalize(arbitrary bytes)"),
        proptest::collection::vec(any::<u8>(), 0..512),
        |bytes| {
            if let Ok(value) = serde_json::from_slice::<Value>(&bytes) {
                normalize_and_render(vendor, value);
            }
        },
    );
    total += fuzz(
        &format!("{name} normalize(arbitrary JSON)"),
        arb_json(),
        |body| normalize_and_render(vendor, body),
    );
    let wrapped = arb_json().prop_map(move |inner| match vendor {
        VendorKind::Chakra => json!({"_data": inner, "_meta": {}, "_errors": []}),
        VendorKind::Vemetric => json!({"user": inner}),
        _ => inner,
    });
    total += fuzz(
        &format!("{name} normalize(arbitrary JSON in the wrapper)"),
        wrapped,
        |body| normalize_and_render(vendor, body),
    );
    // The documented example with one node (any depth) swapped for arbitrary JSON: the
    // type confusions a real vendor bug would produce.
    let rich: Value = serde_json::from_str(rich_user(vendor).2).unwrap();
    let all_paths = paths(&rich);
    let mutated =
        (proptest::sample::select(all_paths), arb_json()).prop_map(move |(path, with)| {
            let mut body = rich.clone();
            replace_at(&mut body, &path, with);
            body
        });
    total += fuzz(
        &format!("{name} normalize(documented body, one node replaced)"),
        mutated,
        |body| normalize_and_render(vendor, body),
    );
    eprintln!("fuzz {name}: {total} inputs in all, 0 panics");
}

#[test]
fn fuzz_coho() {
    fuzz_vendor(VendorKind::Coho);
}

#[test]
fn fuzz_usercom() {
    fuzz_vendor(VendorKind::Usercom);
}

#[test]
fn fuzz_foldspace() {
    fuzz_vendor(VendorKind::Foldspace);
}

#[test]
fn fuzz_chakra() {
    fuzz_vendor(VendorKind::Chakra);
}

#[test]
fn fuzz_vemetric() {
    fuzz_vendor(VendorKind::Vemetric);
}

/// The Raw pane's index over any body: never panics; for JSON it draws exactly what a
/// pretty-printer draws (whatever the spacing sent), and a body cut short or with a byte
/// flipped is either still JSON or shown as text, never half a tree. The parse sized from the
/// index gives the plain parse's value or error, byte for byte.
#[test]
fn fuzz_raw_index() {
    use userscope::json::JsonTree;
    fn pretty(t: &JsonTree) -> String {
        (0..t.line_count())
            .map(|i| {
                let l = t.line(i).unwrap();
                format!("{}{}", "  ".repeat(l.depth), l.text())
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
    let strategy = (
        arb_json(),
        any::<bool>(),
        any::<prop::sample::Index>(),
        any::<u8>(),
    );
    fuzz("raw index", strategy, |(value, minified, at, byte)| {
        let body = if minified {
            serde_json::to_vec(&value).unwrap()
        } else {
            serde_json::to_vec_pretty(&value).unwrap()
        };
        let tree = JsonTree::of(bytes::Bytes::from(body.clone()));
        assert!(!tree.is_text());
        assert_eq!(pretty(&tree), serde_json::to_string_pretty(&value).unwrap());
        for i in 0..tree.line_count() {
            let _ = tree.path(i);
            let _ = tree.value_text(i);
        }
        // Damaged bodies: truncated, or one byte replaced.
        let cut = at.index(body.len().max(1));
        // The head `userscope open` reads first is always JSON itself.
        if let Some(head) = userscope::json::sample::head(&body, cut)
            && let Err(e) = serde_json::from_slice::<Value>(&head)
        {
            panic!(
                "head at {cut} is not JSON ({e}): {}",
                String::from_utf8_lossy(&head)
            );
        }
        let mut damaged = vec![body[..cut].to_vec(), body.clone()];
        if let Some(b) = damaged[1].get_mut(cut) {
            *b = byte;
        }
        for bytes in damaged.into_iter().chain([body]) {
            // The sized parse `userscope open` uses is a plain parse, errors included.
            let plain = serde_json::from_slice::<Value>(&bytes);
            let sized =
                userscope::json::sized_parse::parse(&bytes, &userscope::json::index(&bytes));
            match (&plain, &sized) {
                (Ok(a), Ok(b)) => assert_eq!(
                    serde_json::to_string(a).unwrap(),
                    serde_json::to_string(b).unwrap()
                ),
                (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
                _ => panic!("sized parse {sized:?} vs plain {plain:?}"),
            }
            let valid = plain.is_ok();
            let tree = JsonTree::of(bytes::Bytes::from(bytes));
            if valid {
                assert!(!tree.is_text(), "valid JSON indexed as text");
            }
            for i in 0..tree.line_count() {
                let _ = tree.path(i);
                let _ = tree.value_text(i);
                let _ = tree.line(i).map(|l| l.text());
            }
        }
    });
}

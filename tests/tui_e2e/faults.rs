//! The TUI against a faulty vendor server (`support::fault_server`), with a recognizable key
//! that must never leak: every fault ends in an error state, the TUI stays usable, and the key
//! reaches no screen, file, clipboard or process argument.

use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::support::fault_server::{
    FaultServer, Step, gzip_of_16_mib_of_zeros, head_with_reason as head,
};
use crate::support::leaks::{files_containing, processes_with_in_argv};
use crate::tmux::Tmux;
use crate::{BIN, tmux_available};

/// The accept loop stops by itself after this long, whatever the test does.
const SERVER_BOUND: Duration = Duration::from_secs(120);
const MIB: usize = 1024 * 1024;

/// A fault server whose answer is picked by the request target, so one TUI session can walk
/// through every fault by editing the lookup. Stops when dropped or after `SERVER_BOUND`.
pub(crate) fn serve_by_target(
    script: impl Fn(&str) -> Vec<Step> + Send + Sync + 'static,
) -> FaultServer {
    FaultServer::start_for(SERVER_BOUND, move |request, _| script(&request.target))
}

fn response(status: &str, content_type: &str, extra: &[(&str, &str)], body: &[u8]) -> Step {
    let length = body.len().to_string();
    let mut headers = vec![("Content-Type", content_type), ("Content-Length", &length)];
    headers.extend_from_slice(extra);
    let mut bytes = head(status, &headers);
    bytes.extend_from_slice(body);
    Step::Write(bytes)
}

pub(crate) const PERSON: &str = "Ann Example";
const GOOD_BODY: &str =
    r#"{"userId":"u-ok","userProperties":{"name":"Ann Example","email":"ann@example.com"}}"#;

/// The faults, picked by the ID in `/api/data/user/ID`. `key` is echoed back in every way a
/// careless vendor could; `decoy` is another origin that must never be contacted.
pub(crate) fn fault_script(
    key: String,
    decoy: SocketAddr,
) -> impl Fn(&str) -> Vec<Step> + Send + Sync {
    move |target| {
        let id = target.rsplit('/').next().unwrap_or("");
        match id {
            "slow-headers" => vec![
                Step::Sleep(Duration::from_secs(8)),
                response("200 OK", "application/json", &[], GOOD_BODY.as_bytes()),
            ],
            "reset-mid-body" => vec![
                Step::Write(head(
                    "200 OK",
                    &[
                        ("Content-Type", "application/json"),
                        ("Content-Length", "1000"),
                    ],
                )),
                Step::Write(br#"{"userId":"u-ok","userProperties":{"name":"Ann Example""#.to_vec()),
                Step::Sleep(Duration::from_millis(100)),
                Step::Reset,
            ],
            "html-500" => vec![response(
                "500 Internal Server Error",
                "text/html",
                &[],
                b"<!DOCTYPE html><html><body><h1>Whoops-html-page</h1></body></html>",
            )],
            "wrong-shape" => vec![response(
                "200 OK",
                "application/json",
                &[],
                br#"[{"userId":"u-ok","userProperties":{"name":"Ann Example"}}]"#,
            )],
            // No length: the 1 MiB cap must be enforced while streaming.
            "huge-body" => {
                let mut body = br#"{"userId":"u-ok","pad":""#.to_vec();
                body.resize(20 * MIB, b'a');
                let mut bytes = head("200 OK", &[("Content-Type", "application/json")]);
                bytes.extend_from_slice(&body);
                vec![Step::Write(bytes)]
            }
            "redirect" => {
                let location = format!("http://{decoy}/api/data/user/u-ok?k={key}");
                vec![response(
                    "302 Found",
                    "text/plain",
                    &[("Location", &location)],
                    b"",
                )]
            }
            "echo-401" => {
                let body = format!(r#"{{"message":"invalid API key {key}"}}"#);
                let realm = format!("Bearer realm=\"{key}\"");
                let echo = format!("you sent {key}");
                vec![response(
                    "401 Unauthorized",
                    "application/json",
                    &[("WWW-Authenticate", &realm), ("X-Echo", &echo)],
                    body.as_bytes(),
                )]
            }
            _ => {
                let echo = format!("you sent Bearer {key}");
                vec![response(
                    "200 OK",
                    "application/json",
                    &[
                        ("X-Echo-Key", &key),
                        ("X-Echo", &echo),
                        ("X-Bidi", "abc\u{202e}fed\u{9b}31m"),
                    ],
                    GOOD_BODY.as_bytes(),
                )]
            }
        }
    }
}

/// A fake key nobody else uses, so a hit anywhere is ours.
pub(crate) fn canary_key(tag: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("CANARYKEY{tag}{}x{nanos}", std::process::id())
}

/// The environment for the real-vendor TUI, in a file outside HOME that the shell sources:
/// the key never appears on a command line, on screen or under HOME.
pub(crate) struct VendorEnv {
    dir: tempfile::TempDir,
}

impl VendorEnv {
    pub(crate) fn new(key: &str, base_url: &str, config: &str, extra: &str) -> VendorEnv {
        let dir = tempfile::tempdir().unwrap();
        let config_path = dir.path().join("config.toml");
        std::fs::write(&config_path, config).unwrap();
        std::fs::write(
            dir.path().join("env"),
            format!(
                "export USERSCOPE_COHO_API_KEY='{key}' USERSCOPE_COHO_BASE_URL='{base_url}' \
                 USERSCOPE_CONFIG='{}' USERSCOPE_LOG=trace {extra}\n",
                config_path.display()
            ),
        )
        .unwrap();
        VendorEnv { dir }
    }

    pub(crate) fn source_line(&self) -> String {
        format!(". '{}'", self.dir.path().join("env").display())
    }
}

/// Screens seen by a test, searched for the key at the end.
#[derive(Default)]
struct Seen(Vec<String>);

impl Seen {
    fn keep(&mut self, screen: String) -> String {
        self.0.push(screen.clone());
        screen
    }

    #[track_caller]
    fn assert_never(&self, needle: &str) {
        for screen in &self.0 {
            assert!(
                !screen.contains(needle),
                "{needle:?} reached the screen:\n{screen}"
            );
        }
    }
}

/// Edit the lookup (the field has focus after an error), run it, wait for its error state, and
/// check no profile was shown.
#[track_caller]
fn lookup_fails(tmux: &Tmux, seen: &mut Seen, id: &str, needles: &[&str]) -> String {
    tmux.keys(&["C-u"]);
    assert!(
        tmux.run(&["send-keys", "-t", "e2e", "-l", id])
            .status
            .success()
    );
    tmux.wait_for(&[&format!("› {id}")]);
    tmux.keys(&["Enter"]);
    let screen = seen.keep(tmux.wait_for(needles));
    assert_no_profile(&screen);
    screen
}

#[track_caller]
fn assert_no_profile(screen: &str) {
    assert!(
        !screen.contains(PERSON) && !screen.contains("8 Request"),
        "a failed lookup must not show a profile:\n{screen}"
    );
}

#[test]
fn faulty_servers_show_an_error_state_and_keys_never_leak() {
    if !tmux_available() {
        println!("SKIPPED: tmux is not installed (the CI script installs it)");
        return;
    }
    let key = canary_key("tui");
    // Another origin: a redirect there must not be followed (the key would go along).
    let decoy = serve_by_target(|_| Vec::new());
    let server = serve_by_target(fault_script(key.clone(), decoy.addr()));
    let env = VendorEnv::new(
        &key,
        &server.base_url(),
        "[http]\ntimeout_secs = 2\nmax_body_mib = 1\n",
        "",
    );
    let tmux = Tmux::start("faults");
    // tmux keeps what the app copies with OSC 52 as a paste buffer, so the copy can be checked.
    tmux.run(&["set-option", "-g", "set-clipboard", "on"]);
    let mut seen = Seen::default();
    tmux.wait_for(&["e2e$"]);
    tmux.line(&env.source_line());
    tmux.line(&format!(
        "'{BIN}' --vendor coho --lookup slow-headers; echo USERSCOPE_EXITED_$?"
    ));

    // 1. Slow headers: the 2 s timeout from the config file ends it with an error state.
    let started = Instant::now();
    let screen = seen.keep(tmux.wait_for(&["Timed out", "within 2 s"]));
    assert_no_profile(&screen);
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "the timeout ends the lookup, not the server: {:?}",
        started.elapsed()
    );
    assert!(tmux.alternate_screen_on());

    // 2. Connection reset mid-body.
    lookup_fails(
        &tmux,
        &mut seen,
        "reset-mid-body",
        &["Invalid response (HTTP 200)", "cut short"],
    );
    // 3. An HTML 500 page: reduced to its status, the HTML never shown.
    let screen = lookup_fails(&tmux, &mut seen, "html-500", &["Server error (HTTP 500)"]);
    assert!(!screen.contains("Whoops-html-page"), "{screen}");
    assert!(!screen.contains("<html"), "{screen}");
    // 4. Valid JSON of the wrong shape (an array).
    lookup_fails(&tmux, &mut seen, "wrong-shape", &["wrong shape"]);
    // 5. 20 MiB without a length against a 1 MiB cap.
    lookup_fails(&tmux, &mut seen, "huge-body", &["Response too large"]);
    // 6. A redirect to another origin: refused, the other origin never contacted.
    let screen = lookup_fails(&tmux, &mut seen, "redirect", &["not followed"]);
    assert!(screen.contains("HTTP 302"), "{screen}");
    assert_eq!(decoy.connections(), 0, "the redirect was followed");
    // 7. A 401 whose body and headers echo the key: the key dialog opens.
    lookup_fails(
        &tmux,
        &mut seen,
        "echo-401",
        &["Key rejected", "API key · Coho"],
    );
    // Typing a new key: only dots on screen.
    let typed = format!("typedsecret{}", std::process::id());
    assert!(
        tmux.run(&["send-keys", "-t", "e2e", "-l", &typed])
            .status
            .success()
    );
    let dots = "•".repeat(typed.chars().count());
    seen.keep(tmux.wait_for(&[&dots]));
    tmux.keys(&["Escape"]);
    seen.keep(tmux.wait_gone("API key · Coho"));

    // 8. A good answer whose headers echo the key and carry bidi / C1 characters.
    tmux.keys(&["C-u"]);
    tmux.line("u-ok");
    seen.keep(tmux.wait_for(&[PERSON, "8 Request"]));
    let argv_hits = processes_with_in_argv(&key);
    assert!(argv_hits.is_empty(), "key in a process argv: {argv_hits:?}");
    let panes = [
        ("2", "Properties ("),
        ("3", "Tags ("),
        ("4", "Segments ("),
        ("5", "Attributes ("),
        ("6", "Location ("),
        ("7", "Raw ·"),
        ("8", "Response headers"),
    ];
    for (pane, needle) in panes {
        tmux.keys(&[pane]);
        seen.keep(tmux.wait_for(&[needle]));
    }
    let request = seen.keep(tmux.wait_for(&["x-echo-key", "x-echo ", "x-bidi"]));
    for name in ["x-echo-key", "x-echo ", "www-authenticate", "authorization"] {
        if let Some(line) = request.lines().find(|l| l.contains(name)) {
            assert!(line.contains("[redacted]"), "{name}: {line}");
        }
    }
    assert!(
        request.contains("abc<U+202E>fed<U+009B>31m"),
        "bidi and C1 in a header value are made visible:\n{request}"
    );
    assert!(!request.contains('\u{202e}') && !request.contains('\u{9b}'));
    // Copy every row of the Request pane and export the profile (Home: the first row; `g`
    // would look the value up elsewhere).
    tmux.keys(&["Home"]);
    for _ in 0..20 {
        tmux.keys(&["y", "j"]);
    }
    // A notice lasts until the next key: end on a copy.
    tmux.keys(&["y"]);
    seen.keep(tmux.wait_for(&["Copied"]));
    tmux.keys(&["E"]);
    seen.keep(tmux.wait_for(&["Exported to"]));
    let names = tmux.run(&["list-buffers", "-F", "#{buffer_name}"]);
    let names = String::from_utf8_lossy(&names.stdout).into_owned();
    let copied: Vec<String> = names
        .lines()
        .map(|b| String::from_utf8_lossy(&tmux.run(&["show-buffer", "-b", b]).stdout).into_owned())
        .collect();
    assert!(
        copied.iter().any(|c| c == "[redacted]"),
        "the copies reached tmux (OSC 52), the echoed key as shown: {copied:?}"
    );
    for c in &copied {
        assert!(!c.contains(&key), "key copied to the clipboard: {c}");
    }
    // The key dialog from the profile: masked, then cancelled.
    tmux.keys(&["K"]);
    seen.keep(tmux.wait_for(&["API key · Coho"]));
    tmux.run(&["send-keys", "-t", "e2e", "-l", &typed]);
    seen.keep(tmux.wait_for(&[&dots]));
    tmux.keys(&["Escape"]);
    seen.keep(tmux.wait_gone("API key · Coho"));

    // Still usable: `/` opens the lookup, typing works, Esc leaves the field (the footer
    // offers `q` again), a second Esc goes back, q quits cleanly.
    tmux.keys(&["/"]);
    tmux.keys(&["C-u", "a", "b", "c"]);
    seen.keep(tmux.wait_for(&["› abc"]));
    tmux.keys(&["Escape"]);
    seen.keep(tmux.wait_for(&[" q quit "]));
    tmux.keys(&["Escape"]);
    seen.keep(tmux.wait_for(&[PERSON, "8 Request"]));
    tmux.keys(&["q"]);
    let screen = seen.keep(tmux.wait_for(&["USERSCOPE_EXITED_0"]));
    assert!(!tmux.alternate_screen_on(), "{screen}");
    tmux.line("echo shell-$((40+2))");
    seen.keep(tmux.wait_for(&["shell-42"]));

    // Zero hits for the key and the typed key: screens, every file under HOME (the trace log,
    // the export), the clipboard.
    seen.assert_never(&key);
    seen.assert_never(&typed);
    let log = tmux.home().join("state/userscope/userscope.log");
    let log_text = std::fs::read_to_string(&log).unwrap();
    assert!(
        log_text.contains("TRACE") || log_text.contains("DEBUG"),
        "trace log written"
    );
    let exports = files_containing(tmux.home(), "Ann Example");
    assert!(
        exports.iter().any(|p| p.ends_with(".json")),
        "the export was written under HOME: {exports:?}"
    );
    for needle in [key.as_str(), typed.as_str()] {
        let hits = files_containing(tmux.home(), needle);
        assert!(hits.is_empty(), "{needle} found in {hits:?}");
    }
}

/// A gzip stream of about 0.9 MiB that expands to hundreds of MiB of zeros: one 16 MiB member
/// made by the system `gzip`, repeated (RFC 1952 allows concatenated members). It stays under
/// the 1 MiB cap of the TUI tests on purpose, so the screen must name the compression rather
/// than the size. `None` without a `gzip` binary.
fn gzip_bomb_under_a_mib() -> Option<Vec<u8>> {
    let member = gzip_of_16_mib_of_zeros()?;
    let members = (900 * 1024) / member.len();
    Some(member.repeat(members))
}

/// The faults `get` was proven against first, picked by ID like `fault_script`; any other ID
/// is answered by `fault_script` (`u-ok` is the good profile).
fn more_fault_script(key: String, bomb: Arc<Vec<u8>>) -> impl Fn(&str) -> Vec<Step> + Send + Sync {
    let others = fault_script(key, "127.0.0.1:9".parse().unwrap());
    move |target| {
        let id = target.rsplit('/').next().unwrap_or("");
        match id {
            // A byte a second: the 2 s timeout must cover the body, not only the headers.
            "slow-body" => {
                let mut steps = vec![Step::Write(head(
                    "200 OK",
                    &[
                        ("Content-Type", "application/json"),
                        ("Content-Length", &GOOD_BODY.len().to_string()),
                    ],
                ))];
                for byte in GOOD_BODY.bytes() {
                    steps.push(Step::Write(vec![byte]));
                    steps.push(Step::Sleep(Duration::from_secs(1)));
                }
                steps
            }
            // 100 bytes of an announced 1000, then a clean close.
            "truncated" => vec![
                Step::Write(head(
                    "200 OK",
                    &[
                        ("Content-Type", "application/json"),
                        ("Content-Length", "1000"),
                    ],
                )),
                Step::Write(vec![b' '; 100]),
            ],
            "bad-utf8" => vec![response(
                "200 OK",
                "application/json",
                &[],
                b"{\"userId\":\"u-1\xff\xfe\x00\x1b[2J\x1b]0;PWNED-TITLE\x07\"}",
            )],
            "html-200" => vec![response(
                "200 OK",
                "text/html",
                &[],
                b"<html><body>Please log in PAGE-MARKER</body></html>",
            )],
            "gzip-bomb" => vec![response(
                "200 OK",
                "application/json",
                &[("Content-Encoding", "gzip")],
                &bomb,
            )],
            "not-http" => vec![Step::Write(b"SSH-2.0-OpenSSH_9.6\r\n\r\n\x1b[2J".to_vec())],
            // Always back to itself, on the same origin.
            "redirect-loop" => vec![response(
                "302 Found",
                "text/plain",
                &[("Location", "/api/data/user/redirect-loop")],
                b"",
            )],
            "storm-429" => vec![response(
                "429 Too Many Requests",
                "application/json",
                &[],
                br#"{"error":"Too Many Requests","message":"slow down"}"#,
            )],
            "absurd-429" => vec![response(
                "429 Too Many Requests",
                "application/json",
                &[("Retry-After", "999999")],
                br#"{"message":"come back later"}"#,
            )],
            _ => others(target),
        }
    }
}

/// The userscope process running in the pane: the child of the pane's shell.
fn userscope_pid(tmux: &Tmux) -> Option<u32> {
    let out = tmux.run(&["display-message", "-p", "-t", "e2e", "#{pane_pid}"]);
    let shell: u32 = String::from_utf8_lossy(&out.stdout).trim().parse().ok()?;
    let entries = std::fs::read_dir("/proc").ok()?;
    entries.flatten().find_map(|entry| {
        let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
        let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
        // "PID (COMM) STATE PPID …": COMM may hold spaces, so split after the last ')'.
        let (before, after) = stat.rsplit_once(')')?;
        let ppid: u32 = after.split_whitespace().nth(1)?.parse().ok()?;
        (ppid == shell && before.ends_with("(userscope")).then_some(pid)
    })
}

/// Peak resident memory (VmHWM) of `pid` in KiB.
fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("no VmHWM in /proc/{pid}/status:\n{status}"))
}

/// The TUI's peak memory after a 20 MiB body and a gzip bomb against a 1 MiB cap.
const TUI_RSS_LIMIT_KIB: u64 = 64 * 1024;

#[test]
fn more_faulty_servers_show_an_error_state_and_the_tui_stays_usable() {
    if !tmux_available() {
        println!("SKIPPED: tmux is not installed (the CI script installs it)");
        return;
    }
    let key = canary_key("more");
    let bomb = gzip_bomb_under_a_mib();
    if bomb.is_none() {
        eprintln!("gzip-bomb step SKIPPED: no `gzip` binary");
    }
    let server = serve_by_target(more_fault_script(
        key.clone(),
        Arc::new(bomb.clone().unwrap_or_default()),
    ));
    let env = VendorEnv::new(
        &key,
        &server.base_url(),
        "[http]\ntimeout_secs = 2\nmax_body_mib = 1\n",
        "",
    );
    let tmux = Tmux::start("more-faults");
    // Wide enough that every one-line cause fits on one screen row (the error box wraps).
    assert!(
        tmux.run(&["resize-window", "-t", "e2e", "-x", "220", "-y", "40"])
            .status
            .success()
    );
    let mut seen = Seen::default();
    tmux.wait_for(&["e2e$"]);
    tmux.line(&env.source_line());
    tmux.line(&format!(
        "'{BIN}' --vendor coho --lookup slow-body; echo USERSCOPE_EXITED_$?"
    ));

    // 1. Slow body: headers at once, then a byte a second; the 2 s total timeout ends it.
    let started = Instant::now();
    let screen = seen.keep(tmux.wait_for(&["Timed out", "within 2 s"]));
    assert_no_profile(&screen);
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "the timeout covers the body: {:?}",
        started.elapsed()
    );
    let pid = userscope_pid(&tmux).expect("the userscope process under the pane's shell");
    // A rebuild while the test runs replaces the file: the link then ends in " (deleted)".
    let exe = std::fs::read_link(format!("/proc/{pid}/exe")).unwrap();
    let exe = exe.to_string_lossy();
    assert_eq!(
        exe.trim_end_matches(" (deleted)"),
        Path::new(BIN).canonicalize().unwrap().to_string_lossy(),
        "measuring the wrong process"
    );

    // 2. Truncated: 100 bytes of an announced 1000.
    lookup_fails(
        &tmux,
        &mut seen,
        "truncated",
        &["Invalid response (HTTP 200)", "cut short"],
    );
    // 3. Invalid UTF-8, NUL and escape sequences in a 200 body: refused, nothing executed.
    let screen = lookup_fails(
        &tmux,
        &mut seen,
        "bad-utf8",
        &["Invalid response (HTTP 200)", "not JSON"],
    );
    // The excerpt shows the NUL and the escapes as visible stand-ins, not as raw bytes.
    assert!(screen.contains("␀␛[2J␛]0;PWNED-TITLE␇"), "{screen}");
    assert!(
        !screen.contains('\0') && !screen.contains('\u{1b}'),
        "{screen}"
    );
    let title = tmux.run(&["display-message", "-p", "-t", "e2e", "#{pane_title}"]);
    assert!(
        !String::from_utf8_lossy(&title.stdout).contains("PWNED-TITLE"),
        "an OSC in the body set the window title"
    );
    // 4. A 200 that is an HTML page: named as such, the page never shown.
    let screen = lookup_fails(
        &tmux,
        &mut seen,
        "html-200",
        &["Invalid response (HTTP 200)", "HTML page, not JSON"],
    );
    assert!(
        !screen.contains("PAGE-MARKER") && !screen.contains("<html"),
        "{screen}"
    );
    // 5. 20 MiB without a length against the 1 MiB cap, then 6. a gzip bomb: the screen names
    // the compression, and the process never held the expanded (or even the whole) body.
    lookup_fails(&tmux, &mut seen, "huge-body", &["Response too large"]);
    if let Some(bomb) = &bomb {
        assert!(bomb.len() < MIB, "{} bytes", bomb.len());
        let screen = lookup_fails(
            &tmux,
            &mut seen,
            "gzip-bomb",
            &["Invalid response (HTTP 200)", "compressed"],
        );
        assert!(screen.contains("Content-Encoding: gzip"), "{screen}");
    }
    let peak = peak_rss_kib(pid);
    eprintln!("TUI peak RSS after the 20 MiB body and the gzip bomb: {peak} KiB");
    assert!(
        peak < TUI_RSS_LIMIT_KIB,
        "TUI peak RSS {peak} KiB after the 20 MiB body / gzip bomb"
    );
    // 7. Garbage instead of HTTP.
    lookup_fails(
        &tmux,
        &mut seen,
        "not-http",
        &["No HTTP answer", "did not answer with HTTP"],
    );
    // 8. An endless redirect loop on the same origin: stopped after a few hops.
    let before = server.connections();
    let screen = lookup_fails(
        &tmux,
        &mut seen,
        "redirect-loop",
        &["HTTP 302", "not followed"],
    );
    assert!(screen.contains("/api/data/user/redirect-loop"), "{screen}");
    let hops = server.connections() - before;
    assert!((2..=6).contains(&hops), "{hops} requests for one lookup");
    // 9. `Retry-After: 999999`: the error at once, after one request, and no spinner.
    let before = server.connections();
    let started = Instant::now();
    let screen = lookup_fails(
        &tmux,
        &mut seen,
        "absurd-429",
        &["Rate limited", "retry in 999999 s"],
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(!screen.contains("Looking up"), "still spinning:\n{screen}");
    assert_eq!(server.connections() - before, 1);

    // 10. A 429 storm without Retry-After: each lookup tries 3 times (the status line counts
    // the wait down), the error state counts down to an automatic retry, and after the last
    // automatic retry the rate-limited error state stays, waiting for Enter.
    let before = server.connections();
    tmux.keys(&["C-u"]);
    assert!(
        tmux.run(&["send-keys", "-t", "e2e", "-l", "storm-429"])
            .status
            .success()
    );
    tmux.wait_for(&["› storm-429"]);
    tmux.keys(&["Enter"]);
    let (mut waiting_shown, mut countdown_shown) = (false, false);
    let deadline = Instant::now() + Duration::from_secs(40);
    let last = loop {
        let screen = tmux.screen();
        assert_no_profile(&screen);
        waiting_shown |= screen.contains("Coho rate limited (try 1): retrying in");
        countdown_shown |= screen.contains("Rate limited") && screen.contains("Retrying in");
        let requests = server.connections() - before;
        if requests >= 12
            && screen.contains("Rate limited")
            && !screen.contains("Retrying in")
            && !screen.contains("rate limited (try")
        {
            break seen.keep(screen);
        }
        assert!(
            Instant::now() < deadline,
            "no final rate-limited state after {requests} requests; screen:\n{screen}"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(waiting_shown, "the wait between tries was never shown");
    assert!(
        countdown_shown,
        "the countdown to the automatic retry was never shown"
    );
    assert!(last.contains("retry in 2 s: slow down"), "{last}");
    // 1 lookup + 3 automatic retries, 3 tries each; then nothing more by itself. Proving an
    // absence needs a wait: twice the 1.5 s countdown the error state would run.
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(server.connections() - before, 12);

    // Still usable: a good lookup shows the profile, `/` opens the lookup, typing works.
    tmux.keys(&["C-u"]);
    tmux.line("u-ok");
    seen.keep(tmux.wait_for(&[PERSON, "8 Request"]));
    tmux.keys(&["/"]);
    tmux.keys(&["C-u", "a", "b", "c"]);
    seen.keep(tmux.wait_for(&["› abc"]));
    tmux.keys(&["Escape"]);
    seen.keep(tmux.wait_for(&[" q quit "]));
    tmux.keys(&["Escape"]);
    seen.keep(tmux.wait_for(&[PERSON, "8 Request"]));
    tmux.keys(&["q"]);
    let screen = seen.keep(tmux.wait_for(&["USERSCOPE_EXITED_0"]));
    assert!(!tmux.alternate_screen_on(), "{screen}");
    seen.assert_never(&key);
    let hits = files_containing(tmux.home(), &key);
    assert!(hits.is_empty(), "key found in {hits:?}");
}

#[test]
fn a_panic_after_a_lookup_restores_the_terminal_and_the_crash_report_holds_no_key() {
    if !tmux_available() {
        println!("SKIPPED: tmux is not installed (the CI script installs it)");
        return;
    }
    let key = canary_key("panic");
    let server = serve_by_target(fault_script(key.clone(), "127.0.0.1:9".parse().unwrap()));
    // Debug builds panic after the first frame that shows a profile (see tui::runtime).
    let env = VendorEnv::new(
        &key,
        &server.base_url(),
        "",
        "USERSCOPE_TEST_PANIC_AFTER_FIRST_FRAME=profile",
    );
    let tmux = Tmux::start("panic-key");
    tmux.wait_for(&["e2e$"]);
    tmux.line(&env.source_line());
    tmux.line(&format!(
        "'{BIN}' --vendor coho --lookup u-ok; echo USERSCOPE_EXITED_$?"
    ));
    let screen = tmux.wait_for(&["USERSCOPE_EXITED_101"]);
    assert!(server.connections() >= 1, "the lookup ran before the panic");
    assert!(!tmux.alternate_screen_on(), "normal screen back:\n{screen}");
    let cursor = tmux.run(&["display-message", "-p", "-t", "e2e", "#{cursor_flag}"]);
    assert_eq!(
        String::from_utf8_lossy(&cursor.stdout).trim(),
        "1",
        "cursor visible"
    );
    assert!(screen.contains("test panic requested"), "{screen}");
    assert!(screen.contains("details are in the log:"), "{screen}");
    // Echo works: cooked mode is back, so the typed command is shown and so is its output.
    tmux.line("echo ok-$((20+1))-marker");
    let after = tmux.wait_for(&["echo ok-$((20+1))-marker", "ok-21-marker"]);
    assert!(!after.contains(&key), "{after}");
    // The crash report: the log holds the panic with its location, and no key.
    let log_text =
        std::fs::read_to_string(tmux.home().join("state/userscope/userscope.log")).unwrap();
    assert!(log_text.contains("panic: panicked at"), "{log_text}");
    assert!(log_text.contains("src/tui/runtime.rs"), "{log_text}");
    assert!(log_text.contains("test panic requested"), "{log_text}");
    assert!(!log_text.contains(&key), "the crash report holds the key");
    let hits = files_containing(tmux.home(), &key);
    assert!(hits.is_empty(), "key found in {hits:?}");
}

#[test]
fn leak_detectors_find_a_planted_key() {
    let key = canary_key("planted");
    // In a running process's argv.
    // `sh` keeps its argv (`$0` = the key) while it waits; `sleep KEY` would exit at once.
    let mut child = Command::new("sh")
        .args(["-c", "sleep 5; true", &key])
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut found = Vec::new();
    while found.is_empty() && Instant::now() < deadline {
        found = processes_with_in_argv(&key);
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        found.iter().any(|c| c.argv.starts_with("sh -c ")),
        "{found:?}"
    );
    // In a file somewhere under a directory.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
    std::fs::write(dir.path().join("a/b/log"), format!("x {key} y")).unwrap();
    assert_eq!(files_containing(dir.path(), &key).len(), 1);
    // On a kept screen.
    let mut seen = Seen::default();
    seen.keep(format!("│ {key} │"));
    let planted = std::panic::catch_unwind(|| seen.assert_never(&key));
    assert!(planted.is_err(), "a key on a kept screen is found");
}

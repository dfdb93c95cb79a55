//! The real binary in a real terminal (tmux): start with `--demo --vendor coho --lookup`, see
//! the person, walk every pane, open the help, quit, and check the shell got its screen back.
//! Skips (with a message) when tmux is not installed; the CI script installs it.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_userscope");
const NAME: &str = "Hannah Okafor"; // the rich Coho demo user u-1001

fn tmux_available() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A tmux server of our own (unique socket), killed when dropped.
struct Tmux {
    socket: String,
    home: tempfile::TempDir,
}

impl Tmux {
    fn start(tag: &str) -> Tmux {
        let socket = format!("userscope-e2e-{tag}-{}", std::process::id());
        let home = tempfile::tempdir().unwrap();
        let tmux = Tmux { socket, home };
        let h = tmux.home.path();
        let shell = format!(
            "env -i PATH=/usr/bin:/bin HOME={h} XDG_CONFIG_HOME={h}/config XDG_STATE_HOME={h}/state \
             XDG_DATA_HOME={h}/data XDG_CACHE_HOME={h}/cache TERM=xterm-256color PS1='e2e$ ' sh",
            h = h.display()
        );
        let out = tmux.run(&[
            "new-session",
            "-d",
            "-x",
            "120",
            "-y",
            "40",
            "-s",
            "e2e",
            // The shell starts in the temp HOME, so an export (`e`) lands there, not in the repo.
            "-c",
            &h.display().to_string(),
            &shell,
        ]);
        assert!(
            out.status.success(),
            "tmux new-session: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        tmux
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .unwrap()
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "e2e"];
        args.extend_from_slice(keys);
        assert!(self.run(&args).status.success());
    }

    /// Type a line literally, then Enter.
    fn line(&self, text: &str) {
        assert!(
            self.run(&["send-keys", "-t", "e2e", "-l", text])
                .status
                .success()
        );
        self.keys(&["Enter"]);
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", "e2e"]).stdout).into_owned()
    }

    fn alternate_screen_on(&self) -> bool {
        let out = self.run(&["display-message", "-p", "-t", "e2e", "#{alternate_on}"]);
        String::from_utf8_lossy(&out.stdout).trim() == "1"
    }

    /// Poll the screen (bounded) until every needle is visible.
    #[track_caller]
    fn wait_for(&self, needles: &[&str]) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let screen = self.screen();
            if needles.iter().all(|n| screen.contains(n)) {
                return screen;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {needles:?}; screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    #[track_caller]
    fn wait_gone(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let screen = self.screen();
            if !screen.contains(needle) {
                return screen;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {needle:?} to go; screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn home(&self) -> &Path {
        self.home.path()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}

fn launch_line(extra: &str) -> String {
    format!("{extra}'{BIN}' --demo --vendor coho --lookup u-1001; echo USERSCOPE_EXITED_$?")
}

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

fn run_without_terminal(args: &[&str]) -> Output {
    let home = tempfile::tempdir().unwrap();
    Command::new(BIN)
        .args(args)
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_STATE_HOME", home.path().join("state"))
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
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

// =============================================================================================
// The TUI against a faulty vendor server, with a recognizable key that must never leak
// =============================================================================================

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// The accept loop stops by itself after this long, whatever the test does.
const SERVER_BOUND: Duration = Duration::from_secs(120);
/// Every connection handler stops by itself after about this long.
const CONNECTION_BOUND: Duration = Duration::from_secs(10);
const MIB: usize = 1024 * 1024;

/// One thing the server does on a connection, in order.
enum Step {
    Write(Vec<u8>),
    Sleep(Duration),
    /// Abort with a TCP RST (SO_LINGER 0) instead of a clean close.
    Reset,
}

type Script = dyn Fn(&str) -> Vec<Step> + Send + Sync;

/// A raw TCP "vendor" on 127.0.0.1 whose answer is picked by the request target, so one TUI
/// session can walk through every fault by editing the lookup. Stops when dropped or after
/// `SERVER_BOUND`.
struct FaultServer {
    addr: SocketAddr,
    connections: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl FaultServer {
    fn start(script: impl Fn(&str) -> Vec<Step> + Send + Sync + 'static) -> FaultServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let connections = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let script: Arc<Script> = Arc::new(script);
        let (count, stopped) = (connections.clone(), stop.clone());
        std::thread::spawn(move || {
            let deadline = Instant::now() + SERVER_BOUND;
            while !stopped.load(Ordering::SeqCst) && Instant::now() < deadline {
                match listener.accept() {
                    Ok((stream, _)) => {
                        count.fetch_add(1, Ordering::SeqCst);
                        let script = script.clone();
                        std::thread::spawn(move || serve(stream, script.as_ref()));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(20)),
                }
            }
        });
        FaultServer {
            addr,
            connections,
            stop,
        }
    }

    fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

fn serve(mut stream: TcpStream, script: &Script) {
    let started = Instant::now();
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(CONNECTION_BOUND));
    let _ = stream.set_write_timeout(Some(CONNECTION_BOUND));
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
        if head.len() > 64 * 1024 {
            return;
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let target = head.split_whitespace().nth(1).unwrap_or("").to_owned();
    for step in script(&target) {
        if started.elapsed() > CONNECTION_BOUND {
            return;
        }
        match step {
            Step::Write(bytes) => {
                for piece in bytes.chunks(64 * 1024) {
                    if stream.write_all(piece).is_err() {
                        return;
                    }
                }
            }
            Step::Sleep(d) => std::thread::sleep(d.min(CONNECTION_BOUND)),
            Step::Reset => {
                reset(&stream);
                return;
            }
        }
    }
}

/// SO_LINGER with a zero timeout: closing the socket sends RST instead of FIN.
fn reset(stream: &TcpStream) {
    use std::os::fd::AsRawFd;
    let linger = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: a valid open socket fd and a correctly sized, initialised `linger`.
    unsafe {
        libc::setsockopt(
            stream.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            std::ptr::from_ref(&linger).cast(),
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        );
    }
}

/// A response head; `Connection: close` so every lookup gets a fresh connection.
fn head(status: &str, headers: &[(&str, &str)]) -> Vec<u8> {
    let mut h = format!("HTTP/1.1 {status}\r\nConnection: close\r\n");
    for (name, value) in headers {
        h.push_str(&format!("{name}: {value}\r\n"));
    }
    h.push_str("\r\n");
    h.into_bytes()
}

fn response(status: &str, content_type: &str, extra: &[(&str, &str)], body: &[u8]) -> Step {
    let length = body.len().to_string();
    let mut headers = vec![("Content-Type", content_type), ("Content-Length", &length)];
    headers.extend_from_slice(extra);
    let mut bytes = head(status, &headers);
    bytes.extend_from_slice(body);
    Step::Write(bytes)
}

const PERSON: &str = "Ann Example";
const GOOD_BODY: &str =
    r#"{"userId":"u-ok","userProperties":{"name":"Ann Example","email":"ann@example.com"}}"#;

/// The faults, picked by the ID in `/api/data/user/ID`. `key` is echoed back in every way a
/// careless vendor could; `decoy` is another origin that must never be contacted.
fn fault_script(key: String, decoy: SocketAddr) -> impl Fn(&str) -> Vec<Step> + Send + Sync {
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
fn canary_key(tag: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("CANARYKEY{tag}{}x{nanos}", std::process::id())
}

/// The environment for the real-vendor TUI, in a file outside HOME that the shell sources:
/// the key never appears on a command line, on screen or under HOME.
struct VendorEnv {
    dir: tempfile::TempDir,
}

impl VendorEnv {
    fn new(key: &str, base_url: &str, config: &str, extra: &str) -> VendorEnv {
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

    fn source_line(&self) -> String {
        format!(". '{}'", self.dir.path().join("env").display())
    }
}

/// Every file under `dir` whose bytes contain `needle`.
fn files_containing(dir: &Path, needle: &str) -> Vec<String> {
    let mut hits = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(bytes) = std::fs::read(&path)
                && bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
            {
                hits.push(path.display().to_string());
            }
        }
    }
    hits
}

/// Every running process whose argv contains `needle` (our own test process excluded: its
/// argv is the test filter, never the key).
fn processes_with_in_argv(needle: &str) -> Vec<String> {
    let mut hits = Vec::new();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return hits;
    };
    for entry in entries.flatten() {
        if let Ok(bytes) = std::fs::read(entry.path().join("cmdline"))
            && bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
        {
            hits.push(String::from_utf8_lossy(&bytes).replace('\0', " "));
        }
    }
    hits
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
    let decoy = FaultServer::start(|_| Vec::new());
    let server = FaultServer::start(fault_script(key.clone(), decoy.addr));
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
    // Copy every row of the Request pane and export the profile.
    tmux.keys(&["g"]);
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

    // Still usable: `/` opens the lookup, typing works, Esc goes back, q quits cleanly.
    tmux.keys(&["/"]);
    tmux.keys(&["C-u", "a", "b", "c"]);
    seen.keep(tmux.wait_for(&["› abc"]));
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
    use std::process::Stdio;
    let mut child = Command::new("gzip")
        .args(["-c", "-9"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .ok()?;
    let mut stdin = child.stdin.take()?;
    let feeder = std::thread::spawn(move || {
        let zeros = vec![0u8; MIB];
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
    let members = (900 * 1024) / out.stdout.len();
    Some(out.stdout.repeat(members))
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
    let server = FaultServer::start(more_fault_script(
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
    let server = FaultServer::start(fault_script(key.clone(), "127.0.0.1:9".parse().unwrap()));
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
    assert!(found.iter().any(|c| c.starts_with("sh -c ")), "{found:?}");
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

/// `userscope open FILE --vendor coho`: a saved payload in the TUI without any network; the Raw
/// pane folds, searches and shows paths; bad files exit 2 (missing) or 6 (not JSON).
#[test]
fn open_a_saved_payload_fold_and_search_the_raw_tree() {
    let missing = run_without_terminal(&["open", "/nonexistent/saved.json", "--vendor", "coho"]);
    assert_eq!(missing.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(
        stderr.contains("cannot read /nonexistent/saved.json"),
        "{stderr}"
    );
    if !tmux_available() {
        println!("SKIPPED: tmux is not installed (the CI script installs it)");
        return;
    }
    let tmux = Tmux::start("open");
    let file = tmux.home().join("saved.json");
    std::fs::write(
        &file,
        r#"{"userProperties": {"userId": "u-7", "name": "Ada Saved", "city": "Oslo", "properties": {"plan": "pro"}}, "calculatedProperties": {"score": 7}}"#,
    )
    .unwrap();
    let not_json = tmux.home().join("page.html");
    std::fs::write(&not_json, "<html>oops</html>").unwrap();

    tmux.line(&format!(
        "'{BIN}' open '{}' --vendor coho; echo USERSCOPE_EXITED_$?",
        file.display()
    ));
    tmux.wait_for(&["Ada Saved", "opened from", "saved.json"]);
    tmux.keys(&["8"]);
    tmux.wait_for(&["Source", "none: no request was made"]);
    tmux.keys(&["7"]);
    tmux.wait_for(&["Raw · 13 lines"]);
    tmux.keys(&["H"]);
    tmux.wait_for(&[
        "Raw · 4 lines",
        "\"userProperties\": { … },  6 lines folded",
    ]);
    tmux.keys(&["s"]);
    tmux.wait_for(&["Search Raw (regex):"]);
    tmux.line("plan");
    tmux.wait_for(&[
        "/plan/ 1 of 1 · $.userProperties.properties.plan",
        "\"plan\": \"pro\"",
    ]);
    tmux.keys(&["p"]);
    tmux.wait_for(&["$.userProperties.properties "]);
    tmux.keys(&["q"]);
    tmux.wait_for(&["USERSCOPE_EXITED_0"]);

    tmux.line(&format!(
        "'{BIN}' open '{}' --vendor coho; echo USERSCOPE_EXITED_$?",
        not_json.display()
    ));
    let screen = tmux.wait_for(&["USERSCOPE_EXITED_6"]);
    assert!(screen.contains("page.html is not JSON"), "{screen}");

    // A larger file: who it is first (from a sample), then every pane once it is all read.
    let big = tmux.home().join("big.json");
    let properties: serde_json::Map<String, serde_json::Value> = (0..40_000)
        .map(|i| {
            (
                format!("prop-{i:05}"),
                serde_json::json!(format!("value {i}")),
            )
        })
        .collect();
    let body = serde_json::json!({"userProperties": {"userId": "u-big", "name": "Big Saved",
        "email": "big@example.com", "properties": properties}});
    std::fs::write(&big, serde_json::to_vec(&body).unwrap()).unwrap();
    // As on a Linux console, which has no OSC 52 clipboard.
    tmux.line(&format!(
        "TERM=linux '{BIN}' open '{}' --vendor coho; echo USERSCOPE_EXITED_$?",
        big.display()
    ));
    tmux.wait_for(&["Big Saved", "<big@example.com>", "opened from"]);
    tmux.wait_for(&["Attributes    40000"]);
    tmux.keys(&["5"]);
    tmux.wait_for(&["prop-00000", "value 0"]);
    // A copy says it may not arrive (checked after the first frame, off the UI thread).
    tmux.keys(&["y"]);
    tmux.wait_for(&[
        "Copied 7 characters",
        "(but this terminal (linux) has no OSC 52 clipboard)",
    ]);
    tmux.keys(&["q"]);
    tmux.wait_for(&["USERSCOPE_EXITED_0"]);
}

// =============================================================================================
// The history file after a real run, and a person filtering and folding
// =============================================================================================

/// The key's base64 in both alphabets and at the three byte alignments it can have inside a
/// longer encoded text (the edge characters, which mix in neighbouring bytes, left out).
fn base64_forms(key: &str) -> Vec<String> {
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
    let mut forms = Vec::new();
    for pad in 0..3 {
        let mut bytes = vec![b'x'; pad];
        bytes.extend_from_slice(key.as_bytes());
        for engine in [&STANDARD_NO_PAD, &URL_SAFE_NO_PAD] {
            let encoded = engine.encode(&bytes);
            let inner = encoded.get(4..encoded.len() - 4).unwrap().to_owned();
            assert!(inner.len() > 20, "the key is long enough to recognize");
            forms.push(inner);
        }
    }
    forms
}

/// A real run with a canary key in the environment: a rejected lookup (whose answer echoes the
/// key), then a found one, then `q`. The history file holds both lookups — connection,
/// vendor, kind, value, outcome — and neither the key nor its base64, nor the person's data.
#[test]
fn the_history_file_after_a_real_run_holds_the_lookups_and_never_the_key() {
    if !tmux_available() {
        println!("SKIPPED: tmux is not installed (the CI script installs it)");
        return;
    }
    let key = canary_key("hist");
    let decoy = FaultServer::start(|_| Vec::new());
    let server = FaultServer::start(fault_script(key.clone(), decoy.addr));
    let env = VendorEnv::new(&key, &server.base_url(), "", "");
    let tmux = Tmux::start("history");
    tmux.wait_for(&["e2e$"]);
    tmux.line(&env.source_line());
    tmux.line(&format!(
        "'{BIN}' --vendor coho --lookup echo-401; echo USERSCOPE_EXITED_$?"
    ));
    tmux.wait_for(&["Key rejected", "API key · Coho"]);
    tmux.keys(&["Escape"]);
    tmux.wait_gone("API key · Coho");
    tmux.keys(&["C-u"]);
    tmux.line("u-ok");
    tmux.wait_for(&[PERSON, "8 Request"]);
    tmux.keys(&["q"]);
    tmux.wait_for(&["USERSCOPE_EXITED_0"]);

    let path = tmux.home().join("state/userscope/history.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("no history at {}: {e}", path.display()));
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let entries: Vec<serde_json::Value> = doc["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            // `at` is the run's time; checked for shape, then left out of the comparison.
            let at = e["at"].as_str().unwrap();
            assert!(chrono::DateTime::parse_from_rfc3339(at).is_ok(), "{at}");
            let mut e = e.clone();
            e.as_object_mut().unwrap().remove("at");
            e
        })
        .collect();
    assert_eq!(doc["version"], 1);
    assert_eq!(
        entries,
        vec![
            serde_json::json!({"connection": "coho", "vendor": "coho", "by": "id",
                               "value": "u-ok", "outcome": {"status": "ok"}}),
            serde_json::json!({"connection": "coho", "vendor": "coho", "by": "id",
                               "value": "echo-401",
                               "outcome": {"status": "error", "kind": "HTTP 401"}}),
        ],
        "{text}"
    );
    assert!(!text.contains(&key), "the key is in the history:\n{text}");
    // The detector finds the key encoded inside a longer base64 text, at any alignment.
    for prefix in ["Bearer ", "Token:", "k="] {
        use base64::Engine as _;
        let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{prefix}{key}"));
        assert!(
            base64_forms(&key).iter().any(|f| encoded.contains(f)),
            "{prefix}"
        );
    }
    for form in base64_forms(&key) {
        assert!(
            !text.contains(&form),
            "the key's base64 {form} is in the history"
        );
    }
    // Nor the person (vendor data stays out of the file).
    assert!(
        !text.contains(PERSON) && !text.contains("ann@example.com"),
        "{text}"
    );
    // And no other file under the state dir (log, temporary files) holds the key.
    let hits = files_containing(&tmux.home().join("state"), &key);
    assert!(hits.is_empty(), "key in {hits:?}");
}

/// The rows the focused pane shows (its borders are the heavy `┃`), whitespace runs collapsed.
fn focused_pane_rows(screen: &str) -> Vec<String> {
    screen
        .lines()
        .filter_map(|line| line.split('┃').nth(1))
        .map(|row| {
            row.trim_end_matches('█')
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|row| !row.is_empty())
        .collect()
}

/// As a person would: open a demo profile, filter the Attributes pane with `f`, clear it with
/// Esc, then fold and unfold a node of the Raw tree with Space, `h` and `l`.
#[test]
fn filter_the_attributes_pane_then_fold_the_raw_tree() {
    if !tmux_available() {
        println!("SKIPPED: tmux is not installed (the CI script installs it)");
        return;
    }
    let tmux = Tmux::start("filterfold");
    tmux.wait_for(&["e2e$"]);
    tmux.line(&launch_line(""));
    tmux.wait_for(&[NAME, "8 Request"]);

    // Attributes: 22 rows; `f` and "timefr" leave the four `….timeframe` rows.
    tmux.keys(&["5"]);
    let all = tmux.wait_for(&["Attributes (22)"]);
    let rows = focused_pane_rows(&all);
    assert_eq!(rows.len(), 22, "{all}");
    assert_eq!(rows[0], "company Northwind Logistics");
    tmux.keys(&["f"]);
    tmux.wait_for(&["Filter Attributes:", "Enter keeps · Esc clears"]);
    assert!(
        tmux.run(&["send-keys", "-t", "e2e", "-l", "timefr"])
            .status
            .success()
    );
    let filtered = tmux.wait_for(&[
        "Attributes (4 of 22) · filter “timefr”",
        "Filter Attributes: timefr",
    ]);
    assert_eq!(
        focused_pane_rows(&filtered),
        [
            "Sessions (30 days).timeframe 30",
            "Reports creat…ays).timeframe 7",
            "Active days (…ays).timeframe 90",
            "CSV exports (…ays).timeframe 30",
        ],
        "{filtered}"
    );
    assert!(!filtered.contains("Northwind Logistics"), "{filtered}");
    // Esc clears: every row is back.
    tmux.keys(&["Escape"]);
    let cleared = tmux.wait_for(&["Attributes (22)"]);
    assert!(!cleared.contains("filter “"), "{cleared}");
    assert_eq!(focused_pane_rows(&cleared), rows);

    // Raw: the second line is `"userProperties": {`; Space folds it, its children go.
    tmux.keys(&["7"]);
    tmux.wait_for(&["Raw · 103 lines", "\"name\": \"Hannah Okafor\","]);
    tmux.keys(&["j"]);
    tmux.wait_for(&["Raw · 103 lines · $.userProperties ━"]);
    tmux.keys(&["Space"]);
    let folded = tmux.wait_for(&[
        "Raw · 61 lines · $.userProperties ━",
        "\"userProperties\": { … },  41 lines folded",
    ]);
    let raw_rows = focused_pane_rows(&folded);
    assert_eq!(
        raw_rows[..4],
        [
            "{",
            "\"userProperties\": { … }, 41 lines folded",
            "\"calculatedProperties\": [",
            "{",
        ],
        "{folded}"
    );
    for child in ["\"userId\": \"u-1001\",", "\"name\": \"Hannah Okafor\","] {
        assert!(!folded.contains(child), "{child} is folded away:\n{folded}");
    }
    // `l` unfolds: the children are back in place.
    tmux.keys(&["l"]);
    let unfolded = tmux.wait_for(&["Raw · 103 lines · $.userProperties ━"]);
    assert_eq!(
        focused_pane_rows(&unfolded)[..4],
        [
            "{",
            "\"userProperties\": {",
            "\"userId\": \"u-1001\",",
            "\"name\": \"Hannah Okafor\",",
        ],
        "{unfolded}"
    );
    // `h` folds again and Space unfolds.
    tmux.keys(&["h"]);
    tmux.wait_for(&[
        "Raw · 61 lines",
        "\"userProperties\": { … },  41 lines folded",
    ]);
    tmux.keys(&["Space"]);
    tmux.wait_for(&["Raw · 103 lines", "\"userId\": \"u-1001\","]);

    tmux.keys(&["q"]);
    tmux.wait_for(&["USERSCOPE_EXITED_0"]);
}

//! Keys never leak (section 4): not through output, errors, logs, files under HOME, process
//! arguments or redirects, and never over plain HTTP to another machine.

use std::process::Command;
use std::time::Duration;

use userscope::vendors::VendorKind;

use crate::assert_one_line_error;
use crate::faults::SMALL_BODY;
use crate::hostile_strings::{api_key_var, error_body, rich_user};
use crate::support::fault_server::{FaultServer, SeenRequest, Step, json_response, response};
use crate::support::home::Home;
use crate::support::leaks::assert_absent;
use crate::support::run::{run, run_async};

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
        VendorKind::USERCOM => padded(format!("{}usercom", canary()), 64),
        VendorKind::VEMETRIC => format!("vem_{}", padded(canary().to_owned(), 32)),
        other => format!("{}-{}-7f3a9c2e5b1d4086", other.as_str(), canary()),
    }
}

/// The lookup (kind, value) of each vendor whose value tells the leak server what to do.
fn leak_lookup(vendor: VendorKind, action: &str) -> (&'static str, String) {
    match vendor {
        VendorKind::VEMETRIC => ("identifier", action.to_owned()),
        other => (other.default_lookup().as_str(), action.to_owned()),
    }
}

fn vendor_of(target: &str) -> VendorKind {
    if target.starts_with("/api/data/user/") {
        VendorKind::COHO
    } else if target.starts_with("/api/public/users/") {
        VendorKind::USERCOM
    } else if target.starts_with("/v1/user/") {
        VendorKind::FOLDSPACE
    } else if target.starts_with("/v1/ext/user/") {
        VendorKind::CHAKRA
    } else {
        VendorKind::VEMETRIC
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_never_leak_through_output_errors_logs_or_process_arguments() {
    let elsewhere = FaultServer::start_on("127.0.0.2:0", |_, _| json_response(200, "{}"))
        .unwrap_or(FaultServer::start(|_, _| json_response(200, "{}")));
    let server = FaultServer::start(leak_script(elsewhere.base_url()));
    let home = Home::new();
    let all_keys: Vec<(String, String)> = VendorKind::all()
        .map(|v| (api_key_var(v), canary_key(v)))
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
    for vendor in VendorKind::all() {
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
    for vendor in VendorKind::all() {
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
    for vendor in VendorKind::all() {
        if vendor == VendorKind::VEMETRIC {
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
    for vendor in VendorKind::all() {
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
    let server = FaultServer::start(|_, _| json_response(200, SMALL_BODY));
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

/// `keys set` refuses a key holding NUL or ESC (stored, it would break every later lookup),
/// names the kind of character, never the key, and stores nothing.
#[test]
fn keys_with_control_characters_are_refused_by_keys_set() {
    use std::io::Write;
    for (key, said) in [
        ("fsk-abc\u{0}SECRETTAIL", "NUL at character 8"),
        ("fsk-abc\u{1b}[2JSECRETTAIL", "ESC at character 8"),
    ] {
        let home = Home::new();
        let mut child = home
            .command(&["keys", "set", "foldspace"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(key.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(said), "{stderr}");
        assert!(stderr.contains("nothing stored"), "{stderr}");
        assert!(
            !stderr.contains("SECRETTAIL") && !stderr.contains("fsk-abc"),
            "{stderr}"
        );
        assert!(!String::from_utf8_lossy(&out.stdout).contains("SECRETTAIL"));
    }
}

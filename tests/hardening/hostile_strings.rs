//! Hostile strings (section 2): control sequences, bidi overrides and NULs a vendor sends are
//! shown, never executed, in profiles, error messages, echoed IDs and redirect locations.

use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::{Map, Value, json};
use userscope::vendors::VendorKind;

use crate::assert_one_line_error;
use crate::faults::{FAULT_KEY, SMALL_BODY, get_against};
use crate::support::fault_server::{FaultServer, Step, json_response, response};
use crate::support::home::Home;
use crate::support::hostile::{HOSTILE, HOSTILE_SHOWN, assert_terminal_safe};
use crate::support::run::run_async;

pub(crate) fn api_key_var(vendor: VendorKind) -> String {
    format!("USERSCOPE_{}_API_KEY", vendor.as_str().to_ascii_uppercase())
}

/// A key of the vendor's documented shape (so no shape warning muddies stderr).
pub(crate) fn plain_key(vendor: VendorKind) -> String {
    match vendor {
        VendorKind::USERCOM => "u".repeat(64),
        VendorKind::VEMETRIC => format!("vem_{}", "k1".repeat(16)),
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
pub(crate) fn rich_user(vendor: VendorKind) -> (&'static str, &'static str, &'static str) {
    let user = &userscope::demo::users(vendor)[0];
    (user.lookup.as_str(), user.value, user.body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_strings_in_every_vendors_profile_are_shown_not_executed() {
    for vendor in VendorKind::all() {
        let (by, id, body) = rich_user(vendor);
        let poisoned = poison(&serde_json::from_str(body).unwrap()).to_string();
        let served = poisoned.clone();
        let server = FaultServer::start(move |_, _| json_response(200, &served));
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
pub(crate) fn error_body(vendor: VendorKind, message: &str) -> String {
    match vendor {
        VendorKind::COHO => json!({"error": "Error", "message": message}),
        VendorKind::USERCOM => json!({"detail": message}),
        VendorKind::FOLDSPACE => json!({"error": message}),
        VendorKind::CHAKRA => json!({"_data": null, "_meta": {}, "_errors": [message]}),
        VendorKind::VEMETRIC => json!({"error": {"code": "E", "message": message,
            "details": [{"field": message, "message": message}]}}),
        other => panic!("no error body for {other}"),
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
    for vendor in VendorKind::all() {
        let (by, id, _) = rich_user(vendor);
        for (status, code, headers) in cases {
            let body = error_body(vendor, &format!("bad {HOSTILE} thing"));
            let server = FaultServer::start(move |_, _| {
                let mut h = vec![("Content-Type", "application/json")];
                h.extend_from_slice(headers);
                vec![Step::Write(response(status, &h, body.as_bytes()))]
            });
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
    let server = FaultServer::start(|_, _| json_response(200, SMALL_BODY));
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
    let server = FaultServer::start(|_, _| json_response(200, SMALL_BODY));
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

//! The built-in demo vendors, end to end: the HTTP server answering like each vendor (through
//! reqwest), `userscope demo-server` as a process, and `userscope get` against it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap,
    clippy::cast_precision_loss,
    reason = "a test stops at its first broken expectation; its own numbers are not from the network"
)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command as StdCommand, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use assert_cmd::Command;
use serde_json::{Value, json};
use userscope::demo::{self, DemoServer};
use userscope::vendors::VendorKind;

mod support;

use support::home::Home;

// ---------------------------------------------------------------------------------------------
// The server, through HTTP
// ---------------------------------------------------------------------------------------------

struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }
}

/// GET `path_and_query` (sent exactly as written, percent-encoding included) with headers.
async fn get(server: &DemoServer, path_and_query: &str, headers: &[(&str, &str)]) -> Answer {
    send(server, reqwest::Method::GET, path_and_query, headers, None).await
}

async fn send(
    server: &DemoServer,
    method: reqwest::Method,
    path_and_query: &str,
    headers: &[(&str, &str)],
    body: Option<String>,
) -> Answer {
    let url = format!("http://{}{}", server.addr(), path_and_query);
    let mut request = reqwest::Client::new().request(method, &url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body);
    }
    let response = request.send().await.unwrap();
    Answer {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: response.text().await.unwrap(),
    }
}

fn bearer(key: &str) -> String {
    format!("Bearer {key}")
}

fn rich(vendor: VendorKind) -> &'static demo::DemoUser {
    &demo::users(vendor)[0]
}

#[tokio::test]
async fn each_vendor_serves_its_rich_user_verbatim_on_its_real_path() {
    let server = demo::start(0).await.unwrap();
    let coho = bearer(userscope::vendors::coho::COHO_DEMO_TOKEN);
    let usercom = format!("Token {}", userscope::vendors::usercom::USERCOM_DEMO_KEY);
    let chakra = bearer(userscope::vendors::chakra::CHAKRA_DEMO_KEY);
    let vemetric = bearer(userscope::vendors::vemetric::VEMETRIC_DEMO_KEY);
    let cases: [(VendorKind, &str, (&str, &str)); 5] = [
        (
            VendorKind::COHO,
            "/api/data/user/u-1001",
            ("authorization", &coho),
        ),
        (
            VendorKind::USERCOM,
            "/api/public/users/search/?key=g3FaYocCy0U6",
            ("authorization", &usercom),
        ),
        (
            VendorKind::FOLDSPACE,
            "/v1/user/bTMwUidOQiZhMazBDWGAAmuRnu9N2",
            (
                "x-foldspace-api-key",
                userscope::vendors::foldspace::FOLDSPACE_DEMO_KEY,
            ),
        ),
        (
            VendorKind::CHAKRA,
            "/v1/ext/user/9763caa1-cef3-497f-b3b2-f551456b2831",
            ("authorization", &chakra),
        ),
        (
            VendorKind::VEMETRIC,
            "/v1/users/single?id=4815162342",
            ("authorization", &vemetric),
        ),
    ];
    for (vendor, path, auth) in cases {
        let answer = get(&server, path, &[auth]).await;
        assert_eq!(answer.status, 200, "{vendor}: {}", answer.body);
        assert_eq!(answer.body, rich(vendor).body, "{vendor}");
        assert_eq!(
            answer.header("content-type"),
            Some("application/json"),
            "{vendor}"
        );
    }
    server.shutdown().await;
}

#[tokio::test]
async fn usercom_finds_one_person_by_key_id_and_email_and_needs_the_trailing_slash() {
    let server = demo::start(0).await.unwrap();
    let auth = format!("Token {}", userscope::vendors::usercom::USERCOM_DEMO_KEY);
    let h = [
        ("authorization", auth.as_str()),
        ("accept", "*/*; version=2"),
    ];
    let by_key = get(&server, "/api/public/users/search/?key=Zk4Rt8NwE1bH", &h).await;
    let by_id = get(&server, "/api/public/users/19678378/", &h).await;
    let by_email = get(
        &server,
        "/api/public/users/search/?email=eleni.p%40example.gr",
        &h,
    )
    .await;
    assert_eq!(by_key.json()["name"], "Ελένη Παπαδοπούλου 🎉");
    assert_eq!((by_id.status, &by_id.body), (200, &by_key.body));
    assert_eq!((by_email.status, &by_email.body), (200, &by_key.body));

    let no_slash = get(&server, "/api/public/users/19678378", &h).await;
    assert_eq!(
        (no_slash.status, no_slash.json()),
        (404, json!({"detail": "Not found."}))
    );
    let no_slash = get(&server, "/api/public/users/search?key=Zk4Rt8NwE1bH", &h).await;
    assert_eq!(no_slash.status, 404);
}

#[tokio::test]
async fn wrong_or_missing_keys_get_each_vendors_documented_401() {
    let server = demo::start(0).await.unwrap();
    let wrong_bearer = bearer("wrong");
    // (path, request headers, expected 401 body)
    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, Value);
    let cases: Vec<Case> = vec![
        (
            "/api/data/user/u-1001",
            vec![("authorization", wrong_bearer.as_str())],
            json!({"error": "Unauthorized", "message": "Invalid API key"}),
        ),
        (
            "/api/data/user/u-1001",
            vec![],
            json!({"error": "Unauthorized", "message": "Invalid API key"}),
        ),
        (
            "/api/public/users/search/?key=g3FaYocCy0U6",
            vec![("authorization", "Token wrong")],
            json!({"detail": "Invalid token."}),
        ),
        (
            "/api/public/users/search/?key=g3FaYocCy0U6",
            vec![],
            json!({"detail": "Authentication credentials were not provided."}),
        ),
        (
            "/v1/user/bTMwUidOQiZhMazBDWGAAmuRnu9N2",
            // The right key in the wrong header is no key.
            vec![(
                "authorization",
                userscope::vendors::foldspace::FOLDSPACE_DEMO_KEY,
            )],
            json!({"error": "Unauthorized"}),
        ),
        (
            "/v1/ext/user/9763caa1-cef3-497f-b3b2-f551456b2831",
            vec![("authorization", wrong_bearer.as_str())],
            json!({"_data": null, "_meta": {}, "_errors": [{"code": "UNAUTHORIZED", "message": "Invalid or missing API key"}]}),
        ),
        (
            "/v1/users/single?id=4815162342",
            vec![(
                "authorization",
                "Bearer vem_00000000000000000000000000000000",
            )],
            json!({"error": {"code": "UNAUTHORIZED", "message": "Invalid or revoked API key"}}),
        ),
        (
            "/v1/users/single?id=4815162342",
            vec![],
            json!({"error": {"code": "UNAUTHORIZED", "message": "Missing API key. Use Authorization: Bearer <key>"}}),
        ),
    ];
    for (path, headers, expected) in cases {
        let answer = get(&server, path, &headers).await;
        assert_eq!(
            (answer.status, answer.json()),
            (401, expected),
            "{path} {headers:?}"
        );
    }
    let usercom = get(
        &server,
        "/api/public/users/search/?key=x",
        &[("authorization", "Token wrong")],
    )
    .await;
    assert_eq!(usercom.header("www-authenticate"), Some("Token"));
}

#[tokio::test]
async fn unknown_ids_get_each_vendors_documented_404() {
    let server = demo::start(0).await.unwrap();
    let coho = bearer(userscope::vendors::coho::COHO_DEMO_TOKEN);
    let usercom = format!("Token {}", userscope::vendors::usercom::USERCOM_DEMO_KEY);
    let chakra = bearer(userscope::vendors::chakra::CHAKRA_DEMO_KEY);
    let vemetric = bearer(userscope::vendors::vemetric::VEMETRIC_DEMO_KEY);
    let cases = [
        (
            "/api/data/user/u-0",
            ("authorization", coho.as_str()),
            json!({"error": "Not Found", "message": "User not found"}),
        ),
        (
            "/api/public/users/search/?email=nobody%40example.com",
            ("authorization", usercom.as_str()),
            json!({"detail": "Not found."}),
        ),
        (
            "/v1/user/nobody",
            (
                "x-foldspace-api-key",
                userscope::vendors::foldspace::FOLDSPACE_DEMO_KEY,
            ),
            json!({"error": "User not found"}),
        ),
        (
            "/v1/ext/user/nobody",
            ("authorization", chakra.as_str()),
            json!({"_data": null, "_meta": {}, "_errors": [{"code": "NOT_FOUND", "message": "User not found"}]}),
        ),
        (
            "/v1/users/single?identifier=nobody",
            ("authorization", vemetric.as_str()),
            json!({"error": {"code": "USER_NOT_FOUND", "message": "User not found"}}),
        ),
    ];
    for (path, auth, expected) in cases {
        let answer = get(&server, path, &[auth]).await;
        assert_eq!((answer.status, answer.json()), (404, expected), "{path}");
    }
}

#[tokio::test]
async fn rate_limited_ids_answer_429_with_each_vendors_headers() {
    let server = demo::start(0).await.unwrap();
    let coho = bearer(userscope::vendors::coho::COHO_DEMO_TOKEN);
    let usercom = format!("Token {}", userscope::vendors::usercom::USERCOM_DEMO_KEY);
    let chakra = bearer(userscope::vendors::chakra::CHAKRA_DEMO_KEY);
    let with_retry_after = [
        (
            "/api/data/user/rate-limited",
            ("authorization", coho.as_str()),
        ),
        (
            "/api/public/users/search/?key=rate-limited",
            ("authorization", usercom.as_str()),
        ),
        (
            "/v1/user/rate-limited",
            (
                "x-foldspace-api-key",
                userscope::vendors::foldspace::FOLDSPACE_DEMO_KEY,
            ),
        ),
        (
            "/v1/ext/user/rate-limited",
            ("authorization", chakra.as_str()),
        ),
    ];
    for (path, auth) in with_retry_after {
        let answer = get(&server, path, &[auth]).await;
        assert_eq!(
            (answer.status, answer.header("retry-after")),
            (429, Some("2")),
            "{path}"
        );
    }
    let foldspace = get(
        &server,
        "/v1/user/rate-limited",
        &[(
            "x-foldspace-api-key",
            userscope::vendors::foldspace::FOLDSPACE_DEMO_KEY,
        )],
    )
    .await;
    assert_eq!(
        foldspace.json(),
        json!({"error": "Rate limit exceeded for subscription"})
    );

    // Vemetric: X-RateLimit-* (reset as epoch seconds) and no Retry-After.
    let vemetric = bearer(userscope::vendors::vemetric::VEMETRIC_DEMO_KEY);
    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let answer = get(
        &server,
        "/v1/users/single?id=429",
        &[("authorization", &vemetric)],
    )
    .await;
    assert_eq!(answer.status, 429);
    assert_eq!(
        answer.json(),
        json!({"error": {"code": "RATE_LIMIT_EXCEEDED", "message": "Rate limit exceeded. Try again shortly."}})
    );
    assert_eq!(answer.header("retry-after"), None);
    assert_eq!(answer.header("x-ratelimit-limit"), Some("100"));
    assert_eq!(answer.header("x-ratelimit-remaining"), Some("0"));
    let reset: u64 = answer.header("x-ratelimit-reset").unwrap().parse().unwrap();
    assert!(
        (before + 2..=before + 4).contains(&reset),
        "reset {reset}, now {before}"
    );
}

#[tokio::test]
async fn vemetric_sends_rate_headers_on_every_answer_and_validates_ids() {
    let server = demo::start(0).await.unwrap();
    let auth = bearer(userscope::vendors::vemetric::VEMETRIC_DEMO_KEY);
    let h = [("authorization", auth.as_str())];
    let ok = get(&server, "/v1/users/single?identifier=hanako.yamada", &h).await;
    assert_eq!(ok.json()["user"]["displayName"], "山田 花子 🌸");
    assert_eq!(ok.header("x-ratelimit-remaining"), Some("99"));

    let invalid = get(&server, "/v1/users/single?id=12a", &h).await;
    assert_eq!(invalid.status, 400);
    assert_eq!(
        invalid.json(),
        json!({"error": {"code": "VALIDATION_ERROR", "message": "Invalid request parameters",
            "details": [{"field": "id", "message": "id must be a numeric user id"}]}})
    );
    assert_eq!(invalid.header("x-ratelimit-limit"), Some("100"));

    let neither = get(&server, "/v1/users/single", &h).await;
    assert_eq!(
        neither.json()["error"]["details"],
        json!([
            {"field": "id", "message": "Provide exactly one of id or identifier"},
            {"field": "identifier", "message": "Provide exactly one of id or identifier"}
        ])
    );
    let big = get(&server, "/v1/users/single?id=18446744073709551557", &h).await;
    assert_eq!(big.json()["user"]["id"], "18446744073709551557");
}

#[tokio::test]
async fn coho_token_exchange_gives_a_token_the_data_api_accepts() {
    let server = demo::start(0).await.unwrap();
    let exchange = send(
        &server,
        reqwest::Method::POST,
        "/identity/resources/auth/v2/api-token",
        &[],
        Some(
            json!({"clientId": userscope::vendors::coho::COHO_DEMO_CLIENT_ID, "secret": userscope::vendors::coho::COHO_DEMO_SECRET})
                .to_string(),
        ),
    )
    .await;
    assert_eq!(exchange.status, 200);
    let body = exchange.json();
    assert_eq!(body["expires_in"], 3600);
    assert!(body["expires"].as_str().unwrap().ends_with(" GMT"));
    let token = body["access_token"].as_str().unwrap();
    let user = get(
        &server,
        "/api/data/user/u-1002",
        &[("authorization", &bearer(token))],
    )
    .await;
    assert_eq!(user.status, 200);

    let refused = send(
        &server,
        reqwest::Method::POST,
        "/identity/resources/auth/v2/api-token",
        &[],
        Some(
            json!({"clientId": userscope::vendors::coho::COHO_DEMO_CLIENT_ID, "secret": "guess"})
                .to_string(),
        ),
    )
    .await;
    assert_eq!(refused.status, 401);
}

#[tokio::test]
async fn hostile_requests_get_answers_not_panics() {
    let server = demo::start(0).await.unwrap();
    let auth = bearer(userscope::vendors::coho::COHO_DEMO_TOKEN);
    let h = [("authorization", auth.as_str())];
    let huge = format!("/api/data/user/{}", "x".repeat(8 * 1024));
    for path in [
        "/api/data/user/%",
        "/api/data/user/%FF%FE%FD",
        "/api/data/user/..%2F..%2Fadmin",
        "/api/data/user/u-1001%2F..",
        "/api/data/user/u-1001%3Fx=1",
        "/api/data/user/%00",
        huge.as_str(),
    ] {
        let answer = get(&server, path, &h).await;
        assert_eq!(answer.status, 404, "{path}");
    }
    let vemetric = bearer(userscope::vendors::vemetric::VEMETRIC_DEMO_KEY);
    let answer = get(
        &server,
        "/v1/users/single?id=%FF%FE",
        &[("authorization", &vemetric)],
    )
    .await;
    assert_eq!(answer.status, 400);
    // The server still answers after all that.
    assert_eq!(get(&server, "/api/data/user/u-1001", &h).await.status, 200);
}

#[tokio::test]
async fn connections_point_at_the_server_and_shutdown_stops_it() {
    let server = demo::start(0).await.unwrap();
    let port = server.addr().port();
    assert_eq!(
        server.base_url().as_str(),
        format!("http://127.0.0.1:{port}/")
    );
    let coho = server.connection(VendorKind::COHO);
    assert_eq!(
        (coho.name.as_str(), coho.vendor),
        ("coho", VendorKind::COHO)
    );
    assert_eq!(coho.auth_url.as_ref(), Some(&server.base_url()));
    let vemetric = server.connection(VendorKind::VEMETRIC);
    assert_eq!(
        (vemetric.base_url, vemetric.auth_url),
        (server.base_url(), None)
    );

    server.shutdown().await;
    let refused = reqwest::Client::new()
        .get(format!("http://127.0.0.1:{port}/api/data/user/u-1001"))
        .send()
        .await;
    assert!(refused.is_err(), "server still answering after shutdown");
}

// ---------------------------------------------------------------------------------------------
// `userscope demo-server` and `userscope get` as processes
// ---------------------------------------------------------------------------------------------

/// A `userscope demo-server --port 0` child, killed when the test ends (even on panic).
struct DemoServerProcess {
    child: Child,
    port: u16,
    /// `export NAME=VALUE` lines of the banner.
    exports: HashMap<String, String>,
    /// Commented-out `# export NAME=VALUE` lines (Coho's client id + secret).
    commented_exports: HashMap<String, String>,
    banner: String,
    /// HOME, config and state dirs of the server and of the `get`s run against it.
    home: Home,
}

impl DemoServerProcess {
    fn spawn() -> Self {
        let home = Home::new();
        let child = home
            .command(&["demo-server", "--port", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut process = DemoServerProcess {
            child,
            port: 0,
            exports: HashMap::new(),
            commented_exports: HashMap::new(),
            banner: String::new(),
            home,
        };
        let stdout = process.child.stdout.take().unwrap();
        let (lines_tx, lines_rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if lines_tx.send(line).is_err() {
                    break;
                }
            }
        });
        loop {
            let line = lines_rx
                .recv_timeout(Duration::from_secs(20))
                .unwrap_or_else(|e| {
                    panic!(
                        "demo-server printed no full banner ({e}); so far:\n{}",
                        process.banner
                    )
                });
            process.banner.push_str(&line);
            process.banner.push('\n');
            if let Some(url) = line.strip_prefix("Demo vendors listening on http://127.0.0.1:") {
                process.port = url.parse().unwrap();
            } else if let Some((name, value)) =
                line.strip_prefix("export ").and_then(|l| l.split_once('='))
            {
                process.exports.insert(name.to_owned(), value.to_owned());
            } else if let Some((name, value)) = line
                .strip_prefix("# export ")
                .and_then(|l| l.split_once('='))
            {
                process
                    .commented_exports
                    .insert(name.to_owned(), value.to_owned());
            } else if line == "Press Ctrl-C to stop." {
                break;
            }
        }
        assert_ne!(
            process.port, 0,
            "no port in the banner:\n{}",
            process.banner
        );
        process
    }

    fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn export(&self, name: &str) -> &str {
        self.exports
            .get(name)
            .unwrap_or_else(|| panic!("{name} not printed:\n{}", self.banner))
    }

    /// `userscope get VENDOR ID --base-url <this server> ARGS…` with the printed key of VENDOR.
    fn get(&self, vendor: &str, id: &str, args: &[&str]) -> Command {
        let key_var = format!("USERSCOPE_{}_API_KEY", vendor.to_ascii_uppercase());
        let mut cmd = userscope_cmd(&self.home);
        cmd.env(&key_var, self.export(&key_var))
            .args(["get", vendor, id, "--base-url", &self.base_url()])
            .args(args);
        cmd
    }
}

impl Drop for DemoServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `userscope` with a fresh HOME and nothing of the developer's environment but PATH
/// (no USERSCOPE_* settings, no config file), killed after 60 s.
fn userscope_cmd(home: &Home) -> Command {
    let mut cmd = Command::from_std(home.command(&[]));
    cmd.timeout(Duration::from_secs(60));
    cmd
}

struct Run {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: String,
}

impl Run {
    fn of(cmd: &mut Command) -> Run {
        let output = cmd.output().unwrap();
        Run {
            code: output.status.code(),
            stdout: output.stdout,
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    fn stdout_text(&self) -> String {
        String::from_utf8(self.stdout.clone()).unwrap()
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr: {}",
                self.stdout_text(),
                self.stderr
            )
        })
    }

    #[track_caller]
    fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code,
            Some(code),
            "stdout:\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&self.stdout),
            self.stderr
        );
        self
    }
}

/// The entry of a `{key, value}` list with this key.
fn entry<'a>(list: &'a Value, key: &str) -> &'a Value {
    list.as_array()
        .and_then(|items| items.iter().find(|item| item["key"] == key))
        .map(|item| &item["value"])
        .unwrap_or_else(|| panic!("no `{key}` in {list}"))
}

#[test]
fn demo_server_prints_port_keys_base_urls_and_people() {
    let server = DemoServerProcess::spawn();
    let base = server.base_url();
    for vendor in ["COHO", "USERCOM", "FOLDSPACE", "CHAKRA", "VEMETRIC"] {
        assert_eq!(server.export(&format!("USERSCOPE_{vendor}_BASE_URL")), base);
    }
    assert_eq!(server.export("USERSCOPE_COHO_AUTH_URL"), base);
    assert_eq!(
        server.export("USERSCOPE_COHO_API_KEY"),
        userscope::vendors::coho::COHO_DEMO_TOKEN
    );
    assert_eq!(
        server.export("USERSCOPE_USERCOM_API_KEY"),
        userscope::vendors::usercom::USERCOM_DEMO_KEY
    );
    assert_eq!(
        server.export("USERSCOPE_FOLDSPACE_API_KEY"),
        userscope::vendors::foldspace::FOLDSPACE_DEMO_KEY
    );
    assert_eq!(
        server.export("USERSCOPE_CHAKRA_API_KEY"),
        userscope::vendors::chakra::CHAKRA_DEMO_KEY
    );
    assert_eq!(
        server.export("USERSCOPE_VEMETRIC_API_KEY"),
        userscope::vendors::vemetric::VEMETRIC_DEMO_KEY
    );
    assert_eq!(
        server.commented_exports["USERSCOPE_COHO_CLIENT_ID"],
        userscope::vendors::coho::COHO_DEMO_CLIENT_ID
    );
    assert_eq!(
        server.commented_exports["USERSCOPE_COHO_SECRET"],
        userscope::vendors::coho::COHO_DEMO_SECRET
    );
    for vendor in VendorKind::all() {
        for user in demo::users(vendor) {
            assert!(
                server.banner.contains(user.value),
                "{} missing:\n{}",
                user.value,
                server.banner
            );
        }
    }
}

#[cfg(unix)]
#[test]
fn demo_server_exits_0_on_sigterm() {
    let mut server = DemoServerProcess::spawn();
    let pid = server.child.id().to_string();
    let killed = StdCommand::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = server.child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn demo_server_on_a_busy_port_exits_6_with_one_line() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port().to_string();
    let home = Home::new();
    let run = Run::of(userscope_cmd(&home).args(["demo-server", "--port", &port]));
    run.assert_code(6);
    assert_eq!(
        run.stderr,
        format!(
            "userscope: port {port} on 127.0.0.1 is already in use; pick another with --port N, or --port 0 for any free port\n"
        )
    );
    assert!(run.stdout.is_empty());
}

#[test]
fn get_text_shows_name_email_tag_and_attribute() {
    let server = DemoServerProcess::spawn();
    let run = Run::of(&mut server.get("coho", "u-1001", &["--format", "text"]));
    run.assert_code(0);
    let text = run.stdout_text();
    let line_with = |needles: &[&str]| {
        text.lines()
            .find(|line| needles.iter().all(|n| line.contains(n)))
            .unwrap_or_else(|| panic!("no line with {needles:?} in:\n{text}"))
            .to_owned()
    };
    line_with(&["Hannah Okafor"]);
    line_with(&["hannah.okafor@northwind-logistics.com"]);
    line_with(&["champion", "yes"]);
    line_with(&["company", "Northwind Logistics"]);
    line_with(&["Power users"]);
    line_with(&["Rotterdam"]);
    // Timestamps as ISO 8601 UTC.
    line_with(&["signupTime", "2024-02-11T08:21:47Z"]);
    assert!(
        !text.contains("null"),
        "absent values must not read `null`:\n{text}"
    );
}

#[test]
fn get_text_shows_non_latin_names_as_sent() {
    let server = DemoServerProcess::spawn();
    let run = Run::of(&mut server.get("chakra", "b41d6e2a-8c3f-4a9e-b7d2-5e0f1a3c9b47", &[]));
    run.assert_code(0);
    let text = run.stdout_text();
    assert!(text.contains("अनन्या शर्मा 🎉"), "{text}");
    assert!(text.contains("जयपुर"), "{text}");
}

#[test]
fn get_json_is_the_stable_model() {
    let server = DemoServerProcess::spawn();
    let run = Run::of(&mut server.get("coho", "u-1001", &["--format", "json"]));
    run.assert_code(0);
    let out = run.json();
    assert_eq!(out["vendor"], "coho");
    assert_eq!(out["lookup"], json!({"by": "id", "value": "u-1001"}));
    assert_eq!(out["request"]["method"], "GET");
    assert_eq!(
        out["request"]["url"],
        format!("{}/api/data/user/u-1001", server.base_url())
    );
    assert_eq!(out["request"]["status"], 200);
    assert!(out["request"]["elapsedMs"].is_u64());
    let profile = &out["profile"];
    assert_eq!(profile["id"], "u-1001");
    assert_eq!(profile["displayName"], "Hannah Okafor");
    assert_eq!(profile["email"], "hannah.okafor@northwind-logistics.com");
    assert_eq!(entry(&profile["tags"], "champion"), "yes");
    assert_eq!(entry(&profile["tags"], "plan"), "enterprise");
    assert!(
        profile["segments"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["id"] == "seg-power-users" && s["name"] == "Power users"),
        "{}",
        profile["segments"]
    );
    assert_eq!(
        entry(&profile["attributes"], "company"),
        "Northwind Logistics"
    );
    assert_eq!(entry(&profile["attributes"], "seats"), 48);
    assert_eq!(profile["location"]["city"], "Rotterdam");
    assert_eq!(profile["location"]["country"], "Netherlands");
    assert_eq!(profile["location"]["continent"], "Europe");
    assert_eq!(
        entry(&profile["properties"], "signupTime"),
        "2024-02-11T08:21:47Z"
    );
    let fixture: Value = serde_json::from_str(rich(VendorKind::COHO).body).unwrap();
    assert_eq!(out["raw"], fixture);
    assert_eq!(out["warnings"], json!([]));
}

#[test]
fn get_json_for_every_vendors_rich_user() {
    let server = DemoServerProcess::spawn();
    let cases = [
        (
            "usercom",
            "g3FaYocCy0U6",
            "Jane Doe",
            Some("jane.doe@brightpath.io"),
        ),
        (
            "foldspace",
            "bTMwUidOQiZhMazBDWGAAmuRnu9N2",
            "Alice Johnson",
            Some("alice.johnson@foldspace.io"),
        ),
        (
            "chakra",
            "9763caa1-cef3-497f-b3b2-f551456b2831",
            "Rahul Mehta",
            None,
        ),
        ("vemetric", "4815162342", "John Carter", None),
    ];
    for (vendor, id, name, email) in cases {
        let run = Run::of(&mut server.get(vendor, id, &["--format", "json"]));
        run.assert_code(0);
        let out = run.json();
        assert_eq!(out["profile"]["displayName"], name, "{vendor}");
        if let Some(email) = email {
            assert_eq!(out["profile"]["email"], email, "{vendor}");
        }
        assert_eq!(
            out["warnings"],
            json!([]),
            "{vendor}: fixtures follow the documented contract"
        );
    }
}

#[test]
fn get_json_keeps_vemetric_ids_above_2_pow_63_as_strings() {
    let server = DemoServerProcess::spawn();
    let run = Run::of(&mut server.get("vemetric", "18446744073709551557", &["--format", "json"]));
    run.assert_code(0);
    let out = run.json();
    assert_eq!(out["profile"]["id"], "18446744073709551557");
    assert_eq!(out["profile"]["attributes"].as_array().unwrap().len(), 320);
}

#[test]
fn get_raw_prints_the_vendor_bytes_exactly() {
    let server = DemoServerProcess::spawn();
    for vendor in VendorKind::all() {
        for user in demo::users(vendor) {
            let run = Run::of(
                server
                    .get(vendor.as_str(), user.value, &["--format", "raw"])
                    .args(["--by", user.lookup.as_str()]),
            );
            run.assert_code(0);
            assert!(
                run.stdout == user.body.as_bytes(),
                "{vendor} {}: raw output differs",
                user.value
            );
        }
    }
}

#[test]
fn get_with_all_printed_exports_needs_no_flags() {
    let server = DemoServerProcess::spawn();
    // User.com by email: the printed base URL replaces the account subdomain.
    let run = Run::of(userscope_cmd(&server.home).envs(&server.exports).args([
        "get",
        "usercom",
        "ELENI.P@example.gr",
        "--by",
        "email",
        "--format",
        "json",
    ]));
    run.assert_code(0);
    let out = run.json();
    assert_eq!(out["profile"]["displayName"], "Ελένη Παπαδοπούλου 🎉");
    assert_eq!(
        out["request"]["url"],
        format!(
            "{}/api/public/users/search/?email=ELENI.P%40example.gr",
            server.base_url()
        )
    );
}

#[test]
fn get_coho_exchanges_the_printed_client_credentials_for_a_token() {
    let server = DemoServerProcess::spawn();
    let mut cmd = userscope_cmd(&server.home);
    cmd.env(
        "USERSCOPE_COHO_BASE_URL",
        server.export("USERSCOPE_COHO_BASE_URL"),
    )
    .env(
        "USERSCOPE_COHO_AUTH_URL",
        server.export("USERSCOPE_COHO_AUTH_URL"),
    )
    .envs(&server.commented_exports)
    .args(["get", "coho", "u-1003", "--format", "json"]);
    let run = Run::of(&mut cmd);
    run.assert_code(0);
    assert_eq!(run.json()["profile"]["displayName"], "李小龙 🎉");
    assert!(
        !run.stdout_text()
            .contains(userscope::vendors::coho::COHO_DEMO_SECRET)
    );
    assert!(
        !run.stderr
            .contains(userscope::vendors::coho::COHO_DEMO_SECRET)
    );
}

#[test]
fn get_demo_runs_against_the_in_process_server_without_keys() {
    let home = Home::new();
    let run = Run::of(userscope_cmd(&home).args([
        "get",
        "--demo",
        "foldspace",
        "dmitry.privalov",
        "--format",
        "json",
    ]));
    run.assert_code(0);
    let out = run.json();
    assert_eq!(out["profile"]["displayName"], "Dmitry Privalov");
    assert_eq!(out["profile"]["location"]["city"], "Москва");
    assert_eq!(
        entry(&out["profile"]["attributes"], "greeting"),
        "Привет 👋"
    );

    let run = Run::of(userscope_cmd(&home).args(["get", "--demo", "usercom", "g3FaYocCy0U6"]));
    run.assert_code(0);
    assert!(run.stdout_text().contains("Jane Doe"));
}

#[test]
fn get_unknown_id_exits_3_at_every_vendor() {
    let server = DemoServerProcess::spawn();
    for (vendor, id) in [
        ("coho", "u-404"),
        ("usercom", "nobody"),
        ("foldspace", "nobody"),
        ("chakra", "nobody"),
        ("vemetric", "404"),
    ] {
        let run = Run::of(&mut server.get(vendor, id, &["--format", "json"]));
        run.assert_code(3);
        assert!(run.stdout.is_empty(), "{vendor}");
        assert!(
            run.stderr.contains("No such user at"),
            "{vendor}: {}",
            run.stderr
        );
        assert_eq!(run.stderr.lines().count(), 1, "{vendor}: {}", run.stderr);
    }
}

#[test]
fn get_wrong_key_exits_4_with_the_vendors_message() {
    let server = DemoServerProcess::spawn();
    let usercom_wrong = "w".repeat(64);
    for (vendor, id, wrong_key, message) in [
        ("coho", "u-1001", "eyJ.wrong.token", "Invalid API key"),
        (
            "usercom",
            "g3FaYocCy0U6",
            usercom_wrong.as_str(),
            "Invalid token.",
        ),
        ("foldspace", "anon-5c1e9b", "fsk_wrong", "Unauthorized"),
        (
            "chakra",
            "9763caa1-cef3-497f-b3b2-f551456b2831",
            "chk_wrong",
            "Invalid or missing API key",
        ),
        (
            "vemetric",
            "1001",
            "vem_00000000000000000000000000000000",
            "Invalid or revoked API key",
        ),
    ] {
        let key_var = format!("USERSCOPE_{}_API_KEY", vendor.to_ascii_uppercase());
        let mut cmd = server.get(vendor, id, &[]);
        cmd.env(&key_var, wrong_key);
        let run = Run::of(&mut cmd);
        run.assert_code(4);
        assert!(run.stderr.contains(message), "{vendor}: {}", run.stderr);
        assert!(
            run.stderr.contains(&format!("userscope keys set {vendor}")),
            "{vendor}: {}",
            run.stderr
        );
        assert!(
            !run.stderr.contains(wrong_key),
            "{vendor}: the key leaked: {}",
            run.stderr
        );
    }
}

#[test]
fn get_rate_limited_id_exits_5_after_retrying() {
    let server = DemoServerProcess::spawn();
    let started = std::time::Instant::now();
    let run = Run::of(&mut server.get("coho", "rate-limited", &[]));
    run.assert_code(5);
    assert!(run.stderr.contains("rate limited"), "{}", run.stderr);
    // Retry-After: 2 honoured between the (at most 3) tries.
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "did not wait: {:?}",
        started.elapsed()
    );
}

#[test]
fn get_vemetric_rate_limited_waits_for_the_reset_header() {
    let server = DemoServerProcess::spawn();
    let started = std::time::Instant::now();
    let run = Run::of(&mut server.get("vemetric", "429", &[]));
    run.assert_code(5);
    assert!(run.stderr.contains("rate limited"), "{}", run.stderr);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "did not wait: {:?}",
        started.elapsed()
    );
}

#[test]
fn get_vemetric_non_digit_id_is_refused_before_sending() {
    let server = DemoServerProcess::spawn();
    let run = Run::of(&mut server.get("vemetric", "abc", &["--by", "id"]));
    run.assert_code(2);
}

/// The `demo-server` banner and people table, exactly (moved from the unit tests in
/// `src/cli/demo_server.rs`, which stay vendor-neutral).
#[test]
fn people_table_lists_every_person_alias_and_rate_limited_id() {
    let table = userscope::cli::demo_server::people_table();
    assert!(
        table.contains("  coho       id          u-1001                                 rich\n")
    );
    assert!(table.contains(
        "  usercom    email       jane.doe@brightpath.io                 rich (same person)\n"
    ));
    assert!(table.contains("  vemetric   id          429                                    always rate limited (429)\n"));
    assert_eq!(
        table
            .lines()
            .filter(|l| l.contains("always rate limited"))
            .count(),
        5
    );
}

#[tokio::test]
async fn banner_prints_the_real_port_keys_and_base_urls() {
    let server = demo::start(0).await.unwrap();
    let port = server.addr().port();
    let text = userscope::cli::demo_server::banner(&server);
    let first = text.lines().next().unwrap();
    assert_eq!(
        first,
        format!("Demo vendors listening on http://127.0.0.1:{port}")
    );
    let base = format!("http://127.0.0.1:{port}");
    let expected = format!(
        "Demo vendors listening on {base}\n\n\
         # Paste into a shell, then e.g. `userscope get coho u-1001`:\n\
         export USERSCOPE_COHO_BASE_URL={base}\n\
         export USERSCOPE_COHO_AUTH_URL={base}\n\
         export USERSCOPE_COHO_API_KEY={}\n\
         export USERSCOPE_USERCOM_BASE_URL={base}\n\
         export USERSCOPE_USERCOM_API_KEY={}\n\
         export USERSCOPE_FOLDSPACE_BASE_URL={base}\n\
         export USERSCOPE_FOLDSPACE_API_KEY={}\n\
         export USERSCOPE_CHAKRA_BASE_URL={base}\n\
         export USERSCOPE_CHAKRA_API_KEY={}\n\
         export USERSCOPE_VEMETRIC_BASE_URL={base}\n\
         export USERSCOPE_VEMETRIC_API_KEY={}\n\
         # Coho can also exchange a client id + secret for its token (unset USERSCOPE_COHO_API_KEY first):\n\
         # export USERSCOPE_COHO_CLIENT_ID={}\n\
         # export USERSCOPE_COHO_SECRET={}\n\n",
        userscope::vendors::coho::COHO_DEMO_TOKEN,
        userscope::vendors::usercom::USERCOM_DEMO_KEY,
        userscope::vendors::foldspace::FOLDSPACE_DEMO_KEY,
        userscope::vendors::chakra::CHAKRA_DEMO_KEY,
        userscope::vendors::vemetric::VEMETRIC_DEMO_KEY,
        userscope::vendors::coho::COHO_DEMO_CLIENT_ID,
        userscope::vendors::coho::COHO_DEMO_SECRET,
    );
    assert!(text.starts_with(&expected), "{text}");
    assert!(text.ends_with("\nPress Ctrl-C to stop.\n"));
    server.shutdown().await;
}

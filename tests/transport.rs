//! The key's transport is judged by the address connected to, not by the host name.
//!
//! Every test injects the resolver the plain-http client uses (`HttpClient::with_resolver`),
//! so `localhost` can be "poisoned" without touching the machine. Safety: the non-loopback
//! answers these tests inject are the unspecified addresses (`0.0.0.0`, `::`,
//! `::ffff:0.0.0.0`): not loopback, so the rule must refuse them, yet a connect to one stays on
//! this machine, so even a regression that dropped the filter could never send a packet off
//! it. Where a loopback tripwire server is also in the answer it comes FIRST, so a regression
//! fails the test by connecting to it. Servers here listen on 127.0.0.1 only. (192.0.2.2 is
//! used only inside the private network namespace of the last test.)

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap,
    clippy::cast_precision_loss,
    reason = "a test stops at its first broken expectation; its own numbers are not from the network"
)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use url::Url;
use userscope::config::{Config, HttpSettings, Overrides};
use userscope::error::LookupError;
use userscope::http::{Auth, HttpClient, Outgoing};
use userscope::secrets::ApiKey;
use userscope::vendors::auth::TokenCache;
use userscope::vendors::coho::{CohoTokens, TOKEN_PATH};
use userscope::vendors::{AuthPlacement, VendorKind};

const KEY: &str = "TRANSPORT-KEY-5f2c9a71";
const COHO_SECRET: &str = "coho-transport-s3cr3t";
/// Not a loopback address, but a connect to it stays on this machine (see the module docs).
const ELSEWHERE: &str = "0.0.0.0";
/// TEST-NET-1 (RFC 5737), put on `lo` inside the private network namespace of the last test
/// only: nothing outside that namespace ever sees it.
const NAMESPACE_ADDRESS: &str = "192.0.2.2";

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// A resolver that answers from a script (one answer per call, the last one repeated) and
/// records every name it was asked for.
struct Scripted {
    answers: Vec<Vec<SocketAddr>>,
    asked: Mutex<Vec<String>>,
}

impl Scripted {
    fn new(answers: &[&[&str]]) -> Arc<Scripted> {
        let answers = answers
            .iter()
            .map(|ips| {
                ips.iter()
                    .map(|ip| SocketAddr::new(ip.parse().unwrap(), 0))
                    .collect()
            })
            .collect();
        Arc::new(Scripted {
            answers,
            asked: Mutex::new(Vec::new()),
        })
    }

    fn asked(&self) -> Vec<String> {
        self.asked.lock().unwrap().clone()
    }
}

impl Resolve for Scripted {
    fn resolve(&self, name: Name) -> Resolving {
        let mut asked = self.asked.lock().unwrap();
        asked.push(name.as_str().to_owned());
        let index = (asked.len() - 1).min(self.answers.len() - 1);
        let found: Addrs = Box::new(self.answers[index].clone().into_iter());
        Box::pin(std::future::ready(Ok(found)))
    }
}

/// One recorded request: the request line and the lower-cased headers.
#[derive(Clone, Debug)]
struct Seen {
    request_line: String,
    headers: Vec<(String, String)>,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A raw HTTP server on 127.0.0.1 that counts connections, records request heads and answers
/// every request with `answer(request_line)` (closing the connection after each answer, so a
/// redirect needs a new connection and therefore a new resolution).
struct LocalServer {
    port: u16,
    connections: Arc<Mutex<usize>>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl LocalServer {
    async fn start(answer: fn(&str, u16) -> String) -> LocalServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let connections = Arc::new(Mutex::new(0));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (c, s) = (connections.clone(), seen.clone());
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                *c.lock().unwrap() += 1;
                let s = s.clone();
                tokio::spawn(tokio::time::timeout(Duration::from_secs(10), async move {
                    let mut head = Vec::new();
                    let mut buf = [0u8; 4096];
                    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                        match stream.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => head.extend_from_slice(&buf[..n]),
                        }
                    }
                    let text = String::from_utf8_lossy(&head).into_owned();
                    let mut lines = text.split("\r\n");
                    let request_line = lines.next().unwrap_or_default().to_owned();
                    let headers = lines
                        .filter_map(|l| l.split_once(':'))
                        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
                        .collect();
                    let reply = answer(&request_line, port);
                    s.lock().unwrap().push(Seen {
                        request_line,
                        headers,
                    });
                    let _ = stream.write_all(reply.as_bytes()).await;
                    let _ = stream.shutdown().await;
                }));
            }
        });
        LocalServer {
            port,
            connections,
            seen,
        }
    }

    fn connections(&self) -> usize {
        *self.connections.lock().unwrap()
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

fn json_ok(body: &str) -> String {
    format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

fn always_ok(_: &str, _: u16) -> String {
    json_ok(r#"{"id":"u-1"}"#)
}

fn client(resolver: Arc<Scripted>) -> HttpClient {
    let settings = HttpSettings {
        connect_timeout_secs: 2.0,
        timeout_secs: 5.0,
        max_body_mib: 1,
    };
    HttpClient::with_resolver(&settings, resolver).unwrap()
}

/// GET `url` with `KEY` as a bearer token, the way a vendor lookup sends it.
async fn get_with_key(http: &HttpClient, url: &str) -> Result<(u16, String), LookupError> {
    let url = Url::parse(url).unwrap();
    let out = Outgoing {
        method: reqwest::Method::GET,
        url: &url,
        headers: &[("accept", "application/json".to_owned())],
        auth: Some(Auth {
            placement: AuthPlacement::bearer(),
            key: KEY,
        }),
        json_body: None,
        secrets: &[KEY],
    };
    let received = http
        .execute(&out, VendorKind::FOLDSPACE, None, &CancellationToken::new())
        .await?;
    Ok((
        received.status,
        String::from_utf8_lossy(&received.body).into_owned(),
    ))
}

fn refusal(port: u16, address: &str) -> String {
    format!(
        "refusing to send the API key to http://localhost:{port} over plain http: localhost resolves to {address}, which is not a loopback address (plain http goes only to 127.0.0.0/8 or ::1); use an https:// base URL"
    )
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn localhost_resolving_to_another_machine_is_refused_inside_the_resolver() {
    let resolver = Scripted::new(&[&[ELSEWHERE]]);
    let http = client(resolver.clone());
    let started = Instant::now();
    // Userinfo in the URL must not reach the message either.
    let err = get_with_key(&http, "http://alice:PW-IN-URL@localhost:9/api/users/u-1")
        .await
        .unwrap_err();
    assert_eq!(err.exit_code(), 2);
    let text = err.to_string();
    assert_eq!(text, refusal(9, ELSEWHERE));
    assert!(!text.contains(KEY) && !text.contains("PW-IN-URL") && !text.contains("alice"));
    assert_eq!(resolver.asked(), ["localhost"]);
    // Refused before any connect (which would wait for the 2 s connect timeout).
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn one_stray_address_among_loopback_ones_is_refused_and_nothing_connects() {
    let tripwire = LocalServer::start(always_ok).await;
    for answer in [
        &["127.0.0.1", ELSEWHERE][..],
        &["127.0.0.1", "::1", "::"][..],
        &["127.0.0.1", "::ffff:0.0.0.0"][..],
    ] {
        let resolver = Scripted::new(&[answer]);
        let http = client(resolver.clone());
        let url = format!("http://localhost:{}/api/users/u-1", tripwire.port);
        let err = get_with_key(&http, &url).await.unwrap_err();
        assert_eq!(err.exit_code(), 2, "{answer:?}");
        let stray = answer.last().unwrap();
        assert_eq!(err.to_string(), refusal(tripwire.port, stray), "{answer:?}");
        assert_eq!(resolver.asked(), ["localhost"]);
    }
    assert_eq!(tripwire.connections(), 0);
}

#[tokio::test]
async fn localhost_resolving_to_loopback_reaches_the_server_with_the_key() {
    let server = LocalServer::start(always_ok).await;
    let resolver = Scripted::new(&[&["127.0.0.1"]]);
    let http = client(resolver.clone());
    let url = format!("http://localhost:{}/api/users/u-1?expand=all", server.port);
    let (status, body) = get_with_key(&http, &url).await.unwrap();
    assert_eq!((status, body.as_str()), (200, r#"{"id":"u-1"}"#));
    assert_eq!(resolver.asked(), ["localhost"]);
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        seen[0].request_line,
        "GET /api/users/u-1?expand=all HTTP/1.1"
    );
    assert_eq!(
        seen[0].header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(
        seen[0].header("host"),
        Some(format!("localhost:{}", server.port).as_str())
    );
}

fn redirect_then_ok(request_line: &str, port: u16) -> String {
    if request_line.starts_with("GET /start ") {
        format!(
            "HTTP/1.1 302 Found\r\nLocation: http://localhost:{port}/next\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
    } else {
        json_ok(r#"{"id":"u-1"}"#)
    }
}

#[tokio::test]
async fn a_same_origin_redirect_is_resolved_again_through_the_filter() {
    let server = LocalServer::start(redirect_then_ok).await;
    let url = format!("http://localhost:{}/start", server.port);

    // Loopback both times: the redirect is followed and the key arrives at /next.
    let resolver = Scripted::new(&[&["127.0.0.1"]]);
    let (status, _) = get_with_key(&client(resolver.clone()), &url).await.unwrap();
    assert_eq!(status, 200);
    assert_eq!(resolver.asked(), ["localhost", "localhost"]);
    let lines: Vec<String> = server.seen().into_iter().map(|s| s.request_line).collect();
    assert_eq!(lines, ["GET /start HTTP/1.1", "GET /next HTTP/1.1"]);

    // The name turns elsewhere between the first request and the redirect's new connection:
    // the hop is refused (the loopback address comes first, so a regression would show up as
    // a third request here, not as a packet leaving the machine).
    let resolver = Scripted::new(&[&["127.0.0.1"], &["127.0.0.1", ELSEWHERE]]);
    let err = get_with_key(&client(resolver.clone()), &url)
        .await
        .unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert_eq!(err.to_string(), refusal(server.port, ELSEWHERE));
    assert_eq!(resolver.asked(), ["localhost", "localhost"]);
    let lines: Vec<String> = server.seen().into_iter().map(|s| s.request_line).collect();
    assert_eq!(
        lines,
        [
            "GET /start HTTP/1.1",
            "GET /next HTTP/1.1",
            "GET /start HTTP/1.1"
        ]
    );
}

fn token_answer(_: &str, _: u16) -> String {
    json_ok(r#"{"access_token":"tok-1","expires_in":3600}"#)
}

/// Coho's client-credentials exchange (the secret is in the JSON body) via `auth_url`.
async fn coho_exchange(http: &HttpClient, auth_url: &str) -> Result<ApiKey, LookupError> {
    let overrides = Overrides {
        base_url: Some(auth_url.to_owned()),
        ..Overrides::default()
    };
    let auth = auth_url.to_owned();
    let env = move |var: &str| (var == "USERSCOPE_COHO_AUTH_URL").then(|| auth.clone());
    let conn = Config::default().resolve("coho", &overrides, &env).unwrap();
    TokenCache::new()
        .token(
            &CohoTokens,
            http,
            &conn,
            "client-1",
            &ApiKey::new(COHO_SECRET),
            None,
            None,
            &CancellationToken::new(),
        )
        .await
}

#[tokio::test]
async fn the_coho_token_exchange_follows_the_same_rule() {
    let server = LocalServer::start(token_answer).await;
    let auth_url = format!("http://localhost:{}", server.port);

    let resolver = Scripted::new(&[&["127.0.0.1", ELSEWHERE]]);
    let err = coho_exchange(&client(resolver.clone()), &auth_url)
        .await
        .unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert_eq!(err.to_string(), refusal(server.port, ELSEWHERE));
    assert!(!err.to_string().contains(COHO_SECRET));
    assert_eq!(resolver.asked(), ["localhost"]);
    assert_eq!(server.connections(), 0);

    let resolver = Scripted::new(&[&["127.0.0.1"]]);
    let token = coho_exchange(&client(resolver.clone()), &auth_url)
        .await
        .unwrap();
    assert_eq!(token.expose(), "tok-1");
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].request_line, format!("POST {TOKEN_PATH} HTTP/1.1"));
}

#[tokio::test]
async fn loopback_ip_literals_never_reach_the_resolver() {
    let server = LocalServer::start(always_ok).await;
    let resolver = Scripted::new(&[&[ELSEWHERE]]);
    let http = client(resolver.clone());
    let url = format!("http://127.0.0.1:{}/api/users/u-1", server.port);
    let (status, _) = get_with_key(&http, &url).await.unwrap();
    assert_eq!(status, 200);
    assert!(resolver.asked().is_empty(), "{:?}", resolver.asked());
    assert_eq!(server.seen().len(), 1);
}

// ---------------------------------------------------------------------------------------------
// The real binary against a poisoned hosts file, in a private network + mount namespace
// ---------------------------------------------------------------------------------------------

/// Set when this test binary runs again inside `unshare`.
const IN_NAMESPACE: &str = "USERSCOPE_TRANSPORT_TEST_IN_NAMESPACE";
const NAMESPACE_TEST: &str = "the_real_binary_refuses_a_hosts_file_that_maps_localhost_elsewhere";

/// `unshare` for an unprivileged user: own user (mapped to root, for `ip` and `mount`),
/// mount and network namespaces; mounts are private to it by default.
fn unshare() -> std::process::Command {
    let mut cmd = std::process::Command::new("unshare");
    cmd.args(["--user", "--map-root-user", "--mount", "--net", "--"]);
    cmd
}

/// Outside: re-run this one test inside fresh namespaces (or skip, saying why). Inside:
/// `lo` up with 192.0.2.2 on it, `/etc/hosts` replaced by `192.0.2.2 localhost`, a listener on
/// 192.0.2.2; `userscope get --base-url http://localhost:PORT` must refuse with exit 2 and the
/// listener must see no connection. The namespace has no other interface, so even a
/// regression cannot send a packet off the machine.
#[test]
fn the_real_binary_refuses_a_hosts_file_that_maps_localhost_elsewhere() {
    if std::env::var_os(IN_NAMESPACE).is_some() {
        inside_the_namespace();
        return;
    }
    // Everything the inner run needs: namespaces, and within them `ip` and a bind mount
    // (a restricted user namespace, e.g. AppArmor's, allows `unshare` but not these).
    let probe = unshare()
        .args([
            "sh",
            "-c",
            "ip link set lo up && mount --bind /etc/hosts /etc/hosts",
        ])
        .output();
    match probe {
        Ok(out) if out.status.success() => {}
        Ok(out) => {
            eprintln!(
                "skipped: a private network + mount namespace is not permitted here: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
            return;
        }
        Err(e) => {
            eprintln!("skipped: cannot run unshare: {e}");
            return;
        }
    }
    let out = unshare()
        .arg(std::env::current_exe().unwrap())
        .args(["--exact", NAMESPACE_TEST, "--nocapture", "--test-threads=1"])
        .env(IN_NAMESPACE, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}{stderr}");
    assert!(
        out.status.success(),
        "inside the namespace:\n{stdout}\n{stderr}"
    );
    // The inner run really ran this test (a filter typo would run nothing and pass).
    assert!(stdout.contains("1 passed"), "{stdout}");
}

fn run(program: &str, args: &[&str]) {
    let out = std::process::Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn inside_the_namespace() {
    use std::io::ErrorKind;
    use std::net::{TcpListener, TcpStream, ToSocketAddrs};

    // Guard: this process must be in a network namespace whose only interface is `lo`
    // (/proc/self/net/dev follows the caller's namespace). Otherwise stop before binding or
    // connecting to anything.
    let dev = std::fs::read_to_string("/proc/self/net/dev").unwrap();
    let interfaces: Vec<&str> = dev
        .lines()
        .skip(2)
        .filter_map(|l| l.split(':').next())
        .map(str::trim)
        .collect();
    assert_eq!(interfaces, ["lo"], "not in a private network namespace");

    run("ip", &["link", "set", "lo", "up"]);
    run("ip", &["addr", "add", "192.0.2.2/32", "dev", "lo"]);
    let dir = tempfile::tempdir().unwrap();
    let hosts = dir.path().join("hosts");
    std::fs::write(&hosts, "192.0.2.2 localhost\n").unwrap();
    run("mount", &["--bind", hosts.to_str().unwrap(), "/etc/hosts"]);
    // The poisoning took: this process's own resolver now maps localhost to 192.0.2.2 only.
    let resolved: Vec<SocketAddr> = ("localhost", 0).to_socket_addrs().unwrap().collect();
    assert_eq!(
        resolved,
        [SocketAddr::new(NAMESPACE_ADDRESS.parse().unwrap(), 0)]
    );

    let listener = TcpListener::bind((NAMESPACE_ADDRESS, 0)).unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    // The tripwire works: a connection to it is seen.
    drop(TcpStream::connect((NAMESPACE_ADDRESS, port)).unwrap());
    assert!(listener.accept().is_ok(), "the listener misses connections");

    let home = dir.path();
    let key = "coho-transport-key-3e8d1b";
    let base = format!("http://localhost:{port}");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_userscope"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_RUNTIME_DIR", home.join("run"))
        .env("USERSCOPE_CONFIG", home.join("does-not-exist/config.toml"))
        .env("USERSCOPE_COHO_API_KEY", key)
        .args([
            "get",
            "coho",
            "u-1",
            "--base-url",
            &base,
            "--connect-timeout",
            "2",
            "--timeout",
            "3",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(2),
        "stdout {stdout}\nstderr {stderr}"
    );
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        format!("userscope: {}\n", refusal(port, NAMESPACE_ADDRESS))
    );
    assert!(!stderr.contains(key));
    match listener.accept() {
        Err(e) if e.kind() == ErrorKind::WouldBlock => {}
        other => panic!("the listener on 192.0.2.2 saw a connection: {other:?}"),
    }
}

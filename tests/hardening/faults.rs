//! Faulty servers (section 1): every way a vendor's answer can go wrong ends `get` within its
//! timeout, with one sanitized line, the documented exit code and bounded memory.

use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::assert_one_line_error;
use crate::support::fault_server::{
    FaultServer, SeenRequest, Step, gzip_of_16_mib_of_zeros, head, json_response, response,
};
use crate::support::home::Home;
use crate::support::run::{Finished, run_async};

pub(crate) const FAULT_KEY: &str = "coho-fault-test-key";

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

pub(crate) async fn get_against(
    script: impl Fn(&SeenRequest, usize) -> Vec<Step> + Send + Sync + 'static,
    timeout: &str,
    extra: &[&str],
) -> (Finished, FaultServer) {
    let server = FaultServer::start(script);
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

pub(crate) const SMALL_BODY: &str = r#"{"userId":"u-1","userProperties":{"name":"Ann"}}"#;

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
    Some(gzip_of_16_mib_of_zeros()?.repeat(members))
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
    let elsewhere =
        FaultServer::start_on("127.0.0.2:0", |_, _| json_response(200, SMALL_BODY)).ok();
    let other_port = FaultServer::start(|_, _| json_response(200, SMALL_BODY));
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

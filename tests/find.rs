//! `userscope find` (design §9): routing defaults, the demo person, the run against five mock
//! vendors on loopback (found / not found / error / skipped / no_key, follow via email, a 429
//! at one vendor while the others answer, cancellation) and the real binary's JSON, text and
//! exit codes.

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
use std::sync::Arc;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;
use userscope::config::{Config, FindSettings, HttpSettings, Overrides};
use userscope::find::{FindEvent, FindReport, Plan, Query, Status, Target};
use userscope::lookup::Lookuper;
use userscope::secrets::EnvKeys;
use userscope::vendors::demo_kit::{EVERYWHERE_EMAIL, EVERYWHERE_ID, everywhere};
use userscope::vendors::{Connection, FindClass, LookupKind, VendorKind};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "TESTKEY-0123456789abcdef";

// ---------------------------------------------------------------------------------------------
// Routing defaults and the demo person
// ---------------------------------------------------------------------------------------------

#[test]
fn routing_defaults_are_design_9s() {
    use FindClass::{Email, Id};
    let expect: [(VendorKind, FindClass, Result<LookupKind, &str>); 10] = [
        (VendorKind::COHO, Id, Ok(LookupKind::Id)),
        (
            VendorKind::COHO,
            Email,
            Err("Coho looks people up by your product's user ID only"),
        ),
        (VendorKind::USERCOM, Email, Ok(LookupKind::Email)),
        (
            VendorKind::USERCOM,
            Id,
            Err("User.com IDs are its own numbers, not your product's user ID"),
        ),
        (VendorKind::FOLDSPACE, Id, Ok(LookupKind::Identifier)),
        (
            VendorKind::FOLDSPACE,
            Email,
            Err("Foldspace looks people up by your product's identify ID only"),
        ),
        (
            VendorKind::CHAKRA,
            Id,
            Err("ChakraHQ looks people up by its own user ID only"),
        ),
        (
            VendorKind::CHAKRA,
            Email,
            Err("ChakraHQ looks people up by its own user ID only"),
        ),
        (VendorKind::VEMETRIC, Id, Ok(LookupKind::Identifier)),
        (VendorKind::VEMETRIC, Email, Ok(LookupKind::Identifier)),
    ];
    for (vendor, class, want) in expect {
        assert_eq!(vendor.find_kind(class), want, "{vendor} {class}");
    }
}

#[test]
fn the_demo_person_is_at_four_vendors_with_the_planned_conflicts() {
    let mut names = HashMap::new();
    for vendor in VendorKind::all() {
        let Some(user) = everywhere(vendor) else {
            assert_eq!(vendor, VendorKind::CHAKRA);
            continue;
        };
        let body = serde_json::from_str(user.body).unwrap();
        let normalized = vendor.adapter().normalize(body).unwrap();
        assert_eq!(normalized.warnings, Vec::<String>::new(), "{vendor}");
        names.insert(vendor, normalized.profile);
        // Found by the routed kind of each class it is routed for.
        for (class, value) in [
            (FindClass::Id, EVERYWHERE_ID),
            (FindClass::Email, EVERYWHERE_EMAIL),
        ] {
            if let Ok(kind) = vendor.find_kind(class) {
                assert_eq!(
                    userscope::demo::find(vendor, kind, value),
                    Some(user),
                    "{vendor} {class}"
                );
            }
        }
    }
    assert_eq!(names.len(), 4);
    assert_eq!(
        names[&VendorKind::USERCOM].display_name.as_deref(),
        Some("Mara Lindquist")
    );
    assert_eq!(
        names[&VendorKind::COHO].display_name.as_deref(),
        Some("Mara Lindqvist")
    );
    assert_eq!(
        names[&VendorKind::FOLDSPACE].location.city.as_deref(),
        Some("Uppsala")
    );
    // The four classic demo people are unchanged: the find person is not among them.
    for vendor in VendorKind::all() {
        assert_eq!(userscope::demo::users(vendor).len(), 4);
    }
}

// ---------------------------------------------------------------------------------------------
// The run against five mock vendors (library)
// ---------------------------------------------------------------------------------------------

/// A connection for `vendor` pointing at `base` (a loopback mock server).
fn conn(vendor: VendorKind, base: &str) -> Connection {
    let overrides = Overrides {
        base_url: Some(base.to_owned()),
        ..Overrides::default()
    };
    let no_env = |_: &str| None;
    Config::default()
        .resolve(vendor.as_str(), &overrides, &no_env)
        .unwrap()
}

/// Keys for every vendor except `without`.
fn lookuper(without: &[VendorKind]) -> Lookuper {
    let env: HashMap<String, String> = VendorKind::all()
        .filter(|v| !without.contains(v))
        .map(|v| {
            (
                format!("USERSCOPE_{}_API_KEY", v.as_str().to_uppercase()),
                KEY.to_owned(),
            )
        })
        .collect();
    let keys = EnvKeys::with_lookup(move |name: &str| env.get(name).cloned());
    Lookuper::new(HttpSettings::default(), Arc::new(keys)).unwrap()
}

/// Five mock vendors, one server each.
struct Vendors {
    servers: HashMap<VendorKind, MockServer>,
}

impl Vendors {
    async fn start() -> Vendors {
        let mut servers = HashMap::new();
        for vendor in VendorKind::all() {
            servers.insert(vendor, MockServer::start().await);
        }
        Vendors { servers }
    }

    fn server(&self, vendor: VendorKind) -> &MockServer {
        &self.servers[&vendor]
    }

    fn targets(&self) -> Vec<Target> {
        VendorKind::all()
            .map(|v| Target::ready(conn(v, &self.server(v).uri())))
            .collect()
    }

    /// The demo person's body at `vendor`, on its documented route for `value`.
    async fn person(&self, vendor: VendorKind, value: &str, delay: Duration) {
        let body = everywhere(vendor).unwrap().body;
        route(vendor, value)
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_raw(body, "application/json")
                    .set_delay(delay),
            )
            .mount(self.server(vendor))
            .await;
    }

    async fn answer(&self, vendor: VendorKind, value: &str, status: u16, body: Value) {
        route(vendor, value)
            .respond_with(ResponseTemplate::new(status).set_body_json(body))
            .mount(self.server(vendor))
            .await;
    }
}

/// The documented request of each vendor for the kind find routes it by.
fn route(vendor: VendorKind, value: &str) -> wiremock::MockBuilder {
    let m = Mock::given(method("GET"));
    match vendor {
        VendorKind::COHO => m.and(path(format!("/api/data/user/{value}"))),
        VendorKind::USERCOM => m
            .and(path("/api/public/users/search/"))
            .and(query_param("email", value)),
        VendorKind::FOLDSPACE => m.and(path(format!("/v1/user/{value}"))),
        VendorKind::CHAKRA => m.and(path(format!("/v1/ext/user/{value}"))),
        _ => m
            .and(path("/v1/users/single"))
            .and(query_param("identifier", value)),
    }
}

async fn run_find(
    value: &str,
    vendors: &Vendors,
    lookuper: Lookuper,
    follow: bool,
    cancel: CancellationToken,
) -> (Vec<FindEvent>, FindReport) {
    let plan = Plan::new(
        Query::parse(value, None).unwrap(),
        vendors.targets(),
        &FindSettings::default(),
        follow,
    );
    let mut rx = userscope::find::start(plan, lookuper, cancel);
    let mut events = Vec::new();
    while let Some(event) = rx.recv().await {
        if let FindEvent::Done(report) = event {
            return (events, *report);
        }
        events.push(event);
    }
    panic!("no Done event");
}

fn statuses(report: &FindReport) -> Vec<(&str, &str)> {
    report
        .rows
        .iter()
        .map(|r| (r.connection.as_str(), r.status.word()))
        .collect()
}

#[tokio::test]
async fn found_not_found_error_and_skipped_each_keep_their_row() {
    let v = Vendors::start().await;
    v.person(VendorKind::COHO, EVERYWHERE_ID, Duration::ZERO)
        .await;
    v.answer(
        VendorKind::FOLDSPACE,
        EVERYWHERE_ID,
        404,
        json!({"message": "User not found"}),
    )
    .await;
    v.answer(
        VendorKind::VEMETRIC,
        EVERYWHERE_ID,
        500,
        json!({"error": {"code": "INTERNAL", "message": "database down"}}),
    )
    .await;
    let (events, report) = run_find(
        EVERYWHERE_ID,
        &v,
        lookuper(&[]),
        false,
        CancellationToken::new(),
    )
    .await;
    assert_eq!(
        statuses(&report),
        [
            ("coho", "found"),
            ("usercom", "skipped"),
            ("foldspace", "not_found"),
            ("chakra", "skipped"),
            ("vemetric", "error"),
        ]
    );
    assert_eq!(report.exit_code(), 0);
    match &report.rows[4].status {
        Status::Error {
            exit_code, message, ..
        } => {
            assert_eq!(*exit_code, 6);
            assert!(
                message.starts_with("Vemetric answered HTTP 500"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
    // Planned came first with every row, and every asked row started and finished once.
    match events.first() {
        Some(FindEvent::Planned(rows)) => assert_eq!(rows.len(), 5),
        other => panic!("{other:?}"),
    }
    let finished: Vec<usize> = events
        .iter()
        .filter_map(|e| match e {
            FindEvent::Finished { row, .. } => Some(*row),
            _ => None,
        })
        .collect();
    let mut sorted = finished.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, [0, 2, 4]);
    // Nothing was sent to the skipped vendors.
    for skipped in [VendorKind::USERCOM, VendorKind::CHAKRA] {
        let got = v.server(skipped).received_requests().await.unwrap();
        assert!(got.is_empty(), "{skipped}: {got:?}");
    }
}

#[tokio::test]
async fn no_key_is_its_own_status_and_every_asked_not_found_is_exit_3() {
    let v = Vendors::start().await;
    v.answer(
        VendorKind::VEMETRIC,
        EVERYWHERE_EMAIL,
        404,
        json!({"error": {"code": "USER_NOT_FOUND", "message": "User not found"}}),
    )
    .await;
    let (_, report) = run_find(
        EVERYWHERE_EMAIL,
        &v,
        lookuper(&[VendorKind::USERCOM]),
        true,
        CancellationToken::new(),
    )
    .await;
    assert_eq!(
        statuses(&report),
        [
            ("coho", "skipped"),
            ("usercom", "no_key"),
            ("foldspace", "skipped"),
            ("chakra", "skipped"),
            ("vemetric", "not_found"),
        ]
    );
    assert_eq!(report.exit_code(), 3);
    let doc = userscope::find::json::document(&report);
    assert_eq!(
        doc["results"][1],
        json!({"connection": "usercom", "vendor": "usercom", "status": "no_key",
               "reason": "no API key for usercom: set USERSCOPE_USERCOM_API_KEY or run `userscope keys set usercom`"})
    );
    assert!(
        v.server(VendorKind::USERCOM)
            .received_requests()
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn an_email_found_by_id_is_followed_once_at_the_email_connection() {
    let v = Vendors::start().await;
    v.person(VendorKind::COHO, EVERYWHERE_ID, Duration::ZERO)
        .await;
    v.person(VendorKind::FOLDSPACE, EVERYWHERE_ID, Duration::ZERO)
        .await;
    v.person(VendorKind::VEMETRIC, EVERYWHERE_ID, Duration::ZERO)
        .await;
    v.person(VendorKind::USERCOM, EVERYWHERE_EMAIL, Duration::ZERO)
        .await;
    let (events, report) = run_find(
        EVERYWHERE_ID,
        &v,
        lookuper(&[]),
        true,
        CancellationToken::new(),
    )
    .await;
    assert_eq!(
        statuses(&report),
        [
            ("coho", "found"),
            ("usercom", "found"),
            ("foldspace", "found"),
            ("chakra", "skipped"),
            ("vemetric", "found"),
        ]
    );
    let usercom = &report.rows[1];
    assert_eq!(usercom.via.as_deref(), Some("email from coho"));
    assert_eq!(
        usercom.lookup.as_ref().map(|l| (l.by, l.value.as_str())),
        Some((LookupKind::Email, EVERYWHERE_EMAIL))
    );
    let follow_ups = events
        .iter()
        .filter(|e| matches!(e, FindEvent::FollowUp { .. }))
        .count();
    assert_eq!(follow_ups, 1);
    // One request per asked vendor: no loops, no duplicates.
    for vendor in [
        VendorKind::COHO,
        VendorKind::USERCOM,
        VendorKind::FOLDSPACE,
        VendorKind::VEMETRIC,
    ] {
        let got = v.server(vendor).received_requests().await.unwrap();
        assert_eq!(got.len(), 1, "{vendor}");
    }
    assert_eq!(report.merged.found, 4);
    assert_eq!(
        report.merged.conflicts,
        [
            "displayName",
            "kind",
            "location.region",
            "location.city",
            "attributes.seats"
        ]
    );
    // --no-follow: the email connection stays skipped.
    let (_, without) = run_find(
        EVERYWHERE_ID,
        &v,
        lookuper(&[]),
        false,
        CancellationToken::new(),
    )
    .await;
    assert_eq!(without.rows[1].status.word(), "skipped");
}

#[tokio::test]
async fn a_429_at_one_vendor_does_not_hold_up_the_others() {
    let v = Vendors::start().await;
    v.person(VendorKind::COHO, EVERYWHERE_ID, Duration::ZERO)
        .await;
    v.person(VendorKind::FOLDSPACE, EVERYWHERE_ID, Duration::ZERO)
        .await;
    // Vemetric: one 429 (reset in 1 s, as its headers say), then the person.
    let reset = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 1;
    route(VendorKind::VEMETRIC, EVERYWHERE_ID)
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("x-ratelimit-reset", reset.to_string().as_str())
                .set_body_json(
                    json!({"error": {"code": "RATE_LIMIT_EXCEEDED", "message": "slow down"}}),
                ),
        )
        .up_to_n_times(1)
        .mount(v.server(VendorKind::VEMETRIC))
        .await;
    v.person(VendorKind::VEMETRIC, EVERYWHERE_ID, Duration::ZERO)
        .await;
    let (events, report) = run_find(
        EVERYWHERE_ID,
        &v,
        lookuper(&[]),
        false,
        CancellationToken::new(),
    )
    .await;
    assert_eq!(report.rows[4].status.word(), "found");
    let position = |want: usize| {
        events
            .iter()
            .position(|e| matches!(e, FindEvent::Finished { row, .. } if *row == want))
            .unwrap()
    };
    let limited = events
        .iter()
        .position(|e| matches!(e, FindEvent::RateLimited { row: 4, .. }))
        .expect("a RateLimited event for the vemetric row");
    // Coho and Foldspace finished while Vemetric waited.
    assert!(position(0) < position(4) && position(2) < position(4));
    assert!(limited < position(4));
    assert_eq!(report.exit_code(), 0);
}

#[tokio::test]
async fn cancel_ends_every_row_and_reports_the_unfinished_as_errors() {
    let v = Vendors::start().await;
    v.person(VendorKind::COHO, EVERYWHERE_ID, Duration::ZERO)
        .await;
    v.person(
        VendorKind::FOLDSPACE,
        EVERYWHERE_ID,
        Duration::from_secs(30),
    )
    .await;
    v.person(VendorKind::VEMETRIC, EVERYWHERE_ID, Duration::from_secs(30))
        .await;
    let cancel = CancellationToken::new();
    let plan = Plan::new(
        Query::parse(EVERYWHERE_ID, None).unwrap(),
        v.targets(),
        &FindSettings::default(),
        true,
    );
    let mut rx = userscope::find::start(plan, lookuper(&[]), cancel.clone());
    let began = Instant::now();
    let mut report = None;
    while let Some(event) = rx.recv().await {
        match event {
            // As soon as the quick vendor answered, cancel the rest (Esc on the board).
            FindEvent::Finished { row: 0, .. } => cancel.cancel(),
            FindEvent::Done(r) => {
                report = Some(*r);
                break;
            }
            _ => {}
        }
    }
    let report = report.unwrap();
    assert!(
        began.elapsed() < Duration::from_secs(10),
        "{:?}",
        began.elapsed()
    );
    assert_eq!(
        statuses(&report),
        [
            ("coho", "found"),
            ("usercom", "skipped"),
            ("foldspace", "error"),
            ("chakra", "skipped"),
            ("vemetric", "error"),
        ]
    );
    for row in [2, 4] {
        match &report.rows[row].status {
            Status::Error {
                exit_code, message, ..
            } => assert_eq!((*exit_code, message.as_str()), (130, "cancelled")),
            other => panic!("{other:?}"),
        }
    }
    // Cancelled before the follow-up round: the email connection was never asked.
    assert!(
        v.server(VendorKind::USERCOM)
            .received_requests()
            .await
            .unwrap()
            .is_empty()
    );
}

// ---------------------------------------------------------------------------------------------
// The real binary
// ---------------------------------------------------------------------------------------------

fn userscope(home: &std::path::Path) -> Command {
    let path = |p: &str| home.join(p).to_string_lossy().into_owned();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_userscope"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", path(""))
        .env("XDG_CONFIG_HOME", path("config"))
        .env("XDG_STATE_HOME", path("state"))
        .env("XDG_DATA_HOME", path("data"))
        .env("USERSCOPE_CONFIG", path("none/config.toml"))
        .timeout(Duration::from_secs(60));
    cmd
}

struct Out {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run(cmd: &mut Command) -> Out {
    let out = cmd.output().unwrap();
    Out {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn demo_find_by_email_json_is_design_9s() {
    let home = tempfile::tempdir().unwrap();
    let out =
        run(userscope(home.path()).args(["find", "--demo", EVERYWHERE_EMAIL, "--format", "json"]));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&doc), ["query", "results", "merged"]);
    assert_eq!(
        doc["query"],
        json!({"value": EVERYWHERE_EMAIL, "as": "email"})
    );
    let results = doc["results"].as_array().unwrap();
    let summary: Vec<(&str, &str)> = results
        .iter()
        .map(|r| {
            (
                r["connection"].as_str().unwrap(),
                r["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("coho", "skipped"),
            ("usercom", "found"),
            ("foldspace", "skipped"),
            ("chakra", "skipped"),
            ("vemetric", "found"),
            // The demo's config-defined vendor (design §10) answers `find` too.
            ("ledgerly", "found"),
        ]
    );
    assert_eq!(
        results[3],
        json!({"connection": "chakra", "vendor": "chakra", "status": "skipped",
               "reason": "ChakraHQ looks people up by its own user ID only"})
    );
    let usercom = &results[1];
    assert_eq!(
        keys(usercom),
        [
            "connection",
            "vendor",
            "by",
            "value",
            "via",
            "status",
            "elapsedMs",
            "profile",
            "warnings"
        ]
    );
    assert_eq!(
        (&usercom["by"], &usercom["value"], &usercom["via"]),
        (&json!("email"), &json!(EVERYWHERE_EMAIL), &Value::Null)
    );
    assert!(usercom["elapsedMs"].is_u64());
    assert_eq!(usercom["profile"]["displayName"], "Mara Lindquist");
    assert_eq!(usercom["warnings"], json!([]));
    assert_eq!(results[4]["by"], "identifier");
    // The merged view: the name conflict, with who said what.
    assert_eq!(doc["merged"]["found"], 3);
    assert_eq!(
        doc["merged"]["fields"][0],
        json!({"field": "displayName", "agree": false, "values": [
            {"value": "Mara Lindquist", "from": ["usercom"]},
            {"value": "Mara Lindqvist", "from": ["vemetric", "ledgerly"]}]})
    );
    assert_eq!(
        doc["merged"]["conflicts"],
        json!(["displayName", "kind", "attributes.Seats"])
    );
}

#[test]
fn demo_find_by_id_follows_the_email_and_shows_the_conflicts_first() {
    let home = tempfile::tempdir().unwrap();
    let out = run(userscope(home.path()).args(["find", "--demo", EVERYWHERE_ID]));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let text = out.stdout;
    let board: Vec<Vec<&str>> = text
        .lines()
        .skip(3)
        .take(5)
        .map(|l| {
            l.split("  ")
                .filter(|c| !c.trim().is_empty())
                .map(str::trim)
                .collect()
        })
        .collect();
    assert_eq!(board[0][..2], ["coho", "found"]);
    assert_eq!(board[1][..2], ["usercom", "found"]);
    assert!(
        board[1].contains(&"mara.lindqvist@example.org (via email from coho)"),
        "{text}"
    );
    assert_eq!(
        board[3],
        [
            "chakra",
            "skipped",
            "ChakraHQ looks people up by its own user ID only"
        ]
    );
    let conflicts = text.find("Conflicts (5)").expect(&text);
    let agreeing = text.find("Agreeing fields").expect(&text);
    assert!(conflicts < agreeing);
    let name_conflict = "  displayName\n    Mara Lindqvist                    coho, foldspace, vemetric, ledgerly\n    Mara Lindquist                    usercom\n";
    assert!(text.contains(name_conflict), "{text}");
    assert!(
        text.contains("    Uppsala                           foldspace\n"),
        "{text}"
    );
    assert!(
        text.contains("    30                                vemetric\n"),
        "{text}"
    );
}

#[test]
fn bad_input_is_exit_2_before_anything_is_sent() {
    let home = tempfile::tempdir().unwrap();
    for (args, message) in [
        (
            vec!["find", "--demo", "  "],
            "userscope: the value to find is empty",
        ),
        (
            vec!["find", "--demo", "--as", "email", "acct-7781"],
            "userscope: `acct-7781` is not an email (no @)",
        ),
        (
            vec!["find", "--demo", "--only", "coho,nobody", "acct-7781"],
            "userscope: --only: unknown connection `nobody`",
        ),
    ] {
        let out = run(userscope(home.path()).args(&args));
        assert_eq!(out.code, Some(2), "{args:?}");
        assert!(out.stderr.starts_with(message), "{args:?}: {}", out.stderr);
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn a_wrong_find_section_stops_with_file_line_and_column() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    std::fs::write(
        &config,
        "[find]\nemail = [\"usercom:email\", \"vemetric:key\"]\n",
    )
    .unwrap();
    let out = run(userscope(home.path())
        .env("USERSCOPE_CONFIG", &config)
        .args(["find", EVERYWHERE_EMAIL]));
    assert_eq!(out.code, Some(2));
    let expected = format!(
        "userscope: {}:2:27: [find] email: Vemetric cannot look people up by `key`; its kinds: id, identifier\n",
        config.display()
    );
    assert_eq!(out.stderr, expected);
}

/// The binary against five mock vendors on loopback, routed to all five by `[find]`, with
/// env keys: every status at once and §9's exit code (the worst error when nobody found them).
#[tokio::test(flavor = "multi_thread")]
async fn binary_against_mock_vendors_exits_with_the_worst_error() {
    let v = Vendors::start().await;
    v.answer(
        VendorKind::COHO,
        "acct-1",
        404,
        json!({"error": "Not Found", "message": "User not found"}),
    )
    .await;
    v.answer(
        VendorKind::CHAKRA,
        "acct-1",
        401,
        json!({"_data": null, "_meta": {}, "_errors": [{"message": "bad key"}]}),
    )
    .await;
    v.answer(
        VendorKind::VEMETRIC,
        "acct-1",
        503,
        json!({"error": {"code": "DOWN", "message": "maintenance"}}),
    )
    .await;
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    std::fs::write(
        &config,
        "[find]\nid = [\"coho:id\", \"chakra:id\", \"vemetric:identifier\", \"foldspace:identifier\"]\n",
    )
    .unwrap();
    let mut cmd = userscope(home.path());
    // The kernel keyring answers "no key" without a desktop session (the Secret Service
    // would be unreachable here, which is an error of its own, exit 4).
    cmd.env("USERSCOPE_CONFIG", &config)
        .env("USERSCOPE_KEYRING", "keyutils");
    for vendor in VendorKind::all() {
        let stem = vendor.as_str().to_uppercase();
        cmd.env(format!("USERSCOPE_{stem}_BASE_URL"), v.server(vendor).uri());
        if vendor != VendorKind::FOLDSPACE {
            cmd.env(format!("USERSCOPE_{stem}_API_KEY"), KEY);
        }
    }
    let out =
        tokio::task::spawn_blocking(move || run(cmd.args(["find", "acct-1", "--format", "json"])))
            .await
            .unwrap();
    assert_eq!(out.code, Some(6), "{}\n{}", out.stdout, out.stderr);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    let summary: Vec<(&str, &str, Option<i64>)> = doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["connection"].as_str().unwrap(),
                r["status"].as_str().unwrap(),
                r["exitCode"].as_i64(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("coho", "not_found", None),
            ("usercom", "skipped", None),
            ("foldspace", "no_key", None),
            ("chakra", "error", Some(4)),
            ("vemetric", "error", Some(6)),
        ]
    );
    assert_eq!(
        doc["results"][1]["reason"],
        "not listed in [find] id of the config file"
    );
    assert!(!out.stdout.contains(KEY) && !out.stderr.contains(KEY));
    assert_eq!(
        doc["merged"],
        json!({"found": 0, "fields": [], "conflicts": []})
    );
}

/// `find --from`: one find per line through the bulk engine, one §11 record each — found with
/// the §9 object, not found, and a line refused before anything is sent.
#[test]
fn find_from_a_file_writes_one_record_per_value() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("people.txt");
    std::fs::write(
        &input,
        "# who to find\nmara.lindqvist@example.org\n\nnobody.here@example.org\nno-at-sign\n",
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_userscope"))
        .args(["find", "--demo", "--as", "email", "--from"])
        .arg(&input)
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .env("USERSCOPE_CONFIG", dir.path().join("none.toml"))
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let mut records: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    records.sort_by_key(|r| r["line"].as_u64());
    let summary: Vec<(u64, &str, i64)> = records
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap(),
                r["status"].as_str().unwrap(),
                r["exitCode"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [(2, "found", 0), (4, "not_found", 3), (5, "error", 2)],
        "{stdout}"
    );
    let found = &records[0]["result"];
    assert_eq!(found["query"]["value"], "mara.lindqvist@example.org");
    assert!(
        found["merged"]["conflicts"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("displayName")),
        "{found}"
    );
    assert!(
        records[2]["error"].as_str().unwrap().contains('@'),
        "{stdout}"
    );
    assert!(records[2].get("result").is_none());
    // Exit: the worst line's code (the refused one: 2).
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("3 lines"), "{stderr}");
}

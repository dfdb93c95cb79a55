//! Injection through the ID (section 3): whatever the ID holds, the request stays on the
//! documented endpoint with the ID as one encoded segment or value, or it is refused before
//! sending.

use std::time::Duration;

use userscope::vendors::{Connection, Lookup, LookupKind, VendorKind};

use crate::assert_one_line_error;
use crate::hostile_strings::{api_key_var, plain_key};
use crate::support::fault_server::{FaultServer, json_response};
use crate::support::home::Home;
use crate::support::run::{run_async, truncated};

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
        VendorKind::COHO,
        LookupKind::Id,
        Placement::Path("/api/data/user/", ""),
    ),
    (
        VendorKind::USERCOM,
        LookupKind::Key,
        Placement::Query("/api/public/users/search/", "key"),
    ),
    (
        VendorKind::USERCOM,
        LookupKind::Id,
        Placement::Path("/api/public/users/", "/"),
    ),
    (
        VendorKind::USERCOM,
        LookupKind::Email,
        Placement::Query("/api/public/users/search/", "email"),
    ),
    (
        VendorKind::FOLDSPACE,
        LookupKind::Identifier,
        Placement::Path("/v1/user/", ""),
    ),
    (
        VendorKind::CHAKRA,
        LookupKind::Id,
        Placement::Path("/v1/ext/user/", ""),
    ),
    (
        VendorKind::VEMETRIC,
        LookupKind::Id,
        Placement::Query("/v1/users/single", "id"),
    ),
    (
        VendorKind::VEMETRIC,
        LookupKind::Identifier,
        Placement::Query("/v1/users/single", "identifier"),
    ),
];

fn hostile_ids() -> Vec<String> {
    let mut ids: Vec<String> = crate::support::hostile::HOSTILE_IDS
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
    let server = FaultServer::start(|_, _| json_response(404, r#"{"message":"no such user"}"#));
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
    hostile_ids_at(VendorKind::COHO).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_ids_usercom() {
    hostile_ids_at(VendorKind::USERCOM).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_ids_foldspace() {
    hostile_ids_at(VendorKind::FOLDSPACE).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_ids_chakra() {
    hostile_ids_at(VendorKind::CHAKRA).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_ids_vemetric() {
    hostile_ids_at(VendorKind::VEMETRIC).await;
}

/// NUL cannot travel in a process argument, so IDs with NUL (and the rest of the table) are
/// also checked one level down, on the request the adapter builds.
#[test]
fn hostile_ids_with_nul_build_the_documented_request_or_are_refused() {
    let mut ids = hostile_ids();
    ids.extend(["a\0b".to_owned(), "\0".to_owned(), "..\0".to_owned()]);
    for (vendor, kind, placement) in ENDPOINTS {
        let base = if vendor == VendorKind::USERCOM {
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

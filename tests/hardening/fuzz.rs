//! Fuzzing every vendor parser (section 5): error messages, parse + normalize and rendering
//! never panic and stay terminal-safe on arbitrary bytes and JSON; the Raw index agrees with a
//! parser.

use std::sync::atomic::{AtomicU64, Ordering};

use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, TestRunner};
use serde_json::{Value, json};
use userscope::lookup::{LookupOutcome, RequestInfo};
use userscope::vendors::{Lookup, VendorKind};

use crate::hostile_strings::rich_user;
use crate::support::arb_json::arb_json;
use crate::support::hostile::forbidden_char;

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
        VendorKind::CHAKRA => json!({"_data": inner, "_meta": {}, "_errors": []}),
        VendorKind::VEMETRIC => json!({"user": inner}),
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
    fuzz_vendor(VendorKind::COHO);
}

#[test]
fn fuzz_usercom() {
    fuzz_vendor(VendorKind::USERCOM);
}

#[test]
fn fuzz_foldspace() {
    fuzz_vendor(VendorKind::FOLDSPACE);
}

#[test]
fn fuzz_chakra() {
    fuzz_vendor(VendorKind::CHAKRA);
}

#[test]
fn fuzz_vemetric() {
    fuzz_vendor(VendorKind::VEMETRIC);
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

//! `get --format json|text` rendering (moved from the unit tests in `src/output.rs`, which
//! keeps no vendor names outside the registry).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap,
    clippy::cast_precision_loss,
    reason = "a test stops at its first broken expectation; its own numbers are not from the network"
)]

use chrono::Utc;
use serde_json::json;
use userscope::lookup::{LookupOutcome, Origin, RequestInfo};
use userscope::output::{render_json, render_text};
use userscope::profile::{Field, Location, Profile, Segment};
use userscope::vendors::{Lookup, LookupKind, VendorKind};

fn outcome(vendor: VendorKind, raw: &str) -> LookupOutcome {
    LookupOutcome {
        vendor,
        connection: vendor.as_str().to_owned(),
        lookup: Lookup::new(LookupKind::Id, "u-42"),
        request: RequestInfo {
            method: "GET".into(),
            url: "https://app.coho.ai/api/data/user/u-42".into(),
            status: 200,
            elapsed_ms: 87,
            response_headers: vec![],
            request_headers: vec![],
        },
        profile: Profile {
            id: Some("u-42".into()),
            display_name: Some("Zoë \u{1b}]52;c;eA==\u{7} 李".into()),
            email: None,
            kind: Some("user".into()),
            properties: vec![
                Field::new("signupTime", json!("x")),
                Field::new("日本語", json!(3)),
            ],
            tags: vec![],
            segments: vec![Segment {
                id: Some("seg-1".into()),
                name: Some("Power users".into()),
                details: vec![],
            }],
            attributes: vec![],
            location: Location {
                city: Some("Berlin".into()),
                ..Location::default()
            },
        },
        raw: bytes::Bytes::from(raw.to_owned()),
        warnings: vec!["w1".into()],
        origin: Origin::Request,
    }
}

#[test]
fn json_is_the_stable_model_with_raw_verbatim() {
    let o = outcome(VendorKind::COHO, "{\"b\": 1,  \"a\":[2]}");
    let text = render_json(&o).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["vendor"], "coho");
    assert_eq!(v["lookup"], json!({"by": "id", "value": "u-42"}));
    assert_eq!(
        v["request"],
        json!({"method": "GET", "url": "https://app.coho.ai/api/data/user/u-42", "status": 200, "elapsedMs": 87})
    );
    assert_eq!(v["profile"]["displayName"], "Zoë \u{1b}]52;c;eA==\u{7} 李");
    assert_eq!(v["profile"]["location"]["city"], "Berlin");
    assert_eq!(v["profile"]["location"]["countryCode"], json!(null));
    assert_eq!(v["warnings"], json!(["w1"]));
    // Verbatim: the vendor's own spacing survives.
    assert!(text.contains("\"raw\": {\"b\": 1,  \"a\":[2]}"), "{text}");
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["vendor", "lookup", "request", "profile", "raw", "warnings"]
    );
}

#[test]
fn json_escapes_c1_del_and_bidi_but_keeps_the_values() {
    let raw = "{\"name\": \"a\u{9b}2J\u{202e}b\u{7f}\"}";
    let o = outcome(VendorKind::COHO, raw);
    let text = render_json(&o).unwrap();
    assert!(!text.contains(['\u{9b}', '\u{202e}', '\u{7f}']), "{text}");
    assert!(
        text.contains(r#""name": "a\u009b2J\u202eb\u007f""#),
        "{text}"
    );
    let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(parsed["raw"]["name"], json!("a\u{9b}2J\u{202e}b\u{7f}"));
}

#[test]
fn text_is_sanitized_aligned_and_says_what_the_vendor_lacks() {
    let o = outcome(VendorKind::VEMETRIC, "{}");
    let text = render_text(&o, Utc::now());
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "Zoë ␛]52;c;eA==␇ 李");
    assert!(!text.contains('\u{1b}'));
    assert!(lines.contains(&"  Email   —"), "{text}");
    assert!(lines.contains(&"  Kind    user"), "{text}");
    assert!(lines.contains(&"  Vendor  Vemetric (vemetric)"), "{text}");
    // 日本語 is 6 columns wide, signupTime 10: values start at the same column.
    assert!(lines.contains(&"  signupTime  x"), "{text}");
    assert!(lines.contains(&"  日本語      3"), "{text}");
    assert!(
        lines.contains(&"  Vemetric does not provide tags"),
        "{text}"
    );
    assert!(
        lines.contains(&"  Vemetric does not provide segments"),
        "{text}"
    );
    assert!(lines.contains(&"  City  Berlin"), "{text}");
    assert!(lines.contains(&"  - w1"), "{text}");
    assert_eq!(
        lines.last(),
        Some(&"GET https://app.coho.ai/api/data/user/u-42 → 200 in 87 ms")
    );

    let coho = render_text(&outcome(VendorKind::COHO, "{}"), Utc::now());
    let lines: Vec<&str> = coho.lines().collect();
    let tags = lines.iter().position(|l| *l == "Tags").unwrap();
    assert_eq!(lines[tags + 1], "  none");
    assert!(lines.contains(&"  Power users  id seg-1"), "{coho}");
    let attrs = lines.iter().position(|l| *l == "Attributes").unwrap();
    assert_eq!(lines[attrs + 1], "  none");
}

//! Tests of the shared adapter helpers (vendor-specific messages are tested in each vendor folder).

use serde_json::Value;
use url::Url;

use super::*;
use crate::vendors::{Connection, VendorKind};

fn conn(base: &str) -> Connection {
    let vendor = VendorKind::all().next().unwrap();
    Connection {
        name: vendor.as_str().into(),
        vendor,
        base_url: Url::parse(base).unwrap(),
        auth_url: None,
    }
}

#[test]
fn segments_encode_everything_outside_unreserved() {
    assert_eq!(encode_segment("a/../b").unwrap(), "a%2F..%2Fb");
    assert_eq!(encode_segment("x?y=1#z").unwrap(), "x%3Fy%3D1%23z");
    assert_eq!(encode_segment("100%").unwrap(), "100%25");
    assert_eq!(encode_segment("a b").unwrap(), "a%20b");
    assert_eq!(encode_segment("A-z_0.9~").unwrap(), "A-z_0.9~");
    assert_eq!(encode_segment("Zoë").unwrap(), "Zo%C3%AB");
    assert_eq!(encode_segment("a\r\n\0b").unwrap(), "a%0D%0A%00b");
}

#[test]
fn dot_segments_are_refused() {
    for id in [".", ".."] {
        let err = encode_segment(id).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(
            err.to_string()
                .contains("cannot be sent as a URL path segment"),
            "{err}"
        );
    }
    assert_eq!(encode_segment("...").unwrap(), "...");
}

#[test]
fn url_appends_the_path_to_the_base_prefix() {
    let url = vendor_url(
        &conn("http://127.0.0.1:8080/prefix/"),
        "/api/data/user/a%2Fb",
        None,
    )
    .unwrap();
    assert_eq!(
        url.as_str(),
        "http://127.0.0.1:8080/prefix/api/data/user/a%2Fb"
    );
    let url = vendor_url(
        &conn("http://127.0.0.1:8080"),
        "/v1/users/single",
        Some("id=1"),
    )
    .unwrap();
    assert_eq!(url.as_str(), "http://127.0.0.1:8080/v1/users/single?id=1");
}

#[test]
fn url_refuses_a_path_the_parser_would_change() {
    let err = vendor_url(&conn("https://vendor.example"), "/api/data/user/..", None).unwrap_err();
    assert!(err.to_string().contains("cannot be sent safely"), "{err}");
}

#[test]
fn one_line_collapses_and_truncates() {
    assert_eq!(one_line("  a\n\tb  ").as_deref(), Some("a b"));
    assert_eq!(one_line(" \n "), None);
    let long = "x".repeat(400);
    let cut = one_line(&long).unwrap();
    assert_eq!(cut.chars().count(), 301);
    assert!(cut.ends_with('…'));
}

#[test]
fn type_checks_accept_null_and_name_the_problem() {
    let mut b = Builder::new();
    assert!(b.check("a", &Value::Null, Expect::Epoch));
    assert!(!b.check("signUpDate", &Value::from("x"), Expect::Epoch));
    assert!(!b.check("n", &Value::from(1.5), Expect::Int));
    assert!(!b.check("t", &Value::from("yesterday"), Expect::Iso));
    assert!(b.check("t", &Value::from("2024-03-01T10:00:00Z"), Expect::Iso));
    assert_eq!(
        b.warnings,
        [
            "signUpDate: documented as epoch milliseconds, got a string",
            "n: documented as an integer, got a fractional number",
            "t: documented as an ISO 8601 timestamp, got a string that is not one",
        ]
    );
}

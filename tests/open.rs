//! `userscope open`'s loading of a saved payload, with a real vendor's documented shape (the
//! library's own unit tests stay vendor-neutral).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap,
    clippy::cast_precision_loss,
    reason = "a test stops at its first broken expectation; its own numbers are not from the network"
)]

use std::path::Path;

use userscope::json::index;
use userscope::lookup::Origin;
use userscope::open::{OpenError, load};
use userscope::vendors::VendorKind;

#[test]
fn not_json_and_wrong_shape_exit_6() {
    let err = load(b"<html>".to_vec(), VendorKind::COHO, "coho", Path::new("x")).unwrap_err();
    assert!(matches!(err, OpenError::NotJson { .. }), "{err:?}");
    assert_eq!(err.exit_code(), 6);
    let err = load(b"[1, 2]".to_vec(), VendorKind::COHO, "coho", Path::new("x")).unwrap_err();
    assert!(matches!(err, OpenError::WrongShape { .. }), "{err:?}");
    assert_eq!(err.exit_code(), 6);
}

#[test]
fn a_saved_coho_payload_becomes_a_profile_opened_from_the_file() {
    let body =
        br#"{"userProperties": {"userId": "u-7", "name": "Ada", "properties": {"city": "Oslo"}}}"#;
    let (outcome, lines) = load(
        body.to_vec(),
        VendorKind::COHO,
        "coho",
        Path::new("saved.json"),
    )
    .unwrap();
    assert_eq!(outcome.profile.id.as_deref(), Some("u-7"));
    assert_eq!(outcome.origin, Origin::File);
    assert_eq!(outcome.request.url, "saved.json");
    assert_eq!(&outcome.raw[..], &body[..]);
    assert_eq!(lines, index(body));
    assert_eq!(lines.len(), 9);
}

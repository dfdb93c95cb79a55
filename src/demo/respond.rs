//! What the demo vendors answer, as a pure function of the request (no I/O, so every status and
//! body is unit-tested without a socket). Each vendor folder answers its own real paths; this
//! routes a request to the registered vendor whose path it is.

use super::{DemoRequest, DemoResponse};
use crate::vendors::VendorKind;

/// Route a request to the vendor whose real path it uses; a path no vendor serves is 404.
pub fn respond(req: &DemoRequest<'_>) -> DemoResponse {
    VendorKind::all()
        .find_map(|vendor| vendor.adapter().demo().respond(req))
        .unwrap_or_else(|| {
            DemoResponse::json(
                404,
                &serde_json::json!({"error": "Not Found", "message": "No demo vendor serves this path"}),
            )
        })
}

#[cfg(test)]
mod tests {
    use crate::vendors::demo_kit::test_util::*;
    use serde_json::json;

    #[test]
    fn unknown_paths_and_methods() {
        let resp = get("/nope", &[]);
        assert_eq!(resp.status, 404);
        let resp = call("POST", "/v1/user/anon-5c1e9b", &[], b"");
        assert_eq!((resp.status, resp.header("allow")), (405, Some("GET")));
        assert_eq!(body_json(&resp), json!({"error": "Method Not Allowed"}));
    }

    #[test]
    fn hostile_paths_never_panic_and_find_nobody() {
        for path in [
            "/api/data/user/%",
            "/api/data/user/%FF%FE",
            "/api/data/user/%u0041",
            "/api/data/user/..%2F..%2Fadmin",
            "/api/data/user/u-1001/extra",
            "/api/data/user/",
            "/v1/ext/user/%00",
            "/v1/user/%E2%82",
            "/api/public/users/%2F/",
            "/api/public/users/search/?key=%ZZ&email=%",
            "/v1/users/single?id=%FF&identifier=%",
            "/v1/users/single?&&==&id",
        ] {
            let resp = get(path, &[]);
            assert!(resp.status >= 400, "{path}: {}", resp.status);
        }
    }
}

#[cfg(test)]
mod properties {
    use crate::vendors::demo_kit::test_util::*;
    use crate::vendors::{Connection, Lookup, VendorKind};
    use proptest::prelude::*;

    /// The header every registered vendor reads its key from (`authorization` and others).
    fn auth_header_names() -> Vec<&'static str> {
        let mut names = vec!["authorization"];
        for vendor in VendorKind::all() {
            let conn = Connection {
                name: vendor.as_str().into(),
                vendor,
                base_url: url::Url::parse("http://127.0.0.1:1").unwrap(),
                auth_url: None,
            };
            let lookup = Lookup::new(vendor.default_lookup(), "1");
            let header = vendor
                .adapter()
                .build_request(&conn, &lookup)
                .unwrap()
                .auth
                .header;
            if !names.contains(&header) {
                names.push(header);
            }
        }
        names
    }

    const ROUTES: [&str; 7] = [
        "/api/data/user/",
        "/identity/resources/auth/v2/api-token",
        "/api/public/users/",
        "/api/public/users/search/?",
        "/v1/user/",
        "/v1/ext/user/",
        "/v1/users/single?",
    ];

    proptest! {
        /// Whatever follows a real route prefix, with any auth header, method and body: an
        /// answer with a JSON body, never a panic.
        #[test]
        fn any_request_gets_a_json_answer(
            route in prop::sample::select(ROUTES.to_vec()),
            tail in "[a-zA-Z0-9%/?&=._~+ -]{0,40}|\\PC{0,20}",
            auth in proptest::option::of("(Bearer |Token |bearer )?\\PC{0,70}"),
            method in prop::sample::select(vec!["GET", "POST", "PUT", "DELETE"]),
            body in proptest::collection::vec(any::<u8>(), 0..64),
        ) {
            let path = format!("{route}{tail}");
            let names = auth_header_names();
            let headers: Vec<(&str, &str)> = auth
                .iter()
                .flat_map(|a| names.iter().map(move |n| (*n, a.as_str())))
                .collect();
            let resp = call(method, &path, &headers, &body);
            prop_assert!((200..600).contains(&resp.status));
            prop_assert!(serde_json::from_str::<serde_json::Value>(&resp.body).is_ok());
        }
    }
}

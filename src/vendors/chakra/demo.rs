//! ChakraHQ: `GET /v1/ext/user/{userId}` with `Authorization: Bearer <key>`. Every answer is
//! wrapped in `{"_data", "_meta", "_errors"}`; errors carry `_data: null` and one `_errors` entry.
//! (The element shape of `_errors` is not published; `{code, message}` is our stand-in.)

use serde_json::json;

use super::CHAKRA_DEMO_KEY;
use crate::vendors::demo_kit as catalog;
use crate::vendors::demo_kit::{
    DemoRequest, DemoResponse, DemoUser, DemoVendor, RETRY_AFTER_SECS, last_segment, only_get,
    scheme_token,
};
use crate::vendors::{LookupKind, VendorKind};

fn error(status: u16, code: &str, message: &str) -> DemoResponse {
    DemoResponse::json(
        status,
        &json!({"_data": null, "_meta": {}, "_errors": [{"code": code, "message": message}]}),
    )
}

fn user(req: &DemoRequest<'_>, rest: &str) -> DemoResponse {
    if scheme_token(req, "Bearer") != Some(CHAKRA_DEMO_KEY) {
        return error(401, "UNAUTHORIZED", "Invalid or missing API key");
    }
    let not_found = || error(404, "NOT_FOUND", "User not found");
    let Some(id) = last_segment(rest) else {
        return not_found();
    };
    if catalog::is_rate_limited(VendorKind::CHAKRA, LookupKind::Id, &id) {
        return error(429, "TOO_MANY_REQUESTS", "Rate limit exceeded")
            .with_header("retry-after", RETRY_AFTER_SECS.to_string());
    }
    match catalog::find(VendorKind::CHAKRA, LookupKind::Id, &id) {
        Some(found) => DemoResponse::fixture(found.body),
        None => not_found(),
    }
}

/// `GET /v1/ext/config`: the account's teams and roles, which name the UUIDs in profiles.
/// (The real body's shape is not published; this one wraps named objects like every answer.)
fn config(req: &DemoRequest<'_>) -> DemoResponse {
    if scheme_token(req, "Bearer") != Some(CHAKRA_DEMO_KEY) {
        return error(401, "UNAUTHORIZED", "Invalid or missing API key");
    }
    DemoResponse::fixture(crate::demo_fixture!("chakra", "config/ext-config"))
}

const USERS: &[DemoUser] = &[
    DemoUser {
        lookup: LookupKind::Id,
        value: "9763caa1-cef3-497f-b3b2-f551456b2831",
        label: "rich",
        also: &[],
        body: crate::demo_fixture!("chakra", "9763caa1-cef3-497f-b3b2-f551456b2831-rich"),
    },
    DemoUser {
        lookup: LookupKind::Id,
        value: "3f2b8c1e-5d4a-4e7b-9a10-2c6d8e4f7a01",
        label: "sparse",
        also: &[],
        body: crate::demo_fixture!("chakra", "3f2b8c1e-5d4a-4e7b-9a10-2c6d8e4f7a01-sparse"),
    },
    DemoUser {
        lookup: LookupKind::Id,
        value: "b41d6e2a-8c3f-4a9e-b7d2-5e0f1a3c9b47",
        label: "non-Latin",
        also: &[],
        body: crate::demo_fixture!("chakra", "b41d6e2a-8c3f-4a9e-b7d2-5e0f1a3c9b47-non-latin"),
    },
    DemoUser {
        lookup: LookupKind::Id,
        value: "e7a9c3d5-1b2f-4c8e-a6d4-9f0b2e7c1a38",
        label: "300 attributes",
        also: &[],
        body: crate::demo_fixture!(
            "chakra",
            "e7a9c3d5-1b2f-4c8e-a6d4-9f0b2e7c1a38-300-attributes"
        ),
    },
];

/// Chakra's demo: its key, its people and its answers.
pub struct ChakraDemo;

impl DemoVendor for ChakraDemo {
    fn key(&self) -> &'static str {
        CHAKRA_DEMO_KEY
    }

    fn users(&self) -> &'static [DemoUser] {
        USERS
    }

    fn respond(&self, req: &DemoRequest<'_>) -> Option<DemoResponse> {
        if req.path == super::CONFIG_PATH {
            return Some(only_get(req, || config(req)));
        }
        let rest = req.path.strip_prefix("/v1/ext/user/")?;
        Some(only_get(req, || user(req, rest)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vendors::demo_kit::test_util::*;

    #[test]
    fn wrapped_answers() {
        let auth = format!("Bearer {CHAKRA_DEMO_KEY}");
        let h = [("authorization", auth.as_str())];
        let resp = get("/v1/ext/user/9763caa1-cef3-497f-b3b2-f551456b2831", &h);
        assert_eq!(resp.status, 200);
        assert_eq!(body_json(&resp)["_data"]["displayName"], "Rahul Mehta");
        let resp = get("/v1/ext/user/00000000-0000-0000-0000-000000000000", &h);
        assert_eq!(resp.status, 404);
        assert_eq!(
            body_json(&resp),
            json!({"_data": null, "_meta": {}, "_errors": [{"code": "NOT_FOUND", "message": "User not found"}]})
        );
        let resp = get("/v1/ext/user/rate-limited", &h);
        assert_eq!((resp.status, resp.header("retry-after")), (429, Some("2")));
        let resp = get(
            "/v1/ext/user/9763caa1-cef3-497f-b3b2-f551456b2831",
            &[("authorization", "Bearer x")],
        );
        assert_eq!(resp.status, 401);
        assert_eq!(body_json(&resp)["_errors"][0]["code"], "UNAUTHORIZED");
    }

    #[test]
    fn config_names_every_demo_team_and_role() {
        let auth = format!("Bearer {CHAKRA_DEMO_KEY}");
        let h = [("authorization", auth.as_str())];
        let resp = get("/v1/ext/config", &h);
        assert_eq!(resp.status, 200);
        let names = crate::vendors::common::collect_names(&body_json(&resp));
        for user in USERS {
            let body: serde_json::Value = serde_json::from_str(user.body).unwrap();
            for key in ["team", "role"] {
                let id = body["_data"][key].as_str().unwrap();
                assert!(names.contains_key(id), "{} {key} {id}", user.label);
            }
        }
        assert_eq!(get("/v1/ext/config", &[]).status, 401);
    }
}

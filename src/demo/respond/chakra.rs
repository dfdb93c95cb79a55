//! ChakraHQ: `GET /v1/ext/user/{userId}` with `Authorization: Bearer <key>`. Every answer is
//! wrapped in `{"_data", "_meta", "_errors"}`; errors carry `_data: null` and one `_errors` entry.
//! (The element shape of `_errors` is not published; `{code, message}` is our stand-in.)

use serde_json::json;

use super::{DemoRequest, DemoResponse, RETRY_AFTER_SECS, last_segment, scheme_token};
use crate::demo::catalog;
use crate::demo::keys::CHAKRA_DEMO_KEY;
use crate::vendor::{LookupKind, VendorKind};

fn error(status: u16, code: &str, message: &str) -> DemoResponse {
    DemoResponse::json(
        status,
        &json!({"_data": null, "_meta": {}, "_errors": [{"code": code, "message": message}]}),
    )
}

pub fn user(req: &DemoRequest<'_>, rest: &str) -> DemoResponse {
    if scheme_token(req, "Bearer") != Some(CHAKRA_DEMO_KEY) {
        return error(401, "UNAUTHORIZED", "Invalid or missing API key");
    }
    let not_found = || error(404, "NOT_FOUND", "User not found");
    let Some(id) = last_segment(rest) else {
        return not_found();
    };
    if catalog::is_rate_limited(VendorKind::Chakra, LookupKind::Id, &id) {
        return error(429, "TOO_MANY_REQUESTS", "Rate limit exceeded")
            .with_header("retry-after", RETRY_AFTER_SECS.to_string());
    }
    match catalog::find(VendorKind::Chakra, LookupKind::Id, &id) {
        Some(found) => DemoResponse::fixture(found.body),
        None => not_found(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;

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
}

//! Foldspace: `GET /v1/user/{identifyId}` with `X-FOLDSPACE-API-KEY: <key>`.

use serde_json::json;

use super::{DemoRequest, DemoResponse, RETRY_AFTER_SECS, last_segment};
use crate::demo::catalog;
use crate::demo::keys::FOLDSPACE_DEMO_KEY;
use crate::vendor::{LookupKind, VendorKind};

fn error(status: u16, message: &str) -> DemoResponse {
    DemoResponse::json(status, &json!({ "error": message }))
}

pub fn user(req: &DemoRequest<'_>, rest: &str) -> DemoResponse {
    if req.header("x-foldspace-api-key").map(str::trim) != Some(FOLDSPACE_DEMO_KEY) {
        return error(401, "Unauthorized");
    }
    let Some(id) = last_segment(rest) else {
        return error(404, "User not found");
    };
    if catalog::is_rate_limited(VendorKind::Foldspace, LookupKind::Identifier, &id) {
        return error(429, "Rate limit exceeded for subscription")
            .with_header("retry-after", RETRY_AFTER_SECS.to_string());
    }
    match catalog::find(VendorKind::Foldspace, LookupKind::Identifier, &id) {
        Some(found) => DemoResponse::fixture(found.body),
        None => error(404, "User not found"),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;

    #[test]
    fn documented_answers() {
        let h = [("x-foldspace-api-key", FOLDSPACE_DEMO_KEY)];
        let resp = get("/v1/user/bTMwUidOQiZhMazBDWGAAmuRnu9N2", &h);
        assert_eq!(resp.status, 200);
        assert_eq!(body_json(&resp)["name"], "Alice Johnson");
        let resp = get("/v1/user/nobody", &h);
        assert_eq!(
            (resp.status, body_json(&resp)),
            (404, json!({"error": "User not found"}))
        );
        let resp = get("/v1/user/rate-limited", &h);
        assert_eq!(
            (resp.status, body_json(&resp)),
            (
                429,
                json!({"error": "Rate limit exceeded for subscription"})
            )
        );
        for headers in [
            vec![],
            vec![("x-foldspace-api-key", "wrong")],
            vec![("authorization", FOLDSPACE_DEMO_KEY)],
        ] {
            let resp = get("/v1/user/bTMwUidOQiZhMazBDWGAAmuRnu9N2", &headers);
            assert_eq!(
                (resp.status, body_json(&resp)),
                (401, json!({"error": "Unauthorized"}))
            );
        }
    }
}

//! Foldspace: `GET /v1/user/{identifyId}` with `X-FOLDSPACE-API-KEY: <key>`.

use serde_json::json;

use super::FOLDSPACE_DEMO_KEY;
use crate::vendors::demo_kit as catalog;
use crate::vendors::demo_kit::{
    DemoRequest, DemoResponse, DemoUser, DemoVendor, RETRY_AFTER_SECS, last_segment, only_get,
};
use crate::vendors::{LookupKind, VendorKind};

fn error(status: u16, message: &str) -> DemoResponse {
    DemoResponse::json(status, &json!({ "error": message }))
}

fn user(req: &DemoRequest<'_>, rest: &str) -> DemoResponse {
    if req.header("x-foldspace-api-key").map(str::trim) != Some(FOLDSPACE_DEMO_KEY) {
        return error(401, "Unauthorized");
    }
    let Some(id) = last_segment(rest) else {
        return error(404, "User not found");
    };
    if catalog::is_rate_limited(VendorKind::FOLDSPACE, LookupKind::Identifier, &id) {
        return error(429, "Rate limit exceeded for subscription")
            .with_header("retry-after", RETRY_AFTER_SECS.to_string());
    }
    match catalog::find(VendorKind::FOLDSPACE, LookupKind::Identifier, &id) {
        Some(found) => DemoResponse::fixture(found.body),
        None => error(404, "User not found"),
    }
}

const USERS: &[DemoUser] = &[
    DemoUser {
        lookup: LookupKind::Identifier,
        value: "bTMwUidOQiZhMazBDWGAAmuRnu9N2",
        label: "rich",
        also: &[],
        body: crate::demo_fixture!("foldspace", "bTMwUidOQiZhMazBDWGAAmuRnu9N2-rich"),
    },
    DemoUser {
        lookup: LookupKind::Identifier,
        value: "anon-5c1e9b",
        label: "sparse",
        also: &[],
        body: crate::demo_fixture!("foldspace", "anon-5c1e9b-sparse"),
    },
    DemoUser {
        lookup: LookupKind::Identifier,
        value: "dmitry.privalov",
        label: "non-Latin",
        also: &[],
        body: crate::demo_fixture!("foldspace", "dmitry.privalov-non-latin"),
    },
    DemoUser {
        lookup: LookupKind::Identifier,
        value: "load-test-300",
        label: "300 attributes",
        also: &[],
        body: crate::demo_fixture!("foldspace", "load-test-300-300-attributes"),
    },
];

/// The `find` demo person (issue 11) as this vendor knows them.
const EVERYWHERE: DemoUser = DemoUser {
    lookup: LookupKind::Identifier,
    value: catalog::EVERYWHERE_ID,
    label: "find everywhere",
    also: &[],
    body: crate::demo_fixture!("foldspace", "acct-7781-everywhere"),
};

/// Foldspace's demo: its key, its people and its answers.
pub struct FoldspaceDemo;

impl DemoVendor for FoldspaceDemo {
    fn key(&self) -> &'static str {
        FOLDSPACE_DEMO_KEY
    }

    fn users(&self) -> &'static [DemoUser] {
        USERS
    }

    fn everywhere(&self) -> Option<&'static DemoUser> {
        Some(&EVERYWHERE)
    }

    fn respond(&self, req: &DemoRequest<'_>) -> Option<DemoResponse> {
        let rest = req.path.strip_prefix("/v1/user/")?;
        Some(only_get(req, || user(req, rest)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vendors::demo_kit::test_util::*;

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

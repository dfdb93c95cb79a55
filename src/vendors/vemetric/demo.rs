//! Vemetric: `GET /v1/users/single?id=…` or `?identifier=…` with `Authorization: Bearer vem_…`.
//! Messages and order of checks follow Vemetric's open-source API (auth, then rate limit, then
//! validation): `X-RateLimit-*` on every authenticated answer, and no `Retry-After` on 429.

use std::time::UNIX_EPOCH;

use serde_json::{Value, json};

use super::VEMETRIC_DEMO_KEY;
use crate::vendors::demo_kit as catalog;
use crate::vendors::demo_kit::{
    DemoRequest, DemoResponse, DemoUser, DemoVendor, RATE_LIMITED_ID, RETRY_AFTER_SECS, only_get,
};
use crate::vendors::{LookupKind, VendorKind};

/// The documented per-project limit per window.
const LIMIT: u32 = 100;
const WINDOW_SECS: u64 = 60;

fn error(status: u16, code: &str, message: &str) -> DemoResponse {
    DemoResponse::json(
        status,
        &json!({"error": {"code": code, "message": message}}),
    )
}

fn single(req: &DemoRequest<'_>) -> DemoResponse {
    if let Some(message) = auth_failure(req) {
        return error(401, "UNAUTHORIZED", message);
    }
    // ceil(now) in whole epoch seconds.
    let now_secs = req
        .now
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() + u64::from(d.subsec_nanos() > 0))
        .unwrap_or(0);
    let rate_headers = |resp: DemoResponse, remaining: u32, reset_in: u64| {
        // Vemetric sends the reset as epoch seconds: ceil(now) + seconds left in the window.
        let reset = now_secs + reset_in;
        resp.with_header("x-ratelimit-limit", LIMIT.to_string())
            .with_header("x-ratelimit-remaining", remaining.to_string())
            .with_header("x-ratelimit-reset", reset.to_string())
    };
    let lookup = match validate(req) {
        Ok(lookup) => lookup,
        Err(details) => {
            let body = json!({"error": {
                "code": "VALIDATION_ERROR",
                "message": "Invalid request parameters",
                "details": details,
            }});
            return rate_headers(DemoResponse::json(400, &body), LIMIT - 1, WINDOW_SECS);
        }
    };
    let (kind, value) = lookup;
    if catalog::is_rate_limited(VendorKind::VEMETRIC, kind, &value) {
        let resp = error(
            429,
            "RATE_LIMIT_EXCEEDED",
            "Rate limit exceeded. Try again shortly.",
        );
        return rate_headers(resp, 0, RETRY_AFTER_SECS);
    }
    let resp = match catalog::find(VendorKind::VEMETRIC, kind, &value) {
        Some(found) => DemoResponse::fixture(found.body),
        None => error(404, "USER_NOT_FOUND", "User not found"),
    };
    rate_headers(resp, LIMIT - 1, WINDOW_SECS)
}

/// Vemetric's distinct 401 messages, in the order it checks.
fn auth_failure(req: &DemoRequest<'_>) -> Option<&'static str> {
    let Some(header) = req.header("authorization") else {
        return Some("Missing API key. Use Authorization: Bearer <key>");
    };
    let Some(raw) = header.strip_prefix("Bearer ") else {
        return Some("Malformed Authorization header. Use Bearer <key>");
    };
    let key = raw.trim();
    if key.len() != VEMETRIC_DEMO_KEY.len() || !key.starts_with("vem_") {
        return Some("Invalid API key format");
    }
    (key != VEMETRIC_DEMO_KEY).then_some("Invalid or revoked API key")
}

/// Exactly one of `id` (digits) or `identifier` (non-empty); otherwise the per-field details.
fn validate(req: &DemoRequest<'_>) -> Result<(LookupKind, String), Vec<Value>> {
    let id = req.query_param("id");
    let identifier = req.query_param("identifier");
    let mut details = Vec::new();
    let issue = |field: &str, message: &str| json!({"field": field, "message": message});
    if id
        .as_deref()
        .is_some_and(|id| id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()))
    {
        details.push(issue("id", "id must be a numeric user id"));
    }
    if identifier.as_deref() == Some("") {
        details.push(issue(
            "identifier",
            "String must contain at least 1 character(s)",
        ));
    }
    if id.is_some() == identifier.is_some() {
        details.push(issue("id", "Provide exactly one of id or identifier"));
        details.push(issue(
            "identifier",
            "Provide exactly one of id or identifier",
        ));
    }
    if !details.is_empty() {
        return Err(details);
    }
    match (id, identifier) {
        (Some(id), None) => Ok((LookupKind::Id, id)),
        (None, Some(identifier)) => Ok((LookupKind::Identifier, identifier)),
        // Unreachable after the checks above; answered as a validation error all the same.
        _ => Err(vec![issue("id", "Provide exactly one of id or identifier")]),
    }
}

/// Vemetric ids must be digits, so its rate-limited id is this one.
pub const VEMETRIC_RATE_LIMITED_ID: &str = "429";

const USERS: &[DemoUser] = &[
    DemoUser {
        lookup: LookupKind::Id,
        value: "4815162342",
        label: "rich",
        also: &[(LookupKind::Identifier, "acme-user-42")],
        body: crate::demo_fixture!("vemetric", "4815162342-rich"),
    },
    DemoUser {
        lookup: LookupKind::Id,
        value: "1001",
        label: "sparse",
        // Anonymous: Vemetric has no identifier for this visitor.
        also: &[],
        body: crate::demo_fixture!("vemetric", "1001-sparse"),
    },
    DemoUser {
        lookup: LookupKind::Id,
        value: "314159265358979",
        label: "non-Latin",
        also: &[(LookupKind::Identifier, "hanako.yamada")],
        body: crate::demo_fixture!("vemetric", "314159265358979-non-latin"),
    },
    DemoUser {
        // Above 2^63: IDs must stay strings end to end.
        lookup: LookupKind::Id,
        value: "18446744073709551557",
        label: "300 attributes",
        also: &[(LookupKind::Identifier, "load-test-300")],
        body: crate::demo_fixture!("vemetric", "18446744073709551557-300-attributes"),
    },
];

/// The `find` demo person (issue 11) as this vendor knows them.
const EVERYWHERE: DemoUser = DemoUser {
    lookup: LookupKind::Id,
    value: "7781000001",
    label: "find everywhere",
    also: &[
        (LookupKind::Identifier, catalog::EVERYWHERE_ID),
        // The demo accepts the email as an identifier too, so a find by email reaches this
        // record (a product that identifies people by email would have it there).
        (LookupKind::Identifier, catalog::EVERYWHERE_EMAIL),
    ],
    body: crate::demo_fixture!("vemetric", "7781000001-everywhere"),
};

/// Vemetric's demo: its key, its people and its answers.
pub struct VemetricDemo;

impl DemoVendor for VemetricDemo {
    fn key(&self) -> &'static str {
        VEMETRIC_DEMO_KEY
    }

    fn users(&self) -> &'static [DemoUser] {
        USERS
    }

    fn everywhere(&self) -> Option<&'static DemoUser> {
        Some(&EVERYWHERE)
    }

    /// Ids compare numerically (leading zeros do not matter), as the real service does.
    fn same_value(&self, kind: LookupKind, known: &str, asked: &str) -> bool {
        if kind == LookupKind::Id {
            let trimmed = asked.trim_start_matches('0');
            return known == if trimmed.is_empty() { "0" } else { trimmed };
        }
        known == asked
    }

    fn rate_limited(&self) -> (LookupKind, &'static str) {
        (LookupKind::Id, VEMETRIC_RATE_LIMITED_ID)
    }

    fn is_rate_limited(&self, kind: LookupKind, value: &str) -> bool {
        match kind {
            LookupKind::Id => self.same_value(kind, VEMETRIC_RATE_LIMITED_ID, value),
            _ => value == RATE_LIMITED_ID,
        }
    }

    fn respond(&self, req: &DemoRequest<'_>) -> Option<DemoResponse> {
        (req.path == "/v1/users/single").then(|| only_get(req, || single(req)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vendors::demo_kit::test_util::*;

    fn auth() -> String {
        format!("Bearer {VEMETRIC_DEMO_KEY}")
    }

    #[test]
    fn id_and_identifier_with_rate_headers() {
        let auth = auth();
        let h = [("authorization", auth.as_str())];
        let resp = get("/v1/users/single?id=18446744073709551557", &h);
        assert_eq!(resp.status, 200);
        assert_eq!(body_json(&resp)["user"]["id"], "18446744073709551557");
        assert_eq!(get("/v1/users/single?identifier=load-test-300", &h), resp);
        assert_eq!(resp.header("x-ratelimit-limit"), Some("100"));
        assert_eq!(resp.header("x-ratelimit-remaining"), Some("99"));
        assert_eq!(
            resp.header("x-ratelimit-reset"),
            Some((NOW_SECS + 60).to_string().as_str())
        );

        let resp = get("/v1/users/single?id=77", &h);
        assert_eq!(
            (resp.status, body_json(&resp)),
            (
                404,
                json!({"error": {"code": "USER_NOT_FOUND", "message": "User not found"}})
            )
        );
        assert!(resp.header("x-ratelimit-limit").is_some());
    }

    #[test]
    fn rate_limited_has_reset_and_no_retry_after() {
        let auth = auth();
        for query in ["id=429", "identifier=rate-limited"] {
            let resp = get(
                &format!("/v1/users/single?{query}"),
                &[("authorization", &auth)],
            );
            assert_eq!(resp.status, 429);
            assert_eq!(body_json(&resp)["error"]["code"], "RATE_LIMIT_EXCEEDED");
            assert_eq!(resp.header("x-ratelimit-remaining"), Some("0"));
            assert_eq!(
                resp.header("x-ratelimit-reset"),
                Some((NOW_SECS + 2).to_string().as_str())
            );
            assert_eq!(resp.header("retry-after"), None);
        }
    }

    #[test]
    fn validation_errors_list_details() {
        let auth = auth();
        let h = [("authorization", auth.as_str())];
        let resp = get("/v1/users/single?id=abc", &h);
        assert_eq!(resp.status, 400);
        assert_eq!(
            body_json(&resp),
            json!({"error": {"code": "VALIDATION_ERROR", "message": "Invalid request parameters",
                "details": [{"field": "id", "message": "id must be a numeric user id"}]}})
        );
        let both = body_json(&get("/v1/users/single?id=1&identifier=x", &h));
        assert_eq!(both["error"]["details"].as_array().unwrap().len(), 2);
        assert_eq!(get("/v1/users/single", &h).status, 400);
        assert_eq!(get("/v1/users/single?identifier=", &h).status, 400);
    }

    #[test]
    fn every_documented_401_message() {
        let cases = [
            (None, "Missing API key. Use Authorization: Bearer <key>"),
            (
                Some("Token vem_x"),
                "Malformed Authorization header. Use Bearer <key>",
            ),
            (Some("Bearer vem_short"), "Invalid API key format"),
            (
                Some("Bearer vem_00000000000000000000000000000000"),
                "Invalid or revoked API key",
            ),
        ];
        for (header, message) in cases {
            let headers: Vec<(&str, &str)> =
                header.map(|h| ("authorization", h)).into_iter().collect();
            let resp = get("/v1/users/single?id=4815162342", &headers);
            assert_eq!(
                (resp.status, body_json(&resp)),
                (
                    401,
                    json!({"error": {"code": "UNAUTHORIZED", "message": message}})
                )
            );
        }
    }
}

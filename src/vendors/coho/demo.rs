//! Coho: `GET /api/data/user/{id}` with `Authorization: Bearer <token>`, and the API-token
//! exchange `POST /identity/resources/auth/v2/api-token` (plus its refresh).

use std::time::Duration;

use serde_json::{Value, json};

use super::{COHO_DEMO_CLIENT_ID, COHO_DEMO_REFRESH_TOKEN, COHO_DEMO_SECRET, COHO_DEMO_TOKEN};
use crate::vendors::demo_kit as catalog;
use crate::vendors::demo_kit::{
    DemoRequest, DemoResponse, DemoUser, DemoVendor, RETRY_AFTER_SECS, last_segment,
    method_not_allowed, only_get, scheme_token,
};
use crate::vendors::{LookupKind, VendorKind};

use super::TOKEN_PATH;

/// The demo person whose profile changes while you look (for `get --watch` and the TUI's
/// watch): a counter attribute that ticks every [`LIVE_TICK_SECS`] seconds and a last-seen time
/// that moves on every request. Kept out of [`USERS`] like the `find` person, so the four
/// classic people, the start screen and their tests stay as they are.
pub const LIVE_ID: &str = "u-live";
/// How often the live person's `ticks` attribute goes up.
pub const LIVE_TICK_SECS: u64 = 3;

/// How long an exchanged token lives, in seconds (the `expires_in` the brief's clients cache by).
pub const TOKEN_LIFETIME_SECS: u64 = 3600;

fn unauthorized() -> DemoResponse {
    DemoResponse::json(
        401,
        &json!({"error": "Unauthorized", "message": "Invalid API key"}),
    )
}

fn user(req: &DemoRequest<'_>, rest: &str) -> DemoResponse {
    if scheme_token(req, "Bearer") != Some(COHO_DEMO_TOKEN) {
        return unauthorized();
    }
    let not_found = || {
        DemoResponse::json(
            404,
            &json!({"error": "Not Found", "message": "User not found"}),
        )
    };
    let Some(id) = last_segment(rest) else {
        return not_found();
    };
    if catalog::is_rate_limited(VendorKind::COHO, LookupKind::Id, &id) {
        // Coho does not publish its rate-limit answer; this follows its documented error shape.
        return DemoResponse::json(
            429,
            &json!({"error": "Too Many Requests", "message": "Rate limit exceeded"}),
        )
        .with_header("retry-after", RETRY_AFTER_SECS.to_string());
    }
    if id == LIVE_ID {
        return DemoResponse::json(200, &live_body(req.now));
    }
    match catalog::find(VendorKind::COHO, LookupKind::Id, &id) {
        Some(found) => DemoResponse::fixture(found.body),
        None => not_found(),
    }
}

/// The live person as Coho would answer at `now`: `ticks` (an attribute) counts
/// [`LIVE_TICK_SECS`]-second steps, `lastSeen` (an attribute) and `updateTime` (a property)
/// are `now`; everything else is fixed. Pure, so tests pick the clock.
pub fn live_body(now: std::time::SystemTime) -> Value {
    let since_epoch = now
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let ticks = (since_epoch.as_secs() / LIVE_TICK_SECS) % 10_000;
    let at = chrono::DateTime::<chrono::Utc>::from(now)
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    json!({
        "userProperties": {
            "userId": LIVE_ID,
            "name": "Inès Moreau",
            "email": "ines.moreau@example.org",
            "firstVisitTime": "2026-11-02T09:12:44Z",
            "signupTime": "2026-11-02T09:20:05Z",
            "platform": "web",
            "browser": "Firefox",
            "continent": "Europe",
            "country": "France",
            "city": "Lyon",
            "createdTime": "2026-11-02T09:12:44Z",
            "updateTime": at,
            "properties": {
                "plan": "Trial",
                "ticks": ticks,
                "lastSeen": at,
                "onboardingStep": "connect-data"
            }
        },
        "calculatedProperties": [],
        "tags": [{"key": "source", "value": "live-demo"}],
        "segments": [{"segmentId": "seg-trial", "segmentName": "Trials"}]
    })
}

/// `POST …/api-token` with `{"clientId", "secret"}`, or `POST …/api-token/token/refresh` with
/// `{"refreshToken"}`; both answer a fresh token.
fn token_route(req: &DemoRequest<'_>, rest: &str) -> DemoResponse {
    let refresh = match rest {
        "" => false,
        "/token/refresh" => true,
        _ => return DemoResponse::json(404, &json!({"error": "Not Found"})),
    };
    if req.method != "POST" {
        return method_not_allowed("POST");
    }
    let Ok(body) = serde_json::from_slice::<Value>(req.body) else {
        return bad_request();
    };
    let text = |key: &str| body.get(key).and_then(Value::as_str);
    let accepted = if refresh {
        match text("refreshToken").or_else(|| text("refresh_token")) {
            Some(token) => token == COHO_DEMO_REFRESH_TOKEN,
            None => return bad_request(),
        }
    } else {
        match (text("clientId"), text("secret")) {
            (Some(id), Some(secret)) => id == COHO_DEMO_CLIENT_ID && secret == COHO_DEMO_SECRET,
            _ => return bad_request(),
        }
    };
    if !accepted {
        return DemoResponse::json(
            401,
            &json!({"error": "Unauthorized", "message": "Invalid client id or secret"}),
        );
    }
    let expires =
        chrono::DateTime::<chrono::Utc>::from(req.now + Duration::from_secs(TOKEN_LIFETIME_SECS));
    DemoResponse::json(
        200,
        &json!({
            "access_token": COHO_DEMO_TOKEN,
            "refresh_token": COHO_DEMO_REFRESH_TOKEN,
            "expires_in": TOKEN_LIFETIME_SECS,
            "expires": expires.format("%a, %d %b %Y %H:%M:%S GMT").to_string(),
        }),
    )
}

fn bad_request() -> DemoResponse {
    DemoResponse::json(
        400,
        &json!({"error": "Bad Request", "message": "Expected a JSON body with clientId and secret"}),
    )
}

const USERS: &[DemoUser] = &[
    DemoUser {
        lookup: LookupKind::Id,
        value: "u-1001",
        label: "rich",
        also: &[],
        body: crate::demo_fixture!("coho", "u-1001-rich"),
    },
    DemoUser {
        lookup: LookupKind::Id,
        value: "u-1002",
        label: "sparse",
        also: &[],
        body: crate::demo_fixture!("coho", "u-1002-sparse"),
    },
    DemoUser {
        lookup: LookupKind::Id,
        value: "u-1003",
        label: "non-Latin",
        also: &[],
        body: crate::demo_fixture!("coho", "u-1003-non-latin"),
    },
    DemoUser {
        lookup: LookupKind::Id,
        value: "u-1004",
        label: "300 attributes",
        also: &[],
        body: crate::demo_fixture!("coho", "u-1004-300-attributes"),
    },
];

/// The `find` demo person (issue 11) as this vendor knows them.
const EVERYWHERE: DemoUser = DemoUser {
    lookup: LookupKind::Id,
    value: catalog::EVERYWHERE_ID,
    label: "find everywhere",
    also: &[],
    body: crate::demo_fixture!("coho", "acct-7781-everywhere"),
};

/// Coho's demo: its key, its people and its answers.
pub struct CohoDemo;

impl DemoVendor for CohoDemo {
    fn key(&self) -> &'static str {
        COHO_DEMO_TOKEN
    }

    fn users(&self) -> &'static [DemoUser] {
        USERS
    }

    fn everywhere(&self) -> Option<&'static DemoUser> {
        Some(&EVERYWHERE)
    }

    fn client_credentials(&self) -> Option<(&'static str, &'static str)> {
        Some((COHO_DEMO_CLIENT_ID, COHO_DEMO_SECRET))
    }

    fn respond(&self, req: &DemoRequest<'_>) -> Option<DemoResponse> {
        let path = req.path;
        if let Some(rest) = path.strip_prefix("/api/data/user/") {
            return Some(only_get(req, || user(req, rest)));
        }
        path.strip_prefix(TOKEN_PATH)
            .map(|rest| token_route(req, rest))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vendors::demo_kit::test_util::*;

    fn bearer() -> String {
        format!("Bearer {COHO_DEMO_TOKEN}")
    }

    #[test]
    fn serves_the_fixture_verbatim_with_the_right_token() {
        let auth = bearer();
        let resp = get("/api/data/user/u-1001", &[("authorization", &auth)]);
        assert_eq!(resp.status, 200);
        assert_eq!(resp.body, catalog::users(VendorKind::COHO)[0].body);
        // Percent-encoded IDs are decoded as one segment.
        let resp = get("/api/data/user/u%2D1003", &[("authorization", &auth)]);
        assert_eq!(body_json(&resp)["userProperties"]["name"], "李小龙 🎉");
    }

    #[test]
    fn rejects_missing_wrong_and_misplaced_keys_with_the_documented_body() {
        let expected = json!({"error": "Unauthorized", "message": "Invalid API key"});
        for headers in [
            vec![],
            vec![("authorization", "Bearer nope")],
            vec![("authorization", COHO_DEMO_TOKEN)],
            vec![(
                "authorization",
                "Token eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",
            )],
        ] {
            let resp = get("/api/data/user/u-1001", &headers);
            assert_eq!(
                (resp.status, body_json(&resp)),
                (401, expected.clone()),
                "{headers:?}"
            );
        }
    }

    #[test]
    fn unknown_user_and_rate_limited() {
        let auth = bearer();
        let resp = get("/api/data/user/u-9999", &[("authorization", &auth)]);
        assert_eq!(
            (resp.status, body_json(&resp)),
            (
                404,
                json!({"error": "Not Found", "message": "User not found"})
            )
        );
        let resp = get("/api/data/user/rate-limited", &[("authorization", &auth)]);
        assert_eq!((resp.status, resp.header("retry-after")), (429, Some("2")));
    }

    #[test]
    fn the_live_person_ticks_with_the_clock() {
        let auth = bearer();
        let resp = get(
            &format!("/api/data/user/{LIVE_ID}"),
            &[("authorization", &auth)],
        );
        assert_eq!(resp.status, 200);
        let body = body_json(&resp);
        // NOW_SECS is 2026-11-23T12:00:00Z.
        assert_eq!(body["userProperties"]["updateTime"], "2026-11-23T12:00:00Z");
        assert_eq!(
            body["userProperties"]["properties"]["ticks"],
            (NOW_SECS / LIVE_TICK_SECS) % 10_000
        );
        let at = |secs: u64| live_body(std::time::UNIX_EPOCH + Duration::from_secs(secs));
        let (a, b) = (at(NOW_SECS), at(NOW_SECS + LIVE_TICK_SECS));
        let ticks = |v: &Value| v["userProperties"]["properties"]["ticks"].as_u64().unwrap();
        assert_eq!(ticks(&b), ticks(&a) + 1);
        assert_eq!(
            b["userProperties"]["properties"]["lastSeen"],
            "2026-11-23T12:00:03Z"
        );
        // Only the clock's fields move.
        let mut a_still = a.clone();
        a_still["userProperties"]["updateTime"] = b["userProperties"]["updateTime"].clone();
        a_still["userProperties"]["properties"]["lastSeen"] =
            b["userProperties"]["properties"]["lastSeen"].clone();
        a_still["userProperties"]["properties"]["ticks"] = ticks(&b).into();
        assert_eq!(a_still, b);
        // It needs the key like everyone else.
        assert_eq!(get(&format!("/api/data/user/{LIVE_ID}"), &[]).status, 401);
    }

    #[test]
    fn token_exchange_and_refresh() {
        let body = json!({"clientId": COHO_DEMO_CLIENT_ID, "secret": COHO_DEMO_SECRET}).to_string();
        let resp = call(
            "POST",
            TOKEN_PATH,
            &[("content-type", "application/json")],
            body.as_bytes(),
        );
        assert_eq!(resp.status, 200);
        let got = body_json(&resp);
        assert_eq!(got["access_token"], COHO_DEMO_TOKEN);
        assert_eq!(got["refresh_token"], COHO_DEMO_REFRESH_TOKEN);
        assert_eq!(got["expires_in"], 3600);
        // NOW_SECS is 2026-11-23T12:00:00Z; the token lives one hour.
        assert_eq!(got["expires"], "Mon, 23 Nov 2026 13:00:00 GMT");

        let refresh = json!({"refreshToken": COHO_DEMO_REFRESH_TOKEN}).to_string();
        let resp = call(
            "POST",
            &format!("{TOKEN_PATH}/token/refresh"),
            &[],
            refresh.as_bytes(),
        );
        assert_eq!(body_json(&resp)["access_token"], COHO_DEMO_TOKEN);

        let wrong = json!({"clientId": COHO_DEMO_CLIENT_ID, "secret": "guess"}).to_string();
        assert_eq!(call("POST", TOKEN_PATH, &[], wrong.as_bytes()).status, 401);
        assert_eq!(call("POST", TOKEN_PATH, &[], b"not json").status, 400);
        assert_eq!(
            call("POST", TOKEN_PATH, &[], b"{\"clientId\": 5}").status,
            400
        );
        assert_eq!(call("GET", TOKEN_PATH, &[], b"").status, 405);
    }
}

//! User.com: `GET /api/public/users/search/?key=` or `?email=`, and `GET /api/public/users/{id}/`,
//! with `Authorization: Token <key>`. Paths end with `/` as in the real API; without it, 404.
//! Errors follow Django REST Framework (`{"detail": …}`), which the API is built on.

use serde_json::json;

use super::USERCOM_DEMO_KEY;
use crate::vendors::demo_kit as catalog;
use crate::vendors::demo_kit::{
    DemoRequest, DemoResponse, DemoUser, DemoVendor, RATE_LIMITED_ID, RETRY_AFTER_SECS,
    last_segment, only_get,
};
use crate::vendors::{LookupKind, VendorKind};

fn detail(status: u16, message: &str) -> DemoResponse {
    DemoResponse::json(status, &json!({ "detail": message }))
}

fn not_found() -> DemoResponse {
    detail(404, "Not found.")
}

/// `rest` is the path after `/api/public/`.
fn route(req: &DemoRequest<'_>, rest: &str) -> DemoResponse {
    // Django resolves the URL before DRF authenticates: an unknown path is 404 even without a key.
    let lookup = if rest == "users/search/" {
        None
    } else if let Some(id) = rest
        .strip_prefix("users/")
        .and_then(|r| r.strip_suffix('/'))
    {
        match last_segment(id) {
            // The route only matches digits, like the real `users/<int:id>/`.
            Some(id) if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) => Some(id),
            _ => return not_found(),
        }
    } else {
        return not_found();
    };
    if let Some(rejected) = check_token(req) {
        return rejected;
    }
    let (kind, value) = match lookup {
        Some(id) => (LookupKind::Id, id),
        None => match (req.query_param("key"), req.query_param("email")) {
            (Some(key), _) => (LookupKind::Key, key),
            (None, Some(email)) => (LookupKind::Email, email),
            (None, None) => return detail(400, "Provide key or email to search users."),
        },
    };
    if catalog::is_rate_limited(VendorKind::USERCOM, kind, &value) {
        return detail(
            429,
            &format!("Request was throttled. Expected available in {RETRY_AFTER_SECS} seconds."),
        )
        .with_header("retry-after", RETRY_AFTER_SECS.to_string());
    }
    match catalog::find(VendorKind::USERCOM, kind, &value) {
        Some(found) => DemoResponse::fixture(found.body),
        None => not_found(),
    }
}

/// DRF `TokenAuthentication`: the messages it sends, and `WWW-Authenticate: Token` on 401.
fn check_token(req: &DemoRequest<'_>) -> Option<DemoResponse> {
    let words: Vec<&str> = req
        .header("authorization")
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let message = match words.as_slice() {
        [scheme, key] if scheme.eq_ignore_ascii_case("token") => {
            if *key == USERCOM_DEMO_KEY {
                return None;
            }
            "Invalid token."
        }
        [scheme] if scheme.eq_ignore_ascii_case("token") => {
            "Invalid token header. No credentials provided."
        }
        [scheme, ..] if scheme.eq_ignore_ascii_case("token") => {
            "Invalid token header. Token string should not contain spaces."
        }
        _ => "Authentication credentials were not provided.",
    };
    Some(detail(401, message).with_header("www-authenticate", "Token"))
}

/// User.com ids are numeric; this one answers 429 on `users/{id}/`.
pub const USERCOM_RATE_LIMITED_ID: &str = "429";

const USERS: &[DemoUser] = &[
    DemoUser {
        lookup: LookupKind::Key,
        value: "g3FaYocCy0U6",
        label: "rich",
        also: &[
            (LookupKind::Id, "19678376"),
            (LookupKind::Email, "jane.doe@brightpath.io"),
        ],
        body: crate::demo_fixture!("usercom", "g3FaYocCy0U6-rich"),
    },
    DemoUser {
        lookup: LookupKind::Key,
        value: "Vx7Qm2LpA9sD",
        label: "sparse",
        // An anonymous visitor: no email to search by.
        also: &[(LookupKind::Id, "19678377")],
        body: crate::demo_fixture!("usercom", "Vx7Qm2LpA9sD-sparse"),
    },
    DemoUser {
        lookup: LookupKind::Key,
        value: "Zk4Rt8NwE1bH",
        label: "non-Latin",
        also: &[
            (LookupKind::Id, "19678378"),
            (LookupKind::Email, "eleni.p@example.gr"),
        ],
        body: crate::demo_fixture!("usercom", "Zk4Rt8NwE1bH-non-latin"),
    },
    DemoUser {
        lookup: LookupKind::Key,
        value: "Pq9Lc3YvT6uJ",
        label: "300 attributes",
        also: &[
            (LookupKind::Id, "19678379"),
            (LookupKind::Email, "marek.nowak@initech.example"),
        ],
        body: crate::demo_fixture!("usercom", "Pq9Lc3YvT6uJ-300-attributes"),
    },
];

/// The `find` demo person (issue 11) as this vendor knows them.
const EVERYWHERE: DemoUser = DemoUser {
    lookup: LookupKind::Key,
    value: "Mx3Lq7RvK2nD",
    label: "find everywhere",
    also: &[
        (LookupKind::Id, "19678400"),
        (LookupKind::Email, catalog::EVERYWHERE_EMAIL),
    ],
    body: crate::demo_fixture!("usercom", "Mx3Lq7RvK2nD-everywhere"),
};

/// Usercom's demo: its key, its people and its answers.
pub struct UsercomDemo;

impl DemoVendor for UsercomDemo {
    fn key(&self) -> &'static str {
        USERCOM_DEMO_KEY
    }

    fn users(&self) -> &'static [DemoUser] {
        USERS
    }

    fn everywhere(&self) -> Option<&'static DemoUser> {
        Some(&EVERYWHERE)
    }

    fn is_rate_limited(&self, kind: LookupKind, value: &str) -> bool {
        match kind {
            LookupKind::Id => value == USERCOM_RATE_LIMITED_ID,
            LookupKind::Email => value.eq_ignore_ascii_case("rate-limited@example.com"),
            _ => value == RATE_LIMITED_ID,
        }
    }

    fn respond(&self, req: &DemoRequest<'_>) -> Option<DemoResponse> {
        let rest = req.path.strip_prefix("/api/public/")?;
        Some(only_get(req, || route(req, rest)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vendors::demo_kit::test_util::*;

    fn auth() -> String {
        format!("Token {USERCOM_DEMO_KEY}")
    }

    #[test]
    fn key_id_and_email_find_the_same_person() {
        let auth = auth();
        let h = [("authorization", auth.as_str())];
        let by_key = get("/api/public/users/search/?key=g3FaYocCy0U6", &h);
        assert_eq!(by_key.status, 200);
        assert_eq!(body_json(&by_key)["name"], "Jane Doe");
        let by_id = get("/api/public/users/19678376/", &h);
        let by_email = get(
            "/api/public/users/search/?email=jane.doe%40brightpath.io",
            &h,
        );
        assert_eq!(by_id, by_key);
        assert_eq!(by_email, by_key);
    }

    #[test]
    fn trailing_slash_is_required() {
        let auth = auth();
        let h = [("authorization", auth.as_str())];
        assert_eq!(
            get("/api/public/users/search?key=g3FaYocCy0U6", &h).status,
            404
        );
        let resp = get("/api/public/users/19678376", &h);
        assert_eq!(
            (resp.status, body_json(&resp)),
            (404, json!({"detail": "Not found."}))
        );
    }

    #[test]
    fn auth_failures_use_drf_messages() {
        let cases = [
            (None, "Authentication credentials were not provided."),
            (
                Some("Bearer abc"),
                "Authentication credentials were not provided.",
            ),
            (
                Some("Token"),
                "Invalid token header. No credentials provided.",
            ),
            (
                Some("Token a b"),
                "Invalid token header. Token string should not contain spaces.",
            ),
            (Some("Token wrong"), "Invalid token."),
        ];
        for (header, message) in cases {
            let headers: Vec<(&str, &str)> =
                header.map(|h| ("authorization", h)).into_iter().collect();
            let resp = get("/api/public/users/search/?key=g3FaYocCy0U6", &headers);
            assert_eq!(resp.status, 401, "{header:?}");
            assert_eq!(body_json(&resp), json!({ "detail": message }));
            assert_eq!(resp.header("www-authenticate"), Some("Token"));
        }
        // The keyword is case-insensitive, as in DRF.
        let lower = format!("token {USERCOM_DEMO_KEY}");
        assert_eq!(
            get("/api/public/users/19678377/", &[("authorization", &lower)]).status,
            200
        );
    }

    #[test]
    fn not_found_throttled_and_bad_search() {
        let auth = auth();
        let h = [("authorization", auth.as_str())];
        assert_eq!(get("/api/public/users/search/?key=nobody", &h).status, 404);
        assert_eq!(get("/api/public/users/1/", &h).status, 404);
        assert_eq!(get("/api/public/users/abc/", &h).status, 404);
        assert_eq!(get("/api/public/users/search/", &h).status, 400);
        let resp = get("/api/public/users/search/?key=rate-limited", &h);
        assert_eq!((resp.status, resp.header("retry-after")), (429, Some("2")));
        assert_eq!(
            body_json(&resp),
            json!({"detail": "Request was throttled. Expected available in 2 seconds."})
        );
        assert_eq!(get("/api/public/users/429/", &h).status, 429);
    }
}

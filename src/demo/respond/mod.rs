//! What the demo vendors answer, as a pure function of the request (no I/O, so every status and
//! body is unit-tested without a socket). One file per vendor; this one routes on the path.
//!
//! Routes are the vendors' real paths; they do not collide, so all five share one port.

use std::borrow::Cow;
use std::time::SystemTime;

use percent_encoding::percent_decode_str;
use serde_json::Value;

mod chakra;
mod coho;
mod foldspace;
mod usercom;
mod vemetric;

/// A request as the demo server sees it. `path` and `query` are still percent-encoded.
#[derive(Clone, Copy, Debug)]
pub struct DemoRequest<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: Option<&'a str>,
    /// Header names in lowercase; values that are not UTF-8 are left out (they match no key).
    pub headers: &'a [(&'a str, &'a str)],
    pub body: &'a [u8],
    /// Clock for Vemetric's `X-RateLimit-Reset` and Coho's token expiry.
    pub now: SystemTime,
}

impl<'a> DemoRequest<'a> {
    /// The first value of a header (name in lowercase).
    pub fn header(&self, name: &str) -> Option<&'a str> {
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| *v)
    }

    /// The first value of a query parameter, form-decoded (`+` is a space).
    pub fn query_param(&self, name: &str) -> Option<String> {
        let query = self.query?;
        url::form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }

    fn is_get(&self) -> bool {
        self.method == "GET"
    }
}

/// Status, headers and body to send. Fixture bodies are borrowed, so `raw` output can be compared
/// byte for byte with the committed file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoResponse {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Cow<'static, str>,
}

impl DemoResponse {
    pub fn json(status: u16, body: &Value) -> Self {
        DemoResponse {
            status,
            headers: Vec::new(),
            body: Cow::Owned(body.to_string()),
        }
    }

    pub fn fixture(body: &'static str) -> Self {
        DemoResponse {
            status: 200,
            headers: Vec::new(),
            body: Cow::Borrowed(body),
        }
    }

    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// The header's value, if set (tests).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Seconds a rate-limited demo lookup asks the client to wait (small: tests wait it out).
pub const RETRY_AFTER_SECS: u64 = 2;

/// Route a request to the vendor whose real path it uses.
pub fn respond(req: &DemoRequest<'_>) -> DemoResponse {
    let path = req.path;
    if let Some(rest) = path.strip_prefix("/api/data/user/") {
        return only_get(req, || coho::user(req, rest));
    }
    if let Some(rest) = path.strip_prefix(coho::TOKEN_PATH) {
        return coho::token_route(req, rest);
    }
    if let Some(rest) = path.strip_prefix("/api/public/") {
        return only_get(req, || usercom::route(req, rest));
    }
    if let Some(rest) = path.strip_prefix("/v1/user/") {
        return only_get(req, || foldspace::user(req, rest));
    }
    if let Some(rest) = path.strip_prefix("/v1/ext/user/") {
        return only_get(req, || chakra::user(req, rest));
    }
    if path == "/v1/users/single" {
        return only_get(req, || vemetric::single(req));
    }
    DemoResponse::json(
        404,
        &serde_json::json!({"error": "Not Found", "message": "No demo vendor serves this path"}),
    )
}

fn only_get(req: &DemoRequest<'_>, handler: impl FnOnce() -> DemoResponse) -> DemoResponse {
    if req.is_get() {
        handler()
    } else {
        method_not_allowed("GET")
    }
}

fn method_not_allowed(allow: &'static str) -> DemoResponse {
    DemoResponse::json(405, &serde_json::json!({"error": "Method Not Allowed"}))
        .with_header("allow", allow)
}

/// The one path segment a route ends with, percent-decoded. `None` when it is empty, has more
/// segments, or does not decode to UTF-8: no such user.
fn last_segment(rest: &str) -> Option<String> {
    if rest.is_empty() || rest.contains('/') {
        return None;
    }
    percent_decode_str(rest)
        .decode_utf8()
        .ok()
        .map(Cow::into_owned)
}

/// The token of `Authorization: <scheme> <token>`; the scheme word is case-insensitive (RFC 9110).
fn scheme_token<'a>(req: &DemoRequest<'a>, scheme: &str) -> Option<&'a str> {
    let value = req.header("authorization")?.trim();
    let (word, token) = value.split_once(' ')?;
    word.eq_ignore_ascii_case(scheme).then(|| token.trim())
}

#[cfg(test)]
pub(crate) mod test_util {
    use super::*;

    /// Build and answer a request; the clock is fixed at 2026-11-23T12:00:00Z.
    pub fn call(
        method: &str,
        path_and_query: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> DemoResponse {
        let (path, query) = match path_and_query.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (path_and_query, None),
        };
        respond(&DemoRequest {
            method,
            path,
            query,
            headers,
            body,
            now: SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(NOW_SECS),
        })
    }

    pub const NOW_SECS: u64 = 1_795_435_200;

    pub fn get(path_and_query: &str, headers: &[(&str, &str)]) -> DemoResponse {
        call("GET", path_and_query, headers, b"")
    }

    pub fn body_json(resp: &DemoResponse) -> Value {
        serde_json::from_str(&resp.body).unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::test_util::*;
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
        let long = "a".repeat(100_000);
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
        let bearer = format!("Bearer {}", crate::demo::COHO_DEMO_TOKEN);
        assert_eq!(
            get("/api/data/user/u-1001", &[("authorization", &bearer)]).status,
            200
        );
        let resp = get(
            &format!("/api/data/user/{long}"),
            &[("authorization", &bearer)],
        );
        assert_eq!(resp.status, 404);
    }
}

#[cfg(test)]
mod properties {
    use super::test_util::*;
    use proptest::prelude::*;

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
            let headers: Vec<(&str, &str)> = auth
                .iter()
                .flat_map(|a| [("authorization", a.as_str()), ("x-foldspace-api-key", a.as_str())])
                .collect();
            let resp = call(method, &path, &headers, &body);
            prop_assert!((200..600).contains(&resp.status));
            prop_assert!(serde_json::from_str::<serde_json::Value>(&resp.body).is_ok());
        }
    }
}

//! What a 404 means: the vendor's "no such user", or no such endpoint at the base URL. A
//! developer with a wrong base URL must be told so, not that the person does not exist.

use serde_json::Value;

use crate::http::looks_like_html;

/// What a 404 answer means (design §4): the vendor's "no such user" (exit 3), or no such
/// endpoint at that base URL (exit 6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Missing {
    User,
    Endpoint,
}

/// Members whose text an error body uses for its message (at the top or one level down, as
/// in Vemetric's `{"error": {"code", "message"}}`).
const MESSAGE_MEMBERS: [&str; 6] = ["message", "error", "detail", "title", "code", "_errors"];

/// What routers and proxies say when no route matches, lower-cased: Vemetric's "Route not
/// found", Express's "Cannot GET /x", Kong's "no Route matched", Spring's "No static
/// resource", and the like.
const ROUTE_PHRASES: [&str; 9] = [
    "route",
    "no static resource",
    "cannot get",
    "no handler",
    "unknown endpoint",
    "endpoint not found",
    "no such endpoint",
    "path not found",
    "unknown path",
];

/// The default reading of a 404 (see `VendorAdapter::not_found_meaning`): an empty body is a
/// bare "no such user"; HTML or text that is not JSON came from something other than the
/// JSON API; JSON is the API's own not-found answer unless its message names a route. Only
/// positive evidence of a missing route turns a 404 into "check the base URL": telling an
/// operator to fix a correct base URL is as wrong as telling them a person does not exist.
pub fn missing_by_default(content_type: Option<&str>, body: &[u8]) -> Missing {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Missing::User;
    }
    if looks_like_html(content_type, body) {
        return Missing::Endpoint;
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(value) if !names_a_route(&value) => Missing::User,
        _ => Missing::Endpoint,
    }
}

/// Whether an error body's message says that the *route* is missing, not the person.
pub fn names_a_route(value: &Value) -> bool {
    let mut texts = Vec::new();
    message_texts(value, 0, &mut texts);
    texts.iter().any(|text| {
        let lower = text.to_lowercase();
        ROUTE_PHRASES.iter().any(|phrase| lower.contains(phrase))
    })
}

/// The strings an error body uses as its message: the body itself when it is a string, the
/// message members, down to an object in an array in an object (`{"_errors": [{…}]}`).
fn message_texts<'v>(value: &'v Value, depth: usize, out: &mut Vec<&'v str>) {
    match value {
        Value::String(text) => out.push(text),
        Value::Array(items) if depth < 3 => {
            for item in items {
                message_texts(item, depth + 1, out);
            }
        }
        Value::Object(map) if depth < 3 => {
            for (key, member) in map {
                if MESSAGE_MEMBERS.contains(&key.as_str()) {
                    message_texts(member, depth + 1, out);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_tells_json_from_pages_and_routes() {
        let json = Some("application/json");
        let cases: [(Option<&str>, &str, Missing); 9] = [
            (json, r#"{"error":"User not found"}"#, Missing::User),
            (json, r#"{"detail":"Not found."}"#, Missing::User),
            (None, "", Missing::User),
            (None, "  \n", Missing::User),
            (
                json,
                r#"{"error":{"code":"NOT_FOUND","message":"Route not found: GET /v1/x"}}"#,
                Missing::Endpoint,
            ),
            (
                json,
                r#"{"message":"no Route matched with those values"}"#,
                Missing::Endpoint,
            ),
            (Some("text/html"), "<h1>Not Found</h1>", Missing::Endpoint),
            (None, "<!DOCTYPE html><html></html>", Missing::Endpoint),
            (
                Some("text/plain"),
                "Cannot GET /v1/user/x",
                Missing::Endpoint,
            ),
        ];
        for (content_type, body, expected) in cases {
            assert_eq!(
                missing_by_default(content_type, body.as_bytes()),
                expected,
                "{body}"
            );
        }
    }

    #[test]
    fn only_message_members_are_read() {
        // A user whose *data* mentions a route is still a user.
        let body = serde_json::json!({"error": "User not found", "hint": "route 66"});
        assert!(!names_a_route(&body));
        let body = serde_json::json!({"_errors": [{"message": "Route /v1/ext/usr not found"}]});
        assert!(names_a_route(&body));
        assert!(names_a_route(&serde_json::json!("Cannot GET /v1/user/x")));
    }
}

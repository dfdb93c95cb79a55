//! Helpers shared by every adapter: safe URL building from user-typed IDs, error-body
//! reading, and the bookkeeping of normalizing (types checked against the docs, every leaf
//! given exactly one home, departures collected as warnings).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Map, Value};
use url::{Position, Url};

use super::{Connection, Lookup, LookupKind, VendorKind, WrongShape};
use crate::error::LookupError;

mod builder;
mod items;
mod names;
mod not_found;
#[cfg(test)]
mod tests;

pub use builder::{Builder, Expect, Ident, Place};
pub use items::{
    Item, MemberCheck, check_max_chars, index_key, into_text, member_key, named_members,
    segment_from, text_of,
};
pub use names::{NameDirectory, Names, collect_names};
pub use not_found::{Missing, missing_by_default, names_a_route};

/// Longest ID we send. No vendor documents a longer one (Foldspace caps identifyId at 255),
/// and URLs much past a few KiB are refused by proxies with confusing errors.
pub const MAX_ID_BYTES: usize = 2048;

/// Everything outside RFC 3986 "unreserved" is encoded, so an ID can never add a path
/// segment, a query, a fragment, or be mistaken for an already-encoded sequence.
const OUTSIDE_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Longest vendor error message we pass on (one line on a terminal).
const MAX_MESSAGE_CHARS: usize = 300;

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

/// `Usage` error for a lookup kind the vendor does not offer, naming the ones it does.
pub fn check_kind(vendor: VendorKind, kind: LookupKind) -> Result<(), LookupError> {
    let kinds = vendor.lookup_kinds();
    if kinds.contains(&kind) {
        return Ok(());
    }
    let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    let fix = if names.len() == 1 {
        format!("use --by {}", names[0])
    } else {
        format!("use --by {}", names.join("|"))
    };
    Err(LookupError::Usage(format!(
        "{} cannot look users up by {kind}; it supports {} — {fix}",
        vendor.display_name(),
        names.join(", "),
    )))
}

/// The ID as typed, refused when empty, whitespace only or longer than [`MAX_ID_BYTES`].
/// The value is sent exactly as given (no trimming): IDs may legitimately contain spaces.
pub fn check_value(vendor: VendorKind, lookup: &Lookup) -> Result<(), LookupError> {
    let what = lookup.by.as_str();
    if lookup.value.trim().is_empty() {
        return Err(LookupError::Usage(format!(
            "the {what} to look up is empty; give the {} user's {what}, e.g. `userscope get {} VALUE --by {what}`",
            vendor.display_name(),
            vendor.as_str(),
        )));
    }
    if lookup.value.len() > MAX_ID_BYTES {
        return Err(LookupError::Usage(format!(
            "the {what} is {} bytes long, over the {MAX_ID_BYTES}-byte limit; check what was pasted",
            lookup.value.len()
        )));
    }
    Ok(())
}

/// `Usage` unless the value is one or more ASCII digits (User.com ids, Vemetric ids).
pub fn check_digits(value: &str, message: &str) -> Result<(), LookupError> {
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(LookupError::Usage(message.to_owned()))
    }
}

/// One ID encoded as a single path segment. `.` and `..` cannot be: every URL parser
/// (and `%2e` spellings too) treats them as dot segments and would change the endpoint.
pub fn encode_segment(id: &str) -> Result<String, LookupError> {
    if id == "." || id == ".." {
        return Err(LookupError::Usage(format!(
            "the ID `{id}` cannot be sent as a URL path segment (it would change which endpoint is called); check the ID"
        )));
    }
    Ok(utf8_percent_encode(id, OUTSIDE_UNRESERVED).to_string())
}

/// One value encoded for a query string (space as `%20`, `&`, `=`, `#`, `+` encoded).
pub fn encode_query_value(value: &str) -> String {
    utf8_percent_encode(value, OUTSIDE_UNRESERVED).to_string()
}

/// The connection's base URL (scheme, host, port and any path prefix) + the vendor's
/// already-encoded documented path and query. The parsed URL is checked to keep exactly that
/// path and query, so no input can ever reach another endpoint even if a parser rule were
/// overlooked.
pub fn vendor_url(conn: &Connection, path: &str, query: Option<&str>) -> Result<Url, LookupError> {
    join_path(&conn.base_url, path, query).map_err(|e| match e {
        JoinError::Unparsable { base, cause } => LookupError::Usage(format!(
            "cannot build the {} URL from base {base}: {cause}; check the base URL",
            conn.vendor.display_name()
        )),
        JoinError::Moved => LookupError::Usage(
            "this ID cannot be sent safely (it would change which endpoint is called); check the ID".to_owned(),
        ),
    })
}

/// Why [`join_path`] failed.
#[derive(Debug, PartialEq, Eq)]
pub enum JoinError {
    /// The joined text is no URL (the base and its cause, for the message).
    Unparsable { base: String, cause: String },
    /// The parsed URL's path or query is not the one asked for.
    Moved,
}

/// `base`'s origin and path prefix (no trailing `/`) followed by `path` (which starts with
/// `/`) and `query`: `https://h/api` + `/v1/users/single` is `https://h/api/v1/users/single`.
/// Also used for auth services (Coho's token exchange), whose base may carry a prefix too.
pub fn join_path(base: &Url, path: &str, query: Option<&str>) -> Result<Url, JoinError> {
    let origin = &base[..Position::BeforePath];
    let prefix = base.path().trim_end_matches('/');
    let full_path = format!("{prefix}{path}");
    let text = match query {
        Some(q) => format!("{origin}{full_path}?{q}"),
        None => format!("{origin}{full_path}"),
    };
    let url = Url::parse(&text).map_err(|e| JoinError::Unparsable {
        base: base.as_str().trim_end_matches('/').to_owned(),
        cause: e.to_string(),
    })?;
    if url.path() != full_path || url.query() != query || url.fragment().is_some() {
        return Err(JoinError::Moved);
    }
    Ok(url)
}

/// A base URL as shown in messages: without the trailing `/` of a bare origin.
pub fn shown_base(base: &Url) -> String {
    base.as_str().trim_end_matches('/').to_owned()
}

// ---------------------------------------------------------------------------------------------
// Error bodies
// ---------------------------------------------------------------------------------------------

/// The body as a JSON object, if it is one.
pub fn error_object(body: &[u8]) -> Option<Map<String, Value>> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Some(map),
        _ => None,
    }
}

/// A vendor message fit for one line: whitespace runs collapsed, at most ~300 characters,
/// `None` when empty. Control characters are left for `sanitize` at the edge.
pub fn one_line(text: &str) -> Option<String> {
    let mut out = String::new();
    for (n, word) in text.split_whitespace().enumerate() {
        if n > 0 {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.is_empty() {
        return None;
    }
    if out.chars().count() > MAX_MESSAGE_CHARS {
        let cut: String = out.chars().take(MAX_MESSAGE_CHARS).collect();
        out = format!("{}…", cut.trim_end());
    }
    Some(out)
}

/// A non-empty string member of an error object, made one line.
pub fn message_member(map: &Map<String, Value>, key: &str) -> Option<String> {
    map.get(key).and_then(Value::as_str).and_then(one_line)
}

// ---------------------------------------------------------------------------------------------
// Normalizing
// ---------------------------------------------------------------------------------------------

/// "a string", "an array", … for warnings and shape errors.
pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The body (or a wrapper's content) as an object, or the documented `WrongShape`.
pub fn expect_object(value: Value, what: &str) -> Result<Map<String, Value>, WrongShape> {
    match value {
        Value::Object(map) => Ok(map),
        other => Err(WrongShape(format!(
            "expected {what} to be a JSON object, got {}",
            type_name(&other)
        ))),
    }
}

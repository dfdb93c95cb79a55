//! One JSONL record per input line (design §11, stable): `line`, `input`, `status`,
//! `exitCode`, `attempts`, `elapsedMs`, then `result` (the §3 or §9 object) or `error`.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// How one input line ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Found,
    NotFound,
    Error,
}

/// What the work for one line produced, before it is written.
#[derive(Clone, Debug, PartialEq)]
pub struct LineOutcome {
    pub status: Status,
    /// The exit code `get` would have ended with for this line alone (design §4).
    pub exit_code: i32,
    /// Requests made for the line (1 + the 429 retries); 0 when nothing was sent.
    pub attempts: u32,
    /// A compact JSON object (`result`): `get`'s §3 object when found, `find`'s §9 object.
    pub result: Option<String>,
    /// The one-line cause (`error`), for error lines only.
    pub error: Option<String>,
}

impl LineOutcome {
    /// A line refused before anything was sent (invalid for the lookup kind, not UTF-8, too
    /// long): exit code 2.
    pub fn rejected(message: impl Into<String>) -> LineOutcome {
        LineOutcome {
            status: Status::Error,
            exit_code: 2,
            attempts: 0,
            result: None,
            error: Some(message.into()),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Record<'a> {
    line: usize,
    input: &'a str,
    status: Status,
    exit_code: i32,
    attempts: u32,
    elapsed_ms: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    result: Option<&'a RawValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
}

/// The record as one line of JSON, newline included. A `result` that is not valid JSON (a
/// bug in the caller) is written as an error record rather than a broken line.
pub fn render_record(line: usize, input: &str, elapsed_ms: u64, outcome: &LineOutcome) -> String {
    let raw = outcome
        .result
        .as_ref()
        .map(|json| RawValue::from_string(json.clone()));
    let (result, error, status, exit_code) = match &raw {
        Some(Err(_)) => (
            None,
            Some("internal error: the result was not valid JSON"),
            Status::Error,
            6,
        ),
        Some(Ok(value)) => (
            Some(value.as_ref()),
            outcome.error.as_deref(),
            outcome.status,
            outcome.exit_code,
        ),
        None => (
            None,
            outcome.error.as_deref(),
            outcome.status,
            outcome.exit_code,
        ),
    };
    let record = Record {
        line,
        input,
        status,
        exit_code,
        attempts: outcome.attempts,
        elapsed_ms,
        result,
        error,
    };
    // Serializing plain fields and a valid RawValue cannot fail; keep a fallback anyway.
    let mut text = serde_json::to_string(&record).map_or_else(
        |_| format!(r#"{{"line":{line},"status":"error","exitCode":6,"error":"internal error"}}"#),
        |t| crate::output::escape_invisible_controls(&t),
    );
    text.push('\n');
    text
}

/// Pretty JSON to one line: whitespace outside strings is dropped, strings (and their
/// escapes) stay byte for byte, so the value is unchanged.
pub fn compact(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in json.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !matches!(c, ' ' | '\n' | '\r' | '\t') {
            out.push(c);
        }
    }
    out
}

/// What `--resume` needs of a record already in OUT.
#[derive(Debug, Deserialize)]
pub struct Written {
    pub line: usize,
    pub input: String,
    pub status: Status,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_found_record_has_the_stable_fields_in_order() {
        let outcome = LineOutcome {
            status: Status::Found,
            exit_code: 0,
            attempts: 2,
            result: Some(r#"{"vendor":"x","raw":{"a":[1, 2]}}"#.to_owned()),
            error: None,
        };
        assert_eq!(
            render_record(3, "u-1", 12, &outcome),
            "{\"line\":3,\"input\":\"u-1\",\"status\":\"found\",\"exitCode\":0,\"attempts\":2,\"elapsedMs\":12,\"result\":{\"vendor\":\"x\",\"raw\":{\"a\":[1, 2]}}}\n"
        );
    }

    #[test]
    fn an_error_record_has_error_instead_of_result_and_escapes_controls() {
        let outcome = LineOutcome::rejected("bad \u{202e} id");
        assert_eq!(
            render_record(7, "a\u{85}\"b", 0, &outcome),
            "{\"line\":7,\"input\":\"a\\u0085\\\"b\",\"status\":\"error\",\"exitCode\":2,\"attempts\":0,\"elapsedMs\":0,\"error\":\"bad \\u202e id\"}\n"
        );
        let not_found = LineOutcome {
            status: Status::NotFound,
            exit_code: 3,
            attempts: 1,
            result: None,
            error: None,
        };
        let line = render_record(1, "u", 5, &not_found);
        assert_eq!(
            line,
            "{\"line\":1,\"input\":\"u\",\"status\":\"not_found\",\"exitCode\":3,\"attempts\":1,\"elapsedMs\":5}\n"
        );
        let parsed: Written = serde_json::from_str(&line).unwrap();
        assert_eq!(
            (parsed.line, parsed.input.as_str(), parsed.status),
            (1, "u", Status::NotFound)
        );
    }

    #[test]
    fn a_result_that_is_not_json_becomes_an_error_record() {
        let outcome = LineOutcome {
            status: Status::Found,
            exit_code: 0,
            attempts: 1,
            result: Some("{not json".to_owned()),
            error: None,
        };
        let line = render_record(1, "u", 5, &outcome);
        let value: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(value["status"], "error");
        assert_eq!(value["exitCode"], 6);
    }

    #[test]
    fn compact_keeps_strings_byte_for_byte() {
        let pretty =
            "{\n  \"a b\": \"x \\\" y\\\\\",\n  \"c\": [\n    1,\n    \"\\u0085 \"\n  ]\n}\n";
        assert_eq!(
            compact(pretty),
            "{\"a b\":\"x \\\" y\\\\\",\"c\":[1,\"\\u0085 \"]}"
        );
        let v1: serde_json::Value = serde_json::from_str(pretty).unwrap();
        let v2: serde_json::Value = serde_json::from_str(&compact(pretty)).unwrap();
        assert_eq!(v1, v2);
    }
}

//! The raw body flattened once into pretty-printed lines, so the Raw pane can draw only the
//! lines on screen however large the payload is (jless-style).

use serde_json::Value;

#[derive(Clone, Debug, PartialEq)]
pub enum JsonToken {
    /// `{` or `[` that opens a non-empty container.
    Open(char),
    Close(char),
    /// `{}` or `[]`.
    Empty(&'static str),
    /// A string value, already JSON-escaped with its quotes (not yet sanitized).
    Str(String),
    Num(String),
    Bool(bool),
    Null,
    /// A line of a body that is not JSON, shown as text.
    Text(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct JsonLine {
    pub depth: usize,
    /// The object key, JSON-escaped with its quotes.
    pub key: Option<String>,
    pub token: JsonToken,
    pub comma: bool,
    /// For an opening bracket: the index of its closing line (what a fold hides up to).
    pub end: Option<usize>,
}

impl JsonLine {
    /// The line as plain text (for the detail popup).
    pub fn text(&self) -> String {
        let mut s = String::new();
        if let Some(k) = &self.key {
            s.push_str(k);
            s.push_str(": ");
        }
        match &self.token {
            JsonToken::Open(c) | JsonToken::Close(c) => s.push(*c),
            JsonToken::Empty(e) => s.push_str(e),
            JsonToken::Str(v) | JsonToken::Num(v) | JsonToken::Text(v) => s.push_str(v),
            JsonToken::Bool(b) => s.push_str(if *b { "true" } else { "false" }),
            JsonToken::Null => s.push_str("null"),
        }
        if self.comma {
            s.push(',');
        }
        s
    }
}

/// Pretty lines of a body: parsed as JSON (order kept), or as plain text lines when it is not.
pub fn flatten_body(raw: &[u8]) -> Vec<JsonLine> {
    match serde_json::from_slice::<Value>(raw) {
        Ok(value) => flatten(&value),
        Err(_) => String::from_utf8_lossy(raw)
            .lines()
            .map(|l| JsonLine {
                depth: 0,
                key: None,
                token: JsonToken::Text(l.to_owned()),
                comma: false,
                end: None,
            })
            .collect(),
    }
}

pub fn flatten(value: &Value) -> Vec<JsonLine> {
    let mut out = Vec::new();
    push(&mut out, value, 0, None, false);
    out
}

fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

fn close(out: &mut Vec<JsonLine>, opener: usize, depth: usize, c: char, comma: bool) {
    let end = out.len();
    if let Some(open) = out.get_mut(opener) {
        open.end = Some(end);
    }
    out.push(JsonLine {
        depth,
        key: None,
        token: JsonToken::Close(c),
        comma,
        end: None,
    });
}

// Recursion depth is bounded by serde_json's parse limit (128), so this cannot overflow.
fn push(out: &mut Vec<JsonLine>, value: &Value, depth: usize, key: Option<String>, comma: bool) {
    let line = |token| JsonLine {
        depth,
        key: key.clone(),
        token,
        comma,
        end: None,
    };
    // An opening bracket never carries the comma: its closing bracket does.
    let open = |c| JsonLine {
        depth,
        key: key.clone(),
        token: JsonToken::Open(c),
        comma: false,
        end: None,
    };
    match value {
        Value::Null => out.push(line(JsonToken::Null)),
        Value::Bool(b) => out.push(line(JsonToken::Bool(*b))),
        Value::Number(n) => out.push(line(JsonToken::Num(n.to_string()))),
        Value::String(s) => out.push(line(JsonToken::Str(quoted(s)))),
        Value::Array(items) if items.is_empty() => out.push(line(JsonToken::Empty("[]"))),
        Value::Object(map) if map.is_empty() => out.push(line(JsonToken::Empty("{}"))),
        Value::Array(items) => {
            let at = out.len();
            out.push(open('['));
            let last = items.len() - 1;
            for (i, item) in items.iter().enumerate() {
                push(out, item, depth + 1, None, i != last);
            }
            close(out, at, depth, ']', comma);
        }
        Value::Object(map) => {
            let at = out.len();
            out.push(open('{'));
            let last = map.len() - 1;
            for (i, (k, v)) in map.iter().enumerate() {
                push(out, v, depth + 1, Some(quoted(k)), i != last);
            }
            close(out, at, depth, '}', comma);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pretty_lines_match_serde_pretty_printing() {
        let v = json!({"a": 1, "b": [true, null, "x\u{1b}", [1]], "c": {}, "n": {"e": "f", "g": [{}]}, "d": {"e": "f"}});
        let text: Vec<String> = flatten(&v)
            .iter()
            .map(|l| format!("{}{}", "  ".repeat(l.depth), l.text()))
            .collect();
        assert_eq!(text.join("\n"), serde_json::to_string_pretty(&v).unwrap());
    }

    #[test]
    fn openers_know_their_closing_line() {
        let lines = flatten(&json!({"a": [1, 2], "b": {}}));
        assert_eq!(lines[0].end, Some(6));
        assert_eq!(lines[1].end, Some(4));
        assert_eq!(lines[4].token, JsonToken::Close(']'));
        assert_eq!(lines[5].end, None, "an empty object has nothing to fold");
    }

    #[test]
    fn non_json_bodies_become_text_lines() {
        let lines = flatten_body(b"<html>\n<b>oops</b>");
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1].text(), "<b>oops</b>");
    }
}

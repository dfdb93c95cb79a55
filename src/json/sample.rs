//! A bounded sample of a JSON body: every object and array keeps its first members and the
//! rest is checked and skipped. Who a profile belongs to (ID, name, email) sits near the top
//! of every vendor's documented shape, so an adapter that normalizes the sample finds it in a
//! few milliseconds, while the whole body of a large file is still being parsed. The sample
//! is never shown as the profile's content: only its identity is.

use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::json::index::string_end;

/// Members kept per object or array.
pub const KEEP: usize = 64;
/// Containers nested deeper than this are skipped whole.
pub const MAX_DEPTH: usize = 6;

/// The head of a large body read for a first look: enough for the identity of every documented
/// shape, and reading it costs the same at 1 MB as at 50 MB.
pub const HEAD_BYTES: usize = 128 * 1024;

/// The first `limit` bytes (or a little more, to the end of the value under way) of a JSON
/// body, closed so that they parse: cut after the last complete value, then every open
/// object and array closed. `None` when the body is no longer than `limit` (read it whole)
/// or its start is not JSON. Values cut off are simply absent from the head.
pub fn head(bytes: &[u8], limit: usize) -> Option<Vec<u8>> {
    if bytes.len() <= limit {
        return None;
    }
    // The closing brackets of the containers open at `i`. Only steps that end a value or open
    // a container change it, and each of them moves `cut` too, so at the end it is the stack
    // at `cut`.
    let mut open: Vec<u8> = Vec::new();
    // The last place where the head may end: after a complete value or an opening bracket.
    let mut cut = 0;
    let mut i = 0;
    while let Some(&c) = bytes.get(i) {
        match c {
            b'{' | b'[' => {
                open.push(if c == b'{' { b'}' } else { b']' });
                i += 1;
                cut = i;
            }
            b'}' | b']' => {
                if open.pop() != Some(c) {
                    return None;
                }
                i += 1;
                cut = i;
                if open.is_empty() {
                    break;
                }
            }
            b'"' => {
                let end = string_end(bytes, i)?;
                // A key is followed by a colon; only a complete value is a place to cut.
                let next = bytes
                    .get(end..)?
                    .iter()
                    .position(|b| !b.is_ascii_whitespace())
                    .map(|n| end + n);
                i = end;
                if next.and_then(|n| bytes.get(n)) != Some(&b':') {
                    cut = i;
                }
            }
            b',' | b':' | b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            _ => {
                // A number or literal: to the next delimiter.
                let len = bytes
                    .get(i..)?
                    .iter()
                    .position(|b| matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
                    .unwrap_or(bytes.len() - i);
                i += len.max(1);
                cut = i;
            }
        }
        // Stop at the first place to cut at or past the limit.
        if cut >= limit {
            break;
        }
    }
    let mut out = bytes.get(..cut)?.to_vec();
    out.extend(open.iter().rev());
    Some(out)
}

/// Parse `bytes` into a sample `Value`. The whole body is scanned, so an error here means the
/// body is not JSON (the same verdict a full parse gives).
pub fn sample(bytes: &[u8]) -> Result<Value, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    // Skipping keeps nothing, so the parser's own nesting limit does not need to apply.
    let value = Seed { depth: 0 }.deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

#[derive(Clone, Copy)]
struct Seed {
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for Seed {
    type Value = Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed {
    type Value = Value;

    crate::json::sized_parse::value_leaves!();

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        let keep = if self.depth < MAX_DEPTH { KEEP } else { 0 };
        let child = Seed {
            depth: self.depth + 1,
        };
        while items.len() < keep {
            match seq.next_element_seed(child)? {
                Some(v) => items.push(v),
                None => return Ok(Value::Array(items)),
            }
        }
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Map::new();
        let keep = if self.depth < MAX_DEPTH { KEEP } else { 0 };
        let child = Seed {
            depth: self.depth + 1,
        };
        let mut seen = 0;
        while seen < keep {
            let Some(key) = map.next_key::<String>()? else {
                return Ok(Value::Object(members));
            };
            let value = map.next_value_seed(child)?;
            members.insert(key, value);
            seen += 1;
        }
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Value::Object(members))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_head_is_cut_after_a_complete_value_and_closed() {
        let body = br#"{"id": "u-1", "email": "a@b.c", "props": {"a": [1, 2, {"x": "yy"}], "b": "long value"}, "z": 1}"#;
        // Each head ends at the first complete value (or opening bracket) at or past the limit.
        let cases: [(usize, &str); 6] = [
            (3, r#"{"id": "u-1"}"#),
            (14, r#"{"id": "u-1", "email": "a@b.c"}"#),
            (38, r#"{"id": "u-1", "email": "a@b.c", "props": {}}"#),
            (
                50,
                r#"{"id": "u-1", "email": "a@b.c", "props": {"a": [1, 2]}}"#,
            ),
            (
                66,
                r#"{"id": "u-1", "email": "a@b.c", "props": {"a": [1, 2, {"x": "yy"}]}}"#,
            ),
            (
                80,
                r#"{"id": "u-1", "email": "a@b.c", "props": {"a": [1, 2, {"x": "yy"}], "b": "long value"}}"#,
            ),
        ];
        for (limit, want) in cases {
            let got = head(body, limit).unwrap();
            assert_eq!(
                String::from_utf8(got.clone()).unwrap(),
                want,
                "limit {limit}"
            );
            serde_json::from_slice::<Value>(&got).unwrap();
        }
        assert!(
            head(body, body.len()).is_none(),
            "a short body is read whole"
        );
        // Strings with escaped quotes and brackets inside do not confuse it.
        let tricky = br#"{"a": "x\"]}", "b": [true, null, -1.5e3], "c": "d"}"#;
        let got = head(tricky, 20).unwrap();
        assert_eq!(
            serde_json::from_slice::<Value>(&got).unwrap(),
            serde_json::json!({"a": "x\"]}", "b": []})
        );
        let got = head(tricky, 24).unwrap();
        assert_eq!(
            serde_json::from_slice::<Value>(&got).unwrap(),
            serde_json::json!({"a": "x\"]}", "b": [true]})
        );
        assert!(
            head(b"<html> and a lot more text after it", 4)
                .is_none_or(|h| serde_json::from_slice::<Value>(&h).is_err())
        );
        assert!(head(b"]]]] and more", 2).is_none());
    }

    #[test]
    fn small_bodies_are_kept_whole() {
        let v = json!({"a": [1, 2.5, "x", null, true], "b": {"c": {}}});
        assert_eq!(sample(&serde_json::to_vec(&v).unwrap()).unwrap(), v);
    }

    #[test]
    fn large_containers_keep_their_first_members() {
        let many: Map<String, Value> = (0..1000).map(|i| (format!("k{i}"), json!(i))).collect();
        let body = json!({"id": "u-1", "attrs": many, "list": (0..1000).collect::<Vec<_>>(), "email": "a@b.c"});
        let s = sample(&serde_json::to_vec(&body).unwrap()).unwrap();
        assert_eq!(s["id"], "u-1");
        assert_eq!(
            s["email"], "a@b.c",
            "members after a large one are still kept"
        );
        assert_eq!(s["attrs"].as_object().unwrap().len(), KEEP);
        assert_eq!(s["attrs"]["k63"], 63);
        assert_eq!(s["list"].as_array().unwrap().len(), KEEP);
    }

    #[test]
    fn deep_nesting_is_skipped_and_not_json_is_an_error() {
        let deep = format!("{}1{}", "[".repeat(10), "]".repeat(10));
        let s = sample(deep.as_bytes()).unwrap();
        let mut at = &s;
        for _ in 0..MAX_DEPTH {
            at = &at[0];
        }
        assert_eq!(at, &json!([]));
        assert!(sample(b"{\"a\": }").is_err());
        assert!(sample(b"{} x").is_err());
        // Skipped members are checked too: a broken value deep inside a big array fails.
        let broken = format!("[{}tru]", "1,".repeat(100));
        assert!(sample(broken.as_bytes()).is_err());
    }
}

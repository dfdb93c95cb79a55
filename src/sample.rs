//! A bounded sample of a JSON body: every object and array keeps its first members and the
//! rest is checked and skipped. Who a profile belongs to (ID, name, email) sits near the top
//! of every vendor's documented shape, so an adapter that normalizes the sample finds it in a
//! few milliseconds, while the whole body of a large file is still being parsed. The sample
//! is never shown as the profile's content: only its identity is.

use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// Members kept per object or array.
pub const KEEP: usize = 64;
/// Containers nested deeper than this are skipped whole.
pub const MAX_DEPTH: usize = 6;

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

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

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

//! `serde_json::from_slice::<Value>` with every object and array allocated once at its final
//! size, the sizes taken from the Raw pane's index of the same body (built anyway). A plain
//! parse grows each map by doubling: a 135,000-member map ends with room for ~230,000 and
//! briefly holds both the old and the new table while growing, which at 50 MB is tens of MB of
//! peak memory for nothing. Same `Value`, same errors (it is the same parser underneath).

use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::json::RawIndex;

/// The scalar half of a `Visitor<Value = Value>`: the leaves exactly as `serde_json::Value`
/// builds them (shared by this parse and `crate::sample`).
macro_rules! value_leaves {
    () => {
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
    };
}
pub(crate) use value_leaves;

/// Parse `bytes`, which `index` was built from.
pub fn parse(bytes: &[u8], index: &RawIndex) -> Result<Value, serde_json::Error> {
    let Some(sizes) = index.container_sizes() else {
        return serde_json::from_slice(bytes);
    };
    let mut next = sizes.into_iter();
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = Sized { next: &mut next }.deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// Hands out the container sizes in document order, the order the parser meets them.
struct Sized<'a> {
    next: &'a mut std::vec::IntoIter<u32>,
}

impl Sized<'_> {
    fn take(&mut self) -> usize {
        self.next.next().map_or(0, |n| n as usize)
    }
}

impl<'de> DeserializeSeed<'de> for Sized<'_> {
    type Value = Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Sized<'_> {
    type Value = Value;

    value_leaves!();

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(self.take());
        while let Some(item) = seq.next_element_seed(Sized {
            next: &mut *self.next,
        })? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Map::with_capacity(self.take());
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(Sized {
                next: &mut *self.next,
            })?;
            members.insert(key, value);
        }
        Ok(Value::Object(members))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::index;

    fn same_as_serde(body: &[u8]) {
        let ours = parse(body, &index(body));
        let theirs = serde_json::from_slice::<Value>(body);
        match (ours, theirs) {
            (Ok(a), Ok(b)) => {
                assert_eq!(a, b, "{}", String::from_utf8_lossy(body));
                // Order too (`==` on maps ignores it).
                assert_eq!(
                    serde_json::to_string(&a).unwrap(),
                    serde_json::to_string(&b).unwrap()
                );
            }
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
            (a, b) => panic!("{a:?} vs {b:?} for {}", String::from_utf8_lossy(body)),
        }
    }

    #[test]
    fn the_same_value_and_errors_as_a_plain_parse() {
        for body in [
            &br#"{"a": [1, 2.5, -3, 1e400, "x\u00e9", null, true, {}], "b": {"c": [], "d": {"e": [[{}]]}}, "a": 7}"#[..],
            br#"[{"k": 1}, {"k": 2, "j": [3]}, []]"#,
            b"\"plain\"",
            b"18446744073709551615",
            br#"{"a": }"#,
            br#"{"a": 1} tail"#,
            br#"{"s": "raw control \u0001 escaped", "bad": "a"#,
            b"{\"ctl\": \"\x01\"}",
            b"<html>",
            b"",
        ] {
            same_as_serde(body);
        }
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        same_as_serde(deep.as_bytes());
    }

    #[test]
    fn containers_get_their_final_size() {
        let members: Map<String, Value> = (0..1000)
            .map(|i| (format!("k{i}"), Value::from(i)))
            .collect();
        let body = serde_json::to_vec(&Value::Object(members)).unwrap();
        let value = parse(&body, &index(&body)).unwrap();
        let map = value.as_object().unwrap();
        assert_eq!(map.len(), 1000);
        let sizes = index(&body).container_sizes().unwrap();
        assert_eq!(sizes, [1000]);
        let sizes = index(br#"[{}, [1, [2, 3]], {"a": {"b": 1}}]"#)
            .container_sizes()
            .unwrap();
        assert_eq!(sizes, [3, 0, 2, 2, 1, 1]);
    }
}

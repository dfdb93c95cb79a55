//! RFC 6901 JSON Pointers as the config file writes them: the syntax is checked at load
//! (so a typo stops the file with its line), resolution is serde_json's `Value::pointer`,
//! which implements RFC 6901 (`~1` is `/`, `~0` is `~`, array indices without leading zeros).

use serde_json::Value;

/// A checked pointer: empty (the whole document) or `/`-separated reference tokens in which
/// every `~` is followed by `0` or `1`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pointer(String);

impl Pointer {
    /// Check the syntax. `allow_whole` admits `""` (the whole document: only a lookup's
    /// `profile` may say that; a field pointing at the whole profile maps nothing).
    pub fn parse(text: &str, allow_whole: bool) -> Result<Pointer, String> {
        if text.is_empty() {
            return if allow_whole {
                Ok(Pointer(String::new()))
            } else {
                Err("a JSON Pointer must start with `/` (RFC 6901), e.g. \"/email\"".to_owned())
            };
        }
        if !text.starts_with('/') {
            let hint = if allow_whole {
                "; \"\" is the whole body"
            } else {
                ""
            };
            return Err(format!(
                "`{text}` is not a JSON Pointer: it must start with `/` (RFC 6901), e.g. \"/{text}\"{hint}"
            ));
        }
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            if c == '~' && !matches!(chars.next(), Some('0' | '1')) {
                return Err(format!(
                    "`{text}` is not a JSON Pointer: `~` must be followed by 0 (for `~`) or 1 (for `/`)"
                ));
            }
        }
        Ok(Pointer(text.to_owned()))
    }

    /// `""`: the whole document.
    pub fn whole() -> Pointer {
        Pointer(String::new())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The value this pointer finds in `doc`, if any.
    pub fn resolve<'a>(&self, doc: &'a Value) -> Option<&'a Value> {
        doc.pointer(&self.0)
    }

    /// The reference tokens, unescaped (`~1` → `/`, then `~0` → `~`, as RFC 6901 orders it).
    pub fn tokens(&self) -> Vec<String> {
        if self.0.is_empty() {
            return Vec::new();
        }
        self.0
            .split('/')
            .skip(1)
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect()
    }

    /// Whether `self` is `other` or lies inside it (`/a/b` is within `/a`, `/ab` is not).
    pub fn is_within(&self, other: &Pointer) -> bool {
        self.0 == other.0
            || (self.0.starts_with(&other.0) && self.0.as_bytes().get(other.0.len()) == Some(&b'/'))
    }

    /// This pointer followed by `/token` (the token escaped).
    pub fn child(&self, token: &str) -> Pointer {
        Pointer(format!(
            "{}/{}",
            self.0,
            token.replace('~', "~0").replace('/', "~1")
        ))
    }
}

impl std::fmt::Display for Pointer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn p(text: &str) -> Pointer {
        Pointer::parse(text, true).unwrap()
    }

    #[test]
    fn syntax_is_checked_at_load() {
        assert_eq!(p("").as_str(), "");
        assert_eq!(p("/a/b~0c~1d").as_str(), "/a/b~0c~1d");
        assert_eq!(
            Pointer::parse("", false).unwrap_err(),
            "a JSON Pointer must start with `/` (RFC 6901), e.g. \"/email\""
        );
        assert_eq!(
            Pointer::parse("email", false).unwrap_err(),
            "`email` is not a JSON Pointer: it must start with `/` (RFC 6901), e.g. \"/email\""
        );
        assert_eq!(
            Pointer::parse("results/0", true).unwrap_err(),
            "`results/0` is not a JSON Pointer: it must start with `/` (RFC 6901), e.g. \"/results/0\"; \"\" is the whole body"
        );
        for bad in ["/a~", "/a~2", "/~x/b"] {
            let err = Pointer::parse(bad, false).unwrap_err();
            assert!(
                err.ends_with("`~` must be followed by 0 (for `~`) or 1 (for `/`)"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn resolution_follows_rfc_6901() {
        let doc = json!({
            "a/b": 1, "m~n": 2, "~1": 3, "": 4,
            "list": [10, {"x": 11}], "nested": {"k": null}
        });
        assert_eq!(p("/a~1b").resolve(&doc), Some(&json!(1)));
        assert_eq!(p("/m~0n").resolve(&doc), Some(&json!(2)));
        // `~01` is `~1` (unescaping `~1` first would wrongly make it `/`... then `~`).
        assert_eq!(p("/~01").resolve(&doc), Some(&json!(3)));
        assert_eq!(p("/").resolve(&doc), Some(&json!(4)));
        assert_eq!(p("/list/0").resolve(&doc), Some(&json!(10)));
        assert_eq!(p("/list/1/x").resolve(&doc), Some(&json!(11)));
        assert_eq!(p("/nested/k").resolve(&doc), Some(&json!(null)));
        assert_eq!(p("").resolve(&doc), Some(&doc));
        // Out of range, leading zeros, `-`, and through a scalar: nothing.
        for none in [
            "/list/2",
            "/list/01",
            "/list/-",
            "/list/0/x",
            "/nope",
            "/a~1b/c",
        ] {
            assert_eq!(p(none).resolve(&doc), None, "{none}");
        }
    }

    #[test]
    fn tokens_unescape_and_children_escape() {
        assert_eq!(p("/a~1b/m~0n/~01").tokens(), ["a/b", "m~n", "~1"]);
        assert!(p("").tokens().is_empty());
        assert_eq!(p("/a").child("x/y~z").as_str(), "/a/x~1y~0z");
        assert_eq!(p("/a").child("x/y~z").tokens(), ["a", "x/y~z"]);
        assert!(p("/a/b").is_within(&p("/a")));
        assert!(p("/a").is_within(&p("/a")));
        assert!(!p("/ab").is_within(&p("/a")));
        assert!(p("/a").is_within(&p("")));
    }
}

//! A lookup's path and query templates: `{value}` is the looked-up ID, percent-encoded as ONE
//! path segment or ONE query value with the encoders the built-in adapters use, so no ID can
//! add a segment, a query, a fragment or reach another host. The static text is checked at
//! load to be plain URL text, so the built URL is exactly the template with the value in it.

use crate::error::LookupError;
use crate::vendors::common::{encode_query_value, encode_segment};

/// The placeholder for the looked-up value.
pub const VALUE: &str = "{value}";

/// Static text around at most one `{value}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    before: String,
    /// The text after `{value}`; `None` when the template has no `{value}`.
    after: Option<String>,
}

impl Template {
    /// Split around `{value}`; any other `{` or `}` is refused (a misspelt placeholder such
    /// as `{id}` would otherwise be sent literally).
    fn split(text: &str) -> Result<Template, String> {
        let (before, after) = match text.split_once(VALUE) {
            Some((before, after)) => (before, Some(after)),
            None => (text, None),
        };
        if after.is_some_and(|a| a.contains(VALUE)) {
            return Err(format!("`{text}` uses {VALUE} twice; it may appear once"));
        }
        if before.contains(['{', '}']) || after.is_some_and(|a| a.contains(['{', '}'])) {
            return Err(format!(
                "`{text}`: the only placeholder is {VALUE} (the looked-up value)"
            ));
        }
        Ok(Template {
            before: before.to_owned(),
            after: after.map(str::to_owned),
        })
    }

    /// A path template: starts with `/`, static text only of characters a URL path keeps as
    /// they are, no `.`/`..` segments.
    pub fn path(text: &str) -> Result<Template, String> {
        if !text.starts_with('/') {
            return Err(format!("the path `{text}` must start with `/`"));
        }
        let template = Template::split(text)?;
        let statics = std::iter::once(template.before.as_str()).chain(template.after.as_deref());
        for part in statics {
            if let Some(bad) = part.chars().find(|c| !is_path_char(*c)) {
                return Err(format!(
                    "the path `{text}` contains `{}`, which a URL path cannot keep as is; write the path as the vendor documents it, with {VALUE} for the value",
                    bad.escape_default()
                ));
            }
        }
        let whole = text.replace(VALUE, "x");
        if whole
            .split('/')
            .any(|segment| segment == "." || segment == "..")
        {
            return Err(format!("the path `{text}` has a `.` or `..` segment"));
        }
        Ok(template)
    }

    /// A query value: any static text (it is encoded), at most one `{value}`.
    pub fn query(text: &str) -> Result<Template, String> {
        Template::split(text)
    }

    pub fn uses_value(&self) -> bool {
        self.after.is_some()
    }

    /// The path with the value encoded as one segment (`.` and `..` are refused).
    pub fn render_path(&self, value: &str) -> Result<String, LookupError> {
        Ok(match &self.after {
            Some(after) => format!("{}{}{after}", self.before, encode_segment(value)?),
            None => self.before.clone(),
        })
    }

    /// The query value, static text and value encoded alike.
    pub fn render_query(&self, value: &str) -> String {
        match &self.after {
            Some(after) => format!(
                "{}{}{}",
                encode_query_value(&self.before),
                encode_query_value(value),
                encode_query_value(after)
            ),
            None => encode_query_value(&self.before),
        }
    }

    /// The template as written (for `vendors check`).
    pub fn text(&self) -> String {
        match &self.after {
            Some(after) => format!("{}{VALUE}{after}", self.before),
            None => self.before.clone(),
        }
    }

    /// The value in a request path made from this template, still percent-encoded (the demo
    /// server's matching); `None` when the path is not of this template.
    pub fn match_path<'a>(&self, path: &'a str) -> Option<&'a str> {
        let after = self.after.as_deref()?;
        let value = path.strip_prefix(&self.before)?.strip_suffix(after)?;
        (!value.is_empty() && !value.contains('/')).then_some(value)
    }

    /// Whether a request path is exactly this template's (no `{value}` in it).
    pub fn is_path(&self, path: &str) -> bool {
        self.after.is_none() && self.before == path
    }
}

/// RFC 3986 `pchar` and `/` without `%`: unreserved, sub-delims, `:` and `@`.
fn is_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@/".contains(c)
}

/// A lookup's query: names and value templates, encoded into `a=b&c=d` in the order given.
pub fn render_query(query: &[(String, Template)], value: &str) -> Option<String> {
    if query.is_empty() {
        return None;
    }
    let pairs: Vec<String> = query
        .iter()
        .map(|(name, template)| {
            format!(
                "{}={}",
                encode_query_value(name),
                template.render_query(value)
            )
        })
        .collect();
    Some(pairs.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_checked_at_load() {
        assert!(
            Template::path("/api/v3/contacts/{value}")
                .unwrap()
                .uses_value()
        );
        assert!(!Template::path("/api/v3/contacts").unwrap().uses_value());
        assert!(Template::path("/u/{value}.json").unwrap().uses_value());
        let cases = [
            ("api/{value}", "the path `api/{value}` must start with `/`"),
            (
                "/a/{value}/{value}",
                "`/a/{value}/{value}` uses {value} twice; it may appear once",
            ),
            (
                "/a/{id}",
                "`/a/{id}`: the only placeholder is {value} (the looked-up value)",
            ),
            (
                "/a/{value}?x=1",
                "the path `/a/{value}?x=1` contains `?`, which a URL path cannot keep as is; write the path as the vendor documents it, with {value} for the value",
            ),
            (
                "/a b/{value}",
                "the path `/a b/{value}` contains ` `, which a URL path cannot keep as is; write the path as the vendor documents it, with {value} for the value",
            ),
            (
                "/a%2F/{value}",
                "the path `/a%2F/{value}` contains `%`, which a URL path cannot keep as is; write the path as the vendor documents it, with {value} for the value",
            ),
            (
                "/a/../{value}",
                "the path `/a/../{value}` has a `.` or `..` segment",
            ),
        ];
        for (text, message) in cases {
            assert_eq!(Template::path(text).unwrap_err(), message, "{text}");
        }
    }

    #[test]
    fn the_value_is_one_encoded_segment_or_query_value() {
        let path = Template::path("/c/{value}/x").unwrap();
        assert_eq!(
            path.render_path("a/b?c#d%e f").unwrap(),
            "/c/a%2Fb%3Fc%23d%25e%20f/x"
        );
        assert_eq!(path.render_path("Zoë").unwrap(), "/c/Zo%C3%AB/x");
        assert_eq!(path.render_path("..").unwrap_err().exit_code(), 2);
        let query = vec![
            ("email".to_owned(), Template::query("{value}").unwrap()),
            ("fields".to_owned(), Template::query("all&more").unwrap()),
        ];
        assert_eq!(
            render_query(&query, "a+b@x.org&admin=1").as_deref(),
            Some("email=a%2Bb%40x.org%26admin%3D1&fields=all%26more")
        );
        assert_eq!(render_query(&[], "x"), None);
    }

    #[test]
    fn demo_paths_match_their_template() {
        let path = Template::path("/c/{value}/x").unwrap();
        assert_eq!(path.match_path("/c/a%2Fb/x"), Some("a%2Fb"));
        assert_eq!(path.match_path("/c/a/b/x"), None);
        assert_eq!(path.match_path("/c//x"), None);
        assert_eq!(path.match_path("/d/a/x"), None);
        assert!(Template::path("/c").unwrap().is_path("/c"));
        assert!(!Template::path("/c").unwrap().is_path("/c/"));
    }
}

//! Enter on a warning in the Overview: the Raw pane, at the value the warning is about.
//!
//! Adapters write warnings as `PATH: what is wrong` (`signUpDate: documented as …`,
//! `attributes[3].name_std: …`), with the path taken inside the body the adapter reads (after
//! unwrapping `_data` or `user`). The Raw tree names lines `$.user.lastSeenAt`, so a warning's
//! path is found as the line whose path is `$.PATH` or ends in `.PATH`.

use crate::json::JsonTree;

/// The leading path of a warning, when it starts with one (`name: …` but not `ChakraHQ
/// reported errors: …`, whose head has a space).
pub fn warning_path(warning: &str) -> Option<&str> {
    let (head, _) = warning.split_once(": ")?;
    let is_path_char =
        |c: char| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '[' | ']' | '$' | '@');
    (!head.is_empty() && head.chars().all(is_path_char)).then_some(head)
}

/// The Raw line the warning's path names: the exact `$.PATH` first, else the first line
/// whose path ends in `.PATH` (the body's wrapper). Only lines whose own key is the path's
/// last key have their path built, so a large body is not walked in full per line.
pub fn find_line(tree: &JsonTree, path: &str) -> Option<usize> {
    let path = path.strip_prefix("$.").unwrap_or(path);
    let exact = format!("$.{path}");
    let suffix = format!(".{path}");
    let last_key = last_key(path);
    let mut fallback = None;
    for index in 0..tree.line_count() {
        if let Some(key) = last_key {
            let Some(line) = tree.line(index) else {
                continue;
            };
            if line.key.as_deref().map(unquote) != Some(key) {
                continue;
            }
        }
        let at = tree.path(index);
        if at == exact {
            return Some(index);
        }
        if fallback.is_none() && at.ends_with(&suffix) {
            fallback = Some(index);
        }
    }
    fallback
}

/// The key a path ends with (`name_std` of `attributes[3].name_std`); `None` when it ends in
/// an index.
fn last_key(path: &str) -> Option<&str> {
    if path.ends_with(']') {
        return None;
    }
    Some(path.rsplit(['.', ']']).next().unwrap_or(path))
}

fn unquote(key: &str) -> &str {
    key.strip_prefix('"')
        .and_then(|k| k.strip_suffix('"'))
        .unwrap_or(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_leading_path_of_a_warning() {
        assert_eq!(
            warning_path("signUpDate: documented as epoch milliseconds, got a string"),
            Some("signUpDate")
        );
        assert_eq!(
            warning_path("attributes[3].name_std: documented as a string, got 4"),
            Some("attributes[3].name_std")
        );
        assert_eq!(
            warning_path("_errors: X reported errors: boom"),
            Some("_errors")
        );
        assert_eq!(warning_path("the body reported errors: boom"), None);
        assert_eq!(warning_path("no colon here"), None);
    }

    #[test]
    fn a_path_is_found_exactly_or_under_the_wrapper() {
        let body =
            br#"{"user":{"id":"1","lastSeenAt":"x","tags":[{"name":"a"},{"name":5}]},"id":"top"}"#;
        let tree = JsonTree::of(bytes::Bytes::from_static(body));
        let found = |p: &str| find_line(&tree, p).map(|i| tree.path(i));
        assert_eq!(found("lastSeenAt").as_deref(), Some("$.user.lastSeenAt"));
        assert_eq!(
            found("tags[1].name").as_deref(),
            Some("$.user.tags[1].name")
        );
        assert_eq!(found("tags[1]").as_deref(), Some("$.user.tags[1]"));
        // The exact path wins over one under the wrapper.
        assert_eq!(found("id").as_deref(), Some("$.id"));
        assert_eq!(found("nowhere"), None);
    }
}

//! The Raw pane's model: the indexed body plus fold and search state, and the text of each
//! line cut from the body when drawn (see [`super::index`] for the index itself).

use bytes::Bytes;

use super::index::{
    COMMA, JsonLine, JsonToken, KEYED, Kind, NONE, RawIndex, Row, index, key_and_value, number_end,
    string_end,
};
fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The body and its lines.
#[derive(Clone, Debug, Default)]
struct Indexed {
    body: Bytes,
    index: RawIndex,
}

impl Indexed {
    fn row(&self, i: usize) -> Option<&Row> {
        self.index.rows.get(i)
    }

    fn bytes(&self, from: usize, to: usize) -> &[u8] {
        self.body.get(from..to).unwrap_or_default()
    }

    /// (key bytes with quotes, value start) of a line.
    fn key_and_value(&self, row: &Row) -> (Option<&[u8]>, usize) {
        let start = row.start as usize;
        if row.flags & KEYED == 0 {
            return (None, start);
        }
        match key_and_value(&self.body, start) {
            Some((end, value)) => (Some(self.bytes(start, end)), value),
            None => (None, start),
        }
    }

    fn value_bytes(&self, row: &Row, at: usize) -> &[u8] {
        let body = &self.body[..];
        let end = match row.kind {
            Kind::Str => string_end(body, at).unwrap_or(body.len()),
            Kind::Num => number_end(body, at + 1),
            _ => at,
        };
        self.bytes(at, end)
    }

    fn line(&self, i: usize) -> Option<JsonLine> {
        let row = self.row(i)?;
        let option = |v: u32| (v != NONE).then_some(v as usize);
        if row.kind == Kind::Text {
            return Some(JsonLine {
                depth: 0,
                key: None,
                token: JsonToken::Text(lossy(self.bytes(row.start as usize, row.link as usize))),
                comma: false,
                end: None,
                parent: None,
            });
        }
        let (key, at) = self.key_and_value(row);
        let token = match row.kind {
            Kind::OpenObject => JsonToken::Open('{'),
            Kind::OpenArray => JsonToken::Open('['),
            Kind::CloseObject => JsonToken::Close('}'),
            Kind::CloseArray => JsonToken::Close(']'),
            Kind::EmptyObject => JsonToken::Empty("{}"),
            Kind::EmptyArray => JsonToken::Empty("[]"),
            Kind::Str => JsonToken::Str(lossy(self.value_bytes(row, at))),
            Kind::Num => JsonToken::Num(lossy(self.value_bytes(row, at))),
            Kind::True => JsonToken::Bool(true),
            Kind::False => JsonToken::Bool(false),
            Kind::Null | Kind::Text => JsonToken::Null,
        };
        let opens = matches!(row.kind, Kind::OpenObject | Kind::OpenArray);
        Some(JsonLine {
            depth: usize::from(row.depth),
            key: key.map(lossy),
            token,
            comma: row.flags & COMMA != 0,
            end: if opens { option(row.link) } else { None },
            parent: option(row.parent),
        })
    }

    /// Whether the key or the value as shown matches (closing brackets never match).
    fn matches(&self, regex: &regex::Regex, i: usize) -> bool {
        let Some(row) = self.row(i) else {
            return false;
        };
        let text = |b: &[u8]| match std::str::from_utf8(b) {
            Ok(s) => regex.is_match(s),
            Err(_) => regex.is_match(&String::from_utf8_lossy(b)),
        };
        if row.kind == Kind::Text {
            return text(self.bytes(row.start as usize, row.link as usize));
        }
        let (key, at) = self.key_and_value(row);
        if key.is_some_and(text) {
            return true;
        }
        match row.kind {
            Kind::Str | Kind::Num => text(self.value_bytes(row, at)),
            Kind::True => regex.is_match("true"),
            Kind::False => regex.is_match("false"),
            Kind::Null => regex.is_match("null"),
            _ => false,
        }
    }
}

/// Whether `key` can be written `.key` in a path (otherwise `["key"]`).
fn is_identifier(key: &str) -> bool {
    let mut chars = key.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

/// The text inside a JSON-escaped, quoted string (`"a\"b"` → `a"b`).
fn unquote(quoted: &str) -> String {
    serde_json::from_str::<String>(quoted).unwrap_or_else(|_| quoted.trim_matches('"').to_owned())
}

/// A regex search over the Raw pane: the query and the lines it matches (ascending).
#[derive(Clone, Debug)]
pub struct Search {
    pub query: String,
    pub regex: regex::Regex,
    pub matches: Vec<usize>,
}

impl Search {
    /// 1-based position of `line` among the matches, if it is one.
    pub fn position(&self, line: usize) -> Option<usize> {
        self.matches.binary_search(&line).ok().map(|i| i + 1)
    }
}

/// The Raw pane's tree: the body indexed once, plus fold and search state. Folding rebuilds
/// the row map (O(lines)) once per fold command, never per frame; drawing reads only
/// visible rows.
#[derive(Clone, Debug, Default)]
pub struct JsonTree {
    indexed: Indexed,
    folded: std::collections::BTreeSet<usize>,
    /// Row on screen → line index; `None` while nothing is folded (identity, no memory).
    visible: Option<Vec<usize>>,
    search: Option<Search>,
}

impl JsonTree {
    /// Index `body` here (a large body is better indexed on another thread: [`index`]).
    pub fn of(body: Bytes) -> JsonTree {
        let index = index(&body);
        JsonTree::new(body, index)
    }

    /// `index` must come from [`index`] over the same `body`.
    pub fn new(body: Bytes, index: RawIndex) -> JsonTree {
        JsonTree {
            indexed: Indexed { body, index },
            ..JsonTree::default()
        }
    }

    pub fn line_count(&self) -> usize {
        self.indexed.index.len()
    }

    /// Whether the body was shown as text because it is not JSON.
    pub fn is_text(&self) -> bool {
        self.indexed.index.text
    }

    pub fn line(&self, index: usize) -> Option<JsonLine> {
        self.indexed.line(index)
    }

    pub fn row_count(&self) -> usize {
        self.visible.as_ref().map_or(self.line_count(), Vec::len)
    }

    /// Row `i` (after folding) as (line index, line, folded?).
    pub fn row(&self, i: usize) -> Option<(usize, JsonLine, bool)> {
        let index = self.row_index(i)?;
        let line = self.line(index)?;
        Some((index, line, self.folded.contains(&index)))
    }

    /// The line index shown at row `i`.
    pub fn row_index(&self, i: usize) -> Option<usize> {
        match &self.visible {
            Some(map) => map.get(i).copied(),
            None => (i < self.line_count()).then_some(i),
        }
    }

    /// The row showing line `index` (the row of its folded ancestor when it is hidden).
    pub fn row_of(&self, index: usize) -> usize {
        match &self.visible {
            None => index,
            Some(map) => match map.binary_search(&index) {
                Ok(row) => row,
                Err(row) => row.saturating_sub(1),
            },
        }
    }

    pub fn search(&self) -> Option<&Search> {
        self.search.as_ref()
    }

    fn raw_row(&self, index: usize) -> Option<&Row> {
        self.indexed.row(index)
    }

    /// The node a line stands for: a closing bracket stands for its container.
    fn node(&self, index: usize) -> usize {
        match self.raw_row(index) {
            Some(r) if matches!(r.kind, Kind::CloseObject | Kind::CloseArray) => r.link as usize,
            _ => index,
        }
    }

    fn parent(&self, index: usize) -> Option<usize> {
        self.raw_row(index)
            .map(|r| r.parent)
            .filter(|p| *p != NONE)
            .map(|p| p as usize)
    }

    /// The closing line of the container opened at `index`.
    fn end(&self, index: usize) -> Option<usize> {
        self.raw_row(index)
            .filter(|r| matches!(r.kind, Kind::OpenObject | Kind::OpenArray) && r.link != NONE)
            .map(|r| r.link as usize)
    }

    fn foldable(&self, index: usize) -> bool {
        self.end(index).is_some()
    }

    fn rebuild(&mut self) {
        self.visible = if self.folded.is_empty() {
            None
        } else {
            let mut map = Vec::new();
            let mut i = 0;
            while i < self.line_count() {
                map.push(i);
                i = match self.end(i) {
                    Some(end) if self.folded.contains(&i) => end + 1,
                    _ => i + 1,
                };
            }
            Some(map)
        };
    }

    /// Fold (`Some(true)`), unfold (`Some(false)`) or toggle (`None`) the container at `row`
    /// (its opening or closing line). Returns the row of the container afterwards.
    pub fn fold_at(&mut self, row: usize, fold: Option<bool>) -> Option<usize> {
        let index = self.row_index(row)?;
        let opener = self.node(index);
        if !self.foldable(opener) {
            return None;
        }
        let fold = fold.unwrap_or(!self.folded.contains(&opener));
        let changed = if fold {
            self.folded.insert(opener)
        } else {
            self.folded.remove(&opener)
        };
        if changed {
            self.rebuild();
        }
        Some(self.row_of(opener))
    }

    /// Fold every container below the root (the top-level keys stay visible).
    pub fn fold_all(&mut self) {
        self.folded = (0..self.line_count())
            .filter(|i| self.foldable(*i) && self.raw_row(*i).is_some_and(|r| r.depth > 0))
            .collect();
        self.rebuild();
    }

    pub fn unfold_all(&mut self) {
        self.folded.clear();
        self.rebuild();
    }

    /// The row of the container holding the node at `row`.
    pub fn parent_row(&self, row: usize) -> Option<usize> {
        let index = self.row_index(row)?;
        let parent = self.parent(self.node(index))?;
        Some(self.row_of(parent))
    }

    /// Position of `node` in the array opened at `parent` (counting siblings, skipping
    /// each container in one step).
    fn array_position(&self, parent: usize, node: usize) -> usize {
        let mut at = parent + 1;
        let mut n = 0;
        while at < node {
            at = self.end(at).unwrap_or(at) + 1;
            n += 1;
        }
        n
    }

    /// `$.userProperties.city`, `$.tags[2].key`, `$["first name"]` for the node at `index`.
    pub fn path(&self, index: usize) -> String {
        let mut parts = Vec::new();
        let mut at = self.node(index);
        while let Some(parent) = self.parent(at) {
            let in_array = self
                .raw_row(parent)
                .is_some_and(|r| r.kind == Kind::OpenArray);
            let key = self.line(at).and_then(|l| l.key);
            match key {
                Some(key) if !in_array => {
                    let key = unquote(&key);
                    if is_identifier(&key) {
                        parts.push(format!(".{key}"));
                    } else {
                        parts.push(format!("[{}]", quoted(&key)));
                    }
                }
                _ => parts.push(format!("[{}]", self.array_position(parent, at))),
            }
            at = parent;
        }
        parts.reverse();
        format!("${}", parts.concat())
    }

    /// The full value of the node at `index`, for copying: a string without quotes or
    /// truncation, a container pretty-printed.
    pub fn value_text(&self, index: usize) -> String {
        let node = self.node(index);
        let Some(line) = self.line(node) else {
            return String::new();
        };
        match (&line.token, line.end) {
            (JsonToken::Str(s), _) => unquote(s),
            (JsonToken::Open(_), Some(end)) => {
                let base = line.depth;
                let mut text = String::new();
                for i in node..=end {
                    let Some(mut l) = self.line(i) else { continue };
                    if i == node {
                        l.key = None;
                    }
                    if i == end {
                        l.comma = false;
                    }
                    if i > node {
                        text.push('\n');
                    }
                    text.push_str(&"  ".repeat(l.depth.saturating_sub(base)));
                    text.push_str(&l.text());
                }
                text
            }
            _ => {
                let mut l = line;
                l.key = None;
                l.comma = false;
                l.text()
            }
        }
    }

    /// Search every line (folded or not) for `query`; an empty query ends the search.
    /// Returns the number of matches.
    pub fn set_search(&mut self, query: &str) -> Result<usize, regex::Error> {
        if query.is_empty() {
            self.search = None;
            return Ok(0);
        }
        let regex = regex::Regex::new(query)?;
        let matches = (0..self.line_count())
            .filter(|i| self.indexed.matches(&regex, *i))
            .collect();
        self.search = Some(Search {
            query: query.to_owned(),
            regex,
            matches,
        });
        Ok(self.search.as_ref().map_or(0, |s| s.matches.len()))
    }

    /// The next (or previous) match after the line at `row`, wrapping around; unfolds the
    /// match's folded ancestors so it is on screen. Returns its row.
    pub fn next_match(&mut self, row: usize, forward: bool) -> Option<usize> {
        self.seek(row, forward, false)
    }

    /// The first match at or after the line at `row` (where a new search lands).
    pub fn match_from(&mut self, row: usize) -> Option<usize> {
        self.seek(row, true, true)
    }

    fn seek(&mut self, row: usize, forward: bool, inclusive: bool) -> Option<usize> {
        let current = self.row_index(row).unwrap_or(0);
        let matches = &self.search.as_ref()?.matches;
        let target = if forward {
            let after = matches.partition_point(|m| *m < current + usize::from(!inclusive));
            matches.get(after).or(matches.first())
        } else {
            let before = matches.partition_point(|m| *m < current);
            before
                .checked_sub(1)
                .and_then(|i| matches.get(i))
                .or(matches.last())
        };
        let target = *target?;
        self.reveal(target);
        Some(self.row_of(target))
    }

    /// Unfold every folded ancestor of line `index`.
    pub fn reveal(&mut self, index: usize) {
        let mut changed = false;
        let mut at = self.parent(index);
        while let Some(i) = at {
            changed |= self.folded.remove(&i);
            at = self.parent(i);
        }
        if changed {
            self.rebuild();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn tree_of(body: &[u8]) -> JsonTree {
        JsonTree::of(Bytes::copy_from_slice(body))
    }

    fn tree(v: Value) -> JsonTree {
        tree_of(&serde_json::to_vec(&v).unwrap())
    }

    fn texts(t: &JsonTree) -> Vec<String> {
        (0..t.line_count())
            .map(|i| t.line(i).unwrap().text())
            .collect()
    }

    fn pretty(t: &JsonTree) -> String {
        (0..t.line_count())
            .map(|i| {
                let l = t.line(i).unwrap();
                format!("{}{}", "  ".repeat(l.depth), l.text())
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn rows_are_sixteen_bytes() {
        assert_eq!(std::mem::size_of::<Row>(), 16);
    }

    #[test]
    fn pretty_lines_match_serde_pretty_printing() {
        let v = json!({"a": 1, "b": [true, null, "x\u{1b}", [1], -3, 2.5], "c": {}, "n": {"e": "f", "g": [{}]}, "d": {"e": "f"}, "z": []});
        assert_eq!(
            pretty(&tree(v.clone())),
            serde_json::to_string_pretty(&v).unwrap()
        );
        // The same from a body with other spacing, minified or pretty.
        let spaced = serde_json::to_string_pretty(&v).unwrap();
        assert_eq!(pretty(&tree_of(spaced.as_bytes())), spaced);
        let odd = " {\"a\" :1 ,\r\n\t\"b\":[ true,null , \"x\\u001b\",[1],-3,2.5],\"c\":{ },\"n\":{\"e\":\"f\",\"g\":[{}]},\"d\":{\"e\":\"f\"},\"z\":[\n]} \n";
        assert_eq!(pretty(&tree_of(odd.as_bytes())), spaced);
    }

    #[test]
    fn values_are_shown_as_sent() {
        let t = tree_of(br#"{"n": 1.0e3, "s": "\u00e9\"q", "dup": 1, "dup": 2, "neg": -0.0}"#);
        assert_eq!(
            texts(&t),
            [
                "{",
                "\"n\": 1.0e3,",
                "\"s\": \"\\u00e9\\\"q\",",
                "\"dup\": 1,",
                "\"dup\": 2,",
                "\"neg\": -0.0",
                "}"
            ]
        );
        assert_eq!(t.value_text(2), "é\"q", "a copy is the unescaped string");
    }

    #[test]
    fn openers_know_their_closing_line() {
        let t = tree(json!({"a": [1, 2], "b": {}}));
        assert_eq!(t.line(0).unwrap().end, Some(6));
        assert_eq!(t.line(1).unwrap().end, Some(4));
        assert_eq!(t.line(4).unwrap().token, JsonToken::Close(']'));
        assert_eq!(t.line(4).unwrap().parent, Some(1));
        assert_eq!(
            t.line(5).unwrap().end,
            None,
            "an empty object has nothing to fold"
        );
    }

    #[test]
    fn bodies_that_are_not_json_become_text_lines() {
        for body in [
            &b"<html>\n<b>oops</b>\n"[..],
            b"{\"a\": }",
            b"{} trailing",
            b"{\"a\" 1}",
            b"[1,]x",
            b"[1 2]",
            b"{\"a\": [}",
            b"\"unterminated",
            b"tru",
        ] {
            let t = tree_of(body);
            assert!(t.is_text(), "{}", String::from_utf8_lossy(body));
        }
        let t = tree_of(b"<html>\r\n<b>oops</b>\n");
        assert_eq!(texts(&t), ["<html>", "<b>oops</b>"]);
        assert_eq!(tree_of(b"").line_count(), 0);
        assert_eq!(tree_of(b" \n").line_count(), 0);
        // Invalid UTF-8 is drawn with replacement characters, never a panic.
        let t = tree_of(b"{\"k\xff\": \"v\xfe\"}");
        assert_eq!(texts(&t)[1], "\"k\u{fffd}\": \"v\u{fffd}\"");
    }

    #[test]
    fn deep_nesting_does_not_overflow_the_stack() {
        let depth = 200_000;
        let body = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let t = tree_of(body.as_bytes());
        assert_eq!(t.line_count(), depth * 2 - 1);
        assert!(!t.is_text());
    }

    #[test]
    fn scalars_and_top_level_values() {
        assert_eq!(texts(&tree_of(b" \"just\" ")), ["\"just\""]);
        assert_eq!(texts(&tree_of(b"[]")), ["[]"]);
        assert_eq!(texts(&tree_of(b"-12.5e-3")), ["-12.5e-3"]);
    }

    /// The line whose text starts with `start`.
    fn line_of(t: &JsonTree, start: &str) -> usize {
        (0..t.line_count())
            .position(|i| t.line(i).unwrap().text().starts_with(start))
            .unwrap_or_else(|| panic!("no line {start}"))
    }

    fn sample() -> JsonTree {
        tree(json!({
            "userProperties": {"city": "Rotterdam", "first name": "Hannah", "ids": [7, 8]},
            "tags": [{"key": "a"}, {"key": "b"}, {"key": "vip"}],
            "note": "x".repeat(500)
        }))
    }

    #[test]
    fn paths_use_dots_for_identifiers_and_brackets_otherwise() {
        let t = sample();
        let cases = [
            ("{", "$"),
            ("\"userProperties\"", "$.userProperties"),
            ("\"city\"", "$.userProperties.city"),
            ("\"first name\"", "$.userProperties[\"first name\"]"),
            ("8", "$.userProperties.ids[1]"),
            ("\"key\": \"vip\"", "$.tags[2].key"),
        ];
        for (start, path) in cases {
            assert_eq!(t.path(line_of(&t, start)), path, "{start}");
        }
        // A closing bracket stands for its container.
        let ids_close = t.line(line_of(&t, "\"ids\"")).unwrap().end.unwrap();
        assert_eq!(t.path(ids_close), "$.userProperties.ids");
    }

    #[test]
    fn fold_unfold_fold_all_and_parent() {
        let mut t = sample();
        let total = t.row_count();
        let up = line_of(&t, "\"userProperties\"");
        // Folding a scalar does nothing; folding a container hides its lines.
        assert_eq!(t.fold_at(line_of(&t, "\"city\""), Some(true)), None);
        assert_eq!(t.fold_at(up, Some(true)), Some(up));
        assert_eq!(t.row_count(), total - 7);
        assert!(t.row(up).unwrap().2);
        // Folding again keeps it folded; unfolding restores every line.
        assert_eq!(t.fold_at(up, Some(true)), Some(up));
        assert_eq!(t.row_count(), total - 7);
        t.fold_at(up, Some(false));
        assert_eq!(t.row_count(), total);
        // Fold all keeps the top-level keys visible: `{`, 3 keys, `}`.
        t.fold_all();
        let shown: Vec<String> = (0..t.row_count())
            .map(|r| t.row(r).unwrap().1.text())
            .collect();
        assert_eq!(
            shown,
            [
                "{",
                "\"userProperties\": {,",
                "\"tags\": [,",
                &format!("\"note\": \"{}\"", "x".repeat(500)),
                "}"
            ]
            .map(|s| s.replace("{,", "{").replace("[,", "["))
        );
        t.unfold_all();
        assert_eq!(t.row_count(), total);
        // Parent of `city` is `userProperties`; of `userProperties` the root; the root has none.
        assert_eq!(t.parent_row(line_of(&t, "\"city\"")), Some(up));
        assert_eq!(t.parent_row(up), Some(0));
        assert_eq!(t.parent_row(0), None);
    }

    #[test]
    fn search_counts_wraps_and_unfolds_ancestors() {
        let mut t = sample();
        assert_eq!(t.set_search("^\"key\"$").unwrap(), 3);
        assert!(t.set_search("(").is_err(), "an invalid regex is an error");
        assert_eq!(t.set_search("vip|Rotter").unwrap(), 2);
        let city = line_of(&t, "\"city\"");
        let vip = line_of(&t, "\"key\": \"vip\"");
        t.fold_all();
        // From the top: city (its folded parent opens), then vip, then wrap to city.
        let row = t.next_match(0, true).unwrap();
        assert_eq!(t.row(row).unwrap().0, city);
        let row = t.next_match(row, true).unwrap();
        assert_eq!(t.row(row).unwrap().0, vip);
        assert!(
            !t.row(t.row_of(line_of(&t, "\"tags\""))).unwrap().2,
            "tags unfolded"
        );
        let row = t.next_match(row, true).unwrap();
        assert_eq!(t.row(row).unwrap().0, city, "wraps");
        let row = t.next_match(row, false).unwrap();
        assert_eq!(t.row(row).unwrap().0, vip, "N wraps backwards");
        assert_eq!(t.search().unwrap().position(vip), Some(2));
        // Literals and numbers match as shown; brackets never do.
        assert_eq!(t.set_search("^8$").unwrap(), 1);
        assert_eq!(t.set_search("\\[").unwrap(), 0);
        assert_eq!(t.set_search("").unwrap(), 0);
        assert!(t.search().is_none());
    }

    #[test]
    fn copies_take_the_full_value() {
        let t = sample();
        assert_eq!(t.value_text(line_of(&t, "\"note\"")), "x".repeat(500));
        assert_eq!(t.value_text(line_of(&t, "\"city\"")), "Rotterdam");
        assert_eq!(t.value_text(line_of(&t, "8")), "8");
        let ids = line_of(&t, "\"ids\"");
        assert_eq!(t.value_text(ids), "[\n  7,\n  8\n]");
        assert_eq!(
            t.value_text(t.line(ids).unwrap().end.unwrap()),
            "[\n  7,\n  8\n]"
        );
    }
}

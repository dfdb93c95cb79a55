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
    /// The opening line of the container holding this value; for a closing bracket, its own
    /// opening line. Lets the path, "jump to parent" and search unfolding walk up in O(depth).
    pub parent: Option<usize>,
    /// Position inside the parent array (for the `[2]` of a path); 0 in objects.
    pub index: usize,
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
/// Straight from the bytes: no `Value` is built for it.
pub fn flatten_body(raw: &[u8]) -> Vec<JsonLine> {
    match flatten_bytes(raw) {
        Ok(lines) => lines,
        Err(_) => String::from_utf8_lossy(raw)
            .lines()
            .map(|l| JsonLine {
                depth: 0,
                key: None,
                token: JsonToken::Text(l.to_owned()),
                comma: false,
                end: None,
                parent: None,
                index: 0,
            })
            .collect(),
    }
}

pub fn flatten(value: &Value) -> Vec<JsonLine> {
    let mut out = Vec::new();
    push(&mut out, value, Place::root(), None, false);
    out
}

/// Where a value sits: its depth, the opening line of its container and its array position.
#[derive(Clone, Copy)]
struct Place {
    depth: usize,
    parent: Option<usize>,
    index: usize,
}

impl Place {
    fn root() -> Place {
        Place {
            depth: 0,
            parent: None,
            index: 0,
        }
    }

    fn child(opener: usize, depth: usize, index: usize) -> Place {
        Place {
            depth,
            parent: Some(opener),
            index,
        }
    }
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
        parent: Some(opener),
        index: 0,
    });
}

// Recursion depth is bounded by serde_json's parse limit (128), so this cannot overflow.
fn push(out: &mut Vec<JsonLine>, value: &Value, at: Place, key: Option<String>, comma: bool) {
    let depth = at.depth;
    let line = |token| JsonLine {
        depth,
        key: key.clone(),
        token,
        comma,
        end: None,
        parent: at.parent,
        index: at.index,
    };
    // An opening bracket never carries the comma: its closing bracket does.
    let open = |c| JsonLine {
        depth,
        key: key.clone(),
        token: JsonToken::Open(c),
        comma: false,
        end: None,
        parent: at.parent,
        index: at.index,
    };
    match value {
        Value::Null => out.push(line(JsonToken::Null)),
        Value::Bool(b) => out.push(line(JsonToken::Bool(*b))),
        Value::Number(n) => out.push(line(JsonToken::Num(n.to_string()))),
        Value::String(s) => out.push(line(JsonToken::Str(quoted(s)))),
        Value::Array(items) if items.is_empty() => out.push(line(JsonToken::Empty("[]"))),
        Value::Object(map) if map.is_empty() => out.push(line(JsonToken::Empty("{}"))),
        Value::Array(items) => {
            let opener = out.len();
            out.push(open('['));
            let last = items.len() - 1;
            for (i, item) in items.iter().enumerate() {
                push(
                    out,
                    item,
                    Place::child(opener, depth + 1, i),
                    None,
                    i != last,
                );
            }
            close(out, opener, depth, ']', comma);
        }
        Value::Object(map) => {
            let opener = out.len();
            out.push(open('{'));
            let last = map.len() - 1;
            for (i, (k, v)) in map.iter().enumerate() {
                push(
                    out,
                    v,
                    Place::child(opener, depth + 1, 0),
                    Some(quoted(k)),
                    i != last,
                );
            }
            close(out, opener, depth, '}', comma);
        }
    }
}

/// Flatten a JSON body straight from its bytes, without building a `Value` (the same lines as
/// `flatten(&from_slice(bytes)?)`). `userscope open` runs this on one core while the other
/// parses the `Value` the adapter normalizes, so a large file's two products are built in
/// parallel instead of one after the other.
pub fn flatten_bytes(bytes: &[u8]) -> Result<Vec<JsonLine>, serde_json::Error> {
    use serde::de::DeserializeSeed;
    let mut out = Vec::new();
    let mut de = serde_json::Deserializer::from_slice(bytes);
    LineSeed {
        out: &mut out,
        at: Place::root(),
        key: None,
    }
    .deserialize(&mut de)?;
    de.end()?;
    Ok(out)
}

/// Pushes the lines of one value. Commas are set when the next sibling arrives (a stream does
/// not know which item is the last): the previous sibling's last line is always `out.last()`.
struct LineSeed<'a> {
    out: &'a mut Vec<JsonLine>,
    at: Place,
    key: Option<String>,
}

impl LineSeed<'_> {
    fn push(self, token: JsonToken) {
        self.out.push(JsonLine {
            depth: self.at.depth,
            key: self.key,
            token,
            comma: false,
            end: None,
            parent: self.at.parent,
            index: self.at.index,
        });
    }

    /// Turn the lone opening line of an empty container into `{}` / `[]`, or close it.
    fn finish(out: &mut Vec<JsonLine>, opener: usize, depth: usize, count: usize, c: char) {
        if count == 0 {
            if let Some(line) = out.get_mut(opener) {
                line.token = JsonToken::Empty(if c == '}' { "{}" } else { "[]" });
            }
        } else {
            close(out, opener, depth, c, false);
        }
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for LineSeed<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for LineSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<(), E> {
        self.push(JsonToken::Bool(v));
        Ok(())
    }

    fn visit_i64<E>(self, v: i64) -> Result<(), E> {
        self.push(JsonToken::Num(v.to_string()));
        Ok(())
    }

    fn visit_u64<E>(self, v: u64) -> Result<(), E> {
        self.push(JsonToken::Num(v.to_string()));
        Ok(())
    }

    fn visit_f64<E>(self, v: f64) -> Result<(), E> {
        // Formatted exactly as `Value` prints it.
        let text =
            serde_json::Number::from_f64(v).map_or_else(|| "null".to_owned(), |n| n.to_string());
        self.push(JsonToken::Num(text));
        Ok(())
    }

    fn visit_str<E>(self, v: &str) -> Result<(), E> {
        self.push(JsonToken::Str(quoted(v)));
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        self.push(JsonToken::Null);
        Ok(())
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let opener = self.out.len();
        let depth = self.at.depth;
        let out = self.out;
        LineSeed {
            out: &mut *out,
            at: self.at,
            key: self.key,
        }
        .push(JsonToken::Open('['));
        let mut count = 0;
        loop {
            let seed = LineSeed {
                out: &mut *out,
                at: Place::child(opener, depth + 1, count),
                key: None,
            };
            // The comma of the previous item goes on once we know another one follows; a
            // failed or absent element leaves it as it was.
            let before = seed.out.len();
            if seq.next_element_seed(seed)?.is_none() {
                break;
            }
            if count > 0
                && let Some(prev) = before.checked_sub(1).and_then(|i| out.get_mut(i))
            {
                prev.comma = true;
            }
            count += 1;
        }
        LineSeed::finish(out, opener, depth, count, ']');
        Ok(())
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let opener = self.out.len();
        let depth = self.at.depth;
        let out = self.out;
        LineSeed {
            out: &mut *out,
            at: self.at,
            key: self.key,
        }
        .push(JsonToken::Open('{'));
        let mut count = 0;
        while let Some(key) = map.next_key::<String>()? {
            let before = out.len();
            map.next_value_seed(LineSeed {
                out: &mut *out,
                at: Place::child(opener, depth + 1, 0),
                key: Some(quoted(&key)),
            })?;
            if count > 0
                && let Some(prev) = before.checked_sub(1).and_then(|i| out.get_mut(i))
            {
                prev.comma = true;
            }
            count += 1;
        }
        LineSeed::finish(out, opener, depth, count, '}');
        Ok(())
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

/// The Raw pane's tree: lines flattened once, plus fold and search state. Folding rebuilds the
/// row map (O(lines)) once per fold command, never per frame; drawing reads only visible rows.
#[derive(Clone, Debug, Default)]
pub struct JsonTree {
    lines: Vec<JsonLine>,
    folded: std::collections::BTreeSet<usize>,
    /// Row on screen → line index; `None` while nothing is folded (identity, no memory).
    visible: Option<Vec<usize>>,
    search: Option<Search>,
}

impl JsonTree {
    pub fn new(lines: Vec<JsonLine>) -> JsonTree {
        JsonTree {
            lines,
            ..JsonTree::default()
        }
    }

    pub fn lines(&self) -> &[JsonLine] {
        &self.lines
    }

    pub fn line(&self, index: usize) -> Option<&JsonLine> {
        self.lines.get(index)
    }

    pub fn row_count(&self) -> usize {
        self.visible.as_ref().map_or(self.lines.len(), Vec::len)
    }

    /// Row `i` (after folding) as (line index, line, folded?).
    pub fn row(&self, i: usize) -> Option<(usize, &JsonLine, bool)> {
        let index = match &self.visible {
            Some(map) => *map.get(i)?,
            None => i,
        };
        let line = self.lines.get(index)?;
        Some((index, line, self.folded.contains(&index)))
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

    /// The node a line stands for: a closing bracket stands for its container.
    fn node(&self, index: usize) -> usize {
        match self.lines.get(index) {
            Some(JsonLine {
                token: JsonToken::Close(_),
                parent: Some(opener),
                ..
            }) => *opener,
            _ => index,
        }
    }

    fn foldable(&self, index: usize) -> bool {
        self.lines
            .get(index)
            .is_some_and(|l| matches!(l.token, JsonToken::Open(_)) && l.end.is_some())
    }

    fn rebuild(&mut self) {
        self.visible = if self.folded.is_empty() {
            None
        } else {
            let mut map = Vec::new();
            let mut i = 0;
            while i < self.lines.len() {
                map.push(i);
                i = match self.lines.get(i).and_then(|l| l.end) {
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
        let (index, _, _) = self.row(row)?;
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
        self.folded = (0..self.lines.len())
            .filter(|i| self.foldable(*i) && self.lines.get(*i).is_some_and(|l| l.depth > 0))
            .collect();
        self.rebuild();
    }

    pub fn unfold_all(&mut self) {
        self.folded.clear();
        self.rebuild();
    }

    /// The row of the container holding the node at `row`.
    pub fn parent_row(&self, row: usize) -> Option<usize> {
        let (index, _, _) = self.row(row)?;
        let parent = self.lines.get(self.node(index))?.parent?;
        Some(self.row_of(parent))
    }

    /// `$.userProperties.city`, `$.tags[2].key`, `$["first name"]` for the node at `index`.
    pub fn path(&self, index: usize) -> String {
        let mut parts = Vec::new();
        let mut at = Some(self.node(index));
        while let Some(i) = at {
            let Some(line) = self.lines.get(i) else { break };
            let Some(parent) = line.parent else { break };
            let in_array = matches!(
                self.lines.get(parent).map(|p| &p.token),
                Some(JsonToken::Open('['))
            );
            match &line.key {
                Some(key) if !in_array => {
                    let key = unquote(key);
                    if is_identifier(&key) {
                        parts.push(format!(".{key}"));
                    } else {
                        parts.push(format!("[{}]", quoted(&key)));
                    }
                }
                _ => parts.push(format!("[{}]", line.index)),
            }
            at = Some(parent);
        }
        parts.reverse();
        format!("${}", parts.concat())
    }

    /// The full value of the node at `index`, for copying: a string without quotes or
    /// truncation, a container pretty-printed.
    pub fn value_text(&self, index: usize) -> String {
        let node = self.node(index);
        let Some(line) = self.lines.get(node) else {
            return String::new();
        };
        match (&line.token, line.end) {
            (JsonToken::Str(s), _) => unquote(s),
            (JsonToken::Open(_), Some(end)) => {
                let base = line.depth;
                let mut text = String::new();
                for (i, l) in self
                    .lines
                    .get(node..=end)
                    .unwrap_or_default()
                    .iter()
                    .enumerate()
                {
                    let mut l = l.clone();
                    if i == 0 {
                        l.key = None;
                    }
                    if i + node == end {
                        l.comma = false;
                    }
                    if i > 0 {
                        text.push('\n');
                    }
                    text.push_str(&"  ".repeat(l.depth.saturating_sub(base)));
                    text.push_str(&l.text());
                }
                text
            }
            _ => {
                let mut l = line.clone();
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
        let matches = self
            .lines
            .iter()
            .enumerate()
            .filter(|(_, l)| line_matches(&regex, l))
            .map(|(i, _)| i)
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
        let current = self.row(row).map_or(0, |(i, _, _)| i);
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
        let mut at = self.lines.get(index).and_then(|l| l.parent);
        while let Some(i) = at {
            changed |= self.folded.remove(&i);
            at = self.lines.get(i).and_then(|l| l.parent);
        }
        if changed {
            self.rebuild();
        }
    }
}

/// Search looks at the key and the value as shown (closing brackets never match).
fn line_matches(regex: &regex::Regex, line: &JsonLine) -> bool {
    let value = match &line.token {
        JsonToken::Str(v) | JsonToken::Num(v) | JsonToken::Text(v) => Some(v.as_str()),
        JsonToken::Bool(b) => Some(if *b { "true" } else { "false" }),
        JsonToken::Null => Some("null"),
        JsonToken::Open(_) | JsonToken::Close(_) | JsonToken::Empty(_) => None,
    };
    line.key.as_deref().is_some_and(|k| regex.is_match(k))
        || value.is_some_and(|v| regex.is_match(v))
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

    fn tree(v: Value) -> JsonTree {
        JsonTree::new(flatten(&v))
    }

    /// The line whose text (trimmed) starts with `start`.
    fn line_of(t: &JsonTree, start: &str) -> usize {
        t.lines()
            .iter()
            .position(|l| l.text().starts_with(start))
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
        let ids_close = t.lines()[line_of(&t, "\"ids\"")].end.unwrap();
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
                "\"userProperties\": {",
                "\"tags\": [",
                &format!("\"note\": \"{}\"", "x".repeat(500)),
                "}"
            ]
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
        assert_eq!(t.value_text(t.lines()[ids].end.unwrap()), "[\n  7,\n  8\n]");
    }

    #[test]
    fn flattening_the_bytes_gives_the_same_lines_as_flattening_the_value() {
        let bodies = [
            r#"{"a": 1, "b": [true, null, "x\u001b", [1], -3, 2.5e10, 1.0], "c": {}, "n": {"e": "f", "g": [{}]}, "d": []}"#,
            r#"[]"#,
            r#"{}"#,
            r#""just a string""#,
            r#"[[[]], {"k": {"x": [1, {"y": 18446744073709551615}]}}, "\u00e9\ud83c\udf89"]"#,
            r#"{"z": -0.0, "big": 1e300}"#,
        ];
        for body in bodies {
            let value: Value = serde_json::from_str(body).unwrap();
            assert_eq!(
                flatten_bytes(body.as_bytes()).unwrap(),
                flatten(&value),
                "{body}"
            );
        }
        // A repeated key is shown as sent (a `Value` keeps only the last one).
        let dup = flatten_bytes(br#"{"dup": 1, "dup": 2}"#).unwrap();
        let text: Vec<String> = dup.iter().map(JsonLine::text).collect();
        assert_eq!(text, ["{", "\"dup\": 1,", "\"dup\": 2", "}"]);
        assert!(flatten_bytes(b"{\"a\": }").is_err());
        assert!(flatten_bytes(b"{} trailing").is_err());
    }

    #[test]
    fn non_json_bodies_become_text_lines() {
        let lines = flatten_body(b"<html>\n<b>oops</b>");
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1].text(), "<b>oops</b>");
    }
}

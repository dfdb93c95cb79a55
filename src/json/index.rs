//! The raw body indexed once into pretty-printed lines, so the Raw pane can draw only the
//! lines on screen however large the payload is (jless-style).
//!
//! The index holds no text: each line is 16 bytes pointing into the body (where its key or
//! value starts, its closing/opening partner, its parent). A 50 MB payload of small values
//! has about 4 million lines; as owned strings they took ~900 MB, as offsets they take 64 MB.
//! The text of the few lines on screen is cut from the body when drawn.

#[derive(Clone, Debug, PartialEq)]
pub enum JsonToken {
    /// `{` or `[` that opens a non-empty container.
    Open(char),
    Close(char),
    /// `{}` or `[]`.
    Empty(&'static str),
    /// A string value as sent: JSON-escaped, with its quotes (not yet sanitized).
    Str(String),
    /// A number as sent.
    Num(String),
    Bool(bool),
    Null,
    /// A line of a body that is not JSON, shown as text.
    Text(String),
}

/// One line of the Raw pane, cut from the body on demand (for drawing, search, copies).
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
    /// opening line.
    pub parent: Option<usize>,
}

impl JsonLine {
    /// The line as plain text (for the detail popup and copies).
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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    OpenObject,
    OpenArray,
    CloseObject,
    CloseArray,
    EmptyObject,
    EmptyArray,
    Str,
    Num,
    True,
    False,
    Null,
    /// A line of a non-JSON body; `link` is where it ends.
    Text,
}

pub(super) const NONE: u32 = u32::MAX;
pub(super) const KEYED: u8 = 1;
pub(super) const COMMA: u8 = 2;

/// One line: 16 bytes, no text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Row {
    /// Where the line starts in the body: its key's opening quote, else its value.
    pub(super) start: u32,
    /// Open → its closing line; Close → its opening line; Text → end offset; else NONE.
    pub(super) link: u32,
    /// The opening line of the container holding it (NONE at the top).
    pub(super) parent: u32,
    pub(super) depth: u16,
    pub(super) kind: Kind,
    pub(super) flags: u8,
}

/// The lines of a body, built once by [`index`] (safe to build on another thread).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawIndex {
    pub(super) rows: Vec<Row>,
    /// The body was not JSON: every row is a text line.
    pub(super) text: bool,
}

impl RawIndex {
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// For every object and array in document order (empty ones included), how many members
    /// it has; `None` for a body indexed as text. Lets a parse allocate each container once at
    /// its final size (`crate::sized_parse`).
    pub fn container_sizes(&self) -> Option<Vec<u32>> {
        if self.text {
            return None;
        }
        // The containers still open, as positions in `sizes`: a line's parent is the last one.
        let mut open: Vec<usize> = Vec::new();
        let mut sizes = Vec::new();
        for row in &self.rows {
            if matches!(row.kind, Kind::CloseObject | Kind::CloseArray) {
                open.pop();
                continue;
            }
            if let Some(n) = open.last().and_then(|&at| sizes.get_mut(at)) {
                *n += 1;
            }
            match row.kind {
                Kind::OpenObject | Kind::OpenArray => {
                    open.push(sizes.len());
                    sizes.push(0u32);
                }
                Kind::EmptyObject | Kind::EmptyArray => sizes.push(0),
                _ => {}
            }
        }
        Some(sizes)
    }
}

/// Index a body: as pretty JSON lines when it is JSON (keys in the order sent, repeated keys
/// kept), else as text lines. Offsets are u32: a body of 4 GiB or more is indexed as text
/// up to that point (the size caps keep bodies far below it).
pub fn index(body: &[u8]) -> RawIndex {
    match index_json(body) {
        Some(rows) => RawIndex { rows, text: false },
        None => RawIndex {
            rows: index_text(body),
            text: true,
        },
    }
}

fn index_text(body: &[u8]) -> Vec<Row> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Vec::new();
    }
    let limit = body.len().min(NONE as usize - 1);
    let body = body.get(..limit).unwrap_or_default();
    let mut rows = Vec::new();
    let mut at = 0usize;
    for line in body.split(|b| *b == b'\n') {
        let end = at + line.len();
        let trimmed = if line.ends_with(b"\r") { end - 1 } else { end };
        rows.push(Row {
            start: offset(at),
            link: offset(trimmed),
            parent: NONE,
            depth: 0,
            kind: Kind::Text,
            flags: 0,
        });
        at = end + 1;
    }
    // A final newline ends the last line rather than starting an empty one.
    if body.ends_with(b"\n") {
        rows.pop();
    }
    rows
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while let Some(c) = b.get(i) {
        if !matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
            break;
        }
        i += 1;
    }
    i
}

/// `i` is at an opening quote: the offset just past the closing one.
pub(crate) fn string_end(b: &[u8], i: usize) -> Option<usize> {
    let mut at = i + 1;
    loop {
        let rest = b.get(at..)?;
        let hit = memchr::memchr2(b'"', b'\\', rest)?;
        at += hit;
        if b.get(at) == Some(&b'"') {
            return Some(at + 1);
        }
        at += 2;
    }
}

/// A body offset as stored in a row. Bodies are capped far below 4 GiB (`[http] max_body_mib`,
/// `open --max-size-mib`); past it an offset saturates instead of wrapping.
fn offset(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

pub(super) fn number_end(b: &[u8], mut i: usize) -> usize {
    while let Some(c) = b.get(i) {
        if !matches!(c, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') {
            break;
        }
        i += 1;
    }
    i
}

/// `i` is at a key's opening quote: (just past the key's closing quote, where its value
/// starts).
pub(super) fn key_and_value(b: &[u8], i: usize) -> Option<(usize, usize)> {
    if b.get(i) != Some(&b'"') {
        return None;
    }
    let end = string_end(b, i)?;
    let colon = skip_ws(b, end);
    if b.get(colon) != Some(&b':') {
        return None;
    }
    Some((end, skip_ws(b, colon + 1)))
}

struct Frame {
    opener: u32,
    object: bool,
}

/// Where a container's next member starts (`at` is past `{`, `[` or a comma): in an object
/// its key (returned) and then its value, in an array the value itself.
fn member_start(b: &[u8], at: usize, object: bool) -> Option<(Option<usize>, usize)> {
    if object {
        let (_, value) = key_and_value(b, at)?;
        Some((Some(at), value))
    } else {
        Some((None, at))
    }
}

impl Kind {
    fn open(object: bool) -> Kind {
        if object {
            Kind::OpenObject
        } else {
            Kind::OpenArray
        }
    }

    fn close(object: bool) -> Kind {
        if object {
            Kind::CloseObject
        } else {
            Kind::CloseArray
        }
    }

    fn empty(object: bool) -> Kind {
        if object {
            Kind::EmptyObject
        } else {
            Kind::EmptyArray
        }
    }
}

/// The structural scan: brackets, commas, colons, string ends and literals are checked, so a
/// body that is not JSON falls back to text; number grammar and escapes are drawn as sent.
/// Iterative (an explicit stack), so nesting depth cannot overflow the call stack.
fn index_json(b: &[u8]) -> Option<Vec<Row>> {
    if b.len() >= NONE as usize {
        return None;
    }
    // A rough guess (one line per ~12 bytes) saves most of the regrowth copies.
    let mut rows: Vec<Row> = Vec::with_capacity(b.len() / 12 + 1);
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = skip_ws(b, 0);
    let mut key: Option<usize> = None;
    loop {
        let parent = stack.last().map_or(NONE, |f| f.opener);
        let depth = u16::try_from(stack.len()).unwrap_or(u16::MAX);
        let (start, flags) = match key {
            Some(k) => (offset(k), KEYED),
            None => (offset(i), 0),
        };
        let row = |kind| Row {
            start,
            link: NONE,
            parent,
            depth,
            kind,
            flags,
        };
        match b.get(i)? {
            c @ (b'{' | b'[') => {
                let object = *c == b'{';
                let next = skip_ws(b, i + 1);
                if b.get(next) == Some(if object { &b'}' } else { &b']' }) {
                    rows.push(row(Kind::empty(object)));
                    i = next + 1;
                } else {
                    let opener = u32::try_from(rows.len()).ok()?;
                    rows.push(row(Kind::open(object)));
                    stack.push(Frame { opener, object });
                    (key, i) = member_start(b, next, object)?;
                    continue;
                }
            }
            b'"' => {
                rows.push(row(Kind::Str));
                i = string_end(b, i)?;
            }
            b't' if b.get(i..i + 4) == Some(b"true") => {
                rows.push(row(Kind::True));
                i += 4;
            }
            b'f' if b.get(i..i + 5) == Some(b"false") => {
                rows.push(row(Kind::False));
                i += 5;
            }
            b'n' if b.get(i..i + 4) == Some(b"null") => {
                rows.push(row(Kind::Null));
                i += 4;
            }
            b'-' | b'0'..=b'9' => {
                rows.push(row(Kind::Num));
                i = number_end(b, i + 1);
            }
            _ => return None,
        }
        // After a value: close containers until a comma starts the next sibling.
        loop {
            i = skip_ws(b, i);
            let Some(frame) = stack.last() else {
                return (i == b.len()).then_some(rows);
            };
            let object = frame.object;
            match b.get(i)? {
                b',' => {
                    if let Some(last) = rows.last_mut() {
                        last.flags |= COMMA;
                    }
                    (key, i) = member_start(b, skip_ws(b, i + 1), object)?;
                    break;
                }
                c @ (b'}' | b']') if (*c == b'}') == object => {
                    let opener = frame.opener;
                    stack.pop();
                    let close = u32::try_from(rows.len()).ok()?;
                    let opened = rows.get_mut(opener as usize)?;
                    opened.link = close;
                    let depth = opened.depth;
                    rows.push(Row {
                        start: offset(i),
                        link: opener,
                        parent: opener,
                        depth,
                        kind: Kind::close(object),
                        flags: 0,
                    });
                    i += 1;
                }
                _ => return None,
            }
        }
    }
}

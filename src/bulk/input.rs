//! The input of a bulk run: one value per line, read as bytes under a cap so a huge or
//! binary file never sits in memory. Blank lines and `#` comments are skipped, values are
//! trimmed; a line that is not UTF-8 or is too long becomes an error for that line only.

use std::io::{self, BufRead};

/// A value must be shorter than this (1 MiB): a line this long is no ID, and holding it would
/// let one line of a hostile file take the memory a whole run should use.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;

/// How much of an unusable line is kept to name it in its error record.
const SHOWN_PREFIX_BYTES: usize = 64;

/// One value line of the input (blank and comment lines never become one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputLine {
    /// 1-based physical line number in the input (blank and comment lines count).
    pub number: usize,
    /// The trimmed value, or why the line cannot be used; `input` names it either way.
    pub value: Result<String, LineError>,
}

impl InputLine {
    /// What the record's `input` field shows: the value, or a prefix of an unusable line.
    pub fn input_text(&self) -> &str {
        match &self.value {
            Ok(value) => value,
            Err(LineError::NotUtf8 { shown } | LineError::TooLong { shown, .. }) => shown,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    #[error("the line is not valid UTF-8")]
    NotUtf8 { shown: String },
    #[error("the line is {bytes} bytes or longer; values must be shorter than 1 MiB")]
    TooLong { bytes: usize, shown: String },
}

/// Lines of `reader` as [`InputLine`]s, lazily. A read error ends the iteration with
/// `Err` (the caller stops the run: the rest of the input is unknown).
pub struct LineReader<R> {
    reader: R,
    number: usize,
    buf: Vec<u8>,
    failed: bool,
}

impl<R: BufRead> LineReader<R> {
    pub fn new(reader: R) -> Self {
        LineReader {
            reader,
            number: 0,
            buf: Vec::new(),
            failed: false,
        }
    }

    /// Read one physical line into `buf` (without its newline), keeping at most
    /// `MAX_LINE_BYTES` bytes. Returns `None` at the end, else the line's full length.
    fn read_capped_line(&mut self) -> io::Result<Option<usize>> {
        self.buf.clear();
        let mut total = 0usize;
        let mut saw_any = false;
        loop {
            let chunk = match self.reader.fill_buf() {
                Ok(chunk) => chunk,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if chunk.is_empty() {
                return Ok(saw_any.then_some(total));
            }
            saw_any = true;
            let (part, used, ended) = match memchr::memchr(b'\n', chunk) {
                Some(at) => (chunk.get(..at).unwrap_or_default(), at + 1, true),
                None => (chunk, chunk.len(), false),
            };
            total += part.len();
            let room = MAX_LINE_BYTES.saturating_sub(self.buf.len());
            self.buf
                .extend_from_slice(part.get(..room.min(part.len())).unwrap_or_default());
            self.reader.consume(used);
            if ended {
                return Ok(Some(total));
            }
        }
    }
}

impl<R: BufRead> Iterator for LineReader<R> {
    type Item = io::Result<InputLine>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        loop {
            let length = match self.read_capped_line() {
                Ok(Some(length)) => length,
                Ok(None) => return None,
                Err(e) => {
                    self.failed = true;
                    return Some(Err(e));
                }
            };
            self.number += 1;
            if let Some(value) = classify(&self.buf, length) {
                return Some(Ok(InputLine {
                    number: self.number,
                    value,
                }));
            }
        }
    }
}

/// `None` for blank and comment lines; the value or the line's error otherwise.
fn classify(kept: &[u8], length: usize) -> Option<Result<String, LineError>> {
    let kept = kept.strip_suffix(b"\r").unwrap_or(kept);
    let start = kept.iter().position(|b| !b.is_ascii_whitespace())?;
    if kept.get(start) == Some(&b'#') {
        return None;
    }
    let shown = || {
        let prefix = kept.get(start..).unwrap_or_default();
        let prefix = prefix.get(..SHOWN_PREFIX_BYTES).unwrap_or(prefix);
        let mut text = String::from_utf8_lossy(prefix).into_owned();
        if prefix.len() < kept.len().saturating_sub(start) {
            text.push('…');
        }
        text
    };
    if length >= MAX_LINE_BYTES {
        return Some(Err(LineError::TooLong {
            bytes: length,
            shown: shown(),
        }));
    }
    match std::str::from_utf8(kept) {
        Ok(text) => Some(Ok(text.trim().to_owned())),
        Err(_) => Some(Err(LineError::NotUtf8 { shown: shown() })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(bytes: &[u8]) -> Vec<InputLine> {
        LineReader::new(bytes).map(Result::unwrap).collect()
    }

    fn ok(number: usize, value: &str) -> InputLine {
        InputLine {
            number,
            value: Ok(value.to_owned()),
        }
    }

    #[test]
    fn values_are_trimmed_and_blanks_and_comments_skipped() {
        let got = lines(b"  u-1  \n\n# a comment\n   # indented comment\r\nu-2\r\n\t\nu-3");
        assert_eq!(got, vec![ok(1, "u-1"), ok(5, "u-2"), ok(7, "u-3")]);
        assert!(lines(b"").is_empty());
        assert_eq!(lines(b"x\n"), vec![ok(1, "x")]);
    }

    #[test]
    fn a_line_that_is_not_utf8_is_an_error_and_the_next_line_still_counts() {
        let got = lines(b"a\nb\xff\xfec\nd\n");
        assert_eq!(got.len(), 3);
        assert_eq!(got[0], ok(1, "a"));
        assert_eq!(
            got[1].value,
            Err(LineError::NotUtf8 {
                shown: "b\u{fffd}\u{fffd}c".to_owned()
            })
        );
        assert_eq!(got[1].number, 2);
        assert_eq!(got[2], ok(3, "d"));
    }

    #[test]
    fn a_line_of_one_mib_is_an_error_without_being_held_whole() {
        let mut input = b"first\n".to_vec();
        input.extend(std::iter::repeat_n(b'9', MAX_LINE_BYTES + 10));
        input.extend_from_slice(b"\nlast\n");
        // A tiny buffer: the reader must stream the long line, not ask for it in one piece.
        let reader = std::io::BufReader::with_capacity(4096, input.as_slice());
        let got: Vec<InputLine> = LineReader::new(reader).map(Result::unwrap).collect();
        assert_eq!(got.len(), 3);
        assert_eq!(got[0], ok(1, "first"));
        match &got[1].value {
            Err(LineError::TooLong { bytes, shown }) => {
                assert_eq!(*bytes, MAX_LINE_BYTES + 10);
                assert_eq!(shown, &format!("{}…", "9".repeat(SHOWN_PREFIX_BYTES)));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(got[2], ok(3, "last"));
        let just_under = "7".repeat(MAX_LINE_BYTES - 1);
        assert_eq!(lines(just_under.as_bytes()), vec![ok(1, &just_under)]);
        let exactly = "7".repeat(MAX_LINE_BYTES);
        assert!(lines(exactly.as_bytes())[0].value.is_err());
    }
}

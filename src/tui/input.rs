//! A one-line text field (the lookup input, the masked key field, filters, the export name).
//!
//! A field holds at most `MAX_FIELD_BYTES`, whatever is typed or pasted, and drawing it looks
//! only at what fits on screen: a 100 KB paste must neither freeze the UI nor cost per frame.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use unicode_width::UnicodeWidthChar;
use zeroize::Zeroize;

use crate::sanitize::sanitize;
use crate::tui::keymap::Action;
use crate::tui::text::width;

/// The most a one-line field holds, in bytes. Every value typed here is short (an email is at
/// most 254 bytes, IDs and API keys a few hundred); 4 KiB leaves room for anything real while
/// keeping every per-key and per-frame cost small.
pub const MAX_FIELD_BYTES: usize = 4096;

/// The notice shown when a paste or a burst of keys did not fit.
pub fn cut_notice() -> String {
    format!("Input cut at {MAX_FIELD_BYTES} bytes: a field holds at most 4 KiB")
}

/// What a paste did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pasted {
    /// Whether the text or the cursor changed.
    pub changed: bool,
    /// Whether some of the text did not fit (the rest was dropped).
    pub cut: bool,
}

/// The part of a field that fits in its width, scrolled so that the cursor stays visible.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldWindow {
    /// Sanitized text from the first visible character; it runs one character past the width
    /// when the field goes on, so a caller's `truncate` still marks the cut with `…`.
    pub text: String,
    /// The cursor's column inside `text`.
    pub cursor_cells: usize,
}

/// A printable character typed without Ctrl/Alt.
pub fn typed_char(key: &KeyEvent) -> Option<char> {
    match key.code {
        KeyCode::Char(c)
            if !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
                && !c.is_control() =>
        {
            Some(c)
        }
        _ => None,
    }
}

/// A one-line text field. Masked fields (the key dialog) never show or print their text and
/// wipe it from memory when dropped.
#[derive(Clone, Default)]
pub struct TextInput {
    text: String,
    /// In chars, not bytes.
    cursor: usize,
    pub masked: bool,
}

impl std::fmt::Debug for TextInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.masked {
            f.write_str("TextInput([redacted])")
        } else {
            write!(f, "TextInput({:?})", self.text)
        }
    }
}

impl Drop for TextInput {
    fn drop(&mut self) {
        self.text.zeroize();
    }
}

impl TextInput {
    /// A field holding `text` (cut to `MAX_FIELD_BYTES`), the cursor at its end.
    pub fn new(text: &str) -> TextInput {
        let text = prefix_within(text, MAX_FIELD_BYTES).to_owned();
        TextInput {
            cursor: text.chars().count(),
            text,
            masked: false,
        }
    }

    pub fn masked() -> TextInput {
        TextInput {
            text: String::new(),
            cursor: 0,
            masked: true,
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    pub fn len(&self) -> usize {
        self.text.chars().count()
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    fn byte_at(&self, char_index: usize) -> usize {
        self.text
            .char_indices()
            .nth(char_index)
            .map_or(self.text.len(), |(i, _)| i)
    }

    /// Type `c` at the cursor; `false` (and nothing typed) when the field is full.
    pub fn insert(&mut self, c: char) -> bool {
        if self.text.len() + c.len_utf8() > MAX_FIELD_BYTES {
            return false;
        }
        let at = self.byte_at(self.cursor);
        self.text.insert(at, c);
        self.cursor += 1;
        true
    }

    /// Replace the text (cut to `MAX_FIELD_BYTES`), the cursor at its end.
    pub fn set(&mut self, text: &str) {
        self.text.zeroize();
        self.text = prefix_within(text, MAX_FIELD_BYTES).to_owned();
        self.cursor = self.len();
    }

    /// A bracketed paste, as one edit at the cursor. The field is one line: line breaks (CR,
    /// LF) become nothing and other control characters are dropped; what does not fit in
    /// `MAX_FIELD_BYTES` is cut on a character boundary. Costs the paste's length once, never
    /// per character of the field.
    pub fn paste(&mut self, pasted: &str) -> Pasted {
        let room = MAX_FIELD_BYTES.saturating_sub(self.text.len());
        let mut kept = String::new();
        let mut cut = false;
        for c in pasted.chars().filter(|c| !c.is_control()) {
            if kept.len() + c.len_utf8() > room {
                cut = true;
                break;
            }
            kept.push(c);
        }
        if kept.is_empty() {
            return Pasted {
                changed: false,
                cut,
            };
        }
        let at = self.byte_at(self.cursor);
        self.text.insert_str(at, &kept);
        self.cursor += kept.chars().count();
        kept.zeroize();
        Pasted { changed: true, cut }
    }

    pub fn clear(&mut self) {
        self.text.zeroize();
        self.cursor = 0;
    }

    /// Apply an editing action; `false` when the action is not an edit.
    pub fn edit(&mut self, action: Action) -> bool {
        match action {
            // The cursor moves, and deletes, a whole grapheme: never half a flag.
            Action::CursorLeft => self.cursor -= self.cluster_before(),
            Action::CursorRight => self.cursor += self.cluster_after(),
            Action::CursorHome => self.cursor = 0,
            Action::CursorEnd => self.cursor = self.len(),
            Action::DeleteBack => {
                let n = self.cluster_before();
                let end = self.byte_at(self.cursor);
                self.cursor -= n;
                let start = self.byte_at(self.cursor);
                self.text.replace_range(start..end, "");
            }
            Action::DeleteForward => {
                let n = self.cluster_after();
                let start = self.byte_at(self.cursor);
                let end = self.byte_at(self.cursor + n);
                self.text.replace_range(start..end, "");
            }
            Action::ClearInput => self.clear(),
            Action::DeleteWordBack => self.delete_back_while(|c| !c.is_whitespace()),
            Action::DeleteSubwordBack => self.delete_back_while(char::is_alphanumeric),
            _ => return false,
        }
        true
    }

    /// Characters in the grapheme just before the cursor (0 at the start).
    fn cluster_before(&self) -> usize {
        crate::tui::text::clusters(self.before_cursor())
            .last()
            .map_or(0, |g| g.chars().count())
    }

    /// Characters in the grapheme just after the cursor (0 at the end).
    fn cluster_after(&self) -> usize {
        let at = self.byte_at(self.cursor);
        crate::tui::text::clusters(self.text.get(at..).unwrap_or(""))
            .next()
            .map_or(0, |g| g.chars().count())
    }

    /// Readline's word deletion: first what is not `in_word` just before the cursor (spaces,
    /// or for Alt-Backspace also `.` and `@`), then the `in_word` characters before that.
    fn delete_back_while(&mut self, in_word: impl Fn(char) -> bool) {
        let end = self.byte_at(self.cursor);
        let before = self.text.get(..end).unwrap_or("");
        let mut start = end;
        let mut in_separators = true;
        for (i, c) in before.char_indices().rev() {
            if in_separators && !in_word(c) {
                start = i;
                continue;
            }
            in_separators = false;
            if !in_word(c) {
                break;
            }
            start = i;
        }
        let removed = self.text.get(start..end).map_or(0, |r| r.chars().count());
        self.text.replace_range(start..end, "");
        self.cursor -= removed;
    }

    /// A key while this field has focus: its editing action, or the character it types.
    /// `true` when the text or the cursor changed.
    pub fn type_key(&mut self, action: Option<Action>, key: &KeyEvent) -> bool {
        match action {
            Some(a) => self.edit(a),
            None => match typed_char(key) {
                Some(c) => self.insert(c),
                None => false,
            },
        }
    }

    /// The text before the cursor (to place the terminal cursor by display width).
    pub fn before_cursor(&self) -> &str {
        &self.text[..self.byte_at(self.cursor)]
    }

    /// The sanitized text from its start, as much as `cells` columns show (and one character
    /// more when it goes on, so that a cut is still visible as a cut). For fields drawn from
    /// their start that never scroll (filters, the export name).
    pub fn head(&self, cells: usize) -> String {
        let mut out = String::new();
        let mut used = 0;
        for c in self.text.chars() {
            for v in visible(c).chars() {
                out.push(v);
                used += cell_width(v);
            }
            if used > cells {
                break;
            }
        }
        out
    }

    /// The cursor's column from the start of the field (sanitized), counted no further than
    /// `cap` (the field's width: the cursor is clamped there anyway).
    pub fn cursor_cells(&self, cap: usize) -> usize {
        let mut used = 0;
        for c in self.before_cursor().chars() {
            used += width(&visible(c));
            if used > cap {
                return used;
            }
        }
        used
    }

    /// What a field `cells` wide shows, scrolled so that the cursor stays visible: as many
    /// characters before the cursor as fit in `cells - 1` columns, then the rest up to the
    /// width. Only the visible characters are looked at, never the whole text per frame.
    pub fn window(&self, cells: usize) -> FieldWindow {
        let before = self.before_cursor();
        let after = &self.text[before.len()..];
        let budget = cells.saturating_sub(1);
        // Walk back from the cursor: the sanitized characters that fit before it.
        let mut shown_before: Vec<char> = Vec::new();
        let mut used = 0;
        'back: for c in before.chars().rev() {
            for v in visible(c).chars().rev() {
                let w = cell_width(v);
                if used + w > budget {
                    break 'back;
                }
                used += w;
                shown_before.push(v);
            }
        }
        shown_before.reverse();
        let mut text: String = shown_before.into_iter().collect();
        let cursor_cells = width(&text);
        // Then forward from the cursor until the width is passed.
        let mut filled = cursor_cells;
        'forward: for c in after.chars() {
            for v in visible(c).chars() {
                text.push(v);
                filled += cell_width(v);
                if filled > cells {
                    break 'forward;
                }
            }
        }
        FieldWindow { text, cursor_cells }
    }
}

/// `c` as drawn: control and bidi characters get their visible stand-ins.
fn visible(c: char) -> String {
    let mut buf = [0u8; 4];
    sanitize(c.encode_utf8(&mut buf)).into_owned()
}

fn cell_width(c: char) -> usize {
    UnicodeWidthChar::width(c).unwrap_or(0)
}

/// The longest prefix of `text` of at most `max` bytes that ends on a character boundary.
fn prefix_within(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scrolling the start screen did before `window`: rebuild the text once per hidden
    /// character. Kept here as the reference the new drawing must match.
    fn old_window(input: &TextInput, avail: usize) -> FieldWindow {
        let before = sanitize(input.before_cursor()).into_owned();
        let full = sanitize(input.text()).into_owned();
        let mut skip = 0usize;
        while width(&before.chars().skip(skip).collect::<String>()) > avail.saturating_sub(1) {
            skip += 1;
        }
        let shown: String = full.chars().skip(skip).collect();
        let shown_before: String = before.chars().skip(skip).collect();
        FieldWindow {
            text: crate::tui::text::truncate(&shown, avail).into_owned(),
            cursor_cells: width(&shown_before),
        }
    }

    fn at(text: &str, cursor: usize) -> TextInput {
        let mut input = TextInput::new(text);
        input.cursor = cursor;
        input
    }

    #[test]
    fn the_window_shows_what_the_old_scrolling_showed() {
        let texts = [
            "",
            "u-1001",
            "hannah.okafor@example.com",
            "李小龍先生李小龍先生李小龍先生",
            "a\u{1b}[31mb\u{202e}c🎉d",
            &"x".repeat(300),
        ];
        for text in texts {
            let n = text.chars().count();
            for avail in [0, 1, 2, 5, 10, 37] {
                for cursor in [0, 1, n / 2, n.saturating_sub(1), n] {
                    let input = at(text, cursor.min(n));
                    let mut new = input.window(avail);
                    new.text = crate::tui::text::truncate(&new.text, avail).into_owned();
                    assert_eq!(
                        new,
                        old_window(&input, avail),
                        "{text:?} cursor {cursor} width {avail}"
                    );
                }
            }
        }
    }

    #[test]
    fn drawing_a_full_field_looks_only_at_what_is_visible() {
        let mut input = TextInput::new("");
        let pasted = input.paste(&"é".repeat(10_000));
        assert!(pasted.cut);
        let started = std::time::Instant::now();
        for _ in 0..1_000 {
            let w = input.window(80);
            assert_eq!(w.cursor_cells, 79);
            assert_eq!(w.text, "é".repeat(79));
        }
        // 1,000 frames of a full field: the quadratic scrolling took seconds for one.
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        assert_eq!(input.head(3), "éééé");
        assert_eq!(input.cursor_cells(10), 11);
    }

    #[test]
    fn a_paste_is_one_line_without_controls_and_at_most_4_kib() {
        let mut input = TextInput::new("ab");
        input.cursor = 1;
        let pasted = input.paste("x\r\ny\tz\u{1b}\u{7f}\n");
        assert_eq!(
            pasted,
            Pasted {
                changed: true,
                cut: false
            }
        );
        assert_eq!(input.text(), "axyzb");
        assert_eq!(input.cursor(), 4);

        let mut input = TextInput::new("");
        let pasted = input.paste(&"a".repeat(100 * 1024));
        assert_eq!(
            pasted,
            Pasted {
                changed: true,
                cut: true
            }
        );
        assert_eq!(input.text().len(), MAX_FIELD_BYTES);
        // Full: typing adds nothing, and a further paste only reports the cut.
        assert!(!input.insert('b'));
        assert_eq!(
            input.paste("more"),
            Pasted {
                changed: false,
                cut: true
            }
        );
        assert_eq!(input.text().len(), MAX_FIELD_BYTES);
    }

    #[test]
    fn the_cursor_steps_over_and_deletes_whole_graphemes() {
        let mut input = TextInput::new("a🇩🇪👍🏽b");
        input.edit(Action::CursorLeft);
        input.edit(Action::CursorLeft);
        assert_eq!(input.before_cursor(), "a🇩🇪");
        input.edit(Action::DeleteBack);
        assert_eq!((input.text(), input.before_cursor()), ("a👍🏽b", "a"));
        input.edit(Action::DeleteForward);
        assert_eq!((input.text(), input.cursor()), ("ab", 1));
        input.edit(Action::CursorRight);
        input.edit(Action::CursorRight);
        assert_eq!(input.cursor(), 2);
        input.edit(Action::DeleteForward);
        input.edit(Action::CursorHome);
        input.edit(Action::DeleteBack);
        input.edit(Action::CursorLeft);
        assert_eq!((input.text(), input.cursor()), ("ab", 0));
    }

    #[test]
    fn word_deletion_works_like_readline() {
        let edit = |text: &str, cursor: usize, action: Action| {
            let mut input = at(text, cursor);
            input.edit(action);
            (input.text().to_owned(), input.cursor())
        };
        let w = Action::DeleteWordBack;
        let alt = Action::DeleteSubwordBack;
        assert_eq!(edit("jane doe", 8, w), ("jane ".to_owned(), 5));
        assert_eq!(edit("jane doe  ", 10, w), ("jane ".to_owned(), 5));
        assert_eq!(edit("a.b@x.io", 8, w), (String::new(), 0));
        assert_eq!(edit("a.b@x.io", 8, alt), ("a.b@x.".to_owned(), 6));
        assert_eq!(edit("a.b@x.", 6, alt), ("a.b@".to_owned(), 4));
        assert_eq!(edit("a.b@", 4, alt), ("a.".to_owned(), 2));
        // Only what is before the cursor; the rest stays.
        assert_eq!(edit("Zoë Ång|x", 7, w), ("Zoë |x".to_owned(), 4));
        assert_eq!(edit("Zoë Ång", 3, alt), (" Ång".to_owned(), 0));
        assert_eq!(edit("", 0, w), (String::new(), 0));
        assert_eq!(edit("   ", 3, w), (String::new(), 0));
    }

    #[test]
    fn the_cap_cuts_on_a_character_boundary() {
        // 4095 bytes of ASCII, then a two-byte character that does not fit.
        let mut input = TextInput::new(&"a".repeat(MAX_FIELD_BYTES - 1));
        assert!(input.paste("é").cut);
        assert_eq!(input.text().len(), MAX_FIELD_BYTES - 1);
        assert!(input.insert('b'));
        assert_eq!(input.text().len(), MAX_FIELD_BYTES);
        // A long starting value (a history entry, `--lookup`) is cut the same way.
        let long = "€".repeat(2_000);
        let input = TextInput::new(&long);
        assert_eq!(input.text().len(), 4095);
        assert_eq!(input.len(), 1365);
        let mut input = TextInput::new("");
        input.set(&long);
        assert_eq!(input.cursor(), 1365);
    }
}

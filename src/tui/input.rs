//! A one-line text field (the lookup input and the masked key field).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use zeroize::Zeroize;

use crate::tui::keymap::Action;

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
    pub fn new(text: &str) -> TextInput {
        TextInput {
            text: text.to_owned(),
            cursor: text.chars().count(),
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

    pub fn insert(&mut self, c: char) {
        let at = self.byte_at(self.cursor);
        self.text.insert(at, c);
        self.cursor += 1;
    }

    pub fn set(&mut self, text: &str) {
        self.text.zeroize();
        self.text = text.to_owned();
        self.cursor = self.len();
    }

    pub fn clear(&mut self) {
        self.text.zeroize();
        self.cursor = 0;
    }

    /// Apply an editing action; `false` when the action is not an edit.
    pub fn edit(&mut self, action: Action) -> bool {
        match action {
            Action::CursorLeft => self.cursor = self.cursor.saturating_sub(1),
            Action::CursorRight => self.cursor = (self.cursor + 1).min(self.len()),
            Action::CursorHome => self.cursor = 0,
            Action::CursorEnd => self.cursor = self.len(),
            Action::DeleteBack => {
                if self.cursor > 0 {
                    self.cursor -= 1;
                    let at = self.byte_at(self.cursor);
                    self.text.remove(at);
                }
            }
            Action::DeleteForward => {
                if self.cursor < self.len() {
                    let at = self.byte_at(self.cursor);
                    self.text.remove(at);
                }
            }
            Action::ClearInput => self.clear(),
            _ => return false,
        }
        true
    }

    /// A key while this field has focus: its editing action, or the character it types.
    /// `true` when the text or the cursor changed.
    pub fn type_key(&mut self, action: Option<Action>, key: &KeyEvent) -> bool {
        match action {
            Some(a) => self.edit(a),
            None => match typed_char(key) {
                Some(c) => {
                    self.insert(c);
                    true
                }
                None => false,
            },
        }
    }

    /// The text before the cursor (to place the terminal cursor by display width).
    pub fn before_cursor(&self) -> &str {
        &self.text[..self.byte_at(self.cursor)]
    }
}

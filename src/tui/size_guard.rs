//! Terminal sizes we do not allocate for. Ratatui keeps two cell buffers of the terminal's whole
//! area and resizes them to whatever size the terminal reports; a terminal (or a hostile pty)
//! reporting 65535×65535 would make that about 4.3 billion cells, an allocation that aborts the
//! process, and an abort skips the panic hook, leaving the terminal raw. So ratatui never sees
//! a size past `MAX_COLUMNS`×`MAX_ROWS`: the backend reports one short line instead, and that
//! line says the terminal is too large. Back at a sane size the app is drawn again in full.

use ratatui::backend::{Backend, ClearType, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use ratatui::text::Line;
use ratatui::{Frame, Terminal};

/// The widest terminal drawn. A 4K screen with a 6-pixel font is 640 columns; 1,000 leaves room
/// for more, and keeps the worst frame at 1,000 × 1,000 cells: two buffers of 48-byte cells,
/// 96 MB at most (a terminal that size uses far more itself), instead of 200 GB.
pub const MAX_COLUMNS: u16 = 1_000;
/// The tallest terminal drawn (a 4K screen with a 12-pixel font is 180 rows).
pub const MAX_ROWS: u16 = 1_000;

/// Whether a terminal of `size` is past what we draw.
pub fn is_too_large(size: Size) -> bool {
    size.width > MAX_COLUMNS || size.height > MAX_ROWS
}

/// The area ratatui may allocate for a terminal of `size`: the whole of it when sane, else one
/// row (at most `MAX_COLUMNS` wide) for the "too large" line.
pub fn drawable(size: Size) -> Size {
    if is_too_large(size) {
        Size::new(size.width.min(MAX_COLUMNS), size.height.min(1))
    } else {
        size
    }
}

/// The line shown instead of the app on a terminal that is too large.
pub fn too_large_message(size: Size) -> String {
    format!(
        "terminal too large ({}×{}); make it smaller",
        size.width, size.height
    )
}

/// A backend that reports at most `drawable(size)` to ratatui, so that no ratatui path
/// (`Terminal::new`, the resize before each frame) allocates for an absurd size.
///
/// It also never asks the terminal where the cursor is: ratatui asks on `Terminal::clear`, and
/// the answer comes back on stdin, where the event stream is reading, so the question times
/// out ("the cursor position could not be read") and ends the app. A full-screen app knows
/// where it put the cursor; that (or the top left corner) is the answer.
#[derive(Debug)]
pub struct CappedBackend<B> {
    inner: B,
    cursor: Position,
}

impl<B: Backend> CappedBackend<B> {
    pub fn new(inner: B) -> CappedBackend<B> {
        CappedBackend {
            inner,
            cursor: Position::ORIGIN,
        }
    }

    /// The size the terminal really reports (to decide what to draw).
    pub fn real_size(&self) -> Result<Size, B::Error> {
        self.inner.size()
    }

    pub fn inner(&self) -> &B {
        &self.inner
    }

    pub fn inner_mut(&mut self) -> &mut B {
        &mut self.inner
    }
}

impl<B: Backend> Backend for CappedBackend<B> {
    type Error = B::Error;

    fn draw<'a, I>(&mut self, content: I) -> Result<(), Self::Error>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.inner.draw(content)
    }

    fn append_lines(&mut self, n: u16) -> Result<(), Self::Error> {
        self.inner.append_lines(n)
    }

    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        Ok(self.cursor)
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<(), Self::Error> {
        let position = position.into();
        self.cursor = position;
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> Result<(), Self::Error> {
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Self::Error> {
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> Result<Size, Self::Error> {
        self.inner.size().map(drawable)
    }

    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        let mut size = self.inner.window_size()?;
        size.columns_rows = drawable(size.columns_rows);
        Ok(size)
    }

    fn flush(&mut self) -> Result<(), Self::Error> {
        self.inner.flush()
    }
}

/// Draw one frame with `render`, or, when the terminal is too large, the line saying so (into
/// the one-row buffer `CappedBackend` lets ratatui have). The way back needs nothing special:
/// the size ratatui sees changes, so it clears the screen and draws the app in full.
pub fn draw<B: Backend>(
    terminal: &mut Terminal<CappedBackend<B>>,
    render: impl FnOnce(&mut Frame),
) -> Result<(), B::Error> {
    let real = terminal.backend().real_size()?;
    terminal.draw(|frame| {
        if is_too_large(real) {
            frame.render_widget(Line::raw(too_large_message(real)), frame.area());
        } else {
            render(frame);
        }
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sane_sizes_are_drawn_in_full() {
        assert_eq!(drawable(Size::new(80, 24)), Size::new(80, 24));
        assert_eq!(drawable(Size::new(1_000, 1_000)), Size::new(1_000, 1_000));
        assert_eq!(drawable(Size::new(65_535, 65_535)), Size::new(1_000, 1));
        assert_eq!(drawable(Size::new(80, 1_001)), Size::new(80, 1));
        assert_eq!(drawable(Size::new(1_001, 0)), Size::new(1_000, 0));
        assert_eq!(
            too_large_message(Size::new(65_535, 65_535)),
            "terminal too large (65535×65535); make it smaller"
        );
    }

    #[test]
    fn the_largest_frame_stays_small() {
        // Two buffers of the largest drawable area: what one frame may hold at most.
        let bytes = 2 * usize::from(MAX_COLUMNS) * usize::from(MAX_ROWS) * size_of::<Cell>();
        assert!(bytes <= 100 * 1024 * 1024, "{bytes} bytes");
    }
}

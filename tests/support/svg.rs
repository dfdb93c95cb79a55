//! A drawn `TestBackend` buffer as an SVG picture, for the README's screenshots
//! (`tests/screenshots.rs`): a monospace grid on a dark background, each cell's colours and
//! modifiers kept, wide glyphs over two cells, the text XML-escaped.
//!
//! Test code, not the product. Only the `screenshots` binary includes this file (with
//! `#[path]`), so its unit tests run once instead of once per binary that includes `support`.
//!
//! Every run of same-looking cells is placed at its own column (`x`) and stretched to its
//! exact cell width (`textLength`), so the grid holds whatever monospace font the viewer has:
//! a fallback font for `│` or `李` cannot push the rest of the line out of its columns.
//! Coordinates are integers, so the same buffer gives the same bytes on every machine.

use ratatui::buffer::{Buffer, CellWidth};
use ratatui::style::{Color, Modifier};

/// One cell in pixels: 0.6 em wide as monospace fonts are, 1.2 em high so box-drawing lines nearly meet.
pub const CELL_WIDTH: u32 = 9;
pub const CELL_HEIGHT: u32 = 18;
const FONT_SIZE: u32 = 15;
/// From the top of a cell to the text's baseline.
const BASELINE: u32 = 14;
/// Space between the grid and the picture's edge.
const PADDING: u32 = 10;
/// The terminal's own colours, used where a cell says `Color::Reset`.
pub const BACKGROUND: &str = "#1e1e1e";
pub const FOREGROUND: &str = "#cccccc";
const FONT_FAMILY: &str = "ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', 'Liberation Mono', monospace";

/// The 16 ANSI colours (VS Code's dark terminal palette), in `Indexed(0..16)` order.
const ANSI: [&str; 16] = [
    "#000000", "#cd3131", "#0dbc79", "#e5e510", "#2472c8", "#bc3fbc", "#11a8cd", "#e5e5e5",
    "#666666", "#f14c4c", "#23d18b", "#f5f543", "#3b8eea", "#d670d6", "#29b8db", "#ffffff",
];

/// What a run of cells looks like once `Reset` and `REVERSED` are resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Look {
    fg: String,
    bg: String,
    bold: bool,
    italic: bool,
    dim: bool,
    underline: bool,
    crossed: bool,
    hidden: bool,
}

/// One glyph on the grid: its column, how many cells it covers, its text and look.
struct Glyph<'a> {
    column: u32,
    cells: u32,
    text: &'a str,
    look: Look,
}

/// The whole buffer as a standalone SVG document.
pub fn to_svg(buffer: &Buffer) -> String {
    let area = buffer.area;
    let width = u32::from(area.width) * CELL_WIDTH + 2 * PADDING;
    let height = u32::from(area.height) * CELL_HEIGHT + 2 * PADDING;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" xml:space=\"preserve\" \
         font-family=\"{FONT_FAMILY}\" font-size=\"{FONT_SIZE}\">\n\
         <style>.b{{font-weight:bold}}.i{{font-style:italic}}.d{{opacity:0.6}}\
         .u{{text-decoration:underline}}.s{{text-decoration:line-through}}\
         .us{{text-decoration:underline line-through}}</style>\n\
         <rect width=\"{width}\" height=\"{height}\" rx=\"6\" fill=\"{BACKGROUND}\"/>\n\
         <g transform=\"translate({PADDING} {PADDING})\" fill=\"{FOREGROUND}\">\n"
    );
    for row in 0..area.height {
        let glyphs = row_glyphs(buffer, row);
        let top = u32::from(row) * CELL_HEIGHT;
        push_backgrounds(&mut out, &glyphs, top);
        push_text(&mut out, &glyphs, top + BASELINE);
    }
    out.push_str("</g>\n</svg>\n");
    out
}

/// The glyphs of one row, left to right; the cells a wide glyph covers are not glyphs.
fn row_glyphs(buffer: &Buffer, row: u16) -> Vec<Glyph<'_>> {
    let area = buffer.area;
    let mut glyphs = Vec::new();
    let mut column: u16 = 0;
    while column < area.width {
        let cell = &buffer[(area.x + column, area.y + row)];
        let left = area.width - column;
        let cells = cell.cell_width().clamp(1, left);
        glyphs.push(Glyph {
            column: u32::from(column),
            cells: u32::from(cells),
            text: cell.symbol(),
            look: look(cell.fg, cell.bg, cell.modifier),
        });
        column += cells;
    }
    glyphs
}

fn look(fg: Color, bg: Color, modifier: Modifier) -> Look {
    let (mut fg, mut bg) = (color(fg, FOREGROUND), color(bg, BACKGROUND));
    if modifier.contains(Modifier::REVERSED) {
        std::mem::swap(&mut fg, &mut bg);
    }
    Look {
        fg,
        bg,
        bold: modifier.contains(Modifier::BOLD),
        italic: modifier.contains(Modifier::ITALIC),
        dim: modifier.contains(Modifier::DIM),
        underline: modifier.contains(Modifier::UNDERLINED),
        crossed: modifier.contains(Modifier::CROSSED_OUT),
        hidden: modifier.contains(Modifier::HIDDEN),
    }
}

/// A ratatui colour as `#rrggbb`; `Reset` is the terminal's own colour, `reset`.
pub fn color(color: Color, reset: &str) -> String {
    match color {
        Color::Reset => reset.to_owned(),
        Color::Black => ANSI[0].to_owned(),
        Color::Red => ANSI[1].to_owned(),
        Color::Green => ANSI[2].to_owned(),
        Color::Yellow => ANSI[3].to_owned(),
        Color::Blue => ANSI[4].to_owned(),
        Color::Magenta => ANSI[5].to_owned(),
        Color::Cyan => ANSI[6].to_owned(),
        Color::Gray => ANSI[7].to_owned(),
        Color::DarkGray => ANSI[8].to_owned(),
        Color::LightRed => ANSI[9].to_owned(),
        Color::LightGreen => ANSI[10].to_owned(),
        Color::LightYellow => ANSI[11].to_owned(),
        Color::LightBlue => ANSI[12].to_owned(),
        Color::LightMagenta => ANSI[13].to_owned(),
        Color::LightCyan => ANSI[14].to_owned(),
        Color::White => ANSI[15].to_owned(),
        Color::Rgb(r, g, b) => format!("#{r:02x}{g:02x}{b:02x}"),
        Color::Indexed(i) => indexed(i),
    }
}

/// xterm's 256 colours: the 16 ANSI ones, a 6×6×6 cube, then 24 greys.
fn indexed(i: u8) -> String {
    const LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];
    match i {
        0..=15 => ANSI[usize::from(i)].to_owned(),
        16..=231 => {
            let n = usize::from(i - 16);
            let (r, g, b) = (LEVELS[n / 36], LEVELS[n / 6 % 6], LEVELS[n % 6]);
            format!("#{r:02x}{g:02x}{b:02x}")
        }
        232..=255 => {
            let v = 8 + 10 * (i - 232);
            format!("#{v:02x}{v:02x}{v:02x}")
        }
    }
}

/// One rectangle per run of neighbouring cells with the same background, except the
/// picture's own background, which is already there.
fn push_backgrounds(out: &mut String, glyphs: &[Glyph<'_>], top: u32) {
    let mut i = 0;
    while let Some(first) = glyphs.get(i) {
        let run = glyphs[i..]
            .iter()
            .take_while(|g| g.look.bg == first.look.bg)
            .count();
        if first.look.bg != BACKGROUND {
            let cells: u32 = glyphs[i..i + run].iter().map(|g| g.cells).sum();
            out.push_str(&format!(
                "<rect x=\"{}\" y=\"{top}\" width=\"{}\" height=\"{CELL_HEIGHT}\" fill=\"{}\"/>\n",
                first.column * CELL_WIDTH,
                cells * CELL_WIDTH,
                first.look.bg
            ));
        }
        i += run;
    }
}

/// One `<text>` per row with a `<tspan>` per run of same-looking one-cell glyphs; a wide glyph
/// is a run of its own, so it is stretched over exactly its two cells. Blanks at either end of a
/// run are left out (unless underlined or struck through), and so are hidden runs.
fn push_text(out: &mut String, glyphs: &[Glyph<'_>], baseline: u32) {
    let mut spans = String::new();
    let mut i = 0;
    while let Some(first) = glyphs.get(i) {
        let run = if first.cells > 1 {
            1
        } else {
            glyphs[i..]
                .iter()
                .take_while(|g| g.cells == 1 && same_text_look(&g.look, &first.look))
                .count()
        };
        let mut members = &glyphs[i..i + run];
        i += run;
        if first.look.hidden {
            continue;
        }
        if !(first.look.underline || first.look.crossed) {
            while let [head, rest @ ..] = members
                && is_blank(head.text)
            {
                members = rest;
            }
            while let [rest @ .., tail] = members
                && is_blank(tail.text)
            {
                members = rest;
            }
        }
        let Some(start) = members.first() else {
            continue;
        };
        let text: String = members
            .iter()
            .map(|g| if g.text.is_empty() { " " } else { g.text })
            .collect();
        let cells: u32 = members.iter().map(|g| g.cells).sum();
        spans.push_str(&format!(
            "<tspan x=\"{}\" textLength=\"{}\"{}>{}</tspan>",
            start.column * CELL_WIDTH,
            cells * CELL_WIDTH,
            attributes(&first.look),
            escape(&text)
        ));
    }
    if !spans.is_empty() {
        out.push_str(&format!("<text y=\"{baseline}\">{spans}</text>\n"));
    }
}

/// A cell that shows nothing: a space, or an empty symbol (a cell nothing was drawn in).
fn is_blank(symbol: &str) -> bool {
    symbol.is_empty() || symbol == " "
}

/// Two looks draw text the same way: the background is drawn apart, by `push_backgrounds`.
fn same_text_look(a: &Look, b: &Look) -> bool {
    Look {
        bg: String::new(),
        ..a.clone()
    } == Look {
        bg: String::new(),
        ..b.clone()
    }
}

/// The `fill` (when not the default foreground) and `class` attributes of a run.
fn attributes(look: &Look) -> String {
    let mut out = String::new();
    if look.fg != FOREGROUND {
        out.push_str(&format!(" fill=\"{}\"", look.fg));
    }
    let classes: Vec<&str> = [
        (look.bold, "b"),
        (look.italic, "i"),
        (look.dim, "d"),
        (look.underline && !look.crossed, "u"),
        (look.crossed && !look.underline, "s"),
        (look.underline && look.crossed, "us"),
    ]
    .into_iter()
    .filter_map(|(on, class)| on.then_some(class))
    .collect();
    if !classes.is_empty() {
        out.push_str(&format!(" class=\"{}\"", classes.join(" ")));
    }
    out
}

/// Text as XML character data: markup characters escaped, and characters XML 1.0 cannot hold
/// at all (controls other than tab, lone surrogates cannot occur in a `str`) replaced by U+FFFD,
/// so a stray control character makes a visible mark instead of an unreadable file.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push(' '),
            c if c.is_control() || matches!(c, '\u{FFFE}' | '\u{FFFF}') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;
    use ratatui::style::Style;

    fn buffer(width: u16, height: u16) -> Buffer {
        Buffer::empty(Rect::new(0, 0, width, height))
    }

    /// The body of the picture: what is inside the translated group.
    fn body(svg: &str) -> &str {
        let group = svg.find("<g ").unwrap();
        let start = group + svg[group..].find('\n').unwrap() + 1;
        let end = svg.rfind("</g>").unwrap();
        &svg[start..end]
    }

    #[test]
    fn an_empty_buffer_is_only_the_background_at_the_grid_size() {
        let svg = to_svg(&buffer(3, 2));
        assert!(svg.starts_with(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"47\" height=\"56\" viewBox=\"0 0 47 56\" xml:space=\"preserve\""
        ), "{svg}");
        assert!(
            svg.contains("<rect width=\"47\" height=\"56\" rx=\"6\" fill=\"#1e1e1e\"/>"),
            "{svg}"
        );
        assert_eq!(body(&svg), "");
        assert!(svg.ends_with("</g>\n</svg>\n"), "{svg}");
    }

    #[test]
    fn same_looking_neighbours_are_one_run_and_blanks_are_left_out() {
        let mut b = buffer(10, 2);
        b.set_string(0, 0, "ab", Style::new());
        b.set_string(
            2,
            0,
            "cd",
            Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        );
        b.set_string(6, 1, "x y", Style::new());
        assert_eq!(
            body(&to_svg(&b)),
            "<text y=\"14\"><tspan x=\"0\" textLength=\"18\">ab</tspan>\
             <tspan x=\"18\" textLength=\"18\" fill=\"#cd3131\" class=\"b\">cd</tspan></text>\n\
             <text y=\"32\"><tspan x=\"54\" textLength=\"27\">x y</tspan></text>\n"
        );
    }

    #[test]
    fn backgrounds_are_rectangles_per_run_and_reversed_swaps_the_colours() {
        let mut b = buffer(6, 1);
        b.set_string(1, 0, "ok", Style::new().bg(Color::Indexed(237)));
        b.set_string(
            3,
            0,
            "R",
            Style::new()
                .fg(Color::Cyan)
                .add_modifier(Modifier::REVERSED),
        );
        assert_eq!(
            body(&to_svg(&b)),
            "<rect x=\"9\" y=\"0\" width=\"18\" height=\"18\" fill=\"#3a3a3a\"/>\n\
             <rect x=\"27\" y=\"0\" width=\"9\" height=\"18\" fill=\"#11a8cd\"/>\n\
             <text y=\"14\"><tspan x=\"9\" textLength=\"18\">ok</tspan>\
             <tspan x=\"27\" textLength=\"9\" fill=\"#1e1e1e\">R</tspan></text>\n"
        );
    }

    #[test]
    fn a_wide_glyph_takes_two_cells_and_the_next_glyph_starts_after_them() {
        let mut b = buffer(5, 1);
        b.set_string(0, 0, "李x🎉", Style::new());
        assert_eq!(
            body(&to_svg(&b)),
            "<text y=\"14\"><tspan x=\"0\" textLength=\"18\">李</tspan>\
             <tspan x=\"18\" textLength=\"9\">x</tspan>\
             <tspan x=\"27\" textLength=\"18\">🎉</tspan></text>\n"
        );
    }

    #[test]
    fn markup_is_escaped_and_controls_become_a_visible_mark() {
        assert_eq!(
            escape("<a href=\"x\">&</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;"
        );
        assert_eq!(escape("a\u{1b}[2J\u{7}b\tc"), "a\u{FFFD}[2J\u{FFFD}b c");
        let mut b = buffer(3, 1);
        b.set_string(0, 0, "<&>", Style::new());
        assert!(
            to_svg(&b).contains("<tspan x=\"0\" textLength=\"27\">&lt;&amp;&gt;</tspan>"),
            "{}",
            to_svg(&b)
        );
    }

    #[test]
    fn modifiers_become_classes_and_hidden_text_is_not_drawn() {
        let mut b = buffer(8, 1);
        b.set_string(
            0,
            0,
            "i",
            Style::new().add_modifier(Modifier::ITALIC | Modifier::DIM),
        );
        b.set_string(1, 0, " ", Style::new().add_modifier(Modifier::UNDERLINED));
        b.set_string(2, 0, "s", Style::new().add_modifier(Modifier::CROSSED_OUT));
        b.set_string(
            3,
            0,
            "u",
            Style::new().add_modifier(Modifier::UNDERLINED | Modifier::CROSSED_OUT),
        );
        b.set_string(4, 0, "secret", Style::new().add_modifier(Modifier::HIDDEN));
        assert_eq!(
            body(&to_svg(&b)),
            "<text y=\"14\"><tspan x=\"0\" textLength=\"9\" class=\"i d\">i</tspan>\
             <tspan x=\"9\" textLength=\"9\" class=\"u\"> </tspan>\
             <tspan x=\"18\" textLength=\"9\" class=\"s\">s</tspan>\
             <tspan x=\"27\" textLength=\"9\" class=\"us\">u</tspan></text>\n"
        );
    }

    #[test]
    fn colours_map_to_the_palette_the_cube_and_the_greys() {
        assert_eq!(color(Color::Reset, "#abcdef"), "#abcdef");
        assert_eq!(color(Color::DarkGray, FOREGROUND), "#666666");
        assert_eq!(color(Color::White, FOREGROUND), "#ffffff");
        assert_eq!(color(Color::Rgb(1, 2, 254), FOREGROUND), "#0102fe");
        assert_eq!(color(Color::Indexed(9), FOREGROUND), "#f14c4c");
        assert_eq!(color(Color::Indexed(16), FOREGROUND), "#000000");
        assert_eq!(color(Color::Indexed(25), FOREGROUND), "#005faf");
        assert_eq!(color(Color::Indexed(196), FOREGROUND), "#ff0000");
        assert_eq!(color(Color::Indexed(231), FOREGROUND), "#ffffff");
        assert_eq!(color(Color::Indexed(232), FOREGROUND), "#080808");
        assert_eq!(color(Color::Indexed(237), FOREGROUND), "#3a3a3a");
        assert_eq!(color(Color::Indexed(255), FOREGROUND), "#eeeeee");
    }
}

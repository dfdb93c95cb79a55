//! Where things go on screen, as pure functions of the terminal size, shared by drawing and by
//! mouse hit-testing in `update` so a click lands on what was drawn.

use ratatui::layout::{Constraint, Layout, Position, Rect};

use crate::tui::text::width;
use crate::tui::view::Pane;

/// A header, a bordered body and a one-line footer (the Compare screen, the find board and
/// its merged view).
pub struct HeaderBodyFooter {
    pub header: Rect,
    /// The rows, borders included.
    pub body: Rect,
    pub footer: Rect,
}

pub fn header_body_footer(area: Rect, header_height: u16) -> HeaderBodyFooter {
    let [header, body, footer] = Layout::vertical([
        Constraint::Length(header_height),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(area);
    HeaderBodyFooter {
        header,
        body,
        footer,
    }
}

pub struct ProfileAreas {
    pub header: Rect,
    pub tabs: Rect,
    /// The focused pane, borders included.
    pub body: Rect,
    /// On wide terminals, the Overview stays visible beside any other focused pane.
    pub side: Option<Rect>,
    pub footer: Rect,
}

/// From this width the Overview is kept on the left while another pane is focused.
pub const SIDE_OVERVIEW_MIN_WIDTH: u16 = 120;
const SIDE_WIDTH: u16 = 46;
/// From this width the Overview is always on the left, wider (two fifths, at most
/// `WIDE_SIDE_MAX`), and a focused Overview has another pane beside it: the width is used.
pub const WIDE_MIN_WIDTH: u16 = 160;
const WIDE_SIDE_MAX: u16 = 90;

pub fn profile(area: Rect, focus: Pane) -> ProfileAreas {
    let [header, tabs, main, footer] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(area);
    let wide = area.width >= WIDE_MIN_WIDTH;
    let (body, side) = if wide || (area.width >= SIDE_OVERVIEW_MIN_WIDTH && focus != Pane::Overview)
    {
        let side_width = if wide {
            (area.width * 2 / 5).min(WIDE_SIDE_MAX)
        } else {
            SIDE_WIDTH
        };
        let [side, body] =
            Layout::horizontal([Constraint::Length(side_width), Constraint::Fill(1)]).areas(main);
        (body, Some(side))
    } else {
        (main, None)
    };
    ProfileAreas {
        header,
        tabs,
        body,
        side,
        footer,
    }
}

/// Rows of content a pane shows (its body minus the borders).
pub fn pane_rows(size: Rect) -> u16 {
    profile(size, Pane::Overview).body.height.saturating_sub(2)
}

/// The tab labels and where each is drawn: full titles when they fit, short ones when not.
pub fn tabs(area: Rect) -> Vec<(Pane, String, Rect)> {
    let label = |p: Pane, short: bool| {
        let title = if short { p.short_title() } else { p.title() };
        format!(" {} {} ", p.index() + 1, title)
    };
    let full_width: usize = Pane::ALL.iter().map(|p| width(&label(*p, false)) + 1).sum();
    let short = full_width > usize::from(area.width);
    let mut x = area.x;
    let mut out = Vec::new();
    for pane in Pane::ALL {
        let text = label(pane, short);
        let w = u16::try_from(width(&text)).unwrap_or(u16::MAX);
        let right = area.right();
        if x >= right {
            break;
        }
        let w = w.min(right - x);
        out.push((pane, text, Rect::new(x, area.y, w, area.height.min(1))));
        x = x.saturating_add(w + 1);
    }
    out
}

pub fn tab_at(area: Rect, at: Position) -> Option<Pane> {
    tabs(area)
        .into_iter()
        .find(|(_, _, r)| r.contains(at))
        .map(|(p, _, _)| p)
}

pub struct StartAreas {
    pub title: Rect,
    pub vendors: Rect,
    /// Demo users (empty rect when not in demo mode).
    pub users: Rect,
    pub lookup: Rect,
    pub status: Rect,
    pub recent: Rect,
    pub footer: Rect,
}

pub fn start(area: Rect, demo: bool) -> StartAreas {
    let [title, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(8),
        Constraint::Length(1),
    ])
    .areas(area);
    let left_width = (area.width * 2 / 5).clamp(26, 44);
    let [left, right] =
        Layout::horizontal([Constraint::Length(left_width), Constraint::Fill(1)]).areas(body);
    let (vendors, users) = if demo {
        let [v, u] = Layout::vertical([Constraint::Length(9), Constraint::Fill(1)]).areas(left);
        (v, u)
    } else {
        (left, Rect::default())
    };
    let [lookup, status, recent] = Layout::vertical([
        Constraint::Length(5),
        Constraint::Min(5),
        Constraint::Length(8),
    ])
    .areas(right);
    StartAreas {
        title,
        vendors,
        users,
        lookup,
        status,
        recent,
        footer,
    }
}

/// The first row of a list of `rows` visible rows so that `selected` is on screen.
pub fn list_offset(selected: usize, rows: usize) -> usize {
    selected.saturating_sub(rows.saturating_sub(1))
}

/// A centered rectangle of at most `w`×`h` cells.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

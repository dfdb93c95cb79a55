//! The profile's avatar in the TUI: asked for with `i` (or on open with `[tui] avatars =
//! true`), fetched by the runtime as an effect (`Effect::LoadAvatar`) that reports back with
//! `Message::AvatarLoaded`, and drawn in a small box at the top right of the Overview with the
//! `ratatui-image` picker chosen at start-up (kitty, iTerm2, sixel, else half-blocks).
//!
//! Loading an image tells its host the operator's address, so nothing here ever starts a fetch
//! on its own: `update` asks for one only after `i` or with the config switch on.

use std::sync::{Arc, Mutex};

use image::DynamicImage;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Clear, Paragraph, StatefulWidget, Widget, Wrap};
use ratatui_image::picker::Picker;
use ratatui_image::protocol::StatefulProtocol;
use ratatui_image::{Resize, StatefulImage};

use crate::avatar::Transport;
use crate::http::HttpClient;
use crate::tui::message::Message;
use crate::tui::ui::theme::Theme;
use crate::vendors::VendorKind;

/// The decoded image is shrunk to at most this many pixels a side once, off the UI thread: the
/// box is at most 16×8 cells, so drawing never resizes a 4096-pixel picture again.
pub const THUMBNAIL_SIDE: u32 = 256;

/// The avatar box at ≥ 120 columns, in cells (width, height).
pub const WIDE_BOX: (u16, u16) = (16, 8);
/// The avatar box on narrower terminals: over the right end of the Overview's first rows,
/// where the values are short (name, email, vendor) and rarely reach.
pub const NARROW_BOX: (u16, u16) = (10, 5);
/// Narrower than this: the wide box.
pub const WIDE_FROM_COLUMNS: u16 = 120;

/// A picture ready to draw. The protocol keeps its encoding for the last area it was drawn in
/// (kitty and sixel encode once, not every frame), hence the lock: drawing takes `&App`.
#[derive(Clone)]
pub struct Picture(Arc<Mutex<StatefulProtocol>>);

impl std::fmt::Debug for Picture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Picture")
    }
}

impl Picture {
    /// Shrink `image` to a thumbnail and wrap it for `picker`'s protocol. CPU work: the runtime
    /// runs it off the async threads.
    pub fn new(picker: &Picker, image: DynamicImage) -> Picture {
        Picture(Arc::new(Mutex::new(
            picker.new_resize_protocol(thumbnail(image)),
        )))
    }

    /// Draw into `area`, scaled to fill it with the aspect kept (a 40-pixel Gravatar would
    /// otherwise be a few cells). A poisoned lock draws nothing rather than panic.
    pub fn render(&self, area: Rect, buf: &mut Buffer) {
        if let Ok(mut protocol) = self.0.lock() {
            StatefulImage::default()
                .resize(Resize::Scale(None))
                .render(area, buf, &mut *protocol);
        }
    }
}

/// `image` at most [`THUMBNAIL_SIDE`] pixels a side, its aspect kept; smaller ones as they are.
pub fn thumbnail(image: DynamicImage) -> DynamicImage {
    if image.width() > THUMBNAIL_SIDE || image.height() > THUMBNAIL_SIDE {
        image.thumbnail(THUMBNAIL_SIDE, THUMBNAIL_SIDE)
    } else {
        image
    }
}

/// What the box shows.
#[derive(Clone, Debug)]
pub enum AvatarState {
    Loading,
    Shown(Picture),
    /// The one-line note (`AvatarError::note`, sanitized).
    Failed(String),
}

/// The avatar of one profile, by URL: a watch refresh with the same URL keeps it.
#[derive(Clone, Debug)]
pub struct AvatarSlot {
    pub url: String,
    pub state: AvatarState,
}

/// `[tui] avatars`, as the app uses it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AvatarSetup {
    /// Load the avatar whenever a profile opens (the operator opted in).
    pub auto: bool,
}

/// How long start-up waits for the terminal's answer (a terminal that answers does so in a
/// few milliseconds; one that does not costs this once).
pub const QUERY_TIMEOUT: std::time::Duration = std::time::Duration::from_millis(500);

/// Whether start-up asks the terminal about graphics: only when an avatar may be drawn in this
/// session (the switch is on, or a connection's vendor documents a picture field).
pub fn may_be_used(setup: AvatarSetup, vendors: impl IntoIterator<Item = VendorKind>) -> bool {
    setup.auto
        || vendors
            .into_iter()
            .any(|v| v.adapter().avatar_field().is_some())
}

/// The picker for tests and for output that is not a terminal: half-blocks, which need no
/// query and draw with ordinary cells.
pub fn halfblocks() -> Picker {
    Picker::halfblocks()
}

/// Ask the terminal which graphics it draws (kitty, iTerm2, sixel) and its cell size. Talks
/// to the terminal on stdin/stdout: call once, after the alternate screen is entered and
/// before the event stream reads. Any error or no answer: half-blocks.
pub fn query_terminal() -> Picker {
    let options = ratatui_image::picker::cap_parser::QueryStdioOptions {
        timeout: QUERY_TIMEOUT,
        ..Default::default()
    };
    match Picker::from_query_stdio_with_options(options) {
        Ok(picker) => picker,
        Err(e) => {
            tracing::info!("terminal graphics query failed ({e}); avatars use half-blocks");
            halfblocks()
        }
    }
}

/// The box's area inside the Overview's `area` on a terminal `columns` wide: its top right
/// corner, one column in from the edge (where a narrow Overview has its scrollbar); `None`
/// when the Overview is too small to give it up.
pub fn box_area(area: Rect, columns: u16) -> Option<Rect> {
    let (w, h) = if columns >= WIDE_FROM_COLUMNS {
        WIDE_BOX
    } else {
        NARROW_BOX
    };
    // Leave the Overview at least 20 columns of its own.
    if area.width < w + 21 || area.height < h {
        return None;
    }
    Some(Rect::new(area.right() - w - 1, area.y, w, h))
}

/// Draw the avatar box for `slot` at the top right of the Overview's `area`: the picture,
/// "loading avatar…", or the note why there is none. The rest of the Overview stays as drawn.
/// Under `NO_COLOR` half-blocks still draw: their colours are the picture, not decoration.
pub fn render_box(slot: &AvatarSlot, area: Rect, columns: u16, theme: &Theme, buf: &mut Buffer) {
    let Some(area) = box_area(area, columns) else {
        return;
    };
    Clear.render(area, buf);
    let (text, style) = match &slot.state {
        AvatarState::Shown(picture) => {
            picture.render(area, buf);
            return;
        }
        AvatarState::Loading => ("loading avatar…", theme.muted()),
        AvatarState::Failed(note) => (note.as_str(), theme.error()),
    };
    Paragraph::new(text)
        .style(style)
        .wrap(Wrap { trim: true })
        .render(area, buf);
}

/// The avatar task: fetch, decode under limits, shrink, and report as one message. Never
/// panics; every failure is the note shown in the box.
pub async fn load(
    client: Result<HttpClient, String>,
    url: String,
    transport: Transport,
    vendor: VendorKind,
    picker: Picker,
) -> Message {
    let result = match client {
        Err(why) => Err(crate::sanitize::sanitize(&format!("no avatar: {why}")).into_owned()),
        Ok(client) => match crate::avatar::load(&client, &url, transport, vendor).await {
            Err(e) => Err(e.note()),
            Ok(image) => tokio::task::spawn_blocking(move || Picture::new(&picker, image))
                .await
                .map_err(|_| "no avatar: the image could not be prepared".to_owned()),
        },
    };
    Message::AvatarLoaded { url, result }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_box_sits_top_right_one_column_in_and_needs_room() {
        let wide = Rect::new(1, 4, 118, 30);
        assert_eq!(box_area(wide, 120), Some(Rect::new(102, 4, 16, 8)));
        let narrow = Rect::new(1, 4, 78, 18);
        assert_eq!(box_area(narrow, 80), Some(Rect::new(68, 4, 10, 5)));
        // 20 columns of Overview must stay beside the box, and the box must fit in height.
        assert_eq!(box_area(Rect::new(0, 0, 30, 18), 80), None);
        assert_eq!(
            box_area(Rect::new(0, 0, 31, 18), 80),
            Some(Rect::new(20, 0, 10, 5))
        );
        assert_eq!(box_area(Rect::new(0, 0, 78, 4), 80), None);
    }

    #[test]
    fn the_terminal_is_asked_only_when_an_avatar_may_be_drawn() {
        let off = AvatarSetup::default();
        let has = |v: &VendorKind| v.adapter().avatar_field().is_some();
        let without = VendorKind::all().find(|v| !has(v)).unwrap();
        let with = VendorKind::all().find(has).unwrap();
        assert!(!may_be_used(off, [without]));
        assert!(!may_be_used(off, []));
        assert!(may_be_used(off, [without, with]));
        assert!(may_be_used(AvatarSetup { auto: true }, [without]));
    }

    #[test]
    fn a_large_image_is_shrunk_once_to_a_thumbnail() {
        let big = thumbnail(DynamicImage::new_rgba8(1000, 500));
        assert_eq!((big.width(), big.height()), (256, 128));
        let tall = thumbnail(DynamicImage::new_rgba8(300, 4096));
        assert_eq!((tall.width(), tall.height()), (19, 256));
        let small = thumbnail(DynamicImage::new_rgba8(40, 20));
        assert_eq!((small.width(), small.height()), (40, 20));
    }
}

//! `userscope open FILE --vendor V`: a saved vendor payload in the TUI, without any network.
//!
//! Fast on large files: the file is read, then, while the first frame already says
//! "loading FILE…", one thread parses it into the `serde_json::Value` the vendor's adapter
//! normalizes (moved, not cloned) and another flattens the bytes for the Raw pane directly
//! (no second `Value`). The first frame of the event loop shows the profile.

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::cli::TuiArgs;
use crate::open::{FileJob, load_identity, read, shown};
use crate::sanitize::sanitize;
use crate::tui::view::{ProfileView, load_view};
use crate::tui::{self, BENCH_STARTUP_ENV, app, runtime};

#[derive(Debug, Clone, Args)]
pub struct OpenArgs {
    /// A vendor's response body saved as received (e.g. `userscope get … --format raw > FILE`).
    pub file: PathBuf,
    /// Vendor (coho, usercom, foldspace, chakra, vemetric) or a configured connection name.
    #[arg(long, value_name = "VENDOR")]
    pub vendor: String,
    /// Largest file accepted, in MiB (default: [http] max_body_mib, 32).
    #[arg(long, value_name = "MIB")]
    pub max_size_mib: Option<u64>,
}

/// How long the identity may take before a "loading FILE…" frame is drawn.
const LOADING_FRAME_AFTER: std::time::Duration = std::time::Duration::from_millis(30);

fn loading_frame(frame: &mut ratatui::Frame, path: &Path, size: usize) {
    let area = frame.area();
    let text = vec![
        Line::from(Span::raw(format!("loading {}…", shown(path)))),
        // Keys typed now are handled once the profile is on screen (Ctrl-C then quits).
        Line::from(Span::raw(format!("{size} bytes"))),
    ];
    frame.render_widget(
        Paragraph::new(text),
        Rect::new(area.x, area.y, area.width, area.height.min(2)),
    );
}

/// `52.1 MB` / `980 KB`: the size said while the rest of a file loads.
#[allow(
    clippy::cast_precision_loss,
    reason = "one decimal of a size on screen"
)]
fn size_text(size: usize) -> String {
    let size = size as f64;
    if size >= 1e6 {
        format!("{:.1} MB", size / 1e6)
    } else {
        format!("{:.0} KB", (size / 1e3).max(1.0))
    }
}

pub async fn run(args: OpenArgs) -> i32 {
    let started = Instant::now();
    let tui_args = TuiArgs {
        vendor: Some(args.vendor.clone()),
        ..TuiArgs::default()
    };
    // The same vendor/connection resolution (and messages) as `userscope --vendor V`.
    let (mut services, init) = match tui::prepare_or_report(&tui_args).await {
        Ok(prepared) => prepared,
        Err(code) => return code,
    };
    let Some((vendor, connection)) = init
        .connections
        .get(init.selected)
        .map(|c| (c.vendor, c.name.clone()))
    else {
        eprintln!("userscope: no connection for {}", sanitize(&args.vendor));
        return 2;
    };
    let cap = args
        .max_size_mib
        .map_or(services.lookuper.settings().max_body_bytes(), |m| {
            m.saturating_mul(1024 * 1024)
        });
    let bytes = match read(&args.file, cap) {
        Ok(b) => bytes::Bytes::from(b),
        Err(e) => {
            eprintln!("userscope: {e}");
            return e.exit_code();
        }
    };
    if let Err(code) = tui::require_terminal("`jq` or `userscope get`") {
        return code;
    }
    let size = bytes.len();
    let path = args.file.clone();
    // First who it is (a sample: milliseconds even at 50 MB), then everything, off the UI
    // thread, while the identity is already on screen.
    let mut identity = {
        let (bytes, connection, path) = (bytes.clone(), connection.clone(), path.clone());
        tokio::task::spawn_blocking(move || load_identity(&bytes, vendor, &connection, &path))
    };

    let (mut term, guard) = match tui::take_terminal() {
        Ok(t) => t,
        Err(code) => return code,
    };
    // As `tui::run`: the graphics query after the alternate screen, before the event stream.
    if tui::avatar::may_be_used(services.avatars, [vendor]) {
        services.picker = tui::avatar::query_terminal();
    }
    // A small file's identity is there before a "loading" frame would be worth drawing
    // (drawing it would only delay the real one); a large one gets it at once.
    let early = tokio::time::timeout(LOADING_FRAME_AFTER, &mut identity).await;
    let mut loading_drawn = false;
    let mut draw_loading = |term: &mut tui::terminal::Term| {
        if std::mem::replace(&mut loading_drawn, true) {
            return Ok(());
        }
        term.draw(|f| loading_frame(f, &args.file, size))
            .map(|_| ())
    };
    if early.is_err()
        && let Err(e) = draw_loading(&mut term)
    {
        drop(guard);
        eprintln!("userscope: terminal error: {e}");
        return 1;
    }
    let identity = match early {
        Ok(found) => found,
        Err(_) => identity.await,
    };
    let job = FileJob {
        bytes,
        vendor,
        connection,
        path,
    };
    let (view, mut initial) = match identity.ok().flatten() {
        Some(outcome) => {
            let note = format!("Loading the rest of the file ({})…", size_text(size));
            (
                ProfileView::loading(outcome, note),
                vec![crate::tui::message::Effect::LoadFile(job)],
            )
        }
        // Not even a sample normalizes: load it all here, for the error (or the profile).
        None => {
            // Best effort: the error (or profile) that follows says what matters.
            let _ = draw_loading(&mut term);
            match tokio::task::spawn_blocking(move || load_view(job)).await {
                Ok(Ok(view)) => (view, Vec::new()),
                Ok(Err(e)) => {
                    drop(guard);
                    eprintln!("userscope: {e}");
                    return e.exit_code();
                }
                Err(e) => {
                    drop(guard);
                    tracing::error!("opening the file failed: {e}");
                    eprintln!("userscope: internal error while opening the file");
                    return 1;
                }
            }
        }
    };
    initial.push(crate::tui::message::Effect::CheckClipboard);
    let mut app = app::App::new(init, app::Clock::now());
    app.show_profile(view);
    let bench = std::env::var_os(BENCH_STARTUP_ENV).is_some();
    let options = runtime::RunOptions {
        // The first frame of the loop is the first one showing the profile.
        exit_after_first_frame: bench.then_some(started),
    };
    let end = runtime::run(&mut term, &mut app, &services, initial, options).await;
    drop(guard);
    if let Some(note) = app.exit_note.take() {
        eprintln!("userscope: {note}");
    }
    tui::exit_code(end, "first frame showing the profile")
}

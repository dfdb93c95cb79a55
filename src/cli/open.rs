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
use crate::lookup::{LookupOutcome, RequestInfo};
use crate::sanitize::sanitize;
use crate::tui::json::{RawIndex, index};
use crate::tui::view::{OPENED_FROM_FILE, ProfileView};
use crate::tui::{self, BENCH_STARTUP_ENV, app, runtime};
use crate::vendor::{Lookup, VendorKind};

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

/// Why a file cannot be opened: exit 2 for the file itself (missing, unreadable, too large is
/// a usage problem too), 6 for a body that is not the vendor's JSON (as `get` does, design §4).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OpenError {
    #[error("cannot read {path}: {cause}")]
    Unreadable { path: String, cause: String },
    #[error("{path} is {size} bytes, over the {cap}-byte limit; raise it with --max-size-mib")]
    TooLarge { path: String, size: u64, cap: u64 },
    #[error("{path} is not JSON: {cause}")]
    NotJson { path: String, cause: String },
    #[error("{path} is not a {vendor} payload: {cause}")]
    WrongShape {
        path: String,
        vendor: &'static str,
        cause: String,
    },
}

impl OpenError {
    pub fn exit_code(&self) -> i32 {
        match self {
            OpenError::Unreadable { .. } | OpenError::TooLarge { .. } => 2,
            OpenError::NotJson { .. } | OpenError::WrongShape { .. } => 6,
        }
    }
}

fn shown(path: &Path) -> String {
    sanitize(&path.display().to_string()).into_owned()
}

/// Read the file, refusing one over `cap` bytes before reading it.
pub fn read(path: &Path, cap: u64) -> Result<Vec<u8>, OpenError> {
    let unreadable = |e: std::io::Error| OpenError::Unreadable {
        path: shown(path),
        cause: e.to_string(),
    };
    let size = std::fs::metadata(path).map_err(unreadable)?.len();
    if size > cap {
        return Err(OpenError::TooLarge {
            path: shown(path),
            size,
            cap,
        });
    }
    std::fs::read(path).map_err(unreadable)
}

fn outcome(
    normalized: crate::profile::Normalized,
    raw: bytes::Bytes,
    vendor: VendorKind,
    connection: &str,
    path: &Path,
    started: Instant,
) -> LookupOutcome {
    let value = normalized
        .profile
        .id
        .clone()
        .unwrap_or_else(|| path.display().to_string());
    LookupOutcome {
        vendor,
        connection: connection.to_owned(),
        lookup: Lookup::new(vendor.default_lookup(), value),
        request: RequestInfo {
            method: OPENED_FROM_FILE.to_owned(),
            url: path.display().to_string(),
            status: 200,
            elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            response_headers: Vec::new(),
            request_headers: Vec::new(),
        },
        profile: normalized.profile,
        raw,
        warnings: normalized.warnings,
    }
}

fn normalize(
    value: serde_json::Value,
    vendor: VendorKind,
    path: &Path,
) -> Result<crate::profile::Normalized, OpenError> {
    vendor
        .adapter()
        .normalize(value)
        .map_err(|e| OpenError::WrongShape {
            path: shown(path),
            vendor: vendor.display_name(),
            cause: e.0,
        })
}

/// Parse once and normalize, and index the bytes for the Raw pane: the outcome the profile
/// screen shows, with the Request pane saying where it came from. Pure apart from the clock.
pub fn load(
    bytes: impl Into<bytes::Bytes>,
    vendor: VendorKind,
    connection: &str,
    path: &Path,
) -> Result<(LookupOutcome, RawIndex), OpenError> {
    let started = Instant::now();
    let bytes: bytes::Bytes = bytes.into();
    // The Raw pane's index first: it also tells the parse how big every object and array is,
    // so each is allocated once (`sized_parse`: ~90 MB less peak memory at 50 MB, and the
    // parse is faster by about the index's own time, so the total is what building the index
    // beside the parse on a second core gave). Parsing the top-level members on two threads
    // was tried too: no faster, the time is the kernel handing out fresh pages.
    let lines = index(&bytes);
    let normalized = crate::sized_parse::parse(&bytes, &lines)
        .map_err(|e| OpenError::NotJson {
            path: shown(path),
            cause: e.to_string(),
        })
        .and_then(|value| normalize(value, vendor, path))?;
    let outcome = outcome(normalized, bytes, vendor, connection, path, started);
    Ok((outcome, lines))
}

/// Who the file is about, from its head or a sample of it (`crate::sample`): the first screen
/// while the whole file is parsed. `None` when neither normalizes (the full load then reports
/// why). A body broken after its head is reported by the full load too.
pub fn load_identity(
    bytes: &bytes::Bytes,
    vendor: VendorKind,
    connection: &str,
    path: &Path,
) -> Option<LookupOutcome> {
    let started = Instant::now();
    let normalized = |value| normalize(value, vendor, path).ok();
    // The head of the file first: its cost does not grow with the file. When it does not say
    // who this is (an ID and an email), a sample of the whole body does.
    let from_head = crate::sample::head(bytes, crate::sample::HEAD_BYTES)
        .and_then(|head| crate::sample::sample(&head).ok())
        .and_then(normalized)
        .filter(|n| n.profile.id.is_some() && n.profile.email.is_some());
    let found = match from_head {
        Some(found) => found,
        None => normalized(crate::sample::sample(bytes).ok()?)?,
    };
    Some(outcome(
        found,
        bytes.clone(),
        vendor,
        connection,
        path,
        started,
    ))
}

/// The whole of a file's load, run off the UI thread (`Effect::LoadFile`).
#[derive(Debug)]
pub struct FileJob {
    pub bytes: bytes::Bytes,
    pub vendor: VendorKind,
    pub connection: String,
    pub path: PathBuf,
}

/// The full profile view of a file (row caches and all, so the UI thread only swaps it in).
pub fn load_view(job: FileJob) -> Result<ProfileView, OpenError> {
    load(job.bytes, job.vendor, &job.connection, &job.path)
        .map(|(outcome, lines)| ProfileView::with_raw(outcome, lines))
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
    let (services, init) = match tui::prepare_or_report(&tui_args).await {
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
    app.profile = Some(view);
    app.screen = app::Screen::Profile;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_file(bytes: &[u8]) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut f, bytes).unwrap();
        f
    }

    #[test]
    fn missing_and_too_large_files_are_usage_errors() {
        let err = read(Path::new("/nonexistent/x.json"), 1024).unwrap_err();
        assert!(matches!(err, OpenError::Unreadable { .. }), "{err:?}");
        assert_eq!(err.exit_code(), 2);
        let f = temp_file(b"{\"a\": 1}");
        let err = read(f.path(), 4).unwrap_err();
        assert_eq!(
            err,
            OpenError::TooLarge {
                path: shown(f.path()),
                size: 8,
                cap: 4
            }
        );
        assert_eq!(err.exit_code(), 2);
        assert_eq!(read(f.path(), 8).unwrap(), b"{\"a\": 1}");
    }

    #[test]
    fn not_json_and_wrong_shape_exit_6() {
        let err = load(b"<html>".to_vec(), VendorKind::Coho, "coho", Path::new("x")).unwrap_err();
        assert!(matches!(err, OpenError::NotJson { .. }), "{err:?}");
        assert_eq!(err.exit_code(), 6);
        let err = load(b"[1, 2]".to_vec(), VendorKind::Coho, "coho", Path::new("x")).unwrap_err();
        assert!(matches!(err, OpenError::WrongShape { .. }), "{err:?}");
        assert_eq!(err.exit_code(), 6);
    }

    #[test]
    fn a_saved_coho_payload_becomes_a_profile_opened_from_the_file() {
        let body = br#"{"userProperties": {"userId": "u-7", "name": "Ada", "properties": {"city": "Oslo"}}}"#;
        let (outcome, lines) = load(
            body.to_vec(),
            VendorKind::Coho,
            "coho",
            Path::new("saved.json"),
        )
        .unwrap();
        assert_eq!(outcome.profile.id.as_deref(), Some("u-7"));
        assert_eq!(outcome.request.method, OPENED_FROM_FILE);
        assert_eq!(outcome.request.url, "saved.json");
        assert_eq!(&outcome.raw[..], &body[..]);
        assert_eq!(lines, index(body));
        assert_eq!(lines.len(), 9);
    }

    #[test]
    fn the_sample_finds_the_same_identity_as_the_full_load_for_every_demo_user() {
        let mut checked = 0;
        for vendor in VendorKind::ALL {
            for user in crate::demo::users(vendor) {
                let bytes = bytes::Bytes::from_static(user.body.as_bytes());
                let Ok((full, _)) = load(bytes.clone(), vendor, "c", Path::new("f.json")) else {
                    // Bodies that are errors, not profiles (e.g. the rate-limited user).
                    continue;
                };
                let first = load_identity(&bytes, vendor, "c", Path::new("f.json"))
                    .unwrap_or_else(|| panic!("{vendor:?} {}: no identity", user.label));
                let identity = |p: &crate::profile::Profile| {
                    (
                        p.id.clone(),
                        p.display_name.clone(),
                        p.email.clone(),
                        p.kind.clone(),
                    )
                };
                assert_eq!(
                    identity(&first.profile),
                    identity(&full.profile),
                    "{vendor:?} {}",
                    user.label
                );
                checked += 1;
            }
        }
        assert!(checked >= 20, "only {checked} demo profiles checked");
    }
}

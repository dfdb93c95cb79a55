//! What we are pasted and the terminal we are given (issue 17 items 2, 5 and 7): a bracketed
//! paste is one capped edit, a burst of keys cannot delay Ctrl-C, a terminal reporting an
//! absurd size gets a one-line message instead of a 200 GB frame, a failed history save is
//! shown once, and exports are private files never written through a symlink.

use std::collections::VecDeque;

use ratatui::backend::{Backend, ClearType, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use userscope::tui::input::{MAX_FIELD_BYTES, cut_notice};
use userscope::tui::message::PastedText;
use userscope::tui::runtime::{enqueue, from_terminal, handle_batch};
use userscope::tui::size_guard::{self, CappedBackend};

use crate::support::*;

fn paste(app: &mut App, text: &str) -> Vec<Effect> {
    send(app, Message::Paste(PastedText(text.to_owned())))
}

const CUT: &str = "Input cut at 4096 bytes: a field holds at most 4 KiB";

#[test]
fn a_paste_into_the_lookup_field_is_one_line_and_cut_at_4_kib_with_a_notice() {
    let mut app = app_with(true);
    assert_eq!(cut_notice(), CUT);
    assert!(paste(&mut app, "hannah@\r\nexample.com\n").is_empty());
    let input = &app.start().unwrap().input;
    assert_eq!(input.text(), "hannah@example.com");
    assert_eq!(app.notice, None);

    // 100 KB: one edit, cut on a character boundary, said so on screen.
    press(&mut app, "<C-u>");
    let big = "ü".repeat(50 * 1024);
    paste(&mut app, &big);
    let input = &app.start().unwrap().input;
    assert_eq!(input.text().len(), MAX_FIELD_BYTES);
    assert_eq!(input.text(), "ü".repeat(MAX_FIELD_BYTES / 2));
    assert_eq!(app.notice.as_deref(), Some(CUT));
    let screen = screen_text(&mut app, 80, 24);
    assert!(screen.contains(CUT), "{screen}");
    // The field shows its end, where the cursor is, and stays one line.
    assert!(screen.contains("› üüüü"), "{screen}");

    // Keys typed into the full field say so too; a key that fits again clears the notice.
    press(&mut app, "<C-u>");
    assert_eq!(app.start().unwrap().input.text(), "");
    press(&mut app, "x");
    assert_eq!(app.notice, None);
    let mut full = app_with(true);
    paste(&mut full, &"a".repeat(MAX_FIELD_BYTES));
    assert_eq!(full.notice, None, "exactly 4 KiB is not cut");
    press(&mut full, "b");
    assert_eq!(full.notice.as_deref(), Some(CUT));
    assert_eq!(full.start().unwrap().input.text().len(), MAX_FIELD_BYTES);
}

#[test]
fn a_paste_never_runs_commands_and_goes_only_to_a_focused_field() {
    // The vendor list has focus: a paste is not replayed as keys (`q` would quit).
    let mut app = app_with(true);
    app.start_mut().unwrap().focus = StartFocus::Vendors;
    assert!(paste(&mut app, "q?\r").is_empty());
    assert_eq!(app.exit, None);
    assert!(app.overlay.is_none());
    assert_eq!(app.start().unwrap().input.text(), "");

    // The profile's filter narrows at once, as typing the same text would.
    let mut app = loaded(VendorKind::COHO);
    press(&mut app, "f");
    paste(&mut app, "email\n");
    let view = app.profile().unwrap();
    let filter = view.filter(view.focus).expect("the paste filters");
    assert_eq!(filter.query, "email");
    let mut typed = loaded(VendorKind::COHO);
    press(&mut typed, "femail");
    let typed_view = typed.profile().unwrap();
    assert_eq!(
        view.row_count(view.focus),
        typed_view.row_count(typed_view.focus)
    );

    // A cut paste into the filter is said in the footer, where the filter line would hide it.
    paste(&mut app, &"z".repeat(10_000));
    assert_eq!(app.notice.as_deref(), Some(CUT));
    let screen = screen_text(&mut app, 120, 40);
    assert!(screen.contains(CUT), "{screen}");
}

#[test]
fn a_cut_key_paste_is_not_saved_unnoticed() {
    let mut app = app_with(false);
    send(&mut app, Message::Key(ctrl('k')));
    let Some(Overlay::KeyDialog(_)) = &app.overlay else {
        panic!("Ctrl-K opens the key dialog");
    };
    paste(&mut app, "sk-live-123\n");
    let Some(Overlay::KeyDialog(d)) = &app.overlay else {
        unreachable!()
    };
    assert_eq!(d.input.len(), "sk-live-123".len());
    assert_eq!(d.state, DialogState::Editing);
    paste(&mut app, &"k".repeat(8_000));
    let Some(Overlay::KeyDialog(d)) = &app.overlay else {
        unreachable!()
    };
    assert_eq!(d.input.text().len(), MAX_FIELD_BYTES);
    assert_eq!(d.state, DialogState::Failed(CUT.to_owned()));
    // The pasted text never shows in a debug print of the message.
    let message = Message::Paste(PastedText("sk-live-123".to_owned()));
    assert_eq!(format!("{message:?}"), "Paste(PastedText(11 bytes))");
}

#[test]
fn ctrl_c_after_ten_thousand_keys_is_handled_first() {
    let mut app = app_with(true);
    let mut batch = VecDeque::new();
    for _ in 0..10_000 {
        enqueue(&app, &mut batch, Message::Key(key(KeyCode::Char('x'))));
    }
    let ctrl_c = from_terminal(crossterm::event::Event::Key(ctrl('c'))).unwrap();
    enqueue(&app, &mut batch, ctrl_c);
    assert!(matches!(batch.front(), Some(Message::Key(k)) if *k == ctrl('c')));
    let started = Instant::now();
    let mut effects = 0;
    handle_batch(&mut app, &mut batch, |_, _| effects += 1, |_, _| Ok(())).unwrap();
    let took = started.elapsed();
    println!("Ctrl-C behind 10,000 queued keys handled in {took:?}");
    assert_eq!(app.exit, Some(130));
    assert!(batch.is_empty(), "the rest of the batch is dropped");
    assert_eq!(app.start().unwrap().input.text(), "", "no key was typed");
    assert!(took < Duration::from_millis(100), "{took:?}");

    // Without a quit the whole batch is typed, and more input is looked for on the way.
    let mut app = app_with(true);
    let mut batch = VecDeque::new();
    for _ in 0..1_000 {
        enqueue(&app, &mut batch, Message::Key(key(KeyCode::Char('y'))));
    }
    let mut looked = 0;
    handle_batch(
        &mut app,
        &mut batch,
        |_, _| {},
        |app, batch| {
            looked += 1;
            if looked == 2 {
                enqueue(app, batch, Message::Terminate { exit_code: 143 });
            }
            Ok(())
        },
    )
    .unwrap();
    assert_eq!(app.exit, Some(143));
    // 256 keys, a look, 256 more, a look that finds the signal: handled next.
    assert_eq!(app.start().unwrap().input.text(), "y".repeat(512));
}

/// A terminal that reports any size without holding a buffer of it: the cells drawn are kept
/// by position, so a 65535×65535 terminal costs only what is drawn on it.
struct HugeBackend {
    size: Size,
    cells: std::collections::HashMap<(u16, u16), String>,
    clears: usize,
}

impl HugeBackend {
    fn new(width: u16, height: u16) -> HugeBackend {
        HugeBackend {
            size: Size::new(width, height),
            cells: Default::default(),
            clears: 0,
        }
    }

    fn row(&self, y: u16) -> String {
        let width = self.size.width.min(size_guard::MAX_COLUMNS);
        (0..width)
            .map(|x| self.cells.get(&(x, y)).map_or(" ", String::as_str))
            .collect::<String>()
            .trim_end()
            .to_owned()
    }
}

impl Backend for HugeBackend {
    type Error = std::io::Error;

    fn draw<'a, I>(&mut self, content: I) -> std::io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        for (x, y, cell) in content {
            self.cells.insert((x, y), cell.symbol().to_owned());
        }
        Ok(())
    }
    fn hide_cursor(&mut self) -> std::io::Result<()> {
        Ok(())
    }
    fn show_cursor(&mut self) -> std::io::Result<()> {
        Ok(())
    }
    fn get_cursor_position(&mut self) -> std::io::Result<Position> {
        Ok(Position::ORIGIN)
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, _: P) -> std::io::Result<()> {
        Ok(())
    }
    fn clear(&mut self) -> std::io::Result<()> {
        self.clear_region(ClearType::All)
    }
    fn clear_region(&mut self, _: ClearType) -> std::io::Result<()> {
        self.cells.clear();
        self.clears += 1;
        Ok(())
    }
    fn size(&self) -> std::io::Result<Size> {
        Ok(self.size)
    }
    fn window_size(&mut self) -> std::io::Result<WindowSize> {
        Ok(WindowSize {
            columns_rows: self.size,
            pixels: Size::default(),
        })
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_65535_square_terminal_gets_one_line_and_the_app_comes_back() {
    let mut app = app_with(true);
    let mut terminal = Terminal::new(CappedBackend::new(HugeBackend::new(80, 24))).unwrap();
    let draw = |terminal: &mut Terminal<CappedBackend<HugeBackend>>, app: &App| {
        size_guard::draw(terminal, |f| ui::render(app, f)).unwrap();
    };
    draw(&mut terminal, &app);
    assert!(terminal.backend().inner().row(0).contains("userscope"));

    // The terminal says 65535×65535: the same message the runtime gets from crossterm.
    terminal.backend_mut().inner_mut().size = Size::new(65_535, 65_535);
    let resize = from_terminal(crossterm::event::Event::Resize(65_535, 65_535)).unwrap();
    send(&mut app, resize);
    draw(&mut terminal, &app);
    // Ratatui's buffers hold one row, not 4.3 billion cells.
    let area = terminal.current_buffer_mut().area;
    assert_eq!((area.width, area.height), (1_000, 1));
    let backend = terminal.backend().inner();
    assert_eq!(
        backend.row(0),
        "terminal too large (65535×65535); make it smaller"
    );
    assert_eq!(backend.row(1), "", "nothing else is drawn");
    // Keys still work on the way (nothing looks at the absurd size).
    press(&mut app, "abc");

    // Back to a normal size: the screen is cleared and the app drawn in full again.
    let clears = terminal.backend().inner().clears;
    terminal.backend_mut().inner_mut().size = Size::new(100, 30);
    send(
        &mut app,
        Message::Resize {
            width: 100,
            height: 30,
        },
    );
    draw(&mut terminal, &app);
    let backend = terminal.backend().inner();
    assert!(backend.clears > clears, "the message is cleared away");
    assert!(backend.row(0).contains("userscope"), "{}", backend.row(0));
    assert!(!backend.row(0).contains("too large"));
    let area = terminal.current_buffer_mut().area;
    assert_eq!((area.width, area.height), (100, 30));

    // Even a terminal that is already huge when the app starts allocates only the line.
    let huge = Terminal::new(CappedBackend::new(HugeBackend::new(65_535, 65_535))).unwrap();
    assert_eq!(huge.size().unwrap(), Size::new(1_000, 1));
}

#[test]
fn a_failed_history_save_is_shown_once_until_a_save_works_again() {
    let mut app = app_with(false);
    let why = "Is a directory (os error 21)";
    send(&mut app, Message::HistorySaved(Err(why.to_owned())));
    assert_eq!(
        app.notice.as_deref(),
        Some("Recent lookups not saved: Is a directory (os error 21)")
    );
    // The next lookups fail the same way: not repeated.
    app.notice = None;
    send(&mut app, Message::HistorySaved(Err(why.to_owned())));
    assert_eq!(app.notice, None);
    // A save that works re-arms it; control characters in the cause are made visible.
    send(&mut app, Message::HistorySaved(Ok(())));
    send(
        &mut app,
        Message::HistorySaved(Err("disk\u{1b}[2J full".to_owned())),
    );
    assert_eq!(
        app.notice.as_deref(),
        Some("Recent lookups not saved: disk␛[2J full")
    );
}

#[test]
fn a_finished_lookup_saves_the_history_and_a_failure_reaches_the_screen() {
    let mut app = app_with(false);
    let dir = tempfile::tempdir().unwrap();
    // The state "file" is a directory: the save fails.
    let path = dir.path().join("history.json");
    std::fs::create_dir(&path).unwrap();
    app.load_history(path.clone(), &[]);
    let outcome = rich_outcome(VendorKind::COHO);
    let request = submit(&mut app, VendorKind::COHO, &outcome.lookup.value.clone());
    let effects = finish(&mut app, request, Ok(outcome));
    let Some(Effect::SaveHistory { path: to, entries }) = effects
        .into_iter()
        .find(|e| matches!(e, Effect::SaveHistory { .. }))
    else {
        panic!("a finished lookup saves the history");
    };
    assert_eq!(to, path);
    // What the runtime does with the effect: save, and report the result back.
    let result = userscope::history::save(&to, &entries).map_err(|e| e.to_string());
    assert!(
        result.is_err(),
        "a directory cannot be replaced by the history"
    );
    send(&mut app, Message::HistorySaved(result));
    let screen = screen_text(&mut app, 120, 40);
    assert!(screen.contains("Recent lookups not saved: "), "{screen}");
}

#[cfg(unix)]
#[test]
fn exports_are_private_files_and_a_symlink_under_the_name_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    use userscope::tui::export::{ExportError, write};
    let dir = tempfile::tempdir().unwrap();
    // An existing, looser file asked to be replaced ends up private too.
    let existing = dir.path().join("old.json");
    std::fs::write(&existing, b"old").unwrap();
    std::fs::set_permissions(&existing, std::fs::Permissions::from_mode(0o644)).unwrap();
    for (name, overwrite) in [("new.json", false), ("old.json", true)] {
        let path = write(dir.path(), name, b"{}", overwrite).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{name}");
        assert_eq!(std::fs::read(&path).unwrap(), b"{}");
    }

    let target = dir.path().join("bashrc");
    std::fs::write(&target, b"precious").unwrap();
    std::os::unix::fs::symlink(&target, dir.path().join("p.json")).unwrap();
    let mut app = loaded(VendorKind::COHO);
    press(&mut app, "e<C-u>p.json");
    for overwrite in [false, true] {
        let err = write(dir.path(), "p.json", b"{}", overwrite).unwrap_err();
        assert_eq!(
            err,
            ExportError::NotAFile("p.json".to_owned(), "a symbolic link")
        );
        // What the runtime sends back: the dialog shows why and stays open.
        send(&mut app, Message::Exported(Err(err.to_string())));
    }
    assert_eq!(std::fs::read(&target).unwrap(), b"precious");
    let Some(Overlay::Export(d)) = &app.overlay else {
        panic!("the dialog stays open on a refusal");
    };
    assert_eq!(
        d.state,
        userscope::tui::export::ExportState::Failed(
            "p.json is a symbolic link; userscope writes exports only as plain files".to_owned()
        )
    );
}

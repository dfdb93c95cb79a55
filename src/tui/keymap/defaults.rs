//! The default key table: every binding, its context and its help line. The config file's
//! `[tui.keys]` can rebind any action (`config.rs`); the `?` help and the footer hints are
//! generated from this same table.

use crossterm::event::KeyCode;

use super::{Action, Binding, Context, KeyMap, KeySpec};

fn bind(keys: &[KeySpec], action: Action, context: Context, help: &'static str) -> Binding {
    Binding {
        keys: keys.to_vec(),
        action,
        context,
        help,
        hint: None,
    }
}

fn hinted(mut b: Binding, hint: &'static str) -> Binding {
    b.hint = Some(hint);
    b
}

impl Default for KeyMap {
    fn default() -> Self {
        use Action::*;
        use Context::*;
        use KeyCode as K;
        let p = KeySpec::plain;
        let c = KeySpec::ch;
        let mut bindings = vec![
            hinted(
                bind(&[c('q')], Quit, Global, "quit (not while typing)"),
                "quit",
            ),
            hinted(
                bind(
                    &[KeySpec::ctrl('c')],
                    ForceQuit,
                    Global,
                    "quit, even while typing",
                ),
                "quit",
            ),
            hinted(bind(&[c('?')], Help, Global, "show this help"), "help"),
            hinted(
                bind(
                    &[c('/')],
                    OpenLookup,
                    Global,
                    "open the lookup from anywhere",
                ),
                "lookup",
            ),
            hinted(
                bind(
                    &[p(K::Esc)],
                    Back,
                    Global,
                    "cancel the running lookup / close / go back",
                ),
                "back",
            ),
            hinted(
                bind(
                    &[p(K::Tab)],
                    NextPane,
                    Global,
                    "next pane (lookup screen: next field)",
                ),
                "next",
            ),
            bind(&[p(K::BackTab)], PrevPane, Global, "previous pane / field"),
            bind(&[p(K::Up), c('k')], Up, Global, "move up"),
            bind(&[p(K::Down), c('j')], Down, Global, "move down"),
            bind(&[p(K::PageUp)], PageUp, Global, "page up"),
            bind(&[p(K::PageDown)], PageDown, Global, "page down"),
            bind(&[p(K::Home), c('g')], Top, Global, "go to the first row"),
            bind(&[p(K::End), c('G')], Bottom, Global, "go to the last row"),
            hinted(
                bind(
                    &[p(K::Enter)],
                    Select,
                    Global,
                    "run the lookup / show the full value",
                ),
                "open",
            ),
            hinted(
                bind(
                    &[KeySpec::ctrl('t')],
                    ToggleKind,
                    Start,
                    "change the lookup kind (id, key, email…)",
                ),
                "lookup kind",
            ),
            hinted(
                bind(
                    &[c('K'), KeySpec::ctrl('k')],
                    SetKey,
                    Global,
                    "enter the API key for the selected vendor",
                ),
                "set key",
            ),
            bind(&[c('r')], Retry, Profile, "run the same lookup again"),
            hinted(
                bind(
                    &[c('f')],
                    Filter,
                    Profile,
                    "filter the rows of the focused pane",
                ),
                "filter",
            ),
            hinted(
                bind(
                    &[c('y')],
                    Copy,
                    Profile,
                    "copy the selected value (OSC 52 clipboard)",
                ),
                "copy",
            ),
            bind(
                &[c('Y')],
                CopyPath,
                Profile,
                "copy the selected row's key path",
            ),
            bind(
                &[c('c')],
                CopyProfile,
                Profile,
                "copy the whole profile as JSON",
            ),
            hinted(
                bind(
                    &[c('e')],
                    ExportAs,
                    Profile,
                    "export… (editable name; profile JSON or raw body)",
                ),
                "export",
            ),
            bind(
                &[c('D')],
                ClearHistory,
                Start,
                "clear the recent lookups (press twice)",
            ),
            bind(
                &[c('E')],
                Export,
                Profile,
                "export the profile as JSON at once (proposed name)",
            ),
            bind(
                &[p(K::Char(' ')), c('z')],
                ToggleFold,
                Profile,
                "fold / unfold a JSON object or array (Raw)",
            ),
        ];
        // One digit per pane, in the pane table's order (`view::PANES`).
        for (i, spec) in crate::tui::view::PANES.iter().enumerate() {
            let digit = u32::try_from(i + 1)
                .ok()
                .and_then(|n| char::from_digit(n, 10));
            if let Some(digit) = digit {
                bindings.push(bind(&[c(digit)], GoPane(i), Profile, spec.key_help));
            }
        }
        bindings.extend([
            bind(
                &[c('h'), p(K::Left)],
                Fold,
                Raw,
                "fold the selected object / array",
            ),
            bind(
                &[c('l'), p(K::Right)],
                Unfold,
                Raw,
                "unfold the selected object / array",
            ),
            bind(
                &[c('H')],
                FoldAll,
                Raw,
                "fold everything below the top level",
            ),
            bind(&[c('L')], UnfoldAll, Raw, "unfold everything"),
            bind(&[c('p')], Parent, Raw, "jump to the parent object / array"),
            bind(
                &[c('s'), KeySpec::ctrl('f')],
                Search,
                Raw,
                "search keys and values (regex; Enter runs it)",
            ),
            bind(&[c('n')], NextMatch, Raw, "next search match"),
            bind(&[c('N')], PrevMatch, Raw, "previous search match"),
        ]);
        bindings.extend([
            bind(&[p(K::Left)], CursorLeft, Typing, "cursor left"),
            bind(&[p(K::Right)], CursorRight, Typing, "cursor right"),
            bind(
                &[p(K::Home), KeySpec::ctrl('a')],
                CursorHome,
                Typing,
                "start of the field",
            ),
            bind(
                &[p(K::End), KeySpec::ctrl('e')],
                CursorEnd,
                Typing,
                "end of the field",
            ),
            bind(
                &[p(K::Backspace)],
                DeleteBack,
                Typing,
                "delete before the cursor",
            ),
            bind(
                &[p(K::Delete)],
                DeleteForward,
                Typing,
                "delete under the cursor",
            ),
            bind(
                &[KeySpec::ctrl('w')],
                DeleteWordBack,
                Typing,
                "delete back to the previous space",
            ),
            bind(
                &[KeySpec::alt(K::Backspace)],
                DeleteSubwordBack,
                Typing,
                "delete back to the previous . @ - or space",
            ),
            bind(&[KeySpec::ctrl('u')], ClearInput, Typing, "clear the field"),
        ]);
        bindings.extend([
            bind(
                &[c('Y')],
                CopyCurl,
                Request,
                "copy the request as a curl command (the key as its $USERSCOPE_…_API_KEY)",
            ),
            bind(
                &[KeySpec::ctrl('l')],
                Redraw,
                Global,
                "clear and redraw the screen",
            ),
        ]);
        bindings.extend(compare_bindings());
        bindings.extend(find_bindings());
        bindings.extend(watch_bindings());
        KeyMap { bindings }
    }
}

/// The Compare screen's own keys, and `C` on the profile that opens it. Filter and copy keep
/// their profile keys here (and `[tui.keys]` rebinds both places at once).
fn compare_bindings() -> Vec<Binding> {
    let c = KeySpec::ch;
    vec![
        bind(
            &[c('C')],
            Action::Compare,
            Context::Profile,
            "compare this profile with another (cached or a new lookup)",
        ),
        hinted(
            bind(
                &[c('d')],
                Action::DiffOnly,
                Context::Compare,
                "list all rows → differences (≠ ◀ ▶) → conflicts only (≠)",
            ),
            "differences",
        ),
        hinted(
            bind(
                &[c('f')],
                Action::Filter,
                Context::Compare,
                "filter the rows (fuzzy on key and both values)",
            ),
            "filter",
        ),
        hinted(
            bind(
                &[c('y')],
                Action::Copy,
                Context::Compare,
                "copy the selected row (key and both values)",
            ),
            "copy",
        ),
        bind(
            &[c('C')],
            Action::Compare,
            Context::Compare,
            "pick another profile to compare with",
        ),
    ]
}

/// The All-vendors board and its merged view, and `g` (the pivot) wherever a value is
/// selected. In the profile `g` looks the value up; Home still goes to the first row there.
fn find_bindings() -> Vec<Binding> {
    use KeyCode as K;
    let c = KeySpec::ch;
    let p = KeySpec::plain;
    vec![
        bind(
            &[c('g')],
            Action::Pivot,
            Context::Profile,
            "look the selected value up at a vendor you pick",
        ),
        hinted(
            bind(
                &[p(K::Enter)],
                Action::Select,
                Context::Find,
                "open the selected connection's profile (Esc returns here)",
            ),
            "profile",
        ),
        hinted(
            bind(
                &[c('M')],
                Action::Merged,
                Context::Find,
                "merged view: what the found profiles say, side by side",
            ),
            "merged",
        ),
        hinted(
            bind(
                &[c('g')],
                Action::Pivot,
                Context::Find,
                "look the selected row's email up at a vendor you pick",
            ),
            "look up",
        ),
        hinted(
            bind(
                &[c('d')],
                Action::DiffOnly,
                Context::Merged,
                "list all fields → conflicts only (≠)",
            ),
            "conflicts",
        ),
        hinted(
            bind(
                &[c('f')],
                Action::Filter,
                Context::Merged,
                "filter the fields by name",
            ),
            "filter",
        ),
        bind(
            &[c('h'), p(K::Left)],
            Action::ColumnLeft,
            Context::Merged,
            "select the column to the left",
        ),
        bind(
            &[c('l'), p(K::Right)],
            Action::ColumnRight,
            Context::Merged,
            "select the column to the right",
        ),
        hinted(
            bind(
                &[c('g')],
                Action::Pivot,
                Context::Merged,
                "look the selected cell's value up at a vendor you pick",
            ),
            "look up",
        ),
    ]
}

/// `w` on a profile, and the keys that mean something only while it is watched (design §12).
/// Their hints lead the footer while watching (`ui::status`).
fn watch_bindings() -> Vec<Binding> {
    let c = KeySpec::ch;
    vec![
        bind(
            &[c('i')],
            Action::LoadAvatar,
            Context::Profile,
            "load the avatar (fetches the picture from its host: only when asked)",
        ),
        bind(
            &[c('w')],
            Action::ToggleWatch,
            Context::Profile,
            "watch: fetch this profile again every few seconds and mark what changes (again: stop)",
        ),
        hinted(
            bind(
                &[c('w')],
                Action::ToggleWatch,
                Context::Watch,
                "stop watching (the profile shown stays)",
            ),
            "stop",
        ),
        hinted(
            bind(
                &[c('W')],
                Action::ShowChanges,
                Context::Watch,
                "the changes list: time, path, old → new (Enter jumps to the row)",
            ),
            "changes",
        ),
        hinted(
            bind(
                &[c('[')],
                Action::OlderVersion,
                Context::Watch,
                "show the version before (its changes marked)",
            ),
            "older",
        ),
        hinted(
            bind(
                &[c(']')],
                Action::NewerVersion,
                Context::Watch,
                "show the version after; past the newest: live again",
            ),
            "newer",
        ),
        hinted(
            bind(
                &[c('x')],
                Action::ClearMarks,
                Context::Watch,
                "clear the marks and the change count",
            ),
            "clear",
        ),
        bind(
            &[c('+'), c('=')],
            Action::WatchSlower,
            Context::Watch,
            "fetch less often (interval +1 s; +5 s from 10 s)",
        ),
        bind(
            &[c('-')],
            Action::WatchFaster,
            Context::Watch,
            "fetch more often (never more often than every 2 s)",
        ),
    ]
}

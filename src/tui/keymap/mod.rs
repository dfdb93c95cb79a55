//! Keys are data: one table maps keys to actions per context. The key handler, the `?` help and
//! the footer hints are all generated from it, so they cannot disagree.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

mod config;
mod defaults;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    Quit,
    ForceQuit,
    Help,
    OpenLookup,
    Back,
    NextPane,
    PrevPane,
    GoPane(usize),
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Select,
    ToggleKind,
    SetKey,
    Retry,
    ToggleFold,
    // The Raw pane's JSON tree.
    Fold,
    Unfold,
    FoldAll,
    UnfoldAll,
    Parent,
    Search,
    NextMatch,
    PrevMatch,
    Copy,
    CopyPath,
    /// The Request pane: the request as a curl command, the key as its variable (`crate::curl`).
    CopyCurl,
    /// Clear the terminal and draw everything again (after another program scribbled on it).
    Redraw,
    CopyProfile,
    Export,
    ExportAs,
    ClearHistory,
    Filter,
    // Text editing (only while typing).
    CursorLeft,
    CursorRight,
    CursorHome,
    CursorEnd,
    DeleteBack,
    DeleteForward,
    /// Readline's Ctrl-W: back to the previous space.
    DeleteWordBack,
    /// Readline's Alt-Backspace: back to the previous non-alphanumeric (`.`, `@`, `-`).
    DeleteSubwordBack,
    ClearInput,
    // Compare two profiles side by side.
    Compare,
    DiffOnly,
    // The All-vendors board and its merged view.
    Merged,
    ColumnLeft,
    ColumnRight,
    /// Look the selected value up at a vendor picked from a list.
    Pivot,
    /// Load and show the profile's avatar (fetches an image: only when asked).
    LoadAvatar,
    // Watching the profile change (design §12; `screens::profile::watching`).
    /// Start or stop watching the profile shown.
    ToggleWatch,
    /// Forget the marks and the change count (the versions stay).
    ClearMarks,
    /// Show the version before the one shown, with its diff.
    OlderVersion,
    /// Show the version after the one shown; past the newest: live again.
    NewerVersion,
    /// Fetch less often (interval up).
    WatchSlower,
    /// Fetch more often (interval down, never under the minimum).
    WatchFaster,
    /// The list of changes (time, path, old → new); Enter jumps to the row.
    ShowChanges,
}

/// Where a binding applies. `Typing` bindings win while a text field has focus; there every
/// other printable key is typed, so `q` quits only when nothing takes text input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    Global,
    Start,
    Profile,
    /// The Raw pane has focus (its tree keys mean nothing elsewhere).
    Raw,
    /// The Request pane has focus (`Y` copies the request as curl there).
    Request,
    Typing,
    /// The Compare screen (two profiles side by side).
    Compare,
    /// The All-vendors board (one row per connection).
    Find,
    /// The merged view of the found profiles (one column per connection).
    Merged,
    /// The profile in front is being watched (`w`).
    Watch,
}

impl Context {
    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::Start => "Lookup screen",
            Context::Profile => "Profile",
            Context::Raw => "Raw pane (JSON tree)",
            Context::Request => "Request pane",
            Context::Typing => "While typing",
            Context::Compare => "Compare screen",
            Context::Find => "All-vendors board",
            Context::Merged => "Merged view (all vendors)",
            Context::Watch => "While watching a profile (w)",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeySpec {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

impl KeySpec {
    const fn plain(code: KeyCode) -> Self {
        KeySpec {
            code,
            modifiers: KeyModifiers::NONE,
        }
    }

    const fn ctrl(c: char) -> Self {
        KeySpec {
            code: KeyCode::Char(c),
            modifiers: KeyModifiers::CONTROL,
        }
    }

    const fn alt(code: KeyCode) -> Self {
        KeySpec {
            code,
            modifiers: KeyModifiers::ALT,
        }
    }

    const fn ch(c: char) -> Self {
        Self::plain(KeyCode::Char(c))
    }

    /// Whether a key event is this key. Shift is ignored for characters (the character already
    /// says it: `G`, `?`) and for BackTab, because terminals disagree about reporting it.
    pub fn matches(&self, event: &KeyEvent) -> bool {
        if event.code != self.code {
            return false;
        }
        let relevant = KeyModifiers::CONTROL | KeyModifiers::ALT;
        match self.code {
            KeyCode::Char(_) | KeyCode::BackTab => {
                (event.modifiers & relevant) == (self.modifiers & relevant)
            }
            _ => (event.modifiers & (relevant | KeyModifiers::SHIFT)) == self.modifiers,
        }
    }

    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_owned(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Enter => "Enter".to_owned(),
            KeyCode::Esc => "Esc".to_owned(),
            KeyCode::Tab => "Tab".to_owned(),
            KeyCode::BackTab => "Shift-Tab".to_owned(),
            KeyCode::Up => "↑".to_owned(),
            KeyCode::Down => "↓".to_owned(),
            KeyCode::Left => "←".to_owned(),
            KeyCode::Right => "→".to_owned(),
            KeyCode::PageUp => "PgUp".to_owned(),
            KeyCode::PageDown => "PgDn".to_owned(),
            KeyCode::Home => "Home".to_owned(),
            KeyCode::End => "End".to_owned(),
            KeyCode::Backspace => "Backspace".to_owned(),
            KeyCode::Delete => "Del".to_owned(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            format!("Ctrl-{}", base.to_uppercase())
        } else if self.modifiers.contains(KeyModifiers::ALT) {
            format!("Alt-{base}")
        } else {
            base
        }
    }

    /// Whether this key types a character into a focused field (so it cannot also be a
    /// command there).
    fn is_text(&self) -> bool {
        matches!(self.code, KeyCode::Char(_))
            && !self
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    }
}

#[derive(Clone, Debug)]
pub struct Binding {
    pub keys: Vec<KeySpec>,
    pub action: Action,
    pub context: Context,
    pub help: &'static str,
    /// Shown in the footer hint line of its context.
    pub hint: Option<&'static str>,
}

#[derive(Clone, Debug)]
pub struct KeyMap {
    pub bindings: Vec<Binding>,
}

fn is_text_key(event: &KeyEvent) -> bool {
    matches!(event.code, KeyCode::Char(_))
        && !event
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
}

/// Actions that still work while a text field has focus (everything else is typed).
pub fn works_while_typing(action: Action) -> bool {
    matches!(
        action,
        Action::ForceQuit
            | Action::Back
            | Action::NextPane
            | Action::PrevPane
            | Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Select
            | Action::ToggleKind
            | Action::SetKey
            | Action::Redraw
    )
}

impl KeyMap {
    /// The action for a key in the given situation. `contexts` lists the contexts in force,
    /// most specific first.
    pub fn action_for(
        &self,
        event: &KeyEvent,
        contexts: &[Context],
        typing: bool,
    ) -> Option<Action> {
        if event.kind == KeyEventKind::Release {
            return None;
        }
        let ordered = contexts
            .iter()
            .copied()
            .chain(std::iter::once(Context::Global));
        for context in ordered {
            if context == Context::Typing && !typing {
                continue;
            }
            for b in self.bindings.iter().filter(|b| b.context == context) {
                if !b.keys.iter().any(|k| k.matches(event)) {
                    continue;
                }
                // While typing, printable characters are text (`j`, `k`, `q`, digits); only
                // special keys and Ctrl combinations keep their meaning.
                if typing
                    && context != Context::Typing
                    && (!works_while_typing(b.action) || is_text_key(event))
                {
                    continue;
                }
                return Some(b.action);
            }
        }
        None
    }

    /// `keys — help` rows grouped by context, for the `?` overlay.
    pub fn help_rows(&self) -> Vec<(Context, String, &'static str)> {
        let mut rows = Vec::new();
        for context in [
            Context::Global,
            Context::Start,
            Context::Profile,
            Context::Watch,
            Context::Raw,
            Context::Request,
            Context::Compare,
            Context::Find,
            Context::Merged,
            Context::Typing,
        ] {
            for b in self.bindings.iter().filter(|b| b.context == context) {
                let keys: Vec<String> = b.keys.iter().map(KeySpec::label).collect();
                rows.push((context, keys.join(" "), b.help));
            }
        }
        rows
    }

    /// `key hint` pairs for the footer of a screen. While typing, only keys that work in the
    /// field are offered, each by a key that is not typed (`Ctrl-K`, never `K`).
    pub fn hints(&self, contexts: &[Context]) -> Vec<(String, &'static str)> {
        let typing = contexts.contains(&Context::Typing);
        // While watching, its keys lead: they are what the operator needs then.
        let watch = self.bindings.iter().filter(|b| b.context == Context::Watch);
        let rest = self.bindings.iter().filter(|b| b.context != Context::Watch);
        watch
            .chain(rest)
            .filter(|b| b.context == Context::Global || contexts.contains(&b.context))
            // While typing `q` is text, so the hint offers Ctrl-C instead.
            .filter(|b| {
                if typing {
                    works_while_typing(b.action)
                } else {
                    b.action != Action::ForceQuit
                }
            })
            .filter_map(|b| {
                let key = if typing {
                    b.keys.iter().find(|k| !k.is_text())?
                } else {
                    b.keys.first()?
                };
                Some((key.label(), b.hint?))
            })
            .collect()
    }

    /// The first key bound to an action, for messages like "press K to enter a key".
    pub fn key_for(&self, action: Action) -> String {
        self.bindings
            .iter()
            .find(|b| b.action == action)
            .and_then(|b| b.keys.first())
            .map(KeySpec::label)
            .unwrap_or_default()
    }
}

pub use config::parse_key;

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn q_quits_unless_typing() {
        let km = KeyMap::default();
        let q = key(KeyCode::Char('q'));
        assert_eq!(
            km.action_for(&q, &[Context::Profile], false),
            Some(Action::Quit)
        );
        assert_eq!(
            km.action_for(&q, &[Context::Typing, Context::Start], true),
            None
        );
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(
            km.action_for(&ctrl_c, &[Context::Typing], true),
            Some(Action::ForceQuit)
        );
    }

    #[test]
    fn typing_context_wins_for_home_and_end() {
        let km = KeyMap::default();
        let home = key(KeyCode::Home);
        assert_eq!(
            km.action_for(&home, &[Context::Typing, Context::Start], true),
            Some(Action::CursorHome)
        );
        assert_eq!(
            km.action_for(&home, &[Context::Profile], false),
            Some(Action::Top)
        );
        let shifted_g = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(
            km.action_for(&shifted_g, &[Context::Profile], false),
            Some(Action::Bottom)
        );
    }

    #[test]
    fn config_overrides_replace_the_keys_of_an_action() {
        let tui: crate::config::TuiSettings =
            toml::from_str("[keys]\nquit = [\"ctrl-q\", \"x\"]\nnext_pane = \"l\"\n").unwrap();
        let km = KeyMap::with_overrides(&tui).unwrap();
        let q = key(KeyCode::Char('q'));
        assert_eq!(km.action_for(&q, &[Context::Profile], false), None);
        let ctrl_q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::CONTROL);
        assert_eq!(
            km.action_for(&ctrl_q, &[Context::Profile], false),
            Some(Action::Quit)
        );
        assert_eq!(
            km.action_for(&key(KeyCode::Char('l')), &[Context::Profile], false),
            Some(Action::NextPane)
        );
        assert!(
            km.help_rows()
                .iter()
                .any(|(_, k, h)| k == "Ctrl-Q x" && h.starts_with("quit"))
        );
        let bad: crate::config::TuiSettings = toml::from_str("[keys]\nfly = \"f\"\n").unwrap();
        assert!(
            KeyMap::with_overrides(&bad)
                .unwrap_err()
                .contains("unknown action `fly`")
        );
        let bad: crate::config::TuiSettings = toml::from_str("[keys]\nquit = \"ctrl-\"\n").unwrap();
        assert!(KeyMap::with_overrides(&bad).is_err());
    }

    #[test]
    fn a_key_taken_from_another_action_is_refused_naming_both() {
        let tui = |text: &str| -> crate::config::TuiSettings { toml::from_str(text).unwrap() };
        let err = KeyMap::with_overrides(&tui("[keys]\nquit = \"j\"\n")).unwrap_err();
        assert!(err.starts_with("[tui.keys]: `j` is bound to both"), "{err}");
        assert!(err.contains("`quit`") && err.contains("`down`"), "{err}");
        assert!(err.ends_with("bind one of them to another key"), "{err}");
        // Moving an action to a free key, or restating a default, is fine.
        assert!(KeyMap::with_overrides(&tui("[keys]\nquit = [\"ctrl-q\", \"x\"]\n")).is_ok());
        assert!(KeyMap::with_overrides(&tui("[keys]\nquit = \"q\"\nback = \"esc\"\n")).is_ok());
        // Swapping two actions' keys in one go is fine too.
        assert!(KeyMap::with_overrides(&tui("[keys]\nup = \"j\"\ndown = \"k\"\n")).is_ok());
    }

    #[test]
    fn raw_tree_keys_apply_only_in_the_raw_pane_and_leave_lookup_and_filter_alone() {
        let map = KeyMap::default();
        let raw = [Context::Raw, Context::Profile];
        let other = [Context::Profile];
        let ch = |c| key(KeyCode::Char(c));
        let cases = [
            (ch('s'), Some(Action::Search), None),
            (
                KeyEvent::new(KeyCode::Char('f'), KeyModifiers::CONTROL),
                Some(Action::Search),
                None,
            ),
            (ch('/'), Some(Action::OpenLookup), Some(Action::OpenLookup)),
            (ch('f'), Some(Action::Filter), Some(Action::Filter)),
            (ch('h'), Some(Action::Fold), None),
            (key(KeyCode::Left), Some(Action::Fold), None),
            (ch('l'), Some(Action::Unfold), None),
            (key(KeyCode::Right), Some(Action::Unfold), None),
            (ch('H'), Some(Action::FoldAll), None),
            (ch('L'), Some(Action::UnfoldAll), None),
            (ch('p'), Some(Action::Parent), None),
            (ch('n'), Some(Action::NextMatch), None),
            (ch('N'), Some(Action::PrevMatch), None),
            (ch(' '), Some(Action::ToggleFold), Some(Action::ToggleFold)),
        ];
        for (event, in_raw, elsewhere) in cases {
            assert_eq!(
                map.action_for(&event, &raw, false),
                in_raw,
                "{event:?} in Raw"
            );
            assert_eq!(
                map.action_for(&event, &other, false),
                elsewhere,
                "{event:?}"
            );
        }
        // The `?` help lists them under their own heading.
        let raw_rows: Vec<String> = map
            .help_rows()
            .into_iter()
            .filter(|(c, _, _)| *c == Context::Raw)
            .map(|(_, keys, _)| keys)
            .collect();
        assert_eq!(
            raw_rows,
            ["h ←", "l →", "H", "L", "p", "s Ctrl-F", "n", "N"]
        );
    }

    #[test]
    fn help_lists_every_binding() {
        let km = KeyMap::default();
        assert_eq!(km.help_rows().len(), km.bindings.len());
        assert!(
            km.help_rows()
                .iter()
                .any(|(_, k, h)| k == "k ↑" || (k == "↑ k" && *h == "move up"))
        );
    }
}

//! Keys from the config file: action names as written in `[tui.keys]`, key names such as
//! `ctrl-t` or `pgdn`, and the default table with the overrides applied.

use crossterm::event::KeyCode;

use super::{Action, Binding, KeyMap, KeySpec};

impl Action {
    /// The name used in the config file's `[tui.keys]` table.
    pub fn config_name(self) -> String {
        match self {
            Action::Quit => "quit".into(),
            Action::ForceQuit => "force_quit".into(),
            Action::Help => "help".into(),
            Action::OpenLookup => "open_lookup".into(),
            Action::Back => "back".into(),
            Action::NextPane => "next_pane".into(),
            Action::PrevPane => "prev_pane".into(),
            Action::GoPane(i) => format!("pane_{}", i + 1),
            Action::Up => "up".into(),
            Action::Down => "down".into(),
            Action::PageUp => "page_up".into(),
            Action::PageDown => "page_down".into(),
            Action::Top => "top".into(),
            Action::Bottom => "bottom".into(),
            Action::Select => "select".into(),
            Action::ToggleKind => "toggle_kind".into(),
            Action::SetKey => "set_key".into(),
            Action::Retry => "retry".into(),
            Action::ToggleFold => "toggle_fold".into(),
            Action::Fold => "fold".into(),
            Action::Unfold => "unfold".into(),
            Action::FoldAll => "fold_all".into(),
            Action::UnfoldAll => "unfold_all".into(),
            Action::Parent => "parent".into(),
            Action::Search => "search".into(),
            Action::NextMatch => "next_match".into(),
            Action::PrevMatch => "prev_match".into(),
            Action::Copy => "copy".into(),
            Action::CopyPath => "copy_path".into(),
            Action::CopyCurl => "copy_curl".into(),
            Action::Redraw => "redraw".into(),
            Action::DeleteWordBack => "delete_word_back".into(),
            Action::DeleteSubwordBack => "delete_subword_back".into(),
            Action::CopyProfile => "copy_profile".into(),
            Action::ClearHistory => "clear_history".into(),
            Action::ExportAs => "export_as".into(),
            Action::Export => "export".into(),
            Action::Filter => "filter".into(),
            Action::CursorLeft => "cursor_left".into(),
            Action::CursorRight => "cursor_right".into(),
            Action::CursorHome => "cursor_home".into(),
            Action::CursorEnd => "cursor_end".into(),
            Action::DeleteBack => "delete_back".into(),
            Action::DeleteForward => "delete_forward".into(),
            Action::ClearInput => "clear_input".into(),
            Action::Compare => "compare".into(),
            Action::DiffOnly => "diff_only".into(),
            Action::Merged => "merged".into(),
            Action::ColumnLeft => "column_left".into(),
            Action::ColumnRight => "column_right".into(),
            Action::Pivot => "pivot".into(),
            Action::ToggleWatch => "watch".into(),
            Action::LoadAvatar => "avatar".into(),
            Action::ClearMarks => "clear_marks".into(),
            Action::OlderVersion => "older_version".into(),
            Action::NewerVersion => "newer_version".into(),
            Action::WatchSlower => "watch_slower".into(),
            Action::WatchFaster => "watch_faster".into(),
            Action::ShowChanges => "changes".into(),
        }
    }
}

/// Parse `q`, `G`, `ctrl-t`, `tab`, `shift-tab`, `esc`, `enter`, `pgdn`, `f2`, … (case-insensitive
/// for names; a single character is taken as is).
pub fn parse_key(text: &str) -> Option<KeySpec> {
    let t = text.trim();
    let mut chars = t.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return Some(KeySpec::ch(c));
    }
    let lower = t.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("alt-") {
        let plain = parse_key(rest)?;
        return plain.modifiers.is_empty().then(|| KeySpec::alt(plain.code));
    }
    if let Some(rest) = lower.strip_prefix("ctrl-") {
        let mut cs = rest.chars();
        return match (cs.next(), cs.next()) {
            (Some(c), None) => Some(KeySpec::ctrl(c)),
            _ => None,
        };
    }
    let code = match lower.as_str() {
        "tab" => KeyCode::Tab,
        "shift-tab" | "backtab" => KeyCode::BackTab,
        "esc" | "escape" => KeyCode::Esc,
        "enter" | "return" => KeyCode::Enter,
        "space" => KeyCode::Char(' '),
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "pgup" | "pageup" => KeyCode::PageUp,
        "pgdn" | "pagedown" => KeyCode::PageDown,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "backspace" => KeyCode::Backspace,
        "delete" | "del" => KeyCode::Delete,
        other => {
            let n: u8 = other.strip_prefix('f')?.parse().ok()?;
            KeyCode::F(Some(n).filter(|n| (1..=24).contains(n))?)
        }
    };
    Some(KeySpec::plain(code))
}

impl KeyMap {
    /// The default table with the config file's `[tui.keys]` overrides applied, e.g.
    /// `quit = ["q", "ctrl-q"]`. Each listed action gets exactly the listed keys.
    pub fn with_overrides(tui: &crate::config::TuiSettings) -> Result<KeyMap, String> {
        let defaults = KeyMap::default();
        let mut map = KeyMap::default();
        for (name, value) in &tui.keys {
            // An action can be bound in several contexts (`f` filters the profile and the
            // Compare screen): the config rebinds it everywhere.
            if !map.bindings.iter().any(|b| b.action.config_name() == *name) {
                return Err(format!(
                    "[tui.keys]: unknown action `{}`",
                    crate::sanitize::sanitize(name)
                ));
            }
            let parsed: Option<Vec<KeySpec>> = value.keys().iter().map(|k| parse_key(k)).collect();
            match parsed {
                Some(specs) if !specs.is_empty() => {
                    for binding in map
                        .bindings
                        .iter_mut()
                        .filter(|b| b.action.config_name() == *name)
                    {
                        binding.keys.clone_from(&specs);
                    }
                }
                _ => {
                    return Err(format!(
                        "[tui.keys] {name}: cannot read {}",
                        crate::sanitize::sanitize(&value.to_string())
                    ));
                }
            }
        }
        if let Some(clash) = first_clash(&map, &defaults, |action| {
            tui.keys.contains_key(&action.config_name())
        }) {
            return Err(clash);
        }
        Ok(map)
    }
}

/// The pairs of bindings where one key means two actions in one context. (A more specific
/// context shadowing a wider one — the Raw pane over the profile, any screen over
/// "everywhere" — is the layering the defaults use on purpose, not a clash.)
fn clashes(map: &KeyMap) -> Vec<(KeySpec, &Binding, &Binding)> {
    let mut found = Vec::new();
    for (i, a) in map.bindings.iter().enumerate() {
        for b in map.bindings.iter().skip(i + 1) {
            if a.action == b.action || a.context != b.context {
                continue;
            }
            if let Some(key) = a.keys.iter().find(|k| b.keys.contains(k)) {
                found.push((*key, a, b));
            }
        }
    }
    found
}

/// The first clash the config made (one that the default table does not already have on
/// purpose, such as Esc leaving a field before it means back), naming both actions.
fn first_clash(
    map: &KeyMap,
    defaults: &KeyMap,
    configured: impl Fn(Action) -> bool,
) -> Option<String> {
    let existing: Vec<(KeySpec, Action, Action)> = clashes(defaults)
        .into_iter()
        .map(|(key, a, b)| (key, a.action, b.action))
        .collect();
    clashes(map).into_iter().find_map(|(key, a, b)| {
        let known = existing
            .iter()
            .any(|(k, x, y)| *k == key && ((*x, *y) == (a.action, b.action) || (*y, *x) == (a.action, b.action)));
        (!known && (configured(a.action) || configured(b.action))).then(|| {
            let place = a.context.title();
            format!(
                "[tui.keys]: `{}` is bound to both `{}` and `{}` ({}); bind one of them to another key",
                key.label(),
                a.action.config_name(),
                b.action.config_name(),
                place.to_lowercase()
            )
        })
    })
}

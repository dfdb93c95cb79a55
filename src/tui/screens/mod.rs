//! The screens. Each owns its state, handles the messages the router gives it, and draws
//! itself from `&state`. A screen never reaches into another screen: when it wants to leave,
//! it returns a `Transition` and the router (`tui::app`) makes the change.

use std::sync::Arc;

use ratatui::layout::Rect;

use crate::lookup::LookupOutcome;
use crate::tui::app::Clock;
use crate::tui::keymap::KeyMap;
use crate::tui::lookups::Lookups;
use crate::tui::message::Effect;
use crate::tui::overlays::Overlay;
use crate::vendors::Lookup;

pub mod compare;
pub mod find;
pub mod profile;
pub mod start;

pub use compare::CompareState;
pub use find::FindState;
pub use profile::ProfileState;
pub use start::StartState;

/// The screen in front, with its state.
// There is one `Screen`, moved only on a transition: boxing the profile would buy nothing.
#[allow(clippy::large_enum_variant)]
pub enum Screen {
    /// Vendor picker, lookup form, demo users and recent lookups.
    Start(StartState),
    /// One profile in panes.
    Profile(ProfileState),
    /// Two profiles side by side (`C`), or choosing the second one.
    Compare(CompareState),
    /// All vendors: the board of every connection's answer, and the merged view (`M`).
    Find(FindState),
}

/// Which screen, without its state (for checks and transitions).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScreenKind {
    Start,
    Profile,
    Compare,
    Find,
}

impl Screen {
    pub fn kind(&self) -> ScreenKind {
        match self {
            Screen::Start(_) => ScreenKind::Start,
            Screen::Profile(_) => ScreenKind::Profile,
            Screen::Compare(_) => ScreenKind::Compare,
            Screen::Find(_) => ScreenKind::Find,
        }
    }
}

/// The screens not in front, kept as they were left so that going back restores them. Each
/// kind lives in exactly one place: in front or here.
#[derive(Default)]
pub struct Parked {
    pub start: Option<StartState>,
    pub profile: Option<ProfileState>,
    /// Only while side B is being looked up on the start screen.
    pub compare: Option<CompareState>,
    /// The last All-vendors find, kept while one of its profiles is open.
    pub find: Option<FindState>,
}

impl Parked {
    pub fn take(&mut self, kind: ScreenKind) -> Option<Screen> {
        match kind {
            ScreenKind::Start => self.start.take().map(Screen::Start),
            ScreenKind::Profile => self.profile.take().map(Screen::Profile),
            ScreenKind::Compare => self.compare.take().map(Screen::Compare),
            ScreenKind::Find => self.find.take().map(Screen::Find),
        }
    }

    pub fn put(&mut self, screen: Screen) {
        match screen {
            Screen::Start(s) => self.start = Some(s),
            Screen::Profile(s) => self.profile = Some(s),
            Screen::Compare(s) => self.compare = Some(s),
            Screen::Find(s) => self.find = Some(s),
        }
    }
}

/// What a screen's update may use besides its own state: the runtime-wide parts of the app.
pub struct Ctx<'a> {
    pub keymap: &'a KeyMap,
    pub clock: Clock,
    pub size: Rect,
    pub demo: bool,
    pub notice: &'a mut Option<String>,
    pub clipboard_warning: Option<&'a str>,
    pub lookups: &'a mut Lookups,
}

impl Ctx<'_> {
    /// Copy `text` and say so, with a warning when the terminal probably drops OSC 52. Every
    /// copy (`y`, `Y`, `c`, in every pane and screen) goes through here, so no toast lacks it.
    pub fn copy(&mut self, text: String, toast: String) -> Vec<Effect> {
        *self.notice = Some(crate::tui::clipboard::copy_toast(
            &toast,
            self.clipboard_warning,
        ));
        vec![Effect::Copy(text)]
    }

    /// Esc while a lookup runs: cancel it and say so.
    pub fn cancel_lookup(&mut self) -> Vec<Effect> {
        match self.lookups.loading.take() {
            Some(l) => {
                *self.notice = Some(format!(
                    "Lookup of {} cancelled",
                    crate::sanitize::sanitize(&l.lookup.value)
                ));
                vec![Effect::CancelLookup { request: l.request }]
            }
            None => Vec::new(),
        }
    }
}

/// A change only the router can make (it involves another screen, an overlay or a lookup).
pub enum Transition {
    /// Run a lookup with connection `conn_index` (the start form, `r`).
    Lookup {
        conn_index: usize,
        lookup: Lookup,
    },
    /// Find `query` at every connection (All vendors on the start form, a recent find).
    Find {
        query: crate::find::Query,
    },
    /// Show a found profile from the board in the usual panes; Esc there returns to the board.
    OpenProfile(Arc<LookupOutcome>),
    /// A recent lookup chosen: shown from the cache when it is there, else run again.
    Recent {
        connection: String,
        lookup: Lookup,
    },
    /// The start screen with the cursor in the lookup field (`/`, Esc on a profile).
    ToStart,
    /// Esc with nothing left to undo on this screen: back where it was opened from.
    Back,
    /// `C`: compare this profile (side A) with another.
    Compare(Arc<LookupOutcome>),
    /// Look side B up on the start screen; its result opens the comparison.
    LookUpSideB,
    Open(Overlay),
    Quit(i32),
}

/// What a screen's update returns.
pub enum Step {
    Done(Vec<Effect>),
    Go(Transition),
}

impl Step {
    pub fn none() -> Step {
        Step::Done(Vec::new())
    }
}

impl From<Vec<Effect>> for Step {
    fn from(effects: Vec<Effect>) -> Step {
        Step::Done(effects)
    }
}

impl From<Transition> for Step {
    fn from(t: Transition) -> Step {
        Step::Go(t)
    }
}

//! Everything that can change the TUI's state is a `Message`; everything `update` wants done in
//! the outside world (HTTP, keyring, quitting) is an `Effect` the runtime carries out.

use crossterm::event::{KeyEvent, MouseEvent};

use crate::error::LookupError;
use crate::find::{FindEvent, Query, Target};
use crate::lookup::{LookupEvent, LookupOutcome};
use crate::secrets::{ApiKey, KeyOrigin};
use crate::vendors::{Connection, Lookup};

/// Tags one lookup; a result whose id is no longer the current one is dropped as stale.
pub type RequestId = u64;

/// Whether a connection has a key, as shown in the vendor picker (never the key itself).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyStatus {
    /// Not checked yet (the keyring is asked off the UI thread after the first frame).
    Unknown,
    /// Found, and where (keyring, an environment variable, the demo server's key).
    Present(KeyOrigin),
    Missing,
    /// The key store could not answer (locked keyring, no Secret Service, …).
    Error(String),
}

#[derive(Debug)]
pub enum Message {
    Key(KeyEvent),
    /// A bracketed paste: goes to the focused text field as one edit.
    Paste(PastedText),
    Mouse(MouseEvent),
    Resize {
        width: u16,
        height: u16,
    },
    /// Time passed (spinner, countdowns, relative ages).
    Tick,
    LookupProgress {
        request: RequestId,
        event: LookupEvent,
    },
    LookupDone {
        request: RequestId,
        result: Box<Result<LookupOutcome, LookupError>>,
        /// The body's Raw index, built on the lookup's task so that a big body is not indexed
        /// on the UI thread (`None`: built when the profile is shown).
        index: Option<Box<crate::json::RawIndex>>,
    },
    /// A step of an All-vendors find (`Effect::StartFind`), tagged like a lookup's result: a
    /// find that was cancelled or replaced has a stale id and its events are dropped.
    FindProgress {
        request: RequestId,
        event: Box<FindEvent>,
    },
    KeyStatuses(Vec<(String, KeyStatus)>),
    KeySaved {
        connection: String,
        result: Result<(), String>,
    },
    /// Where an export was written, or why it was not.
    Exported(Result<std::path::PathBuf, String>),
    /// The export dialog's file exists already (asks before replacing it).
    ExportExists(String),
    /// `userscope open`: the whole file is parsed and indexed (the screen so far showed the
    /// identity found in a sample of it).
    FileLoaded(Box<LoadedFile>),
    /// Whether copies may not reach the clipboard here (OSC 52 support), once checked.
    ClipboardChecked(Option<String>),
    /// Whether saving the recent lookups worked (a failure is shown once, then only logged).
    HistorySaved(Result<(), String>),
    /// The avatar task for `url` finished: the picture, or the one-line note why not.
    AvatarLoaded {
        url: String,
        result: Result<crate::tui::avatar::Picture, String>,
    },
    /// SIGTERM / SIGINT from outside the terminal.
    Terminate {
        exit_code: i32,
    },
}

/// Pasted text. It may be an API key (pasted into the key dialog): its `Debug` shows only the
/// length, and it is wiped from memory when dropped.
pub struct PastedText(pub String);

impl std::fmt::Debug for PastedText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PastedText({} bytes)", self.0.len())
    }
}

impl Drop for PastedText {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

/// A file's full profile view, or why it cannot be shown.
pub struct LoadedFile(pub Result<crate::tui::view::ProfileView, crate::open::OpenError>);

impl std::fmt::Debug for LoadedFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Ok(_) => f.write_str("LoadedFile(Ok(ProfileView))"),
            Err(e) => write!(f, "LoadedFile(Err({e:?}))"),
        }
    }
}

#[derive(Debug)]
pub enum Effect {
    StartLookup {
        request: RequestId,
        connection: Connection,
        lookup: Lookup,
    },
    /// Cancel the lookup or the find with this id (whichever it is).
    CancelLookup {
        request: RequestId,
    },
    /// Ask every connection at once for `query` (`crate::find`): the runtime routes it with the
    /// config's `[find]` settings, follows found emails one round, and reports each step as a
    /// `Message::FindProgress`.
    StartFind {
        request: RequestId,
        query: Query,
        targets: Vec<Target>,
    },
    /// Ask the key source which connections have a key.
    CheckKeys(Vec<Connection>),
    SaveKey {
        connection: Connection,
        key: ApiKey,
    },
    /// Put text on the clipboard with OSC 52 (works over SSH; no clipboard daemon needed).
    Copy(String),
    /// Write the recent lookups (no keys, no payloads) to the history file.
    SaveHistory {
        path: std::path::PathBuf,
        entries: Vec<crate::history::Entry>,
    },
    /// Write an export from the export dialog; without `overwrite` an existing file is kept
    /// and reported with `Message::ExportExists`.
    WriteExport {
        file_name: String,
        bytes: Vec<u8>,
        overwrite: bool,
    },
    /// Delete the history file.
    ClearHistory {
        path: std::path::PathBuf,
    },
    /// Find out whether the terminal takes OSC 52 copies (inside tmux this asks tmux, a
    /// process: never before the first frame, never on the UI thread).
    CheckClipboard,
    /// Parse, normalize and index a saved payload off the UI thread (`userscope open`).
    LoadFile(crate::open::FileJob),
    /// Fetch and decode the avatar at `url` (asked for with `i` or `[tui] avatars = true`;
    /// never otherwise) and report with `Message::AvatarLoaded`.
    LoadAvatar {
        url: String,
        vendor: crate::vendors::VendorKind,
    },
    /// Write the profile's JSON (design §3 form, no keys) to `file_name` in the current directory.
    Export {
        file_name: String,
        json: String,
    },
}

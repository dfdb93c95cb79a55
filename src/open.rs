//! A saved vendor payload as a profile, with no network: read with a size cap, indexed for the
//! Raw pane, parsed with every container allocated once, normalized by the vendor's adapter.
//! The identity comes first from the file's head (or a sample), so `userscope open` can show
//! who the file is about while the rest loads. Pure apart from the file read and the clock.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::json::{RawIndex, index};
use crate::lookup::{LookupOutcome, Origin, RequestInfo};
use crate::vendors::{Lookup, VendorKind};

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

pub use crate::fsio::shown;

/// Read the file: a regular file of at most `cap` bytes (a FIFO, a device or a directory is
/// refused at once, and `/dev/zero` cannot grow memory past the cap).
pub fn read(path: &Path, cap: u64) -> Result<Vec<u8>, OpenError> {
    use crate::fsio::ReadError;
    crate::fsio::read_capped(path, cap).map_err(|e| match e {
        ReadError::TooLarge { path, size, cap } => OpenError::TooLarge { path, size, cap },
        other => OpenError::Unreadable {
            path: shown(path),
            cause: match other {
                ReadError::NotRegular { what, .. } => format!("it is {what}, not a regular file"),
                ReadError::Missing { .. } => "no such file".to_owned(),
                other => other.to_string(),
            },
        },
    })
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
            method: "FILE".to_owned(),
            url: path.display().to_string(),
            status: 200,
            elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            response_headers: Vec::new(),
            request_headers: Vec::new(),
        },
        profile: normalized.profile,
        raw,
        warnings: normalized.warnings,
        origin: Origin::File,
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
    let normalized = crate::json::sized_parse::parse(&bytes, &lines)
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
    let from_head = crate::json::sample::head(bytes, crate::json::sample::HEAD_BYTES)
        .and_then(|head| crate::json::sample::sample(&head).ok())
        .and_then(normalized)
        .filter(|n| n.profile.id.is_some() && n.profile.email.is_some());
    let found = match from_head {
        Some(found) => found,
        None => normalized(crate::json::sample::sample(bytes).ok()?)?,
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
        let err = read(Path::new("/dev/zero"), 1024).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot read /dev/zero: it is a device, not a regular file"
        );
        assert_eq!(err.exit_code(), 2);
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
    fn the_sample_finds_the_same_identity_as_the_full_load_for_every_demo_user() {
        let mut checked = 0;
        for vendor in VendorKind::all() {
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

//! The one line a watch shows in the header (and `get --watch` after a failure):
//! `watching · every 10 s · 3 changes · last 12 s ago`, the failure while the watch backs off,
//! and a different person, loudly, until cleared.

use std::time::{Duration, Instant};

use super::IdentityChange;
use super::schedule::Schedule;
use crate::sanitize::sanitize;

/// `12 s`, `3 min`, `2 h`: whole units, rounded down (a header ticking every second).
pub fn span_text(d: Duration) -> String {
    let secs = d.as_secs();
    if secs < 120 {
        format!("{secs} s")
    } else if secs < 2 * 3600 {
        format!("{} min", secs / 60)
    } else {
        format!("{} h", secs / 3600)
    }
}

pub(super) fn summary(
    schedule: &Schedule,
    changes: u64,
    identity: Option<&IdentityChange>,
    now: Instant,
) -> String {
    let mut parts = vec![
        "watching".to_owned(),
        format!("every {} s", schedule.interval().as_secs()),
    ];
    if let Some(change) = identity {
        let id = |v: &Option<String>| {
            v.as_deref()
                .map_or_else(|| "none".to_owned(), |s| sanitize(s).into_owned())
        };
        parts.push(format!(
            "DIFFERENT PERSON: id {} → {}",
            id(&change.old),
            id(&change.new)
        ));
    }
    parts.push(match changes {
        1 => "1 change".to_owned(),
        n => format!("{n} changes"),
    });
    match schedule.failure() {
        Some(failure) => {
            parts.push(format!("refresh failed: {}", failure.message));
            parts.push(if schedule.in_flight() {
                "retrying…".to_owned()
            } else {
                format!("retry in {}", span_text(schedule.until_due(now)))
            });
        }
        None => parts.push(format!(
            "last {} ago",
            span_text(now.saturating_duration_since(schedule.last_success()))
        )),
    }
    parts.join(" · ")
}

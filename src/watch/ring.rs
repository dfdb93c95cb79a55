//! The last versions of a watched profile, each with its time and its diff against the one
//! before. Bounded: pushing the 51st drops the oldest, so a watch left running overnight holds
//! 50 versions, not 10,000.

use std::collections::VecDeque;

use chrono::{DateTime, Utc};

use super::change::Diff;

/// How many versions a watch keeps (design §12: `[` and `]` step through the last 50).
pub const RING_CAPACITY: usize = 50;

/// One fetched version. `seq` counts from 0 (the version the watch began with) and never
/// repeats, so a cursor held by the TUI stays meaningful while the ring turns.
#[derive(Clone, Debug, PartialEq)]
pub struct Version<V> {
    pub seq: u64,
    /// When it was fetched.
    pub at: DateTime<Utc>,
    pub value: V,
    /// Against the version before it (empty for the first).
    pub diff: Diff,
}

/// Never empty: it is made with the version a watch begins with, so there is always a latest.
#[derive(Clone, Debug)]
pub struct Ring<V> {
    /// Oldest first; at most `capacity - 1`, the latest being kept apart.
    older: VecDeque<Version<V>>,
    latest: Version<V>,
    capacity: usize,
}

impl<V> Ring<V> {
    /// A ring of `capacity` versions (at least 1), holding `first` (seq 0, empty diff).
    pub fn new(capacity: usize, at: DateTime<Utc>, first: V) -> Ring<V> {
        let capacity = capacity.max(1);
        Ring {
            older: VecDeque::with_capacity(capacity - 1),
            latest: Version {
                seq: 0,
                at,
                value: first,
                diff: Diff::Fields(Vec::new()),
            },
            capacity,
        }
    }

    /// Add the newest version, dropping the oldest when full; returns it.
    pub fn push(&mut self, at: DateTime<Utc>, value: V, diff: Diff) -> &Version<V> {
        let next = Version {
            seq: self.latest.seq.saturating_add(1),
            at,
            value,
            diff,
        };
        let previous = std::mem::replace(&mut self.latest, next);
        if self.capacity > 1 {
            if self.older.len() + 1 >= self.capacity {
                self.older.pop_front();
            }
            self.older.push_back(previous);
        }
        &self.latest
    }

    pub fn latest(&self) -> &Version<V> {
        &self.latest
    }

    /// The version with this `seq`, if still kept.
    pub fn get(&self, seq: u64) -> Option<&Version<V>> {
        if seq == self.latest.seq {
            return Some(&self.latest);
        }
        let first = self.older.front()?.seq;
        let offset = usize::try_from(seq.checked_sub(first)?).ok()?;
        self.older.get(offset)
    }

    /// The version before `seq` (`[`), if kept.
    pub fn older(&self, seq: u64) -> Option<&Version<V>> {
        self.get(seq.checked_sub(1)?)
    }

    /// The version after `seq` (`]`), if any.
    pub fn newer(&self, seq: u64) -> Option<&Version<V>> {
        self.get(seq.checked_add(1)?)
    }

    /// Oldest first, the latest last.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Version<V>> {
        self.older.iter().chain(std::iter::once(&self.latest))
    }

    pub fn len(&self) -> usize {
        self.older.len() + 1
    }

    /// Never: a ring always holds its latest version.
    pub fn is_empty(&self) -> bool {
        false
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }
}

//! Two profiles side by side: the pure diff behind the Compare screen ("is this the same
//! person in both tools?"). Rows are matched once, when the comparison opens, so drawing only
//! reads them. Values compare by meaning, not by spelling: emails ignore case, `1` equals
//! `1.0` and `"1"`, and two timestamps (ISO text or epoch milliseconds) equal when they name
//! the same millisecond.

use crate::display::ABSENT;
use crate::lookup::LookupOutcome;
use crate::sanitize::sanitize;
use crate::vendors::{Lookup, VendorKind};

mod equal;
pub mod merge;
mod rows;
#[cfg(test)]
mod tests;

pub use equal::{fields_equal, instant, values_equal};
pub use rows::{diff, normalized_key};

/// How a row's two sides relate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    Same,
    Differs,
    OnlyA,
    OnlyB,
}

impl Status {
    /// Told apart without colour (NO_COLOR): `=` same, `≠` differs, `◀` only A, `▶` only B.
    pub fn symbol(self) -> &'static str {
        match self {
            Status::Same => "=",
            Status::Differs => "≠",
            Status::OnlyA => "◀",
            Status::OnlyB => "▶",
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            Status::Same => "same",
            Status::Differs => "differs",
            Status::OnlyA => "only A",
            Status::OnlyB => "only B",
        }
    }
}

/// The blocks of the comparison, in the order they are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Group {
    Identity,
    Location,
    /// Properties and attributes together: vendors file the same fact in either.
    Fields,
    Tags,
    Segments,
}

impl Group {
    pub fn title(self) -> &'static str {
        match self {
            Group::Identity => "Identity",
            Group::Location => "Location",
            Group::Fields => "Properties & attributes",
            Group::Tags => "Tags",
            Group::Segments => "Segments",
        }
    }
}

/// One side of a row: where the value lives and how it reads.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    /// `properties.firstName`, `attributes.company`, `tags.plan`, `email` (sanitized).
    pub path: String,
    /// One line, sanitized, ready to draw.
    pub text: String,
    /// The full value when it differs from `text` (pretty JSON, a timestamp's raw form);
    /// not sanitized, so the detail popup sanitizes it line by line.
    pub full: Option<String>,
}

impl Cell {
    fn new(path: &str, text: &str) -> Cell {
        Cell {
            path: sanitize(path).into_owned(),
            text: sanitize(text).into_owned(),
            full: None,
        }
    }

    /// The whole value, for the detail popup and copies.
    pub fn full_text(&self) -> &str {
        self.full.as_deref().unwrap_or(&self.text)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct CompareRow {
    pub group: Group,
    /// The key as shown: `email`, or `firstName ~ first_name` when the keys matched only
    /// after normalizing (sanitized).
    pub key: String,
    pub a: Option<Cell>,
    pub b: Option<Cell>,
    pub status: Status,
}

/// A side's header: who was looked up where (all text sanitized).
#[derive(Clone, Debug, PartialEq)]
pub struct SideInfo {
    pub vendor: VendorKind,
    pub connection: String,
    pub lookup: Lookup,
    pub id: String,
    pub name: String,
    pub email: String,
    /// What the verdict calls this side: the vendor when the vendors differ, else the
    /// connection when those differ, else `A` / `B`.
    pub label: String,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub same: usize,
    pub differs: usize,
    pub only_a: usize,
    pub only_b: usize,
}

impl Counts {
    fn add(&mut self, status: Status) {
        match status {
            Status::Same => self.same += 1,
            Status::Differs => self.differs += 1,
            Status::OnlyA => self.only_a += 1,
            Status::OnlyB => self.only_b += 1,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    pub a: SideInfo,
    pub b: SideInfo,
    pub rows: Vec<CompareRow>,
    /// Rows outside Identity, by status.
    pub counts: Counts,
    /// `Same email · same name · 3 differ · 12 only in Coho · 5 only in User.com`.
    pub verdict: String,
}

impl Comparison {
    /// Compare two looked-up profiles (`a` is the one the user started from).
    pub fn new(a: &LookupOutcome, b: &LookupOutcome) -> Comparison {
        let (label_a, label_b) = if a.vendor != b.vendor {
            (
                a.vendor.display_name().to_owned(),
                b.vendor.display_name().to_owned(),
            )
        } else if a.connection != b.connection {
            (
                sanitize(&a.connection).into_owned(),
                sanitize(&b.connection).into_owned(),
            )
        } else {
            ("A".to_owned(), "B".to_owned())
        };
        let rows = diff(&a.profile, &b.profile);
        let mut counts = Counts::default();
        for row in rows.iter().filter(|r| r.group != Group::Identity) {
            counts.add(row.status);
        }
        let identity = |key: &str| {
            rows.iter()
                .find(|r| r.group == Group::Identity && r.key == key)
                .map(|r| r.status)
        };
        let mut checks = Vec::new();
        // Across vendors the IDs are different by nature; within one they tell the most.
        if a.vendor == b.vendor {
            checks.push(("ID", identity("ID")));
        }
        checks.push(("email", identity("Email")));
        checks.push(("name", identity("Name")));
        let verdict = verdict(&checks, counts, &label_a, &label_b);
        Comparison {
            a: side(a, label_a),
            b: side(b, label_b),
            rows,
            counts,
            verdict,
        }
    }
}

fn side(o: &LookupOutcome, label: String) -> SideInfo {
    let text = |v: &Option<String>| sanitize(v.as_deref().unwrap_or(ABSENT)).into_owned();
    SideInfo {
        vendor: o.vendor,
        connection: sanitize(&o.connection).into_owned(),
        lookup: Lookup::new(o.lookup.by, sanitize(&o.lookup.value).into_owned()),
        id: text(&o.profile.id),
        name: text(&o.profile.display_name),
        email: text(&o.profile.email),
        label,
    }
}

/// The summary line: identity first (the question asked), then how the rest compares.
pub fn verdict(checks: &[(&str, Option<Status>)], counts: Counts, a: &str, b: &str) -> String {
    let mut parts: Vec<String> = checks
        .iter()
        .filter_map(|(noun, status)| {
            Some(match (*status)? {
                Status::Same => format!("same {noun}"),
                Status::Differs => format!("different {noun}"),
                Status::OnlyA => format!("{noun} only in {a}"),
                Status::OnlyB => format!("{noun} only in {b}"),
            })
        })
        .collect();
    if counts.same > 0 {
        parts.push(format!("{} same", counts.same));
    }
    if counts.differs > 0 {
        let verb = if counts.differs == 1 {
            "differs"
        } else {
            "differ"
        };
        parts.push(format!("{} {verb}", counts.differs));
    }
    if counts.only_a > 0 {
        parts.push(format!("{} only in {a}", counts.only_a));
    }
    if counts.only_b > 0 {
        parts.push(format!("{} only in {b}", counts.only_b));
    }
    if parts.is_empty() {
        return "Nothing to compare: both profiles are empty".to_owned();
    }
    let text = parts.join(" · ");
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => text,
    }
}

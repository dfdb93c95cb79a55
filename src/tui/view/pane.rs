//! The panes of the profile screen, as one table: each entry says what the pane is called,
//! which digit focuses it (its place in the table), what `?` says about that digit, and where
//! its rows come from. Adding a pane is a variant of `Pane` and one entry in `PANES`; the tab
//! bar, the digit keys, the help and the per-pane state (scroll, filter, key width) follow.

use crate::lookup::LookupOutcome;
use crate::profile::{Field, Profile, Section};

use super::rows::{self, Row};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pane {
    Overview,
    Properties,
    Tags,
    Segments,
    Attributes,
    Location,
    Raw,
    Request,
}

/// Where a pane's rows come from.
#[derive(Clone, Copy)]
pub enum RowSource {
    /// Built once when the view is made (small panes); the flag says a file is still loading.
    Built(fn(&LookupOutcome, bool) -> Vec<Row>),
    /// A profile section's fields, formatted row by row as drawn (there can be 100,000s).
    Fields(fn(&Profile) -> &[Field]),
    /// The JSON tree (folds and searches instead of filtering).
    Raw,
}

pub struct PaneSpec {
    pub pane: Pane,
    pub title: &'static str,
    /// For the tab bar on narrow terminals.
    pub short_title: &'static str,
    /// What `?` says about the pane's digit key.
    pub key_help: &'static str,
    /// The profile section it lists, if it is one.
    pub section: Option<Section>,
    pub rows: RowSource,
}

/// Every pane, in tab order; a pane's digit key is its place here (1 for the first).
pub const PANES: &[PaneSpec] = &[
    PaneSpec {
        pane: Pane::Overview,
        title: "Overview",
        short_title: "Overview",
        key_help: "Overview pane",
        section: None,
        rows: RowSource::Built(rows::overview_rows),
    },
    PaneSpec {
        pane: Pane::Properties,
        title: "Properties",
        short_title: "Props",
        key_help: "Properties pane",
        section: Some(Section::Properties),
        rows: RowSource::Fields(|p| &p.properties),
    },
    PaneSpec {
        pane: Pane::Tags,
        title: "Tags",
        short_title: "Tags",
        key_help: "Tags pane",
        section: Some(Section::Tags),
        rows: RowSource::Fields(|p| &p.tags),
    },
    PaneSpec {
        pane: Pane::Segments,
        title: "Segments",
        short_title: "Segs",
        key_help: "Segments pane",
        section: Some(Section::Segments),
        rows: RowSource::Built(|o, _| rows::segment_rows(o)),
    },
    PaneSpec {
        pane: Pane::Attributes,
        title: "Attributes",
        short_title: "Attrs",
        key_help: "Attributes pane",
        section: Some(Section::Attributes),
        rows: RowSource::Fields(|p| &p.attributes),
    },
    PaneSpec {
        pane: Pane::Location,
        title: "Location",
        short_title: "Loc",
        key_help: "Location pane",
        section: Some(Section::Location),
        rows: RowSource::Built(|o, _| rows::location_rows(o)),
    },
    PaneSpec {
        pane: Pane::Raw,
        title: "Raw",
        short_title: "Raw",
        key_help: "Raw pane",
        section: None,
        rows: RowSource::Raw,
    },
    PaneSpec {
        pane: Pane::Request,
        title: "Request",
        short_title: "Req",
        key_help: "Request pane",
        section: None,
        rows: RowSource::Built(|o, _| rows::request_rows(o)),
    },
];

/// How many panes there are (sizes the per-pane state arrays).
pub const PANE_COUNT: usize = PANES.len();

// `Pane::spec` falls back to the first entry: checked when compiling, not at run time.
const _: () = assert!(PANE_COUNT > 0);

impl Pane {
    /// Every pane in tab order.
    pub const ALL: [Pane; PANE_COUNT] = {
        let mut all = [Pane::Overview; PANE_COUNT];
        let mut i = 0;
        while i < PANE_COUNT {
            all[i] = PANES[i].pane;
            i += 1;
        }
        all
    };

    /// The pane's entry in the table (every variant has one: see the test below).
    pub fn spec(self) -> &'static PaneSpec {
        PANES.iter().find(|s| s.pane == self).unwrap_or(&PANES[0])
    }

    pub fn index(self) -> usize {
        Pane::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }

    pub fn from_index(i: usize) -> Option<Pane> {
        Pane::ALL.get(i).copied()
    }

    pub fn title(self) -> &'static str {
        self.spec().title
    }

    pub fn short_title(self) -> &'static str {
        self.spec().short_title
    }

    pub fn section(self) -> Option<Section> {
        self.spec().section
    }

    pub fn next(self) -> Pane {
        Pane::from_index((self.index() + 1) % PANE_COUNT).unwrap_or(Pane::Overview)
    }

    pub fn prev(self) -> Pane {
        Pane::from_index((self.index() + PANE_COUNT - 1) % PANE_COUNT).unwrap_or(Pane::Overview)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pane_has_exactly_one_entry_in_table_order() {
        for (i, spec) in PANES.iter().enumerate() {
            assert_eq!(spec.pane.index(), i, "{}", spec.title);
            assert_eq!(Pane::ALL[i], spec.pane);
            assert_eq!(PANES.iter().filter(|s| s.pane == spec.pane).count(), 1);
        }
        assert_eq!(Pane::Request.next(), Pane::Overview);
        assert_eq!(Pane::Overview.prev(), Pane::Request);
    }
}

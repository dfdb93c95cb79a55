//! Fuzzy matching for the pane filters (`f`): the typed characters must appear in order in a
//! row's key or value, not necessarily next to each other (`cmpny` finds `company`), case
//! ignored. `nucleo-matcher` (helix's matcher) does the matching: fast enough to rescan
//! 100,000 rows on each keystroke, and it reports the matched positions for highlighting.

use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

pub struct FuzzyQuery {
    pattern: Pattern,
    matcher: Matcher,
    buf: Vec<char>,
}

impl FuzzyQuery {
    /// Whitespace separates words that must all match; `None` for an empty query.
    pub fn new(query: &str) -> Option<FuzzyQuery> {
        if query.trim().is_empty() {
            return None;
        }
        Some(FuzzyQuery {
            pattern: Pattern::new(
                query,
                CaseMatching::Ignore,
                // As `Needle` does: no accent folding, so the highlight and the filter agree.
                Normalization::Never,
                AtomKind::Fuzzy,
            ),
            matcher: Matcher::new(Config::DEFAULT),
            buf: Vec::new(),
        })
    }

    pub fn is_match(&mut self, text: &str) -> bool {
        self.pattern
            .score(Utf32Str::new(text, &mut self.buf), &mut self.matcher)
            .is_some()
    }

    /// The character positions in `text` that the query matched (sorted, no repeats), or
    /// `None` when it does not match.
    pub fn positions(&mut self, text: &str) -> Option<Vec<usize>> {
        let mut indices = Vec::new();
        self.pattern.indices(
            Utf32Str::new(text, &mut self.buf),
            &mut self.matcher,
            &mut indices,
        )?;
        indices.sort_unstable();
        indices.dedup();
        Some(indices.into_iter().map(|i| i as usize).collect())
    }
}

/// The same match as `FuzzyQuery`, as a yes/no only, for scanning many rows: every word of
/// the query must be a subsequence of the (lowercased) text. No scoring, so a keystroke on
/// 100,000 rows stays within a frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Needle {
    words: Vec<Vec<char>>,
}

impl Needle {
    pub fn new(query: &str) -> Option<Needle> {
        let words: Vec<Vec<char>> = query
            .split_whitespace()
            .map(|w| w.chars().flat_map(char::to_lowercase).collect())
            .collect();
        (!words.is_empty()).then_some(Needle { words })
    }

    /// Whether every row this needle matches is also matched by `broader` (typing more only
    /// narrows), so the new filter can scan just the old matches.
    pub fn narrows(&self, broader: &Needle) -> bool {
        broader.words.len() <= self.words.len()
            && broader
                .words
                .iter()
                .zip(&self.words)
                .enumerate()
                .all(|(i, (b, n))| {
                    if i + 1 == broader.words.len() {
                        n.starts_with(b)
                    } else {
                        n == b
                    }
                })
    }

    /// `lowered` must already be lowercase (see `lower`).
    pub fn matches(&self, lowered: &str) -> bool {
        self.words.iter().all(|word| {
            let mut chars = lowered.chars();
            word.iter().all(|w| chars.any(|c| c == *w))
        })
    }
}

/// Text as `Needle::matches` wants it.
pub fn lower(text: &str) -> String {
    text.chars().flat_map(char::to_lowercase).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_characters_in_order_ignoring_case() {
        let mut q = FuzzyQuery::new("cmpny").unwrap();
        assert!(q.is_match("Company"));
        assert!(!q.is_match("pmcny"));
        assert_eq!(q.positions("company"), Some(vec![0, 2, 3, 5, 6]));
        assert_eq!(q.positions("city"), None);
        let mut words = FuzzyQuery::new("north log").unwrap();
        assert!(words.is_match("Northwind Logistics"));
        assert!(!words.is_match("Northwind"));
        assert!(FuzzyQuery::new("  ").is_none());
        let needle = Needle::new("cmpny").unwrap();
        assert!(needle.matches(&lower("Company")));
        assert!(!needle.matches("pmcny"));
        let words = Needle::new("North LOG").unwrap();
        assert!(words.matches(&lower("Northwind Logistics")));
        assert!(!words.matches("northwind"));
        assert!(Needle::new("cmpnyx").unwrap().narrows(&needle));
        assert!(Needle::new("north log x").unwrap().narrows(&words));
        assert!(!Needle::new("cmp").unwrap().narrows(&needle));
        assert!(!Needle::new("nrth").unwrap().narrows(&needle));
    }
}

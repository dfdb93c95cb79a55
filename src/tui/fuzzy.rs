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
/// the query must be a subsequence of the text, case ignored. No scoring and no prepared
/// copy of the rows, so a keystroke on 100,000 rows stays within a frame, the first included.
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

    /// Whether every word is a subsequence of `text`, lowercased as it is read (no copy of
    /// the text is made, so a pane can be scanned without preparing its rows first).
    pub fn matches(&self, text: &str) -> bool {
        self.words.iter().all(|word| subsequence(word, text))
    }
}

/// Text lowercased as `Needle::matches` compares it (for callers that keep lowered text;
/// `matches` itself accepts text in any case).
pub fn lower(text: &str) -> String {
    text.chars().flat_map(char::to_lowercase).collect()
}

/// `word` (lowercase) appears in order in `text` (any case).
fn subsequence(word: &[char], text: &str) -> bool {
    if word.iter().all(char::is_ascii) {
        if ascii_subsequence(word, text.as_bytes()) {
            return true;
        }
        // Only two non-ASCII characters lowercase to ASCII letters (KELVIN SIGN → k, İ → i̇);
        // any other text that failed the byte search cannot match.
        if text.is_ascii() || !(text.contains('\u{212A}') || text.contains('\u{130}')) {
            return false;
        }
    }
    chars_subsequence(word, text)
}

/// An ASCII `word` searched byte-wise (SIMD `memchr2` for each character, lower or upper case):
/// UTF-8 never has an ASCII byte inside a multi-byte character, so a byte hit is a character.
fn ascii_subsequence(word: &[char], text: &[u8]) -> bool {
    let mut rest = text;
    for w in word {
        let Ok(lower) = u8::try_from(u32::from(*w)) else {
            return false;
        };
        let found = if lower.is_ascii_lowercase() {
            memchr::memchr2(lower, lower.to_ascii_uppercase(), rest)
        } else {
            memchr::memchr(lower, rest)
        };
        match found.and_then(|i| rest.get(i + 1..)) {
            Some(after) => rest = after,
            None => return false,
        }
    }
    true
}

/// The general case: each character of `text` lowercased as it is read.
fn chars_subsequence(word: &[char], text: &str) -> bool {
    let mut wanted = word.iter().peekable();
    for c in text.chars() {
        for l in c.to_lowercase() {
            wanted.next_if(|w| **w == l);
        }
        if wanted.peek().is_none() {
            return true;
        }
    }
    wanted.peek().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        // The byte-wise memchr search agrees with the general lowercase-as-read comparison
        // on every ASCII word and text.
        #[test]
        fn the_ascii_search_agrees_with_the_general_one(
            word in "[a-c0-9_ ]{0,6}",
            text in "[a-cA-C0-9_ ]{0,150}",
        ) {
            let word: Vec<char> = word.chars().collect();
            prop_assert_eq!(
                ascii_subsequence(&word, text.as_bytes()),
                chars_subsequence(&word, &text)
            );
        }
    }

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
        assert!(needle.matches("Company"));
        assert!(!needle.matches("pmcny"));
        let words = Needle::new("North LOG").unwrap();
        assert!(words.matches("Northwind Logistics"));
        assert!(!words.matches("northwind"));
        // Non-ASCII text is lowercased as it is read, as the highlight does.
        assert!(Needle::new("zürich").unwrap().matches("ZÜRICH 東京"));
        assert!(Needle::new("京").unwrap().matches("東京"));
        assert!(!Needle::new("ü").unwrap().matches("u"));
        // The two non-ASCII characters whose lowercase is ASCII.
        assert!(Needle::new("kelvin").unwrap().matches("\u{212A}ELVIN"));
        assert!(Needle::new("istanbul").unwrap().matches("\u{130}STANBUL"));
        // The byte search never matches inside a multi-byte character, and order counts.
        assert!(!Needle::new("ab").unwrap().matches("a東"));
        assert!(Needle::new("a1b").unwrap().matches("xA—1—B"));
        assert!(!Needle::new("a1b").unwrap().matches("xA—B—1"));
        assert!(Needle::new("").is_none());
        assert!(Needle::new("cmpnyx").unwrap().narrows(&needle));
        assert!(Needle::new("north log x").unwrap().narrows(&words));
        assert!(!Needle::new("cmp").unwrap().narrows(&needle));
        assert!(!Needle::new("nrth").unwrap().narrows(&needle));
    }
}

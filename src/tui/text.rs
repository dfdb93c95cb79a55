//! Column arithmetic in terminal cells, not bytes or chars: CJK and emoji take two cells, so
//! truncating and padding must count display width to keep columns aligned.

use std::borrow::Cow;

use unicode_width::UnicodeWidthStr;

pub const ELLIPSIS: char = '…';

pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// The grapheme clusters of `s` (UAX #29, extended): what a person reads as one character, and
/// what a terminal draws as one glyph — a base character with its combining marks, variation
/// selectors and skin-tone modifiers, emoji joined by ZWJ, a flag's two regional indicators.
/// Cutting inside one would draw half a glyph, or a glyph of another width than the one
/// counted. Zero-width format characters (direction marks, the soft hyphen) stand alone, so
/// `sanitize` shows them on their own.
pub fn clusters(s: &str) -> impl Iterator<Item = &str> {
    unicode_segmentation::UnicodeSegmentation::graphemes(s, true)
}

/// `s` cut to at most `max` cells, ending in `…` when something was cut. Cuts fall between
/// grapheme clusters (`clusters`), never inside a flag or a skin-tone emoji.
pub fn truncate(s: &str, max: usize) -> Cow<'_, str> {
    if width(s) <= max {
        return Cow::Borrowed(s);
    }
    if max == 0 {
        return Cow::Borrowed("");
    }
    let mut out = String::new();
    let mut used = 0;
    for g in clusters(s) {
        let w = width(g);
        if used + w > max - 1 {
            break;
        }
        out.push_str(g);
        used += w;
    }
    out.push(ELLIPSIS);
    Cow::Owned(out)
}

/// `s` cut to at most `max` cells by dropping its middle: keys such as `items[0]` and `items[1]`
/// stay distinguishable when the key column is narrow.
pub fn truncate_middle(s: &str, max: usize) -> Cow<'_, str> {
    if width(s) <= max {
        return Cow::Borrowed(s);
    }
    if max < 5 {
        return truncate(s, max);
    }
    let budget = max - 1;
    let head_budget = budget / 2;
    let mut head = String::new();
    let mut used = 0;
    for g in clusters(s) {
        let w = width(g);
        if used + w > head_budget {
            break;
        }
        head.push_str(g);
        used += w;
    }
    let tail_budget = budget - used;
    let all: Vec<&str> = clusters(s).collect();
    let mut tail: Vec<&str> = Vec::new();
    let mut tail_used = 0;
    for g in all.iter().rev() {
        let w = width(g);
        if tail_used + w > tail_budget {
            break;
        }
        tail.push(g);
        tail_used += w;
    }
    head.push(ELLIPSIS);
    head.extend(tail.into_iter().rev());
    Cow::Owned(head)
}

/// `s` truncated to `cells` and padded with spaces to exactly `cells` cells.
pub fn fit(s: &str, cells: usize) -> String {
    let cut = truncate(s, cells);
    let pad = cells.saturating_sub(width(&cut));
    let mut out = String::with_capacity(cut.len() + pad);
    out.push_str(&cut);
    out.extend(std::iter::repeat_n(' ', pad));
    out
}

/// Split text into lines of at most `cells` cells, breaking at spaces where possible and
/// inside a word only when the word alone is wider than a line (for popups and messages).
pub fn wrap(s: &str, cells: usize) -> Vec<String> {
    // Leading spaces are indentation (pretty JSON in the detail popup): kept on the first
    // line and repeated on each continuation, as long as some room is left for the text.
    let body = s.trim_start_matches(' ');
    let indent = s.len() - body.len();
    if indent > 0 && indent < cells.max(1) {
        let pad = " ".repeat(indent);
        return wrap_words(body, cells - indent)
            .into_iter()
            .map(|line| format!("{pad}{line}"))
            .collect();
    }
    wrap_words(s, cells)
}

fn wrap_words(s: &str, cells: usize) -> Vec<String> {
    let cells = cells.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for word in s.split(' ') {
        let w = width(word);
        let sep = usize::from(!line.is_empty());
        if used + sep + w <= cells {
            if sep == 1 {
                line.push(' ');
            }
            line.push_str(word);
            used += sep + w;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        for g in clusters(word) {
            let cw = width(g);
            if used + cw > cells && !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            line.push_str(g);
            used += cw;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_counts_cells() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("李小龍先生", 5), "李小…");
        assert_eq!(width(&fit("李小龍先生", 6)), 6);
        assert_eq!(fit("🎉x", 4), "🎉x ");
        assert_eq!(
            truncate_middle("allSubscriptionIdentifiers[0]", 12),
            "allSu…ers[0]"
        );
        assert_eq!(truncate_middle("short", 12), "short");
        assert_eq!(width(&truncate_middle("名前名前名前名前", 9)), 9);
    }

    #[test]
    fn clusters_keep_flags_skin_tones_and_joined_emoji_whole() {
        fn split(s: &str) -> Vec<&str> {
            clusters(s).collect()
        }
        assert_eq!(split("a🇩🇪🇫🇷b"), ["a", "🇩🇪", "🇫🇷", "b"]);
        assert_eq!(split("👍🏽!"), ["👍🏽", "!"]);
        assert_eq!(
            split("👨\u{200d}👩\u{200d}👧x"),
            ["👨\u{200d}👩\u{200d}👧", "x"]
        );
        assert_eq!(split("e\u{301}❤\u{fe0f}"), ["e\u{301}", "❤\u{fe0f}"]);
        assert_eq!(split("🇩🇪🇫"), ["🇩🇪", "🇫"]);
        assert_eq!(split(""), Vec::<&str>::new());
        assert_eq!(split("李x"), ["李", "x"]);
        // Direction overrides and zero-width spaces stand alone (sanitize shows them).
        assert_eq!(
            split("b\u{202e}c\u{200b}"),
            ["b", "\u{202e}", "c", "\u{200b}"]
        );
    }

    #[test]
    fn truncation_never_cuts_inside_a_grapheme() {
        assert_eq!(truncate("🇩🇪🇩🇪🇩🇪", 4), "🇩🇪…");
        assert_eq!(truncate("👍🏽👍🏽👍🏽", 4), "👍🏽…");
        assert_eq!(width(&truncate("👍🏽👍🏽👍🏽", 4)), 3);
        assert_eq!(truncate("👍🏽👍🏽", 4), "👍🏽👍🏽");
        assert_eq!(fit("👍🏽x", 4), "👍🏽x ");
        assert_eq!(truncate_middle("🇩🇪abcdefgh🇫🇷", 7), "🇩🇪a…h🇫🇷");
        assert_eq!(wrap("🇩🇪🇩🇪🇩🇪", 3), vec!["🇩🇪", "🇩🇪", "🇩🇪"]);
    }

    #[test]
    fn wrapping_keeps_every_char() {
        let lines = wrap("abcdefg", 3);
        assert_eq!(lines, vec!["abc", "def", "g"]);
        assert_eq!(
            wrap("check it, then run", 10),
            vec!["check it,", "then run"]
        );
        assert_eq!(wrap("a verylongword", 6), vec!["a", "verylo", "ngword"]);
        assert_eq!(wrap("", 3), vec![""]);
        // Indentation stays, also on continuation lines.
        assert_eq!(wrap("  \"a\": 1", 20), vec!["  \"a\": 1"]);
        assert_eq!(
            wrap("    \"k\": \"one two\"", 12),
            vec!["    \"k\":", "    \"one", "    two\""]
        );
        assert_eq!(wrap("      x", 4), vec!["x"]);
    }
}

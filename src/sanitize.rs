//! Every string a vendor sends is untrusted: make control characters visible before drawing.

use std::borrow::Cow;

/// Replace C0/C1 controls, DEL and bidi controls with visible stand-ins so that nothing a vendor
/// sends can move the cursor, change colours, write the clipboard (OSC 52) or reorder text.
/// Newlines and tabs are replaced too: callers that want multi-line text split first.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_replacing) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if needs_replacing(c) {
            push_visible(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn needs_replacing(c: char) -> bool {
    c.is_control() || is_bidi_control(c) || matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}')
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn push_visible(out: &mut String, c: char) {
    match c {
        // C0 controls have dedicated "control picture" glyphs (␀ … ␟), DEL has ␡.
        '\u{0}'..='\u{1F}' => out.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{FFFD}')),
        '\u{7F}' => out.push('\u{2421}'),
        _ => {
            out.push_str(&format!("<U+{:04X}>", c as u32));
        }
    }
}

/// Hide the userinfo of every URL in `text` (`http://user:PW@host` → `http://***@host`), so a
/// password pasted into a base URL is never echoed in a message, a screen or the log.
pub fn redact_userinfo(text: &str) -> Cow<'_, str> {
    if !text.contains("://") || !text.contains('@') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let (before, after) = rest.split_at(at + 3);
        out.push_str(before);
        // The authority ends at the first '/', '?', '#' or whitespace; userinfo is what comes
        // before its last '@'.
        let end = after
            .find(|c: char| matches!(c, '/' | '?' | '#') || c.is_whitespace())
            .unwrap_or(after.len());
        let (authority, tail) = after.split_at(end);
        match authority.rfind('@') {
            Some(sign) => {
                out.push_str("***");
                out.push_str(&authority[sign..]);
            }
            None => out.push_str(authority),
        }
        rest = tail;
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        assert!(matches!(sanitize("Zoë Ångström 李 🎉"), Cow::Borrowed(_)));
    }

    #[test]
    fn escape_sequences_and_bidi_are_made_visible() {
        assert_eq!(sanitize("a\u{1b}]52;c;x\u{7}b"), "a␛]52;c;x␇b");
        assert_eq!(sanitize("x\r\ny\t"), "x␍␊y␉");
        assert_eq!(sanitize("\u{202E}evil"), "<U+202E>evil");
        assert_eq!(sanitize("\u{9b}31m"), "<U+009B>31m");
        assert_eq!(sanitize("\u{7f}"), "␡");
    }

    #[test]
    fn userinfo_in_urls_is_hidden_wherever_it_stands() {
        assert_eq!(
            redact_userinfo("`http://user:S3cret@127.0.0.1:8080` is not usable"),
            "`http://***@127.0.0.1:8080` is not usable"
        );
        assert_eq!(
            redact_userinfo("a https://x@h/p?q=a@b and ftp://u:p@@h2"),
            "a https://***@h/p?q=a@b and ftp://***@h2"
        );
        assert_eq!(
            redact_userinfo("mail me@example.com"),
            "mail me@example.com"
        );
        assert_eq!(redact_userinfo("https://h/a@b"), "https://h/a@b");
    }
}

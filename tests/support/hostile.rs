//! What a hostile vendor sends, and the check that none of it reaches a terminal raw.

/// OSC 52 (clipboard write), clear screen, a C1 CSI, a bidi override, CR LF, NUL, DEL.
pub const HOSTILE: &str = "\u{1b}]52;c;aGFjaw==\u{7}\u{1b}[2J\u{9b}31m\u{202e}evil\r\nX\u{0}\u{7f}";
/// The same, as `sanitize` shows it.
pub const HOSTILE_SHOWN: &str = "␛]52;c;aGFjaw==␇␛[2J<U+009B>31m<U+202E>evil␍␊X␀␡";

/// Characters that must never reach a terminal from a vendor: C0 (but `\n`), DEL, C1, bidi
/// controls and line/paragraph separators.
pub fn forbidden_char(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

/// `bytes` are UTF-8 without a [`forbidden_char`]; `what` names them in the failure.
#[track_caller]
pub fn assert_terminal_safe(what: &str, bytes: &[u8]) {
    let text = std::str::from_utf8(bytes).unwrap_or_else(|e| {
        panic!(
            "{what} is not UTF-8 ({e}): {:?}",
            String::from_utf8_lossy(bytes)
        )
    });
    if let Some(c) = text.chars().find(|c| forbidden_char(*c)) {
        panic!("{what} holds the raw control U+{:04X}: {text:?}", c as u32);
    }
}

/// IDs that try to change which endpoint is called (design §2): traversal, encoded
/// separators, query and fragment characters, header injection, look-alike digits, other hosts.
/// Each must stay one encoded path segment or one query value, or be refused before sending.
pub const HOSTILE_IDS: &[&str] = &[
    "../../admin",
    "..%2F..%2Fadmin",
    "%2e%2e%2fadmin",
    "a%2Fb",
    "a/b",
    "..\\..\\admin",
    "u-1?x=1",
    "u-1&id=2",
    "u-1#frag",
    "u-1;x=1",
    "a\r\nX-Injected: 1",
    "a\nX-Injected: 1",
    "%0d%0aX-Injected:%201",
    "..",
    ".",
    "ｕ-1001",
    "u‐1001",
    "１００１",
    " u-1 ",
    "u 1+2",
    "%",
    "@evil.example",
    "//evil.example/x",
    "http://evil.example/",
];

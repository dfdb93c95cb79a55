//! Copying to the clipboard with OSC 52: the terminal itself sets its clipboard, so a copy
//! works over SSH and needs no clipboard daemon. Inside tmux the plain sequence is sent and
//! tmux's own `set-clipboard on` carries it to the outer terminal (tmux also keeps a paste
//! buffer); wrapping it in a DCS passthrough would need `allow-passthrough`, which is off by
//! default, so that is not done.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// Standard base64 (RFC 4648, with padding), as OSC 52 wants it.
pub fn base64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// The exact bytes that put `text` on the clipboard: `ESC ] 52 ; c ; BASE64 BEL`.
pub fn osc52(text: &str) -> Vec<u8> {
    format!("\x1b]52;c;{}\x07", base64(text.as_bytes())).into_bytes()
}

/// The toast after every copy (value, key path, whole profile; any pane): what was copied,
/// then, when the terminal probably ignores OSC 52, why the paste may come up empty.
pub fn copy_toast(copied: &str, warning: Option<&str>) -> String {
    match warning {
        Some(warning) => format!("{copied} (but {warning})"),
        None => copied.to_owned(),
    }
}

/// A short warning when the terminal probably ignores OSC 52, from the environment
/// (`TERM`, `TERM_PROGRAM`, `TMUX`, `STY`) and, inside tmux, its `set-clipboard` option.
pub fn support_warning(
    var: impl Fn(&str) -> Option<String>,
    tmux_set_clipboard: Option<&str>,
) -> Option<String> {
    let term = var("TERM").unwrap_or_default();
    let program = var("TERM_PROGRAM").unwrap_or_default();
    if var("TMUX").is_some_and(|v| !v.is_empty()) {
        return match tmux_set_clipboard.map(str::trim) {
            Some("on") => None,
            _ => Some("inside tmux the clipboard needs `set -g set-clipboard on`".to_owned()),
        };
    }
    if term == "linux" || term == "dumb" || term.is_empty() {
        return Some(format!(
            "this terminal ({}) has no OSC 52 clipboard",
            if term.is_empty() { "no TERM" } else { &term }
        ));
    }
    if term.starts_with("screen") || var("STY").is_some_and(|v| !v.is_empty()) {
        return Some("GNU screen may not pass OSC 52 clipboard copies on".to_owned());
    }
    if program == "Apple_Terminal" {
        return Some("Terminal.app ignores OSC 52 clipboard copies".to_owned());
    }
    None
}

/// `tmux show-options -gv set-clipboard`, asked once at startup when running inside tmux.
pub fn tmux_set_clipboard() -> Option<String> {
    std::env::var_os("TMUX")?;
    let out = std::process::Command::new("tmux")
        .args(["show-options", "-gv", "set-clipboard"])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// Whether a local graphical session is reachable (and not over SSH, where the system
/// clipboard would be the remote machine's, not the operator's).
fn local_desktop() -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    (set("DISPLAY") || set("WAYLAND_DISPLAY")) && !set("SSH_CONNECTION") && !set("SSH_TTY")
}

/// Also put `text` on the system clipboard with `arboard` when on a local desktop. The
/// clipboard handle is kept for the whole run: on X11 the copying program must stay around to
/// hand the text out when it is pasted.
pub fn system_copy(text: &str) {
    static CLIPBOARD: std::sync::Mutex<Option<arboard::Clipboard>> = std::sync::Mutex::new(None);
    if !local_desktop() {
        return;
    }
    let Ok(mut guard) = CLIPBOARD.lock() else {
        return;
    };
    if guard.is_none() {
        match arboard::Clipboard::new() {
            Ok(c) => *guard = Some(c),
            Err(e) => {
                tracing::info!("no system clipboard, OSC 52 only: {e}");
                return;
            }
        }
    }
    if let Some(clipboard) = guard.as_mut()
        && let Err(e) = clipboard.set_text(text)
    {
        tracing::info!("the system clipboard refused the copy: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn osc52_is_the_exact_escape_sequence_with_a_base64_payload() {
        assert_eq!(
            osc52("Northwind Logistics"),
            b"\x1b]52;c;Tm9ydGh3aW5kIExvZ2lzdGljcw==\x07".to_vec()
        );
        // UTF-8 is encoded byte for byte.
        assert_eq!(osc52("é"), b"\x1b]52;c;w6k=\x07".to_vec());
        assert_eq!(osc52(""), b"\x1b]52;c;\x07".to_vec());
    }

    #[test]
    fn warns_only_where_osc52_is_unlikely_to_work() {
        assert_eq!(
            support_warning(env(&[("TERM", "xterm-256color")]), None),
            None
        );
        assert_eq!(
            support_warning(env(&[("TERM", "linux")]), None).as_deref(),
            Some("this terminal (linux) has no OSC 52 clipboard")
        );
        assert!(support_warning(env(&[("TERM", "screen.xterm-256color")]), None).is_some());
        assert!(
            support_warning(
                env(&[
                    ("TERM", "xterm-256color"),
                    ("TERM_PROGRAM", "Apple_Terminal")
                ]),
                None
            )
            .is_some()
        );
        let tmux = [
            ("TERM", "tmux-256color"),
            ("TMUX", "/tmp/tmux-0/default,1,0"),
        ];
        assert_eq!(support_warning(env(&tmux), Some("on")), None);
        assert_eq!(
            support_warning(env(&tmux), Some("external")).as_deref(),
            Some("inside tmux the clipboard needs `set -g set-clipboard on`")
        );
    }

    #[test]
    fn the_copy_toast_carries_the_warning_when_there_is_one() {
        assert_eq!(
            copy_toast("Copied key path $.tags[2]", None),
            "Copied key path $.tags[2]"
        );
        assert_eq!(
            copy_toast(
                "Copied key path $.tags[2]",
                Some("this terminal (linux) has no OSC 52 clipboard")
            ),
            "Copied key path $.tags[2] (but this terminal (linux) has no OSC 52 clipboard)"
        );
    }

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in cases {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
    }
}

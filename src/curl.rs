//! "Copy as curl": the request a lookup sent, as a shell command a developer can paste, with
//! the key replaced by a reference to its environment variable (never the key itself).
//!
//! The request is rebuilt from what the lookup recorded (`RequestInfo`): its method, URL and
//! every header sent, where the key already reads `[redacted]`. That placeholder becomes
//! `$USERSCOPE_<CONNECTION>_API_KEY`, the variable `userscope` itself reads for that
//! connection, so the command works wherever the app's own scripts work.

use crate::http::REDACTED;
use crate::lookup::RequestInfo;

/// The curl command for `request` as sent by connection `connection`. Arguments are quoted for
/// POSIX shells: everything literal goes in single quotes (a `'` inside is written `'\''`), and
/// only the variable reference is left for the shell to expand, in double quotes.
pub fn curl_command(request: &RequestInfo, connection: &str) -> String {
    let var = crate::secrets::api_key_var(connection);
    let mut out = String::from("curl");
    out.push_str(" -X ");
    out.push_str(&single_quoted(&request.method));
    for (name, value) in &request.request_headers {
        out.push_str(" -H ");
        out.push_str(&header_arg(&format!("{name}: {value}"), &var));
    }
    out.push(' ');
    out.push_str(&single_quoted(&request.url));
    out
}

/// A header argument: the literal text quoted, each `[redacted]` replaced by `"$VAR"`. Where the
/// literal text needs no escaping inside double quotes, the whole argument is one double-quoted
/// word (`"Authorization: Bearer $USERSCOPE_X_API_KEY"`), as a person would write it.
fn header_arg(header: &str, var: &str) -> String {
    if !header.contains(REDACTED) {
        return single_quoted(header);
    }
    let plain_in_double_quotes = |s: &str| {
        !s.chars()
            .any(|c| matches!(c, '"' | '\\' | '$' | '`' | '!') || c.is_control())
    };
    let parts: Vec<&str> = header.split(REDACTED).collect();
    if parts.iter().all(|p| plain_in_double_quotes(p)) {
        return format!("\"{}\"", parts.join(&format!("${var}")));
    }
    // Otherwise: 'literal'"$VAR"'literal', one shell word.
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push_str(&format!("\"${var}\""));
        }
        if !part.is_empty() {
            out.push_str(&single_quoted(part));
        }
    }
    out
}

/// `text` as one single-quoted shell word: nothing inside is expanded.
pub fn single_quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(url: &str, headers: &[(&str, &str)]) -> RequestInfo {
        RequestInfo {
            method: "GET".to_owned(),
            url: url.to_owned(),
            status: 200,
            elapsed_ms: 3,
            response_headers: vec![("x-request-id".to_owned(), "r1".to_owned())],
            request_headers: headers
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }

    #[test]
    fn the_key_becomes_the_connections_variable() {
        let r = request(
            "https://api.example.com/v1/users/u-1",
            &[
                ("user-agent", "userscope/0.1.0"),
                ("Accept", "application/json"),
                ("Authorization", "Bearer [redacted]"),
            ],
        );
        assert_eq!(
            curl_command(&r, "acme-eu"),
            "curl -X 'GET' -H 'user-agent: userscope/0.1.0' -H 'Accept: application/json' \
             -H \"Authorization: Bearer $USERSCOPE_ACME_EU_API_KEY\" \
             'https://api.example.com/v1/users/u-1'"
        );
    }

    #[test]
    fn quotes_in_the_url_and_headers_cannot_break_out() {
        let r = request(
            "https://api.example.com/u/it's%20me?x=$(id)",
            &[("X-Note", "a'b"), ("Api-Key", "[redacted]$`\"")],
        );
        assert_eq!(
            curl_command(&r, "x"),
            "curl -X 'GET' -H 'X-Note: a'\\''b' -H 'Api-Key: '\"$USERSCOPE_X_API_KEY\"'$`\"' \
             'https://api.example.com/u/it'\\''s%20me?x=$(id)'"
        );
    }

    #[test]
    fn single_quoting_round_trips_through_a_shell() {
        // What sh would read back from the quoted word (the one escape used: '\'').
        fn unquote(word: &str) -> String {
            word.strip_prefix('\'')
                .and_then(|w| w.strip_suffix('\''))
                .unwrap()
                .replace(r"'\''", "'")
        }
        for text in ["", "plain", "it's", "''", "a\"b$c`d\\e", "'\\''"] {
            assert_eq!(unquote(&single_quoted(text)), text, "{text}");
        }
    }

    #[test]
    fn a_key_canary_in_nothing_recorded_never_appears() {
        // The recorded headers never hold the key; the command is built from them only.
        let canary = "sk_live_CANARY_4f1d";
        let r = request(
            "https://api.example.com/v1/u",
            &[("Authorization", "Token [redacted]")],
        );
        let cmd = curl_command(&r, "main");
        assert!(!cmd.contains(canary));
        assert!(!cmd.contains(REDACTED), "{cmd}");
        assert!(cmd.contains("\"Authorization: Token $USERSCOPE_MAIN_API_KEY\""));
    }
}

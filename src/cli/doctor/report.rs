//! What `doctor` found, as data: the facts gathered, the problems and warnings they make (each
//! with its fix), and the two renderings (text for a person, JSON for scripts). Everything
//! here is pure; `mod.rs` does the looking.
//!
//! The JSON form is stable (`schema: 1`, documented in the README); fields are only ever added.

use serde::Serialize;

/// Bumped only when a field changes meaning or goes away.
pub const SCHEMA: u32 = 1;

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema: u32,
    /// No problems (warnings do not count). Exit 0 when true, 1 otherwise.
    pub healthy: bool,
    pub config: ConfigFacts,
    pub paths: Vec<PathFacts>,
    pub keyring: KeyringFacts,
    pub connections: Vec<ConnectionFacts>,
    pub clipboard: ClipboardFacts,
    pub problems: Vec<Finding>,
    pub warnings: Vec<Finding>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ConfigFacts {
    /// `null` when there is no home directory and no USERSCOPE_CONFIG.
    pub path: Option<String>,
    pub exists: bool,
    /// `null` when the file does not exist.
    pub trusted: Option<bool>,
    /// A missing file parses (the defaults apply).
    pub parses: bool,
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PathFacts {
    /// `state`, `log`, `history` or `cache`.
    pub name: &'static str,
    pub path: Option<String>,
    pub exists: bool,
    /// Permission bits in octal (`"0700"`), when the path exists.
    pub mode: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct KeyringFacts {
    pub backend: String,
    /// Whether the keyring answered (within the time limit) without an error.
    pub answers: bool,
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ConnectionFacts {
    pub name: String,
    pub vendor: String,
    /// Defined in the config file (rather than a vendor's default connection).
    pub configured: bool,
    pub base_url: Option<String>,
    /// Why no base URL could be made (a setting is missing or invalid).
    pub base_url_error: Option<String>,
    /// `env`, `keyring`, `none`, or `unknown` (the keyring did not answer).
    pub key_source: &'static str,
    /// The variable the key is read from first (`USERSCOPE_<CONNECTION>_API_KEY`).
    pub key_var: String,
    /// Where exactly the key came from (`env USERSCOPE_X_API_KEY`, `keyring`); never the key.
    pub key_origin: Option<String>,
    pub shape_warning: Option<String>,
    /// With `--probe` and a key: the result of one authenticated lookup.
    pub probe: Option<Probe>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Probe {
    /// The vendor accepted the key (a 2xx, or a 404 for the probe ID).
    pub accepted: bool,
    pub status: Option<u16>,
    pub message: String,
    /// The exit code `keys test` would have given.
    pub exit_code: i32,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClipboardFacts {
    /// Whether copies (OSC 52) probably reach the clipboard in this terminal.
    pub osc52: bool,
    pub warning: Option<String>,
}

/// One problem or warning: which check, what is wrong, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// `config`, `paths`, `keyring`, `connection:NAME`, `probe:NAME` or `clipboard`.
    pub check: String,
    pub message: String,
    pub fix: String,
}

impl Finding {
    pub fn new(
        check: impl Into<String>,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Finding {
            check: check.into(),
            message: message.into(),
            fix: fix.into(),
        }
    }
}

/// Problems and warnings from the facts. A connection that is in use (configured, or holding
/// a key) must work; an unconfigured vendor without a key is simply not used. The keyring not
/// answering is a problem when some configured connection depends on it (no env key), or
/// when nothing has a key at all; otherwise it is a warning.
pub fn findings(
    config: &ConfigFacts,
    paths: &[PathFacts],
    keyring: &KeyringFacts,
    connections: &[ConnectionFacts],
    clipboard: &ClipboardFacts,
) -> (Vec<Finding>, Vec<Finding>) {
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    if let Some(error) = &config.error {
        let fix = match &config.path {
            Some(path) => format!(
                "fix the file as the message says, then check it with `userscope config check {path}`"
            ),
            None => {
                "fix the file as the message says, then run `userscope config check`".to_owned()
            }
        };
        problems.push(Finding::new("config", error.clone(), fix));
    }
    for path in paths {
        if let Some(finding) = path_finding(path) {
            problems.push(finding);
        }
    }
    let env_covers_configured = connections
        .iter()
        .filter(|c| c.configured)
        .all(|c| c.key_source == "env");
    let any_configured = connections.iter().any(|c| c.configured);
    let any_env = connections.iter().any(|c| c.key_source == "env");
    if !keyring.answers {
        let message = format!(
            "the {} does not answer: {}",
            keyring.backend,
            keyring.error.as_deref().unwrap_or("no reply")
        );
        let fix = "unlock or start the keyring (the message above says how), or set each connection's USERSCOPE_<CONNECTION>_API_KEY instead";
        let needed = if any_configured {
            !env_covers_configured
        } else {
            !any_env
        };
        if needed {
            problems.push(Finding::new("keyring", message, fix));
        } else {
            warnings.push(Finding::new("keyring", message, fix));
        }
    }
    for conn in connections {
        let (conn_problems, conn_warnings) = connection_findings(conn, keyring.answers);
        problems.extend(conn_problems);
        warnings.extend(conn_warnings);
    }
    let keyless = connections
        .iter()
        .all(|c| c.key_source == "none" || c.key_source == "unknown");
    if !any_configured && keyless && keyring.answers {
        problems.push(Finding::new(
            "connection",
            "no connection has a key, so no lookup can run",
            "store a key with `userscope keys set VENDOR` (or set USERSCOPE_<VENDOR>_API_KEY); `userscope --demo` works without one",
        ));
    }
    if let Some(warning) = &clipboard.warning {
        warnings.push(Finding::new(
            "clipboard",
            format!("copies may not reach the clipboard: {warning}"),
            clipboard_fix(warning),
        ));
    }
    (problems, warnings)
}

fn clipboard_fix(warning: &str) -> String {
    if warning.contains("tmux") {
        "add `set -g set-clipboard on` to ~/.tmux.conf and reload it (`tmux source-file ~/.tmux.conf`)".to_owned()
    } else {
        "use a terminal with OSC 52 support (kitty, WezTerm, iTerm2, Alacritty, foot, Windows Terminal, xterm with allowWindowOps), or export with `e` instead of copying".to_owned()
    }
}

/// Directories should be 0700 and files 0600: the log and history name the people looked up.
fn path_finding(path: &PathFacts) -> Option<Finding> {
    let mode = u32::from_str_radix(path.mode.as_deref()?, 8).ok()?;
    let shown = path.path.as_deref().unwrap_or_default();
    if mode & 0o077 == 0 {
        return None;
    }
    let (wanted, chmod) = if path.name == "state" {
        ("0700", "700")
    } else {
        ("0600", "600")
    };
    Some(Finding::new(
        "paths",
        format!(
            "the {} {shown} has mode {:04o}; others may read it",
            path.name,
            mode & 0o7777
        ),
        format!("chmod {chmod} {shown} (userscope keeps it at {wanted})"),
    ))
}

fn connection_findings(
    conn: &ConnectionFacts,
    keyring_answers: bool,
) -> (Vec<Finding>, Vec<Finding>) {
    let check = format!("connection:{}", conn.name);
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    let has_key = matches!(conn.key_source, "env" | "keyring");
    let in_use = conn.configured || has_key;
    if let Some(error) = &conn.base_url_error
        && in_use
    {
        problems.push(Finding::new(
            check.clone(),
            error.clone(),
            format!(
                "add the missing setting to [connections.{}] in the config file, or pass it as a flag",
                conn.name
            ),
        ));
    }
    let fix_key = format!(
        "run `userscope keys set {}` (saved to the keyring) or set {}",
        conn.name, conn.key_var
    );
    if conn.configured && conn.key_source == "none" {
        problems.push(Finding::new(
            check.clone(),
            format!("no key for {}", conn.name),
            fix_key.clone(),
        ));
    }
    if conn.configured && conn.key_source == "unknown" && keyring_answers {
        problems.push(Finding::new(
            check.clone(),
            format!("the key of {} could not be read", conn.name),
            fix_key.clone(),
        ));
    }
    if let Some(shape) = &conn.shape_warning {
        warnings.push(Finding::new(
            check.clone(),
            shape.clone(),
            format!("check the key, then store it again: {fix_key}"),
        ));
    }
    if let Some(probe) = &conn.probe
        && probe.exit_code != 0
    {
        // Exit code 4: the key itself (rejected, missing, unreadable); others: the way there.
        let fix = if probe.exit_code != 4 {
            format!(
                "check the network and the connection's base URL ({}), then run `userscope keys test {}`",
                conn.base_url.as_deref().unwrap_or("none"),
                conn.name
            )
        } else {
            format!("store a working key: {fix_key}")
        };
        problems.push(Finding::new(
            format!("probe:{}", conn.name),
            probe.message.clone(),
            fix,
        ));
    }
    (problems, warnings)
}

/// The report for a person: one line per check, then the problems and warnings with fixes.
pub fn render_text(report: &Report) -> String {
    let mut out = String::new();
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    let config = &report.config;
    out.push_str(&format!(
        "config      {}  (exists: {}, trusted: {}, parses: {})\n",
        config.path.as_deref().unwrap_or("(no path)"),
        yes_no(config.exists),
        config.trusted.map_or("-", yes_no),
        yes_no(config.parses)
    ));
    for path in &report.paths {
        let mut line = format!(
            "{:<11} {}",
            path.name,
            path.path.as_deref().unwrap_or("(none)")
        );
        match (&path.mode, path.exists) {
            (Some(mode), _) => line.push_str(&format!("  (mode {mode})")),
            (None, false) if path.path.is_some() => line.push_str("  (not created yet)"),
            _ => {}
        }
        if let Some(note) = &path.note {
            line.push_str(&format!("  {note}"));
        }
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str(&format!(
        "keyring     {}: {}\n",
        report.keyring.backend,
        if report.keyring.answers {
            "answers"
        } else {
            "does not answer"
        }
    ));
    out.push_str(&format!(
        "clipboard   OSC 52 {}\n",
        if report.clipboard.osc52 {
            "supported"
        } else {
            "probably not supported"
        }
    ));
    let width = |f: fn(&ConnectionFacts) -> usize, title: &str| {
        report
            .connections
            .iter()
            .map(f)
            .chain([title.len()])
            .max()
            .unwrap_or(0)
    };
    let w_name = width(|c| c.name.chars().count(), "CONNECTION");
    let w_vendor = width(|c| c.vendor.len(), "VENDOR");
    let w_base = width(
        |c| {
            c.base_url
                .as_ref()
                .map_or("(not set up)".len(), String::len)
        },
        "BASE URL",
    );
    out.push_str(&format!(
        "\n{:<w_name$}  {:<w_vendor$}  {:<w_base$}  KEY\n",
        "CONNECTION", "VENDOR", "BASE URL"
    ));
    for conn in &report.connections {
        let base = conn
            .base_url
            .clone()
            .or_else(|| {
                conn.base_url_error
                    .as_ref()
                    .map(|_| "(not set up)".to_owned())
            })
            .unwrap_or_default();
        let key = conn
            .key_origin
            .clone()
            .unwrap_or_else(|| conn.key_source.to_owned());
        let mut line = format!(
            "{:<w_name$}  {:<w_vendor$}  {base:<w_base$}  {key}",
            conn.name, conn.vendor
        );
        if let Some(probe) = &conn.probe {
            line.push_str(&format!("  probe: {}", probe.message));
        }
        out.push_str(&line);
        out.push('\n');
    }
    for (title, list) in [("Problem", &report.problems), ("Warning", &report.warnings)] {
        for finding in list {
            out.push_str(&format!(
                "\n{title} ({}): {}\n  fix: {}\n",
                finding.check, finding.message, finding.fix
            ));
        }
    }
    out.push_str(if report.healthy {
        "\nHealthy.\n"
    } else {
        "\nNot healthy: fix the problems above.\n"
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn(name: &str, configured: bool, key_source: &'static str) -> ConnectionFacts {
        ConnectionFacts {
            name: name.into(),
            vendor: "v".into(),
            configured,
            base_url: Some("https://h/".into()),
            base_url_error: None,
            key_source,
            key_var: format!("USERSCOPE_{}_API_KEY", name.to_uppercase()),
            key_origin: None,
            shape_warning: None,
            probe: None,
        }
    }

    fn config() -> ConfigFacts {
        ConfigFacts {
            path: Some("/c.toml".into()),
            exists: true,
            trusted: Some(true),
            parses: true,
            error: None,
        }
    }

    fn keyring(answers: bool) -> KeyringFacts {
        KeyringFacts {
            backend: "Secret Service keyring".into(),
            answers,
            error: (!answers).then(|| "no D-Bus session bus".into()),
        }
    }

    const CLIP: ClipboardFacts = ClipboardFacts {
        osc52: true,
        warning: None,
    };

    #[test]
    fn a_dead_keyring_is_a_problem_only_when_a_configured_connection_needs_it() {
        let env_only = [conn("crm", true, "env"), conn("other", false, "unknown")];
        let (problems, warnings) = findings(&config(), &[], &keyring(false), &env_only, &CLIP);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].check, "keyring");
        let needs_keyring = [conn("crm", true, "unknown")];
        let (problems, _) = findings(&config(), &[], &keyring(false), &needs_keyring, &CLIP);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].check, "keyring");
    }

    #[test]
    fn a_configured_connection_without_a_key_names_its_variable() {
        let (problems, _) = findings(
            &config(),
            &[],
            &keyring(true),
            &[conn("crm", true, "none")],
            &CLIP,
        );
        assert_eq!(
            problems,
            [Finding::new(
                "connection:crm",
                "no key for crm",
                "run `userscope keys set crm` (saved to the keyring) or set USERSCOPE_CRM_API_KEY"
            )]
        );
    }

    #[test]
    fn unused_vendors_are_not_problems_but_no_key_at_all_is() {
        let mut unused = conn("crm", false, "none");
        unused.base_url = None;
        unused.base_url_error = Some("needs a subdomain".into());
        let with_key = conn("other", false, "keyring");
        let (problems, _) = findings(
            &config(),
            &[],
            &keyring(true),
            &[unused.clone(), with_key],
            &CLIP,
        );
        assert!(problems.is_empty(), "{problems:?}");
        let (problems, _) = findings(&config(), &[], &keyring(true), &[unused], &CLIP);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].fix.contains("userscope keys set VENDOR"));
    }

    #[test]
    fn open_modes_are_problems_with_the_chmod() {
        let path = PathFacts {
            name: "log",
            path: Some("/s/userscope.log".into()),
            exists: true,
            mode: Some("0644".into()),
            note: None,
        };
        assert_eq!(
            path_finding(&path),
            Some(Finding::new(
                "paths",
                "the log /s/userscope.log has mode 0644; others may read it",
                "chmod 600 /s/userscope.log (userscope keeps it at 0600)"
            ))
        );
        let private = PathFacts {
            mode: Some("0600".into()),
            ..path
        };
        assert_eq!(path_finding(&private), None);
    }
}

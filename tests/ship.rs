//! Issue 15, "ship it like a tool people install", through the real binary: completion scripts
//! parse in their shells, the man page renders, `doctor` reports (text, JSON schema, exit
//! codes) on healthy and broken setups, `config path|check` with strict errors (line, column,
//! did-you-mean), every command's help, and key hints that name the connection's variable.
//!
//! Each child gets a throwaway HOME, no D-Bus session (so no real keyring is touched) and
//! nothing of the developer's environment but PATH. No test sends network traffic: probes go
//! to 127.0.0.1 only.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use clap::CommandFactory;
use serde_json::Value;
use userscope::cli::Cli;

const BIN: &str = env!("CARGO_BIN_EXE_userscope");

/// A throwaway HOME with XDG dirs inside and no session bus.
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Home {
        Home {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A config file (0600 in a 0700 dir, as a trusted config must be).
    fn config(&self, text: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let dir = self.path().join("config/userscope");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
        let path = dir.join("config.toml");
        std::fs::write(&path, text).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        path
    }

    fn command(&self, args: &[&str]) -> Command {
        let home = self.path();
        let mut cmd = Command::new(BIN);
        cmd.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_STATE_HOME", home.join("state"))
            .env("XDG_DATA_HOME", home.join("data"))
            // An empty runtime dir and no DBUS_SESSION_BUS_ADDRESS: no session bus at all.
            .env("XDG_RUNTIME_DIR", home.join("run"))
            .env("TERM", "xterm-256color")
            .stdin(Stdio::null())
            .args(args);
        cmd
    }

    fn run(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = self.command(args);
        cmd.envs(env.iter().copied());
        Run::from(cmd.output().unwrap())
    }
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl From<Output> for Run {
    fn from(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

fn installed(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// `SHELL -n`-style syntax check of a completion script, or a printed skip.
fn check_script(shell: &str, check: &[&str], package: &str) {
    if !installed(shell) {
        eprintln!("skipped: {shell} is not installed (apt-get install {package})");
        return;
    }
    let home = Home::new();
    let run = home.run(&["completions", shell], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("COMPLETE="), "{}", run.stdout);
    let file = home.path().join(format!("userscope.{shell}"));
    std::fs::write(&file, &run.stdout).unwrap();
    let status = Command::new(shell).args(check).arg(&file).output().unwrap();
    assert!(
        status.status.success(),
        "{shell} rejects the script: {}",
        String::from_utf8_lossy(&status.stderr)
    );
}

#[test]
fn completion_scripts_parse_in_their_shells() {
    check_script("bash", &["-n"], "bash");
    check_script("zsh", &["-n"], "zsh");
    check_script("fish", &["--no-execute"], "fish");
}

#[test]
fn completion_candidates_include_vendors_and_configured_connections() {
    let home = Home::new();
    let vendor = userscope::vendors::VendorKind::first();
    home.config(&format!(
        "[connections.team-eu]\nvendor = \"{}\"\n",
        vendor.as_str()
    ));
    let run = home.run(
        &["--", "userscope", "keys", "set", ""],
        &[
            ("COMPLETE", "bash"),
            ("_CLAP_COMPLETE_INDEX", "3"),
            ("_CLAP_IFS", "\n"),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let candidates: Vec<&str> = run.stdout.lines().collect();
    assert!(candidates.contains(&"team-eu"), "{candidates:?}");
    for vendor in userscope::vendors::VendorKind::all() {
        assert!(candidates.contains(&vendor.as_str()), "{candidates:?}");
    }
}

#[test]
fn completions_refuse_an_unknown_shell() {
    let run = Home::new().run(&["completions", "tcsh"], &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("invalid value 'tcsh'"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_man_page_renders() {
    let home = Home::new();
    let run = home.run(&["man"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with(".ie \\n(.g .ds Aq"),
        "{}",
        &run.stdout[..80]
    );
    assert!(run.stdout.contains(".TH userscope 1"), "roff title");
    let dir = home.path().join("man1");
    let written = home.run(&["man", "--out-dir", dir.to_str().unwrap()], &[]);
    assert_eq!(written.code, 0, "{}", written.stderr);
    for page in [
        "userscope.1",
        "userscope-get.1",
        "userscope-keys-set.1",
        "userscope-doctor.1",
    ] {
        assert!(
            dir.join(page).is_file(),
            "{page} missing: {}",
            written.stdout
        );
    }
    if !installed("man") {
        eprintln!("skipped: rendering with `man -l` needs man (apt-get install man-db)");
        return;
    }
    let rendered = Command::new("man")
        .args(["-l", "-P", "cat"])
        .arg(dir.join("userscope-get.1"))
        .env("MANWIDTH", "100")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&rendered.stdout);
    assert!(
        rendered.status.success(),
        "{}",
        String::from_utf8_lossy(&rendered.stderr)
    );
    assert!(text.contains("SYNOPSIS"), "{text}");
    assert!(text.contains("Exit codes:"), "{text}");
}

/// Every command's `--help` has examples and exit codes; every argument a description.
#[test]
fn every_command_documents_examples_environment_and_exit_codes() {
    fn walk(cmd: &mut clap::Command, path: &str, problems: &mut Vec<String>) {
        let help = cmd.render_help().to_string();
        for part in ["Examples:", "Exit codes:"] {
            if !help.contains(part) {
                problems.push(format!("`{path} --help` has no {part}"));
            }
        }
        for arg in cmd.get_arguments() {
            let builtin = matches!(arg.get_id().as_str(), "help" | "version");
            if !builtin && !arg.is_hide_set() && arg.get_help().is_none() {
                problems.push(format!(
                    "`{path}`: argument `{}` has no description",
                    arg.get_id()
                ));
            }
        }
        for sub in cmd.get_subcommands_mut() {
            if sub.get_name() == "help" {
                continue;
            }
            let path = format!("{path} {}", sub.get_name());
            walk(sub, &path, problems);
        }
    }
    let mut problems = Vec::new();
    let mut cmd = Cli::command();
    cmd.build();
    walk(&mut cmd, "userscope", &mut problems);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let keys_set = Home::new().run(&["keys", "set", "--help"], &[]);
    assert!(
        keys_set
            .stdout
            .contains("<CONNECTION>  Vendor or configured connection name"),
        "{}",
        keys_set.stdout
    );
    assert!(
        keys_set
            .stdout
            .contains("USERSCOPE_<CONNECTION>_CLIENT_SECRET")
    );
}

#[test]
fn config_path_and_check() {
    let home = Home::new();
    let default = home.path().join("config/userscope/config.toml");
    let path = home.run(&["config", "path"], &[]);
    assert_eq!(
        (path.code, path.stdout.trim()),
        (0, default.to_str().unwrap())
    );
    let missing = home.run(&["config", "check"], &[]);
    assert_eq!(missing.code, 0, "{}", missing.stderr);
    assert!(
        missing
            .stdout
            .ends_with("does not exist: the built-in defaults apply (no file is needed)\n")
    );
    let file = home.config("[http]\ntimeout_secs = 5\n[connections.x]\nvendor = \"chakra\"\n");
    let ok = home.run(&["config", "check"], &[]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert_eq!(
        ok.stdout,
        format!("{} is valid (1 connection configured)\n", file.display())
    );
    let other = home.path().join("other.toml");
    std::fs::write(&other, "[tui]\nthme = \"light\"\n").unwrap();
    let via_env = home.run(
        &["config", "path"],
        &[("USERSCOPE_CONFIG", other.to_str().unwrap())],
    );
    assert_eq!(via_env.stdout.trim(), other.to_str().unwrap());
}

/// Every strict-config error through the binary: exit 2, FILE:LINE:COLUMN, did-you-mean, and
/// a normal start refuses the same file with the same message (nothing half-loaded).
#[test]
fn strict_config_errors_name_line_column_and_the_nearest_key() {
    let vendor = userscope::vendors::VendorKind::first().as_str();
    let cases = [
        (
            "[tui]\nthme = \"light\"\n",
            ":2:1: unknown field `thme`, expected one of `theme`, `keys`, `watch_secs`, `avatars` (did you mean `theme`?)",
        ),
        (
            "[htpp]\n",
            ":1:2: unknown field `htpp`, expected one of `http`, `connections`, `tui`, `find`, `vendors`, `watch` (did you mean `http`?)",
        ),
        (
            "[http]\ntimeout_sec = 3\n",
            ":2:1: unknown field `timeout_sec`, expected one of `connect_timeout_secs`, `timeout_secs`, `max_body_mib` (did you mean `timeout_secs`?)",
        ),
        (
            "[connections.a]\nvendor = \"x\"\nbase_ulr = \"http://127.0.0.1:1\"\n",
            ":3:1: unknown field `base_ulr`, expected one of `vendor`, `region`, `subdomain`, `base_url`, `auth_url`, `rate` (did you mean `base_url`?)",
        ),
        (
            "[connections.a]\nsizzle = 1\n",
            ":2:1: unknown field `sizzle`, expected one of `vendor`, `region`, `subdomain`, `base_url`, `auth_url`, `rate`\n",
        ),
    ];
    let home = Home::new();
    for (text, expected) in cases {
        let file = home.config(text);
        let check = home.run(&["config", "check", file.to_str().unwrap()], &[]);
        assert_eq!(check.code, 2, "{text}: {}", check.stdout);
        assert!(
            check
                .stderr
                .starts_with(&format!("userscope: {}{expected}", file.display())),
            "{text}: {}",
            check.stderr
        );
        let start = home.run(&["vendors"], &[]);
        assert_eq!((start.code, &start.stderr), (2, &check.stderr), "{text}");
    }
    let file = home.config(&format!("[connections.a]\nvendor = \"{vendor}x\"\n"));
    let check = home.run(&["config", "check"], &[]);
    assert_eq!(check.code, 2);
    assert!(
        check.stderr.starts_with(&format!(
            "userscope: {}:2:10: unknown variant `{vendor}x`",
            file.display()
        )),
        "{}",
        check.stderr
    );
    assert!(
        check
            .stderr
            .ends_with(&format!("(did you mean `{vendor}`?)\n")),
        "{}",
        check.stderr
    );
}

#[test]
fn the_missing_key_hint_names_the_connections_own_variable() {
    let home = Home::new();
    // No session bus, no env key: the hint must name USERSCOPE_USERCOM_API_KEY, not the first
    // vendor's variable. The base URL is loopback; the key read fails before any request.
    let run = home.run(
        &[
            "get",
            "usercom",
            "42",
            "--by",
            "id",
            "--base-url",
            "http://127.0.0.1:9",
        ],
        &[],
    );
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert!(
        run.stderr.contains("set USERSCOPE_USERCOM_API_KEY instead"),
        "{}",
        run.stderr
    );
    home.config("[connections.coho-us]\nvendor = \"coho\"\nregion = \"us\"\n");
    let run = home.run(
        &["get", "coho-us", "u-1", "--base-url", "http://127.0.0.1:9"],
        &[],
    );
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert!(
        run.stderr.contains("set USERSCOPE_COHO_US_API_KEY instead"),
        "{}",
        run.stderr
    );
}

fn doctor_json(home: &Home, env: &[(&str, &str)], extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["doctor", "--json"];
    args.extend(extra);
    let run = home.run(&args, env);
    let json: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", run.stdout, run.stderr));
    (run.code, json)
}

/// The documented top-level schema: these keys, these types.
fn assert_schema(json: &Value) {
    assert_eq!(json["schema"], 1);
    assert!(json["healthy"].is_boolean());
    for key in ["path", "exists", "trusted", "parses", "error"] {
        assert!(json["config"].get(key).is_some(), "config.{key}");
    }
    let names: Vec<&str> = json["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["state", "log", "history", "cache"]);
    for key in ["backend", "answers", "error"] {
        assert!(json["keyring"].get(key).is_some(), "keyring.{key}");
    }
    for conn in json["connections"].as_array().unwrap() {
        for key in [
            "name",
            "vendor",
            "configured",
            "base_url",
            "base_url_error",
            "key_source",
            "key_var",
            "key_origin",
            "shape_warning",
            "probe",
        ] {
            assert!(conn.get(key).is_some(), "connections[].{key}: {conn}");
        }
    }
    assert!(json["clipboard"]["osc52"].is_boolean());
    for list in ["problems", "warnings"] {
        for finding in json[list].as_array().unwrap() {
            for key in ["check", "message", "fix"] {
                assert!(
                    finding[key].as_str().is_some_and(|s| !s.is_empty()),
                    "{list}[].{key}: {finding}"
                );
            }
        }
    }
}

fn connection<'a>(json: &'a Value, name: &str) -> &'a Value {
    json["connections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap()
}

#[test]
fn doctor_is_healthy_when_every_configured_connection_has_a_key() {
    let home = Home::new();
    home.config("[connections.crm]\nvendor = \"chakra\"\nbase_url = \"http://127.0.0.1:9\"\n");
    let key = "doctor-canary-key-8c1f";
    let (code, json) = doctor_json(&home, &[("USERSCOPE_CRM_API_KEY", key)], &[]);
    assert_schema(&json);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["healthy"], true);
    assert!(json["problems"].as_array().unwrap().is_empty());
    let crm = connection(&json, "crm");
    assert_eq!(crm["key_source"], "env");
    assert_eq!(crm["key_origin"], "env USERSCOPE_CRM_API_KEY");
    assert_eq!(crm["base_url"], "http://127.0.0.1:9/");
    assert_eq!(crm["configured"], true);
    // No session bus: a warning only, since the one configured connection does not need it.
    assert_eq!(json["keyring"]["answers"], false);
    assert_eq!(json["warnings"][0]["check"], "keyring");
    // The key itself is nowhere in the report.
    assert!(!json.to_string().contains(key));
    let text = home.run(&["doctor"], &[("USERSCOPE_CRM_API_KEY", key)]);
    assert_eq!(text.code, 0);
    assert!(text.stdout.ends_with("\nHealthy.\n"), "{}", text.stdout);
    assert!(!text.stdout.contains(key));
}

#[test]
fn doctor_fails_without_a_session_bus_or_a_key_and_names_the_fix() {
    let home = Home::new();
    home.config("[connections.crm]\nvendor = \"chakra\"\n");
    let (code, json) = doctor_json(&home, &[], &[]);
    assert_schema(&json);
    assert_eq!((code, &json["healthy"]), (1, &Value::Bool(false)));
    let problems = json["problems"].as_array().unwrap();
    let keyring = problems.iter().find(|p| p["check"] == "keyring").unwrap();
    assert!(
        keyring["message"]
            .as_str()
            .unwrap()
            .contains("no D-Bus session bus"),
        "{keyring}"
    );
    assert!(
        keyring["fix"]
            .as_str()
            .unwrap()
            .contains("USERSCOPE_<CONNECTION>_API_KEY")
    );
    assert_eq!(connection(&json, "crm")["key_source"], "unknown");
    assert_eq!(connection(&json, "crm")["key_var"], "USERSCOPE_CRM_API_KEY");
}

#[test]
fn doctor_reports_a_bad_config_with_its_place_and_fix() {
    let home = Home::new();
    let file = home.config("[tui]\nthme = \"light\"\n");
    let (code, json) = doctor_json(&home, &[], &[]);
    assert_schema(&json);
    assert_eq!(code, 1);
    assert_eq!(json["config"]["parses"], false);
    assert_eq!(json["config"]["trusted"], true);
    let problem = json["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["check"] == "config")
        .unwrap();
    assert_eq!(
        problem["message"],
        format!(
            "{}:2:1: unknown field `thme`, expected one of `theme`, `keys`, `watch_secs`, `avatars` (did you mean `theme`?)",
            file.display()
        )
    );
    assert_eq!(
        problem["fix"],
        format!(
            "fix the file as the message says, then check it with `userscope config check {}`",
            file.display()
        )
    );
}

#[test]
fn doctor_flags_a_configured_connection_without_a_key_and_an_untrusted_config() {
    use std::os::unix::fs::PermissionsExt;
    let home = Home::new();
    let file = home
        .config("[connections.crm]\nvendor = \"chakra\"\n[connections.ops]\nvendor = \"chakra\"\n");
    // `crm` has its key in the environment, `ops` has none (and the keyring does not answer).
    let (code, json) = doctor_json(&home, &[("USERSCOPE_CRM_API_KEY", "k")], &[]);
    assert_eq!(code, 1);
    let keyring = json["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["check"] == "keyring")
        .unwrap();
    assert!(
        keyring["fix"]
            .as_str()
            .unwrap()
            .contains("unlock or start the keyring")
    );
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o666)).unwrap();
    let (code, json) = doctor_json(&home, &[("USERSCOPE_CRM_API_KEY", "k")], &[]);
    assert_eq!(code, 1);
    assert_eq!(json["config"]["trusted"], false);
    assert!(
        json["config"]["error"]
            .as_str()
            .unwrap()
            .contains(&format!("fix with `chmod 600 {}`", file.display()))
    );
}

/// `--probe` makes one real lookup per connection with a key: here against a loopback port
/// nothing listens on, so the probe fails with a network error and its fix.
#[test]
fn doctor_probe_reports_an_unreachable_connection() {
    let home = Home::new();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    home.config(&format!(
        "[http]\nconnect_timeout_secs = 2\ntimeout_secs = 3\n[connections.crm]\nvendor = \"chakra\"\nbase_url = \"http://127.0.0.1:{port}\"\n"
    ));
    let (code, json) = doctor_json(&home, &[("USERSCOPE_CRM_API_KEY", "k")], &["--probe"]);
    assert_eq!(code, 1, "{json:#}");
    let probe = &connection(&json, "crm")["probe"];
    assert_eq!(probe["accepted"], false);
    assert_eq!(probe["exit_code"], 6, "{probe}");
    let problem = json["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["check"] == "probe:crm")
        .unwrap();
    assert!(
        problem["fix"]
            .as_str()
            .unwrap()
            .contains("`userscope keys test crm`"),
        "{problem}"
    );
}

/// A locked keyring (a fresh gnome-keyring that was never unlocked) is a problem, not "no key".
/// Needs the throwaway Secret Service of `.ci/test-all.sh`.
#[test]
fn doctor_reports_a_locked_keyring() {
    if std::env::var("USERSCOPE_REAL_KEYRING").as_deref() != Ok("1")
        || !installed("dbus-run-session")
        || !installed("gnome-keyring-daemon")
    {
        eprintln!(
            "skipped: doctor_reports_a_locked_keyring needs USERSCOPE_REAL_KEYRING=1, dbus and gnome-keyring"
        );
        return;
    }
    let home = Home::new();
    home.config("[connections.crm]\nvendor = \"chakra\"\n");
    std::fs::create_dir_all(home.path().join("run")).unwrap();
    let mut cmd = Command::new("timeout");
    cmd.args([
        "60",
        "dbus-run-session",
        "--",
        "bash",
        "-c",
        "gnome-keyring-daemon --start --components=secrets >/dev/null; \"$B\" doctor --json",
    ]);
    let home_path = home.path();
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home_path)
        .env("XDG_CONFIG_HOME", home_path.join("config"))
        .env("XDG_STATE_HOME", home_path.join("state"))
        .env("XDG_DATA_HOME", home_path.join("data"))
        .env("XDG_RUNTIME_DIR", home_path.join("run"))
        .env("B", BIN)
        .stdin(Stdio::null());
    let run = Run::from(cmd.output().unwrap());
    let json: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", run.stdout, run.stderr));
    assert_eq!(json["keyring"]["answers"], false, "{json:#}");
    assert!(
        json["keyring"]["error"]
            .as_str()
            .unwrap()
            .contains("locked"),
        "{json:#}"
    );
    assert_eq!(run.code, 1);
}

/// A key bound to two actions in one context is refused, naming both (`config check` runs the
/// TUI's own checks; the TUI refuses the same file before it takes the terminal).
#[test]
fn a_key_bound_to_two_actions_is_refused_naming_both() {
    let home = Home::new();
    let file = home.config("[tui.keys]\nquit = \"j\"\n");
    let check = home.run(&["config", "check", file.to_str().unwrap()], &[]);
    assert_eq!(check.code, 2, "{}", check.stdout);
    assert!(
        check
            .stderr
            .contains("[tui.keys]: `j` is bound to both `quit` and `down` (everywhere); bind one of them to another key"),
        "{}",
        check.stderr
    );
    let moved = home.config("[tui.keys]\nquit = \"x\"\n");
    let check = home.run(&["config", "check", moved.to_str().unwrap()], &[]);
    assert_eq!(check.code, 0, "{}", check.stderr);
}

/// The release profile builds named crates for size (`[profile.release.package]`). A name that
/// matches no package (a crate renamed or dropped upstream) only earns a cargo warning, and the
/// binary silently grows back past the 12 MB target: every name must be in the lock file, and
/// the hot paths must not be among them.
#[test]
fn the_size_profile_names_real_packages_and_no_hot_path() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest: toml::Table =
        toml::from_str(&std::fs::read_to_string(root.join("Cargo.toml")).unwrap()).unwrap();
    let lock: toml::Table =
        toml::from_str(&std::fs::read_to_string(root.join("Cargo.lock")).unwrap()).unwrap();
    let locked: Vec<&str> = lock["package"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    let release = &manifest["profile"]["release"];
    assert_eq!(release["lto"].as_str(), Some("fat"));
    assert_eq!(release["strip"].as_bool(), Some(true));
    let sized = release["package"].as_table().unwrap();
    assert!(sized.len() > 40, "{}", sized.len());
    for (name, settings) in sized {
        assert!(locked.contains(&name.as_str()), "`{name}` is in no package");
        assert_eq!(settings["opt-level"].as_str(), Some("z"), "{name}");
    }
    for hot in [
        "userscope",
        "serde_json",
        "tokio",
        "hyper",
        "reqwest",
        "ratatui-core",
        "regex-automata",
        "memchr",
        // Highlights the filter's matches in every drawn row.
        "nucleo-matcher",
    ] {
        assert!(!sized.contains_key(hot), "`{hot}` is on a measured path");
    }
}

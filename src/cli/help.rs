//! The text after each command's options in `--help`: examples, the environment variables the
//! command reads and its exit codes. Examples use the registry's first vendor and its demo
//! users, so they stay true when vendors change (and name no vendor in code).

use crate::vendors::{LookupKind, VendorKind, demo_kit};

/// The first vendor, its first demo user's lookup value, and the first vendor that takes
/// client credentials (for examples).
fn example_vendor() -> (&'static str, &'static str) {
    let vendor = VendorKind::first();
    let id = demo_kit::users(vendor)
        .first()
        .map_or("ID", |user| user.value);
    (vendor.as_str(), id)
}

/// A vendor with an email lookup and one of its demo emails, for the `--by` example.
fn email_example() -> Option<(&'static str, &'static str)> {
    VendorKind::all().find_map(|vendor| {
        demo_kit::users(vendor).iter().find_map(|user| {
            user.also
                .iter()
                .find(|(kind, _)| *kind == LookupKind::Email)
                .map(|(_, email)| (vendor.as_str(), *email))
        })
    })
}

const KEY_ENV: &str =
    "  USERSCOPE_<CONNECTION>_API_KEY     the connection's key (beats the keyring)
  USERSCOPE_<CONNECTION>_CLIENT_ID   client id, with USERSCOPE_<CONNECTION>_CLIENT_SECRET
                                     (or _SECRET), for vendors with a token exchange
  USERSCOPE_KEYRING=keyutils         the Linux kernel keyring instead of the Secret Service
                                     (its keys do not survive a reboot)";

const CONNECTION_ENV: &str =
    "  USERSCOPE_<CONNECTION>_BASE_URL    scheme, host, port and an optional path prefix
                                     (the vendor's path is appended; --base-url beats it)
  USERSCOPE_<CONNECTION>_AUTH_URL    where a token exchange goes
  USERSCOPE_<CONNECTION>_REGION      region setting (--region beats it)
  USERSCOPE_<CONNECTION>_SUBDOMAIN   account subdomain (--subdomain beats it)";

const COMMON_ENV: &str = "  USERSCOPE_CONFIG                   config file (default $XDG_CONFIG_HOME/userscope/config.toml)
  USERSCOPE_LOG                      log level of $XDG_STATE_HOME/userscope/userscope.log";

const CONNECTION_NOTE: &str =
    "<CONNECTION> is the connection name upper-cased, `-` turned into `_` (crm-eu → CRM_EU).";

/// The exit codes shared by every command that makes a lookup (design §4).
const LOOKUP_EXIT: &str = "  0  success
  2  bad usage, unknown vendor or connection, invalid ID, a config file problem
  3  no such user (404)
  4  key rejected (401/403), no key configured, the keyring cannot be read
  5  rate limited (429) after bounded retries
  6  network, timeout, 5xx, a body that is not the vendor's JSON or is over the size cap";

fn section(examples: &str, env: &[&str], exit: &str) -> String {
    let mut text = format!("Examples:\n{examples}\n");
    if !env.is_empty() {
        text.push_str("\nEnvironment:\n");
        text.push_str(&env.join("\n"));
        text.push('\n');
    }
    text.push_str("\nExit codes:\n");
    text.push_str(exit);
    text
}

/// `userscope --help` (the TUI).
pub fn tui() -> String {
    let (vendor, id) = example_vendor();
    section(
        &format!(
            "  userscope                                  pick a vendor, type an ID, browse
  userscope --demo                           the same against the built-in demo vendors
  userscope --demo --vendor {vendor} --lookup {id}
  userscope doctor                           check the setup when something does not work

Without a subcommand, userscope opens the terminal UI. Install completions with
`userscope completions SHELL` and the man pages with `userscope man --out-dir DIR`."
        ),
        &[
            KEY_ENV,
            CONNECTION_ENV,
            COMMON_ENV,
            "  NO_COLOR                           draw without colours",
            CONNECTION_NOTE,
        ],
        "  0  quit normally
  1  the terminal could not be set up or restored
  2  bad usage, no terminal, a config file problem (nothing is half-loaded)",
    )
}

/// `userscope get --help`.
pub fn get() -> String {
    let (vendor, id) = example_vendor();
    let mut examples = format!(
        "  userscope get {vendor} {id}
  userscope get {vendor} {id} --format json | jq .profile.displayName
  userscope get {vendor} {id} --format raw > body.json
  userscope get --demo {vendor} {id}"
    );
    if let Some((email_vendor, email)) = email_example() {
        examples.push_str(&format!(
            "\n  userscope get {email_vendor} {email} --by email"
        ));
    }
    section(
        &examples,
        &[KEY_ENV, CONNECTION_ENV, COMMON_ENV, CONNECTION_NOTE],
        LOOKUP_EXIT,
    )
}

/// `userscope find --help`.
pub fn find() -> String {
    let (email, id) = (demo_kit::EVERYWHERE_EMAIL, demo_kit::EVERYWHERE_ID);
    section(
        &format!(
            "  userscope find {email}                 every connection that looks people up by email
  userscope find {id} --as id                   your product's user ID, at the connections that store it
  userscope find {email} --format json | jq .merged.conflicts
  userscope find --demo {email}          the demo person: four vendors, three conflicts

Each connection ends as found, not_found, error, skipped (with the reason) or no_key; an
email found in a profile is looked up once more at the email connections (--no-follow: not)."
        ),
        &[KEY_ENV, CONNECTION_ENV, COMMON_ENV, CONNECTION_NOTE],
        "  0  at least one connection found the person
  2  bad usage: an empty value, --as email without `@`, a config file problem
  3  every asked connection answered not found
  4, 5, 6  otherwise the most severe error of the asked connections (as for get)",
    )
}

/// `userscope keys --help` and its subcommands.
pub fn keys() -> String {
    let (vendor, _) = example_vendor();
    section(
        &format!(
            "  userscope keys set {vendor}                      hidden prompt on a terminal
  printf %s \"$KEY\" | userscope keys set {vendor}     from stdin in scripts
  userscope keys list                             where each key comes from (never the key)
  userscope keys test {vendor}                     one authenticated call
  userscope keys delete {vendor}"
        ),
        &[KEY_ENV, COMMON_ENV, CONNECTION_NOTE],
        "  0  done (deleting a key that is not there is done too)
  2  bad usage, unknown connection, no key given
  4  the key store failed; `list` found a keyring error; `test` found no key or a rejected key
  5  `test`: rate limited
  6  `test`: network or server trouble",
    )
}

/// `userscope vendors --help`.
pub fn vendors() -> String {
    section(
        "  userscope vendors
  userscope vendors --json
  userscope vendors check             validate the config file's [vendors.NAME] tables
  userscope vendors check my.toml     validate another file",
        &[KEY_ENV, CONNECTION_ENV, COMMON_ENV],
        "  0  listed
  2  a config file problem",
    )
}

/// `userscope demo-server --help`.
pub fn demo_server() -> String {
    section(
        "  userscope demo-server               on 127.0.0.1:8787; prints the keys and `export` lines
  userscope demo-server --port 0      any free port",
        &[COMMON_ENV],
        "  0  stopped with Ctrl-C
  6  the port could not be bound",
    )
}

/// `userscope open --help`.
pub fn open() -> String {
    let (vendor, id) = example_vendor();
    section(
        &format!(
            "  userscope get {vendor} {id} --format raw > body.json
  userscope open body.json --vendor {vendor}
  userscope open big.json --vendor {vendor} --max-size-mib 100"
        ),
        &[
            COMMON_ENV,
            "  NO_COLOR                           draw without colours",
        ],
        "  0  quit normally
  1  the terminal could not be set up
  2  bad usage, a missing file, a file over the size cap
  6  the file is not JSON, or not the vendor's shape",
    )
}

/// `userscope completions --help`.
pub fn completions() -> String {
    section(
        "  echo 'source <(userscope completions bash)' >> ~/.bashrc
  echo 'source <(userscope completions zsh)' >> ~/.zshrc
  userscope completions fish > ~/.config/fish/completions/userscope.fish
  userscope completions elvish >> ~/.config/elvish/rc.elv
  userscope completions powershell >> $PROFILE

The script asks userscope itself for candidates at each Tab, so vendor and connection names
follow the registry and your config file without regenerating it. Regenerate it after an
upgrade (sourcing it from the shell's start-up file does that by itself).",
        &["  COMPLETE                           set by the script when it asks for candidates"],
        "  0  printed
  2  unknown shell",
    )
}

/// `userscope man --help`.
pub fn man() -> String {
    section(
        "  userscope man | man -l -                      read it now
  userscope man --out-dir ~/.local/share/man/man1  install userscope.1 and one page per command
  man userscope-get",
        &[],
        "  0  written
  2  the directory could not be written",
    )
}

/// `userscope doctor --help`.
pub fn doctor() -> String {
    section(
        "  userscope doctor                 every check, each problem with its fix
  userscope doctor --probe         also one authenticated lookup per connection with a key
  userscope doctor --json | jq '.problems[].fix'

The JSON schema (`\"schema\": 1`) is documented in the README.",
        &[
            KEY_ENV,
            CONNECTION_ENV,
            COMMON_ENV,
            "  TERM, TERM_PROGRAM, TMUX, STY       for the clipboard (OSC 52) check",
        ],
        "  0  healthy (warnings may be listed)
  1  at least one problem (each comes with its fix)
  2  bad usage",
    )
}

/// `userscope config --help` and its subcommands.
pub fn config() -> String {
    section(
        "  userscope config path
  userscope config check
  userscope config check ./staging.toml",
        &[
            "  USERSCOPE_CONFIG                   config file (default $XDG_CONFIG_HOME/userscope/config.toml)",
        ],
        "  0  path printed; the file is valid (a missing default file is valid: none is needed)
  2  the file cannot be used: the same FILE:LINE:COLUMN message a normal start gives",
    )
}

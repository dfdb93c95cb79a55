//! The command line (design §6, names stable). Each subcommand lives in its own file.

use clap::{Args, Parser, Subcommand, ValueEnum};

pub mod completions;
pub mod config;
pub mod demo_server;
pub mod doctor;
pub mod find;
pub mod get;
pub mod help;
pub mod keys;
pub mod man;
pub mod open;
pub mod vendors;
pub mod watch;

#[derive(Debug, Parser)]
#[command(
    name = "userscope",
    version,
    about = "Look up one customer's profile in the SaaS tools your company uses",
    after_help = help::tui()
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub tui: TuiArgs,
}

/// Startup arguments of the TUI (stable: scripts and tests start it this way).
#[derive(Debug, Clone, Default, Args)]
pub struct TuiArgs {
    /// Run against the built-in demo vendors (no keys, no network).
    #[arg(long)]
    pub demo: bool,
    /// Vendor or connection to pick at start.
    #[arg(long, value_name = "VENDOR")]
    pub vendor: Option<String>,
    /// Run this lookup at once (needs --vendor).
    #[arg(long, value_name = "ID", requires = "vendor")]
    pub lookup: Option<String>,
    /// Lookup kind for --lookup.
    #[arg(long, value_name = "KIND", requires = "lookup")]
    pub by: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Look a person up and print the profile.
    #[command(after_help = help::get())]
    Get(GetArgs),
    /// Find one person (an email or your product's user ID) at every connection at once.
    #[command(after_help = help::find())]
    Find(find::FindArgs),
    /// Manage API keys in the OS keyring.
    #[command(subcommand, after_help = help::keys())]
    Keys(KeysCommand),
    /// List the vendors, their lookup kinds and whether a key is set.
    #[command(after_help = help::vendors())]
    Vendors(vendors::VendorsArgs),
    /// Serve the built-in demo vendors on 127.0.0.1.
    #[command(after_help = help::demo_server())]
    DemoServer(DemoServerArgs),
    /// Open a saved vendor payload (a response body) in the TUI, without any network.
    #[command(after_help = help::open())]
    Open(open::OpenArgs),
    /// Print the shell completion script (commands, flags, vendor and connection names).
    #[command(after_help = help::completions())]
    Completions {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: completions::Shell,
    },
    /// Print the man page (roff), or write every page into a directory.
    #[command(after_help = help::man())]
    Man(man::ManArgs),
    /// Check the setup (config, paths, keyring, connections, clipboard); each problem has a fix.
    #[command(after_help = help::doctor())]
    Doctor(doctor::DoctorArgs),
    /// Where the config file is, and whether it is valid.
    #[command(subcommand, after_help = help::config())]
    Config(config::ConfigCommand),
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// A readable summary for a person.
    #[default]
    Text,
    /// The stable normalized model (documented in the README).
    Json,
    /// The vendor's body, byte for byte.
    Raw,
    /// The stable normalized model on one line (the form `--from` writes, one per input).
    Jsonl,
}

/// Connection and HTTP flags shared by commands that talk to a vendor.
#[derive(Debug, Clone, Default, Args)]
pub struct ConnectionArgs {
    /// Scheme, host, port and an optional path prefix; the vendor's documented path is appended.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// A vendor's region (the help text comes from the vendor that declares it).
    #[arg(long, value_name = "REGION", help = setting_help("region"))]
    pub region: Option<String>,
    /// A vendor's account subdomain (the help text comes from the vendor that declares it).
    #[arg(long, value_name = "NAME", help = setting_help("subdomain"))]
    pub subdomain: Option<String>,
    /// Total request timeout in seconds (default 30, or [http] timeout_secs).
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<f64>,
    /// Connect timeout in seconds (default 10, or [http] connect_timeout_secs).
    #[arg(long, value_name = "SECS")]
    pub connect_timeout: Option<f64>,
    /// Largest response body accepted, in MiB (default 32, or [http] max_body_mib).
    #[arg(long, value_name = "MIB")]
    pub max_body_mib: Option<u64>,
}

#[derive(Debug, Args)]
pub struct GetArgs {
    /// Vendor or a configured connection name (the vendors come from the registry).
    #[arg(help = vendor_help())]
    pub vendor: String,
    /// The user ID, cookie key, email or identifier to look up.
    #[arg(required_unless_present = "from", conflicts_with = "from")]
    pub id: Option<String>,
    /// Lookup kind (id, key, email, identifier); defaults to the vendor's first kind.
    #[arg(long, value_name = "KIND")]
    pub by: Option<String>,
    /// Output format [default: text; with --from: jsonl, the only one it writes].
    #[arg(long, value_enum)]
    pub format: Option<OutputFormat>,
    /// Look up every value in FILE (one per line; `-` reads stdin) and write one JSON line
    /// per input (design §11).
    #[arg(long, value_name = "FILE")]
    pub from: Option<std::path::PathBuf>,
    /// With --from: lookups running at once (default 4).
    #[arg(long, value_name = "N", requires = "from")]
    pub concurrency: Option<usize>,
    /// With --from: requests per second to the connection (default [connections.X] rate,
    /// else 5); 0 or `inf` means no cap.
    #[arg(long, value_name = "PER_SECOND", requires = "from")]
    pub rate: Option<String>,
    /// With --from: append to OUT instead of stdout, skipping inputs OUT already answered
    /// (found / not_found); the rest run again.
    #[arg(long, value_name = "OUT.jsonl", requires = "from")]
    pub resume: Option<std::path::PathBuf>,
    /// Use the built-in demo vendors (in-process server, demo keys, no network).
    #[arg(long)]
    pub demo: bool,
    /// Print the profile, then fetch it again every SECS seconds (default [tui] watch_secs,
    /// else 10; at least 2) and print one line per change until Ctrl-C (design §12).
    #[arg(
        long,
        value_name = "SECS",
        num_args = 0..=1,
        conflicts_with = "from"
    )]
    pub watch: Option<Option<u64>>,
    /// With --watch: exit 0 after the first refresh that changed something.
    #[arg(long, requires = "watch")]
    pub exit_on_change: bool,
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Store a key: read from a hidden prompt, or from stdin when stdin is not a terminal.
    #[command(after_help = help::keys())]
    Set {
        /// Vendor or configured connection name (the keyring account; see `userscope vendors`).
        connection: String,
        /// Vendors with a token exchange: store client credentials instead of a token (the
        /// help text names them, from the registry).
        #[arg(long, value_name = "ID", help = client_id_help())]
        client_id: Option<String>,
    },
    /// Remove a stored key.
    #[command(after_help = help::keys())]
    Delete {
        /// Vendor or configured connection name whose stored key goes.
        connection: String,
    },
    /// Show each connection: key set or not, and where from (never the key).
    #[command(after_help = help::keys())]
    List {
        /// One JSON array instead of the table (never a key).
        #[arg(long)]
        json: bool,
    },
    /// Make one authenticated call and say whether the key is accepted.
    #[command(after_help = help::keys())]
    Test {
        /// Vendor or configured connection name whose key is tried.
        connection: String,
        /// A user ID to look up (a 404 still proves the key is accepted).
        #[arg(long, value_name = "ID")]
        id: Option<String>,
        #[command(flatten)]
        conn: ConnectionArgs,
    },
}

/// `--region` / `--subdomain` help: the declaring vendor's own line.
fn setting_help(key: &str) -> String {
    crate::vendors::setting(key).map_or_else(
        || format!("Connection setting `{key}`."),
        |(_, s)| s.help.to_owned(),
    )
}

fn vendor_help() -> String {
    format!(
        "Vendor ({}) or a configured connection name",
        crate::vendors::vendor_names()
    )
}

fn client_id_help() -> String {
    let token = crate::vendors::VendorKind::all()
        .find_map(|v| v.adapter().token_exchange())
        .map_or("access token", |e| e.token_name());
    format!(
        "{}: store client credentials (this id + the secret from the prompt or stdin) instead of an {token}. The id is not a secret; the secret never goes here",
        crate::vendors::client_credential_vendors()
    )
}

#[derive(Debug, Args)]
pub struct DemoServerArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8787)]
    pub port: u16,
}

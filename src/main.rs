//! Entry point: parse the command line, set up file logging, dispatch.

#![forbid(unsafe_code)]

use clap::Parser;

use userscope::cli::{Cli, Command};

#[tokio::main]
async fn main() {
    // A shell asking for completion candidates (COMPLETE=SHELL, set by the script of
    // `userscope completions`) is answered here, before anything else runs or prints.
    clap_complete::CompleteEnv::with_factory(userscope::cli::completions::command)
        .var(userscope::cli::completions::COMPLETE_VAR)
        .complete();
    let cli = Cli::parse();
    let _log_guard = userscope::logging::init();
    // A demo registers the demo vendor defined in a config-file table (design §10) before any
    // command reads the config file, so `--demo` shows it like the built-in ones.
    let demo = match &cli.command {
        None => cli.tui.demo,
        Some(Command::Get(args)) => args.demo,
        Some(Command::Find(args)) => args.demo,
        Some(Command::DemoServer(_)) => true,
        Some(_) => false,
    };
    if demo && let Err(error) = userscope::config::register_demo_vendors() {
        eprintln!("userscope: {error}");
        std::process::exit(2);
    }
    let code = match cli.command {
        None => userscope::tui::run(cli.tui).await,
        Some(Command::Get(args)) => userscope::cli::get::run(args).await,
        Some(Command::Find(args)) => userscope::cli::find::run(args).await,
        Some(Command::Keys(cmd)) => userscope::cli::keys::run(cmd).await,
        Some(Command::Vendors(args)) => userscope::cli::vendors::run_with(args).await,
        Some(Command::DemoServer(args)) => userscope::cli::demo_server::run(args).await,
        Some(Command::Open(args)) => userscope::cli::open::run(args).await,
        Some(Command::Completions { shell }) => userscope::cli::completions::run(shell),
        Some(Command::Man(args)) => userscope::cli::man::run(&args),
        Some(Command::Doctor(args)) => userscope::cli::doctor::run(args).await,
        Some(Command::Config(cmd)) => userscope::cli::config::run(&cmd),
    };
    std::process::exit(code);
}

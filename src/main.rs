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

//! Entry point: parse the command line, set up file logging, dispatch.

use clap::Parser;

use userscope::cli::{Cli, Command};

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    let _log_guard = userscope::logging::init();
    let code = match cli.command {
        None => userscope::tui::run(cli.tui).await,
        Some(Command::Get(args)) => userscope::cli::get::run(args).await,
        Some(Command::Find(args)) => userscope::cli::find::run(args).await,
        Some(Command::Keys(cmd)) => userscope::cli::keys::run(cmd).await,
        Some(Command::Vendors) => userscope::cli::vendors::run().await,
        Some(Command::DemoServer(args)) => userscope::cli::demo_server::run(args).await,
        Some(Command::Open(args)) => userscope::cli::open::run(args).await,
    };
    std::process::exit(code);
}

use clap::Parser;

use userscope::cli::Cli;

fn main() {
    let cli = Cli::parse();
    println!("userscope: being built {cli:?}");
}

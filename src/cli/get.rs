//! `userscope get` — being written.

pub async fn run(args: super::GetArgs) -> i32 {
    let _ = args;
    eprintln!("not built yet");
    1
}

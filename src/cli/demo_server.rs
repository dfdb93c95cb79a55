//! `userscope demo-server` — being written.

pub async fn run(args: super::DemoServerArgs) -> i32 {
    let _ = args;
    eprintln!("not built yet");
    1
}

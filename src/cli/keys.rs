//! `userscope keys` — being written.

pub async fn run(cmd: super::KeysCommand) -> i32 {
    let _ = cmd;
    eprintln!("not built yet");
    1
}

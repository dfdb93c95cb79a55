//! `userscope vendors` — being written.

pub async fn run() -> i32 {
    
    eprintln!("not built yet");
    1
}

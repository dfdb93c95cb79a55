//! Running a child process to its end with a time limit: its exit, output, elapsed time, peak
//! memory, and (when asked) every process argument on the machine that held a secret meanwhile.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::leaks::processes_with_in_argv;

/// How a child process ended, and what was seen while it ran.
#[derive(Debug)]
pub struct Finished {
    pub code: Option<i32>,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub elapsed: Duration,
    /// Peak resident set size of the child (`wait4` rusage), KiB.
    pub peak_rss_kib: u64,
    /// Samples of every `/proc/*/cmdline` taken while the child ran.
    pub proc_samples: usize,
    /// `/proc/*/cmdline` entries that contained the watched needle, as `PID: ARGV`.
    pub cmdline_hits: Vec<String>,
}

impl Finished {
    pub fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }

    pub fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    /// Exit, time and output, for a failure message.
    pub fn describe(&self) -> String {
        format!(
            "exit {:?} after {:?}\nstdout: {}\nstderr: {}",
            self.code,
            self.elapsed,
            truncated(&self.stdout_text(), 2000),
            self.stderr_text()
        )
    }
}

/// `s` cut to at most `max` bytes (on a char boundary), with `…` when cut.
pub fn truncated(s: &str, max: usize) -> String {
    if s.len() <= max {
        s.to_owned()
    } else {
        let mut end = max;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}…", &s[..end])
    }
}

/// Run `cmd` to the end (killed after `limit`), reaping it with `wait4` for its peak RSS and,
/// with `needle`, sampling every process's command line while it runs.
// The child is reaped by `wait4` (for its rusage), which clippy cannot see; `wait4` itself
// has no safe wrapper in std, hence the one `unsafe` block of the test support.
#[allow(clippy::zombie_processes, unsafe_code)]
pub fn run(mut cmd: Command, limit: Duration, needle: Option<&str>) -> Finished {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = spawn_retrying(&mut cmd);
    let pid = child.id() as libc::pid_t;
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = out.read_to_end(&mut buf);
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = err.read_to_end(&mut buf);
        buf
    });
    let mut proc_samples = 0;
    let mut cmdline_hits = Vec::new();
    let mut killed = false;
    let (status, usage) = loop {
        let mut status: libc::c_int = 0;
        // SAFETY: plain syscall on our own child; both out-pointers are valid for writes.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let reaped = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if reaped == pid {
            break (status, usage);
        }
        assert!(
            reaped == 0,
            "wait4 failed: {}",
            std::io::Error::last_os_error()
        );
        if let Some(needle) = needle {
            proc_samples += 1;
            cmdline_hits.extend(
                processes_with_in_argv(needle)
                    .iter()
                    .map(ToString::to_string),
            );
        }
        if !killed && started.elapsed() > limit {
            let _ = child.kill();
            killed = true;
        }
        std::thread::sleep(Duration::from_millis(15));
    };
    let elapsed = started.elapsed();
    let code = if libc::WIFEXITED(status) {
        Some(libc::WEXITSTATUS(status))
    } else {
        None
    };
    Finished {
        code,
        stdout: out_reader.join().unwrap(),
        stderr: err_reader.join().unwrap(),
        elapsed,
        peak_rss_kib: usage.ru_maxrss.max(0) as u64,
        proc_samples,
        cmdline_hits,
    }
}

/// [`run`] from an async test without stalling its runtime.
pub async fn run_async(cmd: Command, limit: Duration, needle: Option<String>) -> Finished {
    tokio::task::spawn_blocking(move || run(cmd, limit, needle.as_deref()))
        .await
        .unwrap()
}

/// Spawn, retrying for a while when the binary is missing: in a shared working tree another
/// `cargo build` may be relinking it at this very moment.
pub fn spawn_retrying(cmd: &mut Command) -> std::process::Child {
    let mut tries = 0;
    loop {
        match cmd.spawn() {
            Ok(child) => return child,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && tries < 40 => {
                tries += 1;
                std::thread::sleep(Duration::from_millis(250));
            }
            Err(e) => panic!("spawn {:?}: {e}", cmd.get_program()),
        }
    }
}

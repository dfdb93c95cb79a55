//! The harness: a tmux server of our own with one 120×40 session running a clean shell in a
//! temp HOME, driven by keys and read back as screen text.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use crate::support::home::Home;

/// A tmux server of our own (unique socket), killed when dropped.
pub(crate) struct Tmux {
    socket: String,
    home: Home,
}

impl Tmux {
    pub(crate) fn start(tag: &str) -> Tmux {
        let socket = format!("userscope-e2e-{tag}-{}", std::process::id());
        let home = Home::new();
        let tmux = Tmux { socket, home };
        let h = tmux.home.path();
        let shell = format!(
            "env -i PATH=/usr/bin:/bin HOME={h} XDG_CONFIG_HOME={h}/config XDG_STATE_HOME={h}/state \
             XDG_DATA_HOME={h}/data XDG_CACHE_HOME={h}/cache TERM=xterm-256color PS1='e2e$ ' sh",
            h = h.display()
        );
        let out = tmux.run(&[
            "new-session",
            "-d",
            "-x",
            "120",
            "-y",
            "40",
            "-s",
            "e2e",
            // The shell starts in the temp HOME, so an export (`e`) lands there, not in the repo.
            "-c",
            &h.display().to_string(),
            &shell,
        ]);
        assert!(
            out.status.success(),
            "tmux new-session: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        tmux
    }

    pub(crate) fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .unwrap()
    }

    pub(crate) fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "e2e"];
        args.extend_from_slice(keys);
        assert!(self.run(&args).status.success());
    }

    /// Type a line literally, then Enter.
    pub(crate) fn line(&self, text: &str) {
        assert!(
            self.run(&["send-keys", "-t", "e2e", "-l", text])
                .status
                .success()
        );
        self.keys(&["Enter"]);
    }

    pub(crate) fn screen(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", "e2e"]).stdout).into_owned()
    }

    pub(crate) fn alternate_screen_on(&self) -> bool {
        let out = self.run(&["display-message", "-p", "-t", "e2e", "#{alternate_on}"]);
        String::from_utf8_lossy(&out.stdout).trim() == "1"
    }

    /// Poll the screen (bounded) until every needle is visible, then until the screen holds
    /// still: a frame reaches tmux through the pty in pieces, and a capture taken between two
    /// pieces shows half a frame. A screen that keeps changing (a spinner, a clock) is returned
    /// after a second, as long as the needles are still there.
    #[track_caller]
    pub(crate) fn wait_for(&self, needles: &[&str]) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let screen = self.screen();
            if needles.iter().all(|n| screen.contains(n)) {
                let settle = Instant::now() + Duration::from_secs(1);
                let mut last = screen.clone();
                loop {
                    std::thread::sleep(Duration::from_millis(30));
                    let again = self.screen();
                    let stable = again == last;
                    let complete = needles.iter().all(|n| again.contains(n));
                    last = again;
                    if !complete {
                        break;
                    }
                    if stable || Instant::now() > settle {
                        return last;
                    }
                }
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {needles:?}; screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    #[track_caller]
    pub(crate) fn wait_gone(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let screen = self.screen();
            if !screen.contains(needle) {
                return screen;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {needle:?} to go; screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub(crate) fn home(&self) -> &Path {
        self.home.path()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}

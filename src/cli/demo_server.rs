//! `userscope demo-server` — being written.

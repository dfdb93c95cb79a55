//! `userscope get` — being written.

//! `userscope keys` — being written.

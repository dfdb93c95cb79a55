//! `userscope vendors` — being written.

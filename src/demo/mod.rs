//! The built-in demo vendors. SKELETON: being written.

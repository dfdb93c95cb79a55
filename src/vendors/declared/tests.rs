//! Unit tests of config-defined vendors: the adapter is built directly from a spec (never
//! through the process-wide registry, whose contents depend on which test ran first).

//! Examples of `twin-core` (the programs are in `src/bin/`; see `examples/rust/README.md`).
//!
//! This library holds no code: it includes the repository's README so that `cargo test`
//! compiles every Rust snippet there as a doc test, and a snippet that stops compiling fails
//! the build.
#![doc = include_str!("../../../README.md")]

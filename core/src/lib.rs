//! twin-core: the Rust client for the Twin REST API.
#![deny(missing_docs)]

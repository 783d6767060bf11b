//! The native module `twin._twin`.

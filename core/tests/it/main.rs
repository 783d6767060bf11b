//! Integration tests against the in-process emulator.

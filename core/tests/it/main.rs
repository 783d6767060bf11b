//! Integration tests of twin-core against the emulator, in-process, over real HTTP.
#![allow(clippy::result_large_err)] // the crate allows it too: `Error::Api` carries its Problem inline

mod agents;
mod common;
mod errors;
mod events;
mod keys_and_workspaces;
mod retries;
mod runs;
mod schedules_and_instructions;
mod webhooks;

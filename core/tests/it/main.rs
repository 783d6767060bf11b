//! Integration tests of twin-core against the emulator, in-process, over real HTTP.

mod agents;
mod common;
mod errors;
mod events;
mod hostile_paging;
mod keys_and_workspaces;
mod observe;
mod refusals;
mod retries;
mod runs;
mod schedules_and_instructions;
mod webhooks;

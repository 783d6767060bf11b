//! Follow a run's events as they happen.
//!
//!     TWIN_API_KEY=... cargo run -p twin-examples --bin follow_events
//!
//! `follow` polls with backoff, yields each event once and in order, and ends when the run has
//! ended and every event was seen. A `CancelToken` in the options stops it from another thread.
use std::time::Duration;

use twin_core::{AgentCreateParams, Client, FollowOptions, RunStartParams};

fn main() -> twin_core::Result<()> {
    let client = Client::from_env()?;
    let agent = client.agents().create(&AgentCreateParams::default())?;
    let result = follow(&client, &agent.agent_id);
    client.agents().delete(&agent.agent_id)?;
    result
}

fn follow(client: &Client, agent_id: &str) -> twin_core::Result<()> {
    let params = RunStartParams::default().message("Plan my week");
    let run = client.runs().start(agent_id, &params)?;
    let opts = FollowOptions::default().timeout(Duration::from_secs(600));
    let mut events = client.events().follow(agent_id, &run.run_id, &opts);
    for event in &mut events {
        let event = event?;
        // kind: Started, RunPolicyInitialized, PolicyDecided, ToolCallResolved, Finished, ...
        let tool = event
            .payload()
            .get("tool_name")
            .and_then(|t| t.as_str())
            .unwrap_or("");
        println!("{:>12}  {:<24} {tool}", event.index, event.kind);
    }
    // Resume from here later with FollowOptions::default().after_index(last).
    println!("last event index: {:?}", events.last_index());
    let run = client.runs().get(agent_id, &run.run_id)?;
    println!("run {}", run.status_str());
    Ok(())
}

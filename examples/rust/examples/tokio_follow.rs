//! twin-core in a tokio program (its `tokio` feature): every call through `AsyncClient`, which
//! runs it on tokio's blocking pool, and a run's events as a `Stream`.
//!
//!     TWIN_API_KEY=... TWIN_BASE_URL=... cargo run -p twin-examples --example tokio_follow
//!
//! Calling the blocking `Client` straight from async code would stall a runtime worker (and
//! every task on it) for as long as the call lasts: up to 10 minutes for a wait.
use std::time::Duration;

use futures_util::StreamExt;
use twin_core::{AgentCreateParams, AsyncClient, Client, FollowOptions, RunStartParams};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = AsyncClient::new(Client::from_env()?);
    let agent = client
        .call(|c| c.agents().create(&AgentCreateParams::default()))
        .await?;
    let agent_id = agent.agent_id.clone();
    let run = client
        .call(move |c| {
            let params = RunStartParams::default().message("Plan my week");
            c.runs().start(&agent_id, &params)
        })
        .await?;
    println!("started run {}", run.run_id);

    let opts = FollowOptions::default().timeout(Duration::from_secs(600));
    let mut events = client.follow(&agent.agent_id, &run.run_id, &opts);
    let mut count = 0;
    while let Some(event) = events.next().await {
        let event = event?;
        count += 1;
        println!("{:>12}  {}", event.index, event.kind);
    }
    let (agent_id, run_id) = (agent.agent_id.clone(), run.run_id.clone());
    let run = client
        .call(move |c| c.runs().get(&agent_id, &run_id))
        .await?;
    println!("{count} events; run {}", run.status_str());
    let agent_id = agent.agent_id.clone();
    client.call(move |c| c.agents().delete(&agent_id)).await?;
    Ok(())
}

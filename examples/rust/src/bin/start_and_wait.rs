//! Start a run and wait for its result.
//!
//!     TWIN_API_KEY=... cargo run -p twin-examples --bin start_and_wait
use std::time::Duration;

use twin_core::{AgentCreateParams, Client, RunStartParams, WaitOptions};

fn main() -> twin_core::Result<()> {
    let client = Client::from_env()?; // TWIN_API_KEY, TWIN_BASE_URL
    let agent = client.agents().create(&AgentCreateParams::default())?;
    let result = start_and_wait(&client, &agent.agent_id);
    client.agents().delete(&agent.agent_id)?;
    result
}

fn start_and_wait(client: &Client, agent_id: &str) -> twin_core::Result<()> {
    client.instructions().update(
        agent_id,
        "Summarise my unread mail in three bullets.",
        &Default::default(),
    )?;
    let params = RunStartParams::default().message("Summarise the inbox");
    let run = client.runs().start(agent_id, &params)?;
    println!("started run {}", run.run_id);

    // Polls with growing pauses until the run is completed, failed, stopped or paused.
    let opts = WaitOptions::default().timeout(Duration::from_secs(600));
    let run = client.runs().wait(agent_id, &run.run_id, &opts)?;
    let outcome = run.outcome.as_ref().map(|o| o.as_str()).unwrap_or("-");
    println!(
        "status {}, outcome {outcome}: {}",
        run.status_str(),
        run.summary.as_deref().unwrap_or("")
    );

    let events: Vec<_> = client
        .events()
        .list(agent_id, &run.run_id, &Default::default())
        .collect::<Result<_, _>>()?;
    // None unless the run completed: an errored run's events never pass for an answer.
    if let Some(answer) = run.final_output(&events) {
        println!("answer: {answer}");
    }
    Ok(())
}

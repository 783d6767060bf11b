//! List runs and agents: lists page lazily, and filters apply to every page.
//!
//!     TWIN_API_KEY=... cargo run -p twin-examples --bin list_with_paging
use twin_core::{
    AgentCreateParams, AgentListParams, Client, RunListParams, RunStartParams, WaitOptions,
};

fn main() -> twin_core::Result<()> {
    let client = Client::from_env()?;
    let agent = client.agents().create(&AgentCreateParams::default())?;
    let result = list(&client, &agent.agent_id);
    client.agents().delete(&agent.agent_id)?;
    result
}

fn list(client: &Client, agent_id: &str) -> twin_core::Result<()> {
    for i in 0..5 {
        let params = RunStartParams::default().message(format!("Task {i}"));
        let run = client.runs().start(agent_id, &params)?;
        client
            .runs()
            .wait(agent_id, &run.run_id, &WaitOptions::default())?;
    }

    // Items: each page is fetched when the previous one is used up.
    let params = RunListParams::default().status("completed").page_size(2);
    for run in client.runs().list(agent_id, &params) {
        let run = run?;
        println!("{}  {}", run.run_id, run.status_str());
    }

    // Whole pages.
    let params = RunListParams::default().page_size(2);
    for (number, page) in client.runs().list(agent_id, &params).pages().enumerate() {
        let page = page?;
        println!(
            "page {}: {} runs, more after it: {}",
            number + 1,
            page.items.len(),
            page.has_next()
        );
    }

    // Stop early: only the pages needed are requested.
    let params = AgentListParams::default().limit(2);
    let first: Vec<_> = client
        .agents()
        .list(&params)
        .take(3)
        .collect::<Result<_, _>>()?;
    println!(
        "first agents: {:?}",
        first
            .iter()
            .map(|a| a.agent_id.as_str())
            .collect::<Vec<_>>()
    );
    Ok(())
}

//! Call overhead of the Rust client (issue 7, rows 8 and 9): `client.agents().get()` against
//! raw ureq doing the same request and a serde decode, on the same emulator.
//!
//! ```text
//! cargo bench -p twin-core --bench overhead                  # both sides, alternating
//! overhead --url URL --key KEY --agent ID --serve twin|ureq|ureq-deadline  # for bench.py
//! ```
//!
//! Without `--url` it starts an emulator in-process. With `--serve`, it reads a count per line
//! on stdin, makes that many calls, and answers the nanoseconds they took (`bench/bench.py`
//! alternates two such processes: this one and the C program, or its two sides).

use std::io::{BufRead, Write};
use std::time::Instant;

use serde::Deserialize;

/// The agent as a hand-written client would decode it.
#[derive(Deserialize)]
#[allow(dead_code)]
struct RawAgent {
    agent_id: String,
    agent_name: Option<RawName>,
    workspace_id: Option<String>,
    deployment_state: Option<String>,
    #[serde(default)]
    has_runs: bool,
    latest_run_id: Option<String>,
    latest_run_status: Option<String>,
    #[serde(default)]
    latest_run_is_finished: bool,
    #[serde(default)]
    latest_run_has_pending_input: bool,
    last_activity_at: Option<String>,
    icon_config: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct RawName {
    name: Option<String>,
}

#[derive(Deserialize)]
struct Envelope {
    agent: RawAgent,
}

enum Side {
    Twin(twin_core::Client),
    Ureq(ureq::Agent, String, String),
}

impl Side {
    fn new(name: &str, url: &str, key: &str, agent: &str) -> Side {
        match name {
            "twin" => Side::Twin(
                twin_core::Client::builder()
                    .api_key(key)
                    .base_url(url)
                    .build()
                    .expect("client"),
            ),
            "ureq" => Side::Ureq(
                ureq::Agent::new_with_defaults(),
                format!("{url}/v1/agents/{agent}"),
                key.to_owned(),
            ),
            // The same, with a deadline per call as the client has (60 s): ureq then sets the
            // socket's timeouts before each request, two system calls.
            "ureq-deadline" => Side::Ureq(
                ureq::Agent::config_builder()
                    .timeout_global(Some(std::time::Duration::from_secs(60)))
                    .build()
                    .new_agent(),
                format!("{url}/v1/agents/{agent}"),
                key.to_owned(),
            ),
            other => panic!("unknown side {other:?} (twin, ureq or ureq-deadline)"),
        }
    }

    /// One call; returns the length of the agent id read (so nothing is optimised away).
    fn call(&self, agent: &str) -> usize {
        match self {
            Side::Twin(client) => client.agents().get(agent).expect("get").agent_id.len(),
            Side::Ureq(http, url, key) => {
                let envelope: Envelope = http
                    .get(url)
                    .header("x-api-key", key)
                    .header("accept", "application/json")
                    .call()
                    .expect("get")
                    .body_mut()
                    .read_json()
                    .expect("decode");
                envelope.agent.agent_id.len()
            }
        }
    }

    fn time(&self, agent: &str, n: u64) -> u128 {
        let start = Instant::now();
        let mut sink = 0;
        for _ in 0..n {
            sink += self.call(agent);
        }
        assert!(sink > 0);
        start.elapsed().as_nanos()
    }
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opt = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let smoke = args.iter().any(|a| a == "--smoke");
    let _emulator;
    let (url, key) = match (opt("--url"), opt("--key")) {
        (Some(u), Some(k)) => (u, k),
        _ => {
            let e = twin_emulator::Emulator::start(twin_emulator::Options::default())
                .expect("emulator");
            let pair = (e.url().to_owned(), e.api_key().to_owned());
            _emulator = e;
            pair
        }
    };
    let agent = match opt("--agent") {
        Some(a) => a,
        None => twin_core::Client::builder()
            .api_key(&key)
            .base_url(&url)
            .build()
            .expect("client")
            .agents()
            .create(&Default::default())
            .expect("create agent")
            .agent_id
            .into_string(),
    };

    if let Some(side) = opt("--serve") {
        let side = Side::new(&side, &url, &key, &agent);
        let stdout = std::io::stdout();
        for line in std::io::stdin().lock().lines() {
            let n: u64 = line.expect("stdin").trim().parse().expect("a count");
            let mut out = stdout.lock();
            writeln!(out, "{}", side.time(&agent, n)).expect("stdout");
            out.flush().expect("stdout");
        }
        return;
    }

    let (n, reps, warmup) = if smoke { (3, 2, 1) } else { (500, 15, 2) };
    let twin = Side::new("twin", &url, &key, &agent);
    let raw = Side::new("ureq", &url, &key, &agent);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for round in 0..warmup + reps {
        let ta = twin.time(&agent, n) as f64 / n as f64;
        let tb = raw.time(&agent, n) as f64 / n as f64;
        if round >= warmup {
            a.push(ta);
            b.push(tb);
        }
    }
    let (a, b) = (median(a), median(b));
    println!(
        "agents().get(): {:.1} µs; raw ureq + serde: {:.1} µs; ratio {:.3}",
        a / 1e3,
        b / 1e3,
        a / b
    );
}

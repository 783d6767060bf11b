use std::time::Duration;

use serde_json::{Value, json};
use twin_core::{Agent, AgentCreateParams, Client};
use twin_emulator::{Emulator, Options, Running};

/// An emulator with fast simulated runs and a client for it.
pub struct Env {
    pub emulator: Running,
    pub client: Client,
}

pub fn env() -> Env {
    let emulator = Emulator::start(Options::default().step_ms(5)).expect("emulator starts");
    let client = Client::builder()
        .api_key(emulator.api_key())
        .base_url(emulator.url())
        .total_timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    Env { emulator, client }
}

impl Env {
    pub fn agent(&self) -> Agent {
        self.client
            .agents()
            .create(&AgentCreateParams::default())
            .expect("agent")
    }

    /// An admin call on `/_emulator/...`.
    pub fn admin(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{}", self.emulator.url(), path);
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let req = ureq::http::Request::builder()
            .method(method)
            .uri(url)
            .header("x-api-key", self.emulator.api_key())
            .header("content-type", "application/json")
            .body(body.unwrap_or(json!({})).to_string())
            .unwrap();
        let mut resp = agent.run(req).expect("admin call");
        assert!(
            resp.status().is_success(),
            "admin {path}: {}",
            resp.status()
        );
        resp.body_mut().read_json().unwrap_or(Value::Null)
    }

    pub fn faults(&self, config: Value) {
        self.admin("PUT", "/_emulator/faults", Some(config));
    }

    pub fn fault_stats(&self) -> Value {
        self.admin("GET", "/_emulator/faults", None)["stats"].clone()
    }

    /// A client whose retries are quick to observe: same emulator, other limits.
    pub fn client_with(&self, retries: u32, total: Duration) -> Client {
        self.client
            .with_timeouts(self.client.timeouts().max_retries(retries).total(total))
    }
}

/// Starts a run of `agent` with `message` (an `[emulator: ...]` directive); its id.
pub fn start_run(env: &Env, agent: &str, message: &str) -> String {
    let params = twin_core::RunStartParams::default().message(message);
    let run = env.client.runs().start(agent, &params).expect("run starts");
    run.run_id.into_string()
}

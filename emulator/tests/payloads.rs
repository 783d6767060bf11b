//! `payload_kb=N` makes events as big as real ones, with their kind of content: instruction
//! prose and tool schemas in `Started`, assistant messages in `PolicyDecided`, output records
//! (as protobuf Value trees) in the `ToolCallResolved` events, markdown in `ToolOutputSummary`.

mod common;

use common::*;

#[test]
fn padded_events_are_realistically_large_and_structured() {
    let api = Api::start();
    let agent = api.create_agent(None);
    let run = api.start_run(
        &agent,
        "run",
        "Triage [emulator: events=500 payload_kb=3 step_ms=0]",
    );
    api.wait_run(&agent, &run);
    let r = api.get(&format!("/v1/agents/{agent}/runs/{run}/events?limit=500"));
    let events = r.json(200)["events"].as_array().unwrap().clone();
    assert_eq!(events.len(), 500);
    // About 1 MB for 500 events, as a page of real ones is.
    assert!(
        (750_000..1_400_000).contains(&r.text.len()),
        "{} bytes",
        r.text.len()
    );
    let size = |e: &serde_json::Value| e.to_string().len();
    let mut padded = 0;
    for e in &events {
        let payload = event_payload(e);
        match event_type(e).as_str() {
            "Started" => {
                assert!(size(e) > 3000, "{}", size(e));
                let prose = payload["agent_instructions_context"].as_str().unwrap();
                assert!(prose.contains('\n') && prose.contains('"'));
                assert!(!payload["dynamic_tools"].as_array().unwrap().is_empty());
                padded += 1;
            }
            "PolicyDecided" => {
                assert!(size(e) > 3000, "{}", size(e));
                padded += 1;
            }
            "ToolCallResolved" if payload["tool_name"] != "llm" => {
                assert!(size(e) > 3000, "{}", size(e));
                let output = decode_value(&payload["output"]);
                assert!(output["results"].as_array().unwrap().len() > 3, "{output}");
                padded += 1;
            }
            "ToolOutputSummary" => {
                assert!(size(e) > 3000, "{}", size(e));
                let text = payload["blocks"][0]["kind"]["Text"]["text"]
                    .as_str()
                    .unwrap();
                assert!(text.contains('\n') && text.contains('"'));
                padded += 1;
            }
            _ => {}
        }
    }
    assert!(padded > 150, "{padded} padded events");

    // Without the directive, events stay as small as the trimmed real templates.
    let plain = api.start_run(&agent, "run", "hi [emulator: events=12 step_ms=0]");
    api.wait_run(&agent, &plain);
    let r = api.get(&format!("/v1/agents/{agent}/runs/{plain}/events"));
    assert!(
        r.json(200)["events"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e.to_string().len() < 5000)
    );
}

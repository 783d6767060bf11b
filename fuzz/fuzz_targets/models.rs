//! Any JSON decodes into every model as a typed result, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use twin_core::Model;

fuzz_target!(|data: &[u8]| {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    let _ = twin_core::Me::from_value(v.clone());
    let _ = twin_core::ApiKey::from_value(v.clone());
    let _ = twin_core::CreatedApiKey::from_value(v.clone());
    let _ = twin_core::Workspace::from_value(v.clone());
    let _ = twin_core::Agent::from_value(v.clone());
    let _ = twin_core::Run::from_value(v.clone());
    let _ = twin_core::Webhook::from_value(v.clone());
    let _ = twin_core::CreatedWebhook::from_value(v.clone());
    let _ = twin_core::Schedule::from_value(v.clone());
    let _ = twin_core::Instructions::from_value(v.clone());
    let _ = twin_core::InstructionVersion::from_value(v.clone());
    let _ = serde_json::from_value::<twin_core::Problem>(v);
});

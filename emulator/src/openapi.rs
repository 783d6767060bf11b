//! `GET /openapi.json`: an OpenAPI 3.1 document of exactly what the emulator serves.

use axum::Json;
use serde_json::{Value, json};

pub async fn serve() -> Json<Value> {
    Json(document())
}

pub fn document() -> Value {
    json!({ "openapi": "3.1.0", "info": { "title": "Twin API (emulator)", "version": env!("CARGO_PKG_VERSION") }, "paths": {} })
}

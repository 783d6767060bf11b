//! `/openapi.json` against the router: the same routes, served over HTTP as built in process,
//! and every `$ref` resolvable.

use std::collections::BTreeSet;

use serde_json::Value;
use twin_emulator::{Emulator, Options};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The `(METHOD, path)` pairs under `paths`.
fn documented(doc: &Value) -> BTreeSet<(String, String)> {
    let paths = doc["paths"].as_object().expect("paths is an object");
    let mut pairs = BTreeSet::new();
    for (path, item) in paths {
        let item = item.as_object().expect("path item is an object");
        for method in item.keys().filter(|k| METHODS.contains(&k.as_str())) {
            pairs.insert((method.to_ascii_uppercase(), path.clone()));
        }
    }
    pairs
}

#[test]
fn document_lists_exactly_the_routes() {
    let routes: BTreeSet<(String, String)> = twin_emulator::api_routes()
        .into_iter()
        .map(|(m, p)| (m, p.to_string()))
        .collect();
    assert_eq!(routes.len(), 33, "the API has 33 routes");
    let documented = documented(&twin_emulator::openapi_document());
    let undocumented: Vec<_> = routes.difference(&documented).collect();
    let unrouted: Vec<_> = documented.difference(&routes).collect();
    assert!(
        undocumented.is_empty(),
        "routes missing from openapi.json: {undocumented:?}"
    );
    assert!(
        unrouted.is_empty(),
        "openapi.json lists routes not served: {unrouted:?}"
    );
}

#[test]
fn operations_are_complete() {
    let doc = twin_emulator::openapi_document();
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(
        doc["components"]["securitySchemes"]["api_key"]["in"],
        "header"
    );
    assert_eq!(
        doc["components"]["securitySchemes"]["api_key"]["name"],
        "x-api-key"
    );
    let mut ids = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        assert!(
            !path.starts_with("/_emulator"),
            "admin route {path} documented"
        );
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().expect("operationId");
            assert!(ids.insert(id.to_string()), "duplicate operationId {id}");
            assert!(op["summary"].is_string(), "{method} {path}: summary");
            let responses = op["responses"].as_object().unwrap();
            assert!(
                responses.keys().any(|c| c.starts_with('2')),
                "{method} {path}: no success response"
            );
            assert!(responses.contains_key("401"), "{method} {path}: no 401");
            // Every `{name}` of the template is a required path parameter, and nothing else is.
            let in_template: BTreeSet<&str> = path
                .split('/')
                .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
                .collect();
            let declared: BTreeSet<&str> = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "path")
                .map(|p| {
                    assert_eq!(p["required"], true);
                    p["name"].as_str().unwrap()
                })
                .collect();
            assert_eq!(in_template, declared, "{method} {path}: path parameters");
        }
    }
}

/// Every `$ref` in `value`, as found.
fn refs<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if k == "$ref" {
                    out.push(v.as_str().expect("$ref is a string"));
                } else {
                    refs(v, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[test]
fn served_document_matches_and_refs_resolve() {
    let emulator = Emulator::start(Options::default()).expect("emulator starts");
    let url = format!("{}/openapi.json", emulator.url());
    let mut response = ureq::get(&url)
        .header("x-api-key", emulator.api_key())
        .call()
        .expect("GET /openapi.json");
    assert_eq!(response.status(), 200);
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    let served: Value = response.body_mut().read_json().expect("JSON body");
    assert_eq!(served, twin_emulator::openapi_document());

    let mut found = Vec::new();
    refs(&served, &mut found);
    assert!(!found.is_empty());
    for reference in found {
        let pointer = reference
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("{reference} is not local"));
        assert!(
            pointer.starts_with("/components/"),
            "{reference} does not point into components"
        );
        assert!(
            served.pointer(pointer).is_some(),
            "{reference} does not resolve"
        );
    }
    emulator.shutdown();
}

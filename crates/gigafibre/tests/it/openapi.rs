//! The OpenAPI document the server serves describes every `/api/v1` route
//! the code registers, and nothing else: a route added without its
//! description, or a description left after its route went, fails here.

use std::collections::BTreeSet;
use std::path::Path;

use axum::http::{Method, StatusCode};
use gigafibre::api::openapi::DOCUMENT;
use serde_json::Value;

use crate::ops::Ops;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// Every (path, method) the document describes.
fn documented(document: &Value) -> BTreeSet<(String, String)> {
    let paths = document["paths"].as_object().expect("paths");
    paths
        .iter()
        .flat_map(|(path, item)| {
            let item = item.as_object().unwrap();
            METHODS.iter().filter(|m| item.contains_key(**m)).map(move |m| (path.clone(), m.to_string()))
        })
        .collect()
}

/// The text inside the parenthesis that opens at `start`.
fn inside(source: &str, start: usize) -> &str {
    let mut depth = 0;
    for (offset, c) in source[start..].char_indices() {
        match c {
            '(' => depth += 1,
            ')' if depth == 1 => return &source[start + 1..start + offset],
            ')' => depth -= 1,
            _ => {}
        }
    }
    panic!("unbalanced route at {start}");
}

/// The methods a route's handlers answer: `get(…)`, `post(…).get(…)`, …
fn methods_of(handlers: &str) -> Vec<String> {
    let bytes = handlers.as_bytes();
    METHODS
        .iter()
        .flat_map(|method| {
            let call = format!("{method}(");
            handlers
                .match_indices(&call)
                .filter(|(at, _)| *at == 0 || !(bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_'))
                .map(|_| method.to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Every (path, method) under `/api/v1` that a `.route(…)` in the source registers.
fn registered(dir: &Path, found: &mut BTreeSet<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            registered(&path, found);
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let source = std::fs::read_to_string(&path).unwrap();
        for (at, _) in source.match_indices(".route(") {
            let arguments = inside(&source, at + ".route".len());
            let Some(rest) = arguments.trim_start().strip_prefix('"') else { continue };
            let (route, handlers) = rest.split_once('"').unwrap();
            if route.starts_with("/api/v1") {
                found.extend(methods_of(handlers).into_iter().map(|m| (route.to_owned(), m)));
            }
        }
    }
}

#[test]
fn the_document_and_the_router_name_the_same_api_routes() {
    let document: Value = serde_json::from_str(DOCUMENT).expect("the document is JSON");
    assert_eq!(document["openapi"], "3.1.0");
    let mut in_code = BTreeSet::new();
    registered(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut in_code);
    assert!(in_code.len() >= 8, "the scan finds the routes: {in_code:?}");
    assert_eq!(documented(&document), in_code, "described in openapi.json vs registered in the code");

    // Every write says it needs the key.
    for (path, method) in documented(&document).into_iter().filter(|(_, m)| m != "get") {
        let parameters = document["paths"][&path][&method]["parameters"].to_string();
        assert!(parameters.contains("IdempotencyKey"), "{method} {path} names its Idempotency-Key");
    }
}

#[tokio::test]
async fn each_documented_route_is_answered_by_the_router() {
    let ops = Ops::new().await;
    let document: Value = serde_json::from_str(DOCUMENT).unwrap();
    for (path, method) in documented(&document) {
        let uri = path.replace("{id}", "1").replace("{index}", "0").replace("{photo_id}", "1");
        let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let answer = ops.send(method.clone(), &uri, &[], None).await;
        let open = path.ends_with("openapi.json");
        let expected = if open { StatusCode::OK } else { StatusCode::UNAUTHORIZED };
        assert_eq!(answer.status, expected, "{method} {uri}: {}", answer.body);
    }
    let served = ops.send(Method::GET, "/api/v1/openapi.json", &[], None).await;
    assert_eq!(served.headers["content-type"], "application/json");
    assert_eq!(served.body, DOCUMENT, "served as it is kept");
}

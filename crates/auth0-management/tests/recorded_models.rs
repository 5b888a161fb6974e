//! Every Management API response that go-auth0 recorded against a real tenant parses into its
//! generated model and serialises back to the same JSON (key order aside).
//!
//! The recordings are go-vcr cassettes in `tests/data/go-auth0/` (see the SOURCE.md there).

#[allow(dead_code, clippy::all, clippy::pedantic, unreachable_pub)]
#[path = "generated/response_types.rs"]
mod response_types;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
struct Cassette {
    #[serde(default)]
    interactions: Vec<Interaction>,
}

#[derive(Deserialize)]
struct Interaction {
    #[serde(default)]
    id: u64,
    request: Request,
    response: Response,
}

#[derive(Deserialize)]
struct Request {
    url: String,
    method: String,
}

#[derive(Deserialize)]
struct Response {
    #[serde(default)]
    body: String,
    code: u16,
}

/// Most cassette files the walk reads (there are 537); a bound, not an expectation.
const MAX_FILES: usize = 5_000;

fn cassettes(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("recordings directory is readable")
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if out.len() >= MAX_FILES {
            return;
        }
        if path.is_dir() {
            cassettes(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml") {
            out.push(path);
        }
    }
}

/// The operation whose path template matches `path` (most literal segments win).
fn operation_for(method: &str, path: &str) -> Option<(&'static str, bool)> {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let mut best: Option<(usize, &'static str, bool)> = None;
    for &(m, template, id, _, typed) in response_types::OPERATIONS {
        if m != method {
            continue;
        }
        let parts: Vec<&str> = template.trim_matches('/').split('/').collect();
        if parts.len() != segments.len() {
            continue;
        }
        let mut literal = 0;
        let matches = parts.iter().zip(&segments).all(|(p, s)| {
            if p.starts_with('{') {
                !s.is_empty()
            } else if p == s {
                literal += 1;
                true
            } else {
                false
            }
        });
        if matches && best.is_none_or(|(l, _, _)| literal > l) {
            best = Some((literal, id, typed));
        }
    }
    best.map(|(_, id, typed)| (id, typed))
}

/// The first place two JSON values differ, as a JSON pointer with both sides.
fn first_difference(a: &Value, b: &Value, at: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for key in x.keys().chain(y.keys()) {
                let here = format!("{at}/{key}");
                match (x.get(key), y.get(key)) {
                    (Some(l), Some(r)) => {
                        if let Some(d) = first_difference(l, r, &here) {
                            return Some(d);
                        }
                    }
                    (l, r) => return Some(format!("{here}: recorded {l:?}, re-serialised {r:?}")),
                }
            }
            None
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (l, r))| first_difference(l, r, &format!("{at}/{i}"))),
        _ if a == b => None,
        _ => Some(format!("{at}: recorded {a}, re-serialised {b}")),
    }
}

#[test]
fn recorded_responses_round_trip_through_the_models() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/go-auth0");
    let mut files = Vec::new();
    cassettes(&root, &mut files);
    assert!(
        files.len() > 500,
        "expected the go-auth0 cassettes, found {}",
        files.len()
    );

    let mut checked = 0usize;
    let mut operations = BTreeMap::<&str, usize>::new();
    let mut skipped = BTreeMap::<&str, usize>::new();
    let mut failures = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("cassette is readable");
        let cassette: Cassette = serde_norway::from_str(&text)
            .unwrap_or_else(|e| panic!("{}: not a go-vcr cassette: {e}", file.display()));
        let name = file
            .strip_prefix(&root)
            .unwrap_or(file)
            .display()
            .to_string();
        for interaction in cassette.interactions {
            let (req, resp) = (&interaction.request, &interaction.response);
            let url = req.url.split('?').next().unwrap_or_default();
            let Some((_, path)) = url.split_once("/api/v2") else {
                *skipped.entry("Authentication API call").or_default() += 1;
                continue;
            };
            if !(200..300).contains(&resp.code) {
                *skipped.entry("error status").or_default() += 1;
                continue;
            }
            if resp.body.trim().is_empty() {
                *skipped.entry("empty body").or_default() += 1;
                continue;
            }
            let Ok(recorded) = serde_json::from_str::<Value>(&resp.body) else {
                *skipped.entry("non-JSON body").or_default() += 1;
                continue;
            };
            let Some((op, typed)) = operation_for(&req.method, path) else {
                // Older endpoints go-auth0 v1 still called (e.g. `GET /blacklists/tokens`,
                // `/prompts/mfa-push`): listed so a reader sees what was left out.
                eprintln!(
                    "  not in the spec: {name}#{} {} {path}",
                    interaction.id, req.method
                );
                *skipped.entry("endpoint not in the spec").or_default() += 1;
                continue;
            };
            if !typed {
                *skipped
                    .entry("operation has no JSON response schema")
                    .or_default() += 1;
                continue;
            }
            let Some(result) = response_types::roundtrip(op, &resp.body) else {
                *skipped
                    .entry("operation has no JSON response schema")
                    .or_default() += 1;
                continue;
            };
            checked += 1;
            *operations.entry(op).or_default() += 1;
            match result {
                Ok(back) => {
                    if let Some(diff) = first_difference(&recorded, &back, "") {
                        failures.push(format!("{name}#{} ({op}): {diff}", interaction.id));
                    }
                }
                Err(e) => failures.push(format!("{name}#{} ({op}): {e}", interaction.id)),
            }
        }
    }
    let skipped_total: usize = skipped.values().sum();
    eprintln!(
        "recorded models: checked {checked} response bodies over {} operations, skipped {skipped_total}",
        operations.len()
    );
    for (reason, count) in &skipped {
        eprintln!("  skipped {count}: {reason}");
    }
    for failure in &failures {
        eprintln!("  FAILED {failure}");
    }
    assert!(checked > 1000, "too few bodies checked: {checked}");
    assert!(
        failures.is_empty(),
        "{} recorded bodies did not round-trip",
        failures.len()
    );
}

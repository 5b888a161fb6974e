//! Every Management API response that go-auth0 recorded against a real tenant parses into its
//! generated model and serialises back to the same JSON (key order aside).
//!
//! The recordings are go-vcr cassettes in `tests/data/go-auth0/` (see the SOURCE.md there).

#[allow(dead_code, clippy::all, clippy::pedantic, unreachable_pub)]
#[path = "generated/response_types.rs"]
mod response_types;

#[allow(dead_code)]
#[path = "support/cassettes.rs"]
mod cassettes;

use std::collections::BTreeMap;

use auth0_core::management::StrategyOptions;
use cassettes::{first_difference, load_all, match_template};
use serde_json::Value;

/// The operation whose path template matches `path` (most literal segments win).
fn operation_for(method: &str, path: &str) -> Option<(&'static str, bool)> {
    let mut best: Option<(usize, &'static str, bool)> = None;
    for &(m, template, id, _, typed) in response_types::OPERATIONS {
        if m != method {
            continue;
        }
        if let Some((literal, _)) = match_template(template, path)
            && best.is_none_or(|(l, _, _)| literal > l)
        {
            best = Some((literal, id, typed));
        }
    }
    best.map(|(_, id, typed)| (id, typed))
}

/// Every object with a string `strategy` and an object `options` (connections), anywhere in
/// a body.
fn connections_in<'a>(
    value: &'a Value,
    out: &mut Vec<(&'a str, &'a serde_json::Map<String, Value>)>,
) {
    match value {
        Value::Object(map) => {
            if let (Some(Value::String(strategy)), Some(Value::Object(options))) =
                (map.get("strategy"), map.get("options"))
            {
                out.push((strategy, options));
            }
            map.values().for_each(|v| connections_in(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| connections_in(v, out)),
        _ => {}
    }
}

#[test]
fn recorded_connection_options_type_by_strategy_and_round_trip() {
    let (mut typed, mut raw) = (
        BTreeMap::<String, usize>::new(),
        BTreeMap::<String, usize>::new(),
    );
    let mut failures = Vec::new();
    for (name, cassette) in load_all() {
        for interaction in cassette.interactions {
            let resp = &interaction.response;
            if !interaction.request.url.contains("/api/v2/") || !(200..300).contains(&resp.code) {
                continue;
            }
            let Ok(body) = serde_json::from_str::<Value>(&resp.body) else {
                continue;
            };
            let mut found = Vec::new();
            connections_in(&body, &mut found);
            for (strategy, options) in found {
                let parsed = StrategyOptions::from_options(strategy, options.clone());
                let bucket = if matches!(parsed, StrategyOptions::Other(_)) {
                    &mut raw
                } else {
                    &mut typed
                };
                *bucket.entry(strategy.to_owned()).or_default() += 1;
                let back = Value::Object(parsed.into_options());
                if let Some(diff) = first_difference(&Value::Object(options.clone()), &back, "") {
                    failures.push(format!("{name}#{} ({strategy}): {diff}", interaction.id));
                }
            }
        }
    }
    eprintln!("connection options: typed {typed:?}; raw {raw:?}");
    for failure in &failures {
        eprintln!("  FAILED {failure}");
    }
    assert!(
        typed.values().sum::<usize>() > 100,
        "too few typed options: {typed:?}"
    );
    assert!(
        failures.is_empty(),
        "{} connection options did not round-trip",
        failures.len()
    );
}

#[test]
fn recorded_responses_round_trip_through_the_models() {
    let mut checked = 0usize;
    let mut operations = BTreeMap::<&str, usize>::new();
    let mut skipped = BTreeMap::<&str, usize>::new();
    let mut untyped = BTreeMap::<&str, usize>::new();
    let mut failures = Vec::new();
    for (name, cassette) in load_all() {
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
            let result = if typed {
                response_types::roundtrip(op, &resp.body)
            } else {
                None
            };
            let Some(result) = result else {
                // The spec declares no body; `send()` keeps it as `serde_json::Value`.
                *untyped.entry(op).or_default() += 1;
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
    let skipped_total: usize = skipped.values().sum::<usize>() + untyped.values().sum::<usize>();
    eprintln!(
        "recorded models: checked {checked} response bodies over {} operations, skipped {skipped_total}",
        operations.len()
    );
    for (reason, count) in &skipped {
        eprintln!("  skipped {count}: {reason}");
    }
    eprintln!(
        "  skipped {}: JSON bodies of {} operations whose spec declares no response body (kept as serde_json::Value): {untyped:?}",
        untyped.values().sum::<usize>(),
        untyped.len()
    );
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

//! `StrategyOptions`: a connection's `options` typed by its `strategy`.
//!
//! The spec types `options` in connection responses as a free-form object and describes each
//! strategy's options as a separate `ConnectionOptions{Strategy}` schema. The strategy of a
//! schema is its name suffix matched against `ConnectionIdentityProviderEnum` (letters and
//! digits, case-insensitive), plus the few whose names differ (below).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::Value;

use super::spec::Spec;
use super::types::Types;

/// Strategies whose options schema is not named after them.
const EXTRA: &[(&str, &str)] = &[
    ("waad", "AzureAD"),
    ("samlp", "SAML"),
    ("evernote-sandbox", "Evernote"),
    ("paypal-sandbox", "Paypal"),
    ("salesforce-sandbox", "Salesforce"),
];

fn norm(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// (strategy, options type) pairs, by strategy.
pub(crate) fn mapping(spec: &Spec, types: &Types<'_>) -> BTreeMap<String, String> {
    let strategies: Vec<String> = spec
        .schemas()
        .get("ConnectionIdentityProviderEnum")
        .and_then(|s| s.get("enum"))
        .and_then(Value::as_array)
        .map(|v| {
            v.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let mut out = BTreeMap::new();
    for name in types.models.keys() {
        let Some(suffix) = name.strip_prefix("ConnectionOptions") else {
            continue;
        };
        if let Some(strategy) = strategies.iter().find(|s| norm(s) == norm(suffix)) {
            out.insert(strategy.clone(), name.clone());
        }
    }
    for (strategy, suffix) in EXTRA {
        let name = format!("ConnectionOptions{suffix}");
        if types.models.contains_key(&name) && strategies.iter().any(|s| s == strategy) {
            out.insert((*strategy).to_owned(), name);
        }
    }
    out
}

/// The source of `connection_options.rs`.
pub(crate) fn emit(spec: &Spec, types: &Types<'_>) -> String {
    let map = mapping(spec, types);
    let mut out = String::from(super::models::HEADER);
    out.push_str(
        "//! Connection options typed by strategy.\n\n#[allow(unused_imports, clippy::wildcard_imports)]\nuse super::*;\n\n/// A connection's `options`, typed by its `strategy`; options of an unknown strategy, or\n/// that do not fit the strategy's schema, stay raw JSON.\n#[derive(Debug, Clone, PartialEq)]\n#[non_exhaustive]\npub enum StrategyOptions {\n",
    );
    let mut variants: BTreeMap<&String, Vec<&String>> = BTreeMap::new();
    for (strategy, ty) in &map {
        variants.entry(ty).or_default().push(strategy);
    }
    for (ty, strategies) in &variants {
        let variant = ty.trim_start_matches("ConnectionOptions");
        let list: Vec<String> = strategies.iter().map(|s| format!("`{s}`")).collect();
        let _ = writeln!(
            out,
            "/// Strategy {}.\n{variant}(Box<{ty}>),",
            list.join(", ")
        );
    }
    out.push_str("/// Options of a strategy without a schema, or that did not parse as their strategy's.\nOther(serde_json::Map<String, serde_json::Value>),\n}\n\nimpl StrategyOptions {\n/// Types `options` by `strategy` (e.g. `\"google-oauth2\"`); never fails.\npub fn from_options(strategy: &str, options: serde_json::Map<String, serde_json::Value>) -> Self {\nmatch strategy {\n");
    for (ty, strategies) in &variants {
        let variant = ty.trim_start_matches("ConnectionOptions");
        let pats: Vec<String> = strategies.iter().map(|s| format!("{s:?}")).collect();
        let _ = writeln!(
            out,
            "{} => typed(options, |o: {ty}| Self::{variant}(Box::new(o))),",
            pats.join(" | ")
        );
    }
    out.push_str("_ => Self::Other(options),\n}\n}\n\n/// The options as JSON again (typed options keep the fields their schema does not know).\n// Some strategies share one options type (the spec aliases them).\n#[allow(clippy::match_same_arms)]\npub fn into_options(self) -> serde_json::Map<String, serde_json::Value> {\nlet value = match self {\n");
    for ty in variants.keys() {
        let variant = ty.trim_start_matches("ConnectionOptions");
        let _ = writeln!(out, "Self::{variant}(o) => serde_json::to_value(*o),");
    }
    out.push_str("Self::Other(map) => return map,\n};\nmatch value {\nOk(serde_json::Value::Object(map)) => map,\n_ => serde_json::Map::new(),\n}\n}\n}\n\nfn typed<T: serde::de::DeserializeOwned>(\noptions: serde_json::Map<String, serde_json::Value>,\nwrap: impl FnOnce(T) -> StrategyOptions,\n) -> StrategyOptions {\nmatch serde_json::from_value::<T>(serde_json::Value::Object(options.clone())) {\nOk(typed) => wrap(typed),\nErr(_) => StrategyOptions::Other(options),\n}\n}\n");
    out
}

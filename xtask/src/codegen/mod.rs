//! `cargo xtask codegen`: the Management API models and operations from the vendored spec.
//!
//! - [`spec`] loads the OpenAPI document and walks its operations;
//! - [`overrides`] corrects the spec where real Auth0 responses disagree with it;
//! - [`naming`] turns spec names into Rust identifiers;
//! - [`types`] maps JSON schemas to Rust types (the model registry);
//! - [`models`] emits `crates/auth0-core/src/management/`;
//! - [`strategies`] types connection options by strategy;
//! - [`operations`] emits `crates/auth0-management/src/generated/` and, in its `replay`
//!   child, the test-only replay dispatch of `crates/auth0-management/tests/generated/`;
//! - [`output`] formats with rustfmt and writes or checks the files.

mod models;
mod naming;
mod operations;
mod output;
mod overrides;
mod spec;
mod strategies;
mod types;

use std::path::{Path, PathBuf};

use output::OutDir;
use spec::Spec;
use types::{Def, Types};

/// Path of the vendored spec, relative to the workspace root.
pub(crate) const SPEC_PATH: &str = "xtask/spec/management-api-oas.json";
const MODELS_DIR: &str = "crates/auth0-core/src/management";
const OPERATIONS_DIR: &str = "crates/auth0-management/src/generated";
const TEST_DIR: &str = "crates/auth0-management/tests/generated";

pub(crate) fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Generates (or with `check`, verifies) every generated file.
pub(crate) fn run(check: bool) -> Result<(), String> {
    let root = workspace_root();
    let spec = Spec::load(&root.join(SPEC_PATH))?;
    let types = Types::build(&spec)?;
    let ops = operations::Generated::build(&spec, &types)?;

    let mut dirs = vec![
        OutDir {
            dir: root.join(MODELS_DIR),
            keep: &["support.rs"],
            files: {
                let mut files = models::emit(&types);
                files.push((
                    "connection_options.rs".to_owned(),
                    strategies::emit(&spec, &types),
                ));
                files
            },
        },
        OutDir {
            dir: root.join(OPERATIONS_DIR),
            keep: &[],
            files: ops.emit(),
        },
        OutDir {
            dir: root.join(TEST_DIR),
            keep: &[],
            files: {
                let mut files = operations::emit_test_dispatch(&spec, &types);
                files.push(ops.emit_replay());
                files
            },
        },
    ];
    for dir in &mut dirs {
        for (_, text) in &mut dir.files {
            *text = output::rustfmt(text, &root)?;
        }
    }
    let mut drift = Vec::new();
    for dir in &dirs {
        drift.extend(output::sync(dir, check)?);
    }
    report(&types, &ops);
    if check && !drift.is_empty() {
        return Err(format!(
            "generated code is out of date; run `cargo xtask codegen`:\n  {}",
            drift.join("\n  ")
        ));
    }
    if !check {
        eprintln!("xtask codegen: {} file(s) changed", drift.len());
    }
    Ok(())
}

fn report(types: &Types<'_>, ops: &operations::Generated) {
    let (mut structs, mut enums, mut unions, mut aliases, mut components) = (0, 0, 0, 0, 0);
    for model in types.models.values() {
        if model.component {
            components += 1;
        }
        match model.def {
            Def::Struct(_) => structs += 1,
            Def::Enum(_) => enums += 1,
            Def::Union(_) => unions += 1,
            Def::Alias(_) => aliases += 1,
        }
    }
    eprintln!(
        "xtask codegen: {components} component schemas -> {} types ({structs} structs, {enums} open enums, {unions} oneOf/anyOf unions, {aliases} aliases); {} untyped (serde_json::Value) fallbacks; {} operations",
        types.models.len(),
        types.stats.value_fallbacks.len(),
        ops.count(),
    );
    let shared = models::shapes(types, &types.response_side()).len();
    eprintln!(
        "xtask codegen: {shared} of them share the shape of another type and are emitted as `pub type` aliases of it"
    );
    for o in types.spec_overrides() {
        eprintln!("  spec correction: {o}");
    }
    for fallback in &types.stats.value_fallbacks {
        eprintln!("  fallback: {fallback}");
    }
}

/// `cargo xtask ops`: how many spec operations are generated.
pub(crate) fn ops() -> Result<(), String> {
    let root = workspace_root();
    let spec = Spec::load(&root.join(SPEC_PATH))?;
    let total = spec.operations().len();
    let table = std::fs::read_to_string(root.join(OPERATIONS_DIR).join("operations.rs"))
        .map_err(|e| format!("cannot read the generated operation table: {e}"))?;
    let generated = operations::count_table_entries(&table);
    let missing: Vec<String> = spec
        .operations()
        .iter()
        .filter(|op| !table.contains(&format!("id: {:?},", op.id())))
        .map(|op| format!("{} {} ({})", op.method.to_uppercase(), op.path, op.id()))
        .collect();
    #[allow(clippy::print_stdout)]
    {
        println!("{generated}/{total} Management API operations generated");
        for m in &missing {
            println!("  missing: {m}");
        }
    }
    if generated == total && missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} operation(s) not generated",
            total - generated.min(total)
        ))
    }
}

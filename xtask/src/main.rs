//! Developer tasks: `cargo xtask <task>`.
//!
//! - `ci`: exactly what CI runs (format check, clippy on every feature set, tests, docs).
//! - `fmt`: format the workspace.
//! - `codegen [--check]`: generate the Management API code from the vendored spec.
//! - `ops`: count the generated operations against the spec.

mod codegen;

use std::env;
use std::process::{Command, ExitCode};
use std::time::Instant;

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("ci") => ci(),
        Some("fmt") => run("cargo", &["fmt", "--all"], &[]),
        Some("codegen") => codegen::run(args.iter().any(|a| a == "--check")),
        Some("ops") => codegen::ops(),
        Some("help" | "--help" | "-h") | None => {
            eprintln!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown task {other:?}\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("xtask: {msg}");
            ExitCode::FAILURE
        }
    }
}

const USAGE: &str = "usage: cargo xtask <task>

tasks:
  ci     format check, clippy (all targets; default, no-default and all features),
         the whole test suite, and rustdoc with warnings denied
  fmt    format the workspace
  codegen [--check]
         generate the Management API models and operations from xtask/spec/
         (--check: fail if the committed generated code differs)
  ops    print how many spec operations are generated (fails unless all)";

fn ci() -> Result<(), String> {
    let started = Instant::now();
    run("cargo", &["fmt", "--all", "--", "--check"], &[])?;
    codegen::run(true)?;
    codegen::ops()?;
    check_dependency_layers()?;
    check_feature_isolation()?;
    for features in [&["--all-features"][..], &[], &["--no-default-features"]] {
        let mut args = vec!["clippy", "--workspace", "--all-targets", "--locked"];
        args.extend_from_slice(features);
        args.extend_from_slice(&["--", "-D", "warnings"]);
        run("cargo", &args, &[])?;
    }
    run(
        "cargo",
        &["test", "--workspace", "--all-features", "--locked"],
        &[],
    )?;
    run(
        "cargo",
        &[
            "doc",
            "--workspace",
            "--no-deps",
            "--all-features",
            "--locked",
        ],
        &[("RUSTDOCFLAGS", "-D warnings")],
    )?;
    eprintln!("xtask ci: all steps passed in {:.0?}", started.elapsed());
    Ok(())
}

/// Crates that must stay light, with the crates their normal dependency tree must not hold.
const LAYERS: &[(&str, &[&str], &[&str])] = &[(
    "auth0-core",
    &[],
    &["hyper", "hyper-util", "tokio", "rustls", "ring"],
)];

fn check_dependency_layers() -> Result<(), String> {
    for (krate, features, banned) in LAYERS {
        let mut args = vec![
            "tree", "--locked", "-p", krate, "-e", "normal", "--prefix", "none",
        ];
        args.extend_from_slice(features);
        eprintln!(
            "xtask: checking the dependency tree of {krate} {}",
            features.join(" ")
        );
        let out = Command::new("cargo")
            .args(&args)
            .output()
            .map_err(|e| format!("could not start cargo tree: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "cargo tree for {krate} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let text = String::from_utf8_lossy(&out.stdout);
        for line in text.lines() {
            let name = line.split_whitespace().next().unwrap_or_default();
            if banned.contains(&name) {
                return Err(format!(
                    "{krate} {} must not depend on {name}",
                    features.join(" ")
                ));
            }
        }
    }
    Ok(())
}

/// Crates that must never compile the generated Management API models, even indirectly.
const NO_MANAGEMENT_MODELS: &[&str] = &["auth0-jwt", "auth0-authentication"];

/// Fails when a token-only crate would enable `auth0-core/management-models`.
fn check_feature_isolation() -> Result<(), String> {
    for krate in NO_MANAGEMENT_MODELS {
        eprintln!("xtask: checking that {krate} does not compile the Management API models");
        let out = Command::new("cargo")
            .args([
                "tree",
                "--locked",
                "-p",
                krate,
                "-e",
                "normal,features",
                "--prefix",
                "none",
            ])
            .output()
            .map_err(|e| format!("could not start cargo tree: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "cargo tree for {krate} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        if String::from_utf8_lossy(&out.stdout).contains("feature \"management-models\"") {
            return Err(format!(
                "{krate} enables auth0-core/management-models: a token-only crate must not compile the generated models"
            ));
        }
    }
    Ok(())
}

fn run(program: &str, args: &[&str], envs: &[(&str, &str)]) -> Result<(), String> {
    eprintln!("xtask: running {program} {}", args.join(" "));
    let status = Command::new(program)
        .args(args)
        .envs(envs.iter().copied())
        .status()
        .map_err(|e| format!("could not start {program}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{program} {} failed with {status}", args.join(" ")))
    }
}

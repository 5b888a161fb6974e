//! CI smoke run of the fuzz targets: every committed corpus file under
//! `tests/fuzz/corpus/<target>/` goes through the same entry point the cargo-fuzz target calls
//! (`auth0_e2e::fuzzing`), on stable, without libFuzzer. Long runs: `cargo xtask fuzz`.

use std::path::PathBuf;

use auth0_e2e::fuzzing::{TARGETS, claims_payload};

#[test]
fn every_committed_corpus_file_runs_through_its_target_without_a_panic() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    for (name, target) in TARGETS {
        let dir = root.join(name);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("corpus {}: {e}", dir.display()))
            .map(|entry| entry.expect("directory entry").path())
            .collect();
        files.sort();
        assert!(
            files.len() >= 3,
            "corpus {name} has {} seeds; commit at least 3",
            files.len()
        );
        for file in files {
            let data = std::fs::read(&file).expect("readable corpus file");
            let outcome = std::panic::catch_unwind(|| target(&data));
            assert!(outcome.is_ok(), "{name} panicked on {}", file.display());
        }
    }
}

#[test]
fn every_fuzz_binary_has_a_committed_corpus_and_a_target_file() {
    let fuzz = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let manifest = std::fs::read_to_string(fuzz.join("Cargo.toml")).expect("fuzz manifest");
    for (name, _) in TARGETS {
        assert!(
            manifest.contains(&format!("name = \"{name}\"")),
            "{name} missing from tests/fuzz/Cargo.toml"
        );
        assert!(
            fuzz.join("fuzz_targets")
                .join(format!("{name}.rs"))
                .is_file()
        );
        assert!(fuzz.join("corpus").join(name).is_dir());
    }
    let bins = manifest.matches("[[bin]]").count();
    assert_eq!(bins, TARGETS.len(), "a fuzz binary is not in TARGETS");
}

/// The claims differential of `jwt_verify` reaches both verdicts on the committed seeds (so
/// the corpus run above does compare the verifier with `serde_json`, not skip it).
#[test]
fn claims_seeds_reach_both_verdicts() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/jwt_verify");
    let verdict = |seed: &str| {
        let data = std::fs::read(dir.join(seed)).expect("seed");
        claims_payload(&data[1..])
    };
    assert_eq!(verdict("claims_escapes"), Some(true));
    assert_eq!(verdict("claims_duplicate"), Some(false));
    assert_eq!(verdict("claims_out_of_range"), Some(false));
    assert_eq!(claims_payload(b"{}"), Some(false), "a trailing comma");
    assert_eq!(claims_payload(br#"{"x":[1,{"y":null}]}"#), Some(true));
    assert_eq!(claims_payload(b"not an object"), None);
}

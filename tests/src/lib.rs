//! Cross-crate end-to-end tests live under `tests/tests/`.
//!
//! The library half holds the fuzz entry points ([`fuzzing`]): the cargo-fuzz targets in
//! `tests/fuzz` call them, and the test `fuzz_corpus` feeds every committed corpus file through
//! the same functions, so CI smoke-runs the targets without nightly or libFuzzer.
#![forbid(unsafe_code)]

pub mod fuzzing;

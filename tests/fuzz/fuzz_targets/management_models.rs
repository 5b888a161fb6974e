//! Arbitrary bytes as JSON for generated Management API models, with a round-trip check
//! (`auth0_e2e::fuzzing::management_models`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| auth0_e2e::fuzzing::management_models(data));

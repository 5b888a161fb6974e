//! Arbitrary bytes as a JWKS document: parsed, inspected, and every key type decoded
//! (`auth0_e2e::fuzzing::jwks_parse`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| auth0_e2e::fuzzing::jwks_parse(data));

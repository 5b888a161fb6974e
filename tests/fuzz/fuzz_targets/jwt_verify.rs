//! Arbitrary bytes as a JWKS document and as a token, through every verifier
//! (`auth0_e2e::fuzzing::jwt_verify`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| auth0_e2e::fuzzing::jwt_verify(data));

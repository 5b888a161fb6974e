//! Arbitrary status, headers and body through `auth0_core::Error::from_response`
//! (`auth0_e2e::fuzzing::error_body`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| auth0_e2e::fuzzing::error_body(data));

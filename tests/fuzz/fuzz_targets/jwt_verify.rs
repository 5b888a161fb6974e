//! Arbitrary bytes as a JWKS document and as a token, through every verifier.
//!
//! The first byte chooses where the input splits into (JWKS, token). The JWKS is served by
//! `StaticJwks`, whose fetch is ready at once, so each verification completes on its first
//! poll. A second pass checks the token against a fixed, valid JWKS so the token parser is
//! exercised past key lookup.
#![no_main]

use auth0_core::SecretString;
use auth0_jwt::{
    AccessTokenVerifier, Algorithm, AsymmetricSignatureVerifier, JwkSet, StaticJwks,
    SymmetricSignatureVerifier, TokenVerifier, VerifyOptions,
};
use futures_util::FutureExt as _;
use libfuzzer_sys::fuzz_target;

const ASYMMETRIC: [Algorithm; 9] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::EdDSA,
];

const FIXED_JWKS: &str = r#"{"keys":[
 {"kty":"EC","kid":"ec","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"},
 {"kty":"OKP","kid":"ed","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},
 {"kty":"RSA","kid":"","n":"AQAB","e":"AQAB"}]}"#;

fn run(keys: &[u8], token: &str) {
    let _ = JwkSet::from_slice(keys);
    let asym = AsymmetricSignatureVerifier::builder(StaticJwks::new(keys.to_vec()))
        .algorithms(&ASYMMETRIC)
        .build()
        .expect("valid configuration");
    let options = VerifyOptions::new()
        .nonce("n")
        .max_age(std::time::Duration::from_secs(60))
        .organization("org_x");
    let id = TokenVerifier::new(asym.clone(), "https://t/", "aud");
    let _ = id.verify(token, &options).now_or_never().expect("ready");
    let at = AccessTokenVerifier::new(asym, "https://t/", "aud").require_scopes(["s"]);
    let _ = at.verify(token).now_or_never().expect("ready");
    let sym = SymmetricSignatureVerifier::with_algorithms(
        &SecretString::new("secret"),
        &[Algorithm::HS256, Algorithm::HS384, Algorithm::HS512],
    )
    .expect("valid configuration");
    let _ = TokenVerifier::new(sym, "https://t/", "aud")
        .verify(token, &options)
        .now_or_never()
        .expect("ready");
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let split = usize::from(first) * rest.len() / 256;
    let (keys, token) = rest.split_at(split);
    let token = String::from_utf8_lossy(token);
    run(keys, &token);
    run(FIXED_JWKS.as_bytes(), &String::from_utf8_lossy(rest));
});

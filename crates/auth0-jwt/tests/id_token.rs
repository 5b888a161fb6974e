//! `auth0-python`'s token-verifier cases (reference §6.2), plus the ones it misses.
#![allow(missing_docs, clippy::wildcard_imports)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use auth0_core::SecretString;
use auth0_jwt::{
    Algorithm, AsymmetricSignatureVerifier, Audience, Error, StaticJwks,
    SymmetricSignatureVerifier, TokenKind, TokenVerifier, VerifyOptions,
};
use common::*;
use serde_json::{Value, json};

fn hs_verifier() -> TokenVerifier {
    let secret = SecretString::new(SECRET);
    TokenVerifier::new(SymmetricSignatureVerifier::new(&secret), ISSUER, AUDIENCE).clock(clock())
}

fn hs(payload: &Value) -> String {
    TestKey::hmac(Algorithm::HS256, SECRET).sign(payload)
}

async fn verify(token: &str, options: &VerifyOptions) -> Result<auth0_jwt::Claims, Error> {
    hs_verifier().verify(token, options).await
}

async fn message(payload: Value, options: VerifyOptions) -> String {
    verify(&hs(&payload), &options)
        .await
        .unwrap_err()
        .to_string()
}

fn rs_verifier(key: &TestKey) -> TokenVerifier {
    let keys = AsymmetricSignatureVerifier::builder(StaticJwks::new(jwks(&[key])))
        .clock(clock())
        .build()
        .unwrap();
    TokenVerifier::new(keys, ISSUER, AUDIENCE).clock(clock())
}

#[tokio::test]
async fn case_12_empty_token() {
    let e = verify("", &VerifyOptions::new()).await.unwrap_err();
    assert!(matches!(e, Error::Missing(TokenKind::IdToken)));
    assert_eq!(e.to_string(), "ID token is required but missing.");
}

#[tokio::test]
async fn case_13_undecodable_tokens() {
    for token in ["a.b", "a.b.", "a.b.c.d", "...", "a", "e30.e30.e30.e30"] {
        let e = verify(token, &VerifyOptions::new()).await.unwrap_err();
        assert_eq!(e.to_string(), "token could not be decoded.", "{token}");
    }
}

#[tokio::test]
async fn case_14_valid_hs256_passes_with_leeway_0() {
    let v = hs_verifier().leeway(Duration::ZERO);
    let claims = v
        .verify(&hs(&default_payload()), &VerifyOptions::new())
        .await
        .unwrap();
    assert_eq!(claims.sub(), "auth0|123456789");
}

#[tokio::test]
async fn case_15_valid_rs256_passes() {
    let key = TestKey::rsa(1, "test-key-1", Algorithm::RS256);
    let claims = rs_verifier(&key)
        .verify(
            &key.sign(&default_payload()),
            &VerifyOptions::new().nonce(NONCE),
        )
        .await
        .unwrap();
    assert!(matches!(claims.aud(), Audience::Many(_)));
    assert_eq!(
        claims.aud().iter().collect::<Vec<_>>(),
        [AUDIENCE, ALT_AUDIENCE]
    );
    assert_eq!(claims.aud().len(), 2);
    assert!(claims.aud().contains(ALT_AUDIENCE));
}

#[tokio::test]
async fn case_16_garbage_signature() {
    let e = verify(
        &with_bad_signature(&hs(&default_payload())),
        &VerifyOptions::new(),
    )
    .await
    .unwrap_err();
    assert_eq!(e.to_string(), "Invalid token signature.");
    let key = TestKey::rsa(1, "test-key-1", Algorithm::RS256);
    let token = with_bad_signature(&key.sign(&default_payload()));
    let e = rs_verifier(&key)
        .verify(&token, &VerifyOptions::new())
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "Invalid token signature.");
}

#[tokio::test]
async fn case_5_and_17_alg_none_rejected() {
    let payload = default_payload().to_string();
    let token = format!("{}.{}.", b64(br#"{"alg":"none"}"#), b64(payload.as_bytes()));
    let e = verify(&token, &VerifyOptions::new()).await.unwrap_err();
    assert_eq!(
        e.to_string(),
        "Signature algorithm of \"none\" is not supported. Expected the token to be signed with \"HS256\""
    );
    let key = TestKey::rsa(1, "test-key-1", Algorithm::RS256);
    let e = rs_verifier(&key)
        .verify(&token, &VerifyOptions::new())
        .await
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "Signature algorithm of \"none\" is not supported. Expected the token to be signed with \"RS256\""
    );
    // A missing alg is shown as None, as in Python.
    let token = format!("{}.{}.", b64(b"{}"), b64(payload.as_bytes()));
    let e = verify(&token, &VerifyOptions::new()).await.unwrap_err();
    assert!(
        e.to_string().starts_with("Signature algorithm of \"None\""),
        "{e}"
    );
}

#[tokio::test]
async fn case_18_to_25_registered_claims() {
    let p = default_payload;
    let o = VerifyOptions::new;
    assert_eq!(
        message(without(p(), "iss"), o()).await,
        "Issuer (iss) claim must be a string present in the ID token"
    );
    assert_eq!(
        message(with(p(), "iss", json!(42)), o()).await,
        "Issuer (iss) claim must be a string present in the ID token"
    );
    assert_eq!(
        message(with(p(), "iss", json!("something-else")), o()).await,
        "Issuer (iss) claim mismatch in the ID token; expected \"https://tokens-test.auth0.com/\", found \"something-else\""
    );
    assert_eq!(
        message(without(p(), "sub"), o()).await,
        "Subject (sub) claim must be a string present in the ID token"
    );
    assert_eq!(
        message(without(p(), "aud"), o()).await,
        "Audience (aud) claim must be a string or array of strings present in the ID token"
    );
    assert_eq!(
        message(with(p(), "aud", json!([ALT_AUDIENCE])), o()).await,
        "Audience (aud) claim mismatch in the ID token; expected \"tokens-test-123\" but was not one of \"external-test-999\""
    );
    assert_eq!(
        message(with(p(), "aud", json!(ALT_AUDIENCE)), o()).await,
        "Audience (aud) claim mismatch in the ID token; expected \"tokens-test-123\" but found \"external-test-999\""
    );
    assert_eq!(
        message(without(p(), "exp"), o()).await,
        "Expiration Time (exp) claim must be a number present in the ID token"
    );
    assert_eq!(
        message(with(p(), "exp", json!(1_587_765_361.5)), o()).await,
        "Expiration Time (exp) claim must be a number present in the ID token"
    );
    assert_eq!(
        message(without(p(), "iat"), o()).await,
        "Issued At (iat) claim must be a number present in the ID token"
    );
}

#[tokio::test]
async fn case_24_expired_and_boundary() {
    let payload = with(default_payload(), "exp", json!(MOCKED_CLOCK));
    let c = clock();
    c.set_secs(MOCKED_CLOCK + 60 + 1);
    let v = hs_verifier().clock(c.clone());
    let e = v
        .verify(&hs(&payload), &VerifyOptions::new())
        .await
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "Expiration Time (exp) claim error in the ID token; current time (1587592622) is after expiration time (1587592621)"
    );
    // now == exp + leeway passes.
    c.set_secs(MOCKED_CLOCK + 60);
    v.verify(&hs(&payload), &VerifyOptions::new())
        .await
        .unwrap();
}

#[tokio::test]
async fn case_26_to_28_nonce() {
    let no_nonce = without(default_payload(), "nonce");
    verify(&hs(&no_nonce), &VerifyOptions::new()).await.unwrap();
    assert_eq!(
        message(no_nonce, VerifyOptions::new().nonce(NONCE)).await,
        "Nonce (nonce) claim must be a string present in the ID token"
    );
    assert_eq!(
        message(
            with(default_payload(), "nonce", json!("000999")),
            VerifyOptions::new().nonce(NONCE)
        )
        .await,
        "Nonce (nonce) claim mismatch in the ID token; expected \"a1b2c3d4e5\", found \"000999\""
    );
    // An empty nonce means "not given", as in Python.
    verify(
        &hs(&with(default_payload(), "nonce", json!("x"))),
        &VerifyOptions::new().nonce(""),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn case_29_30_azp() {
    assert_eq!(
        message(without(default_payload(), "azp"), VerifyOptions::new()).await,
        "Authorized Party (azp) claim must be a string present in the ID token when Audience (aud) claim has multiple values"
    );
    assert_eq!(
        message(
            with(default_payload(), "azp", json!(ALT_AUDIENCE)),
            VerifyOptions::new()
        )
        .await,
        "Authorized Party (azp) claim mismatch in the ID token; expected \"tokens-test-123\", found \"external-test-999\""
    );
    // A one-element aud list needs no azp.
    let single = without(with(default_payload(), "aud", json!([AUDIENCE])), "azp");
    verify(&hs(&single), &VerifyOptions::new()).await.unwrap();
}

#[tokio::test]
async fn case_31_32_max_age() {
    let max_age = VerifyOptions::new().max_age(Duration::from_secs(120));
    assert_eq!(
        message(without(default_payload(), "auth_time"), max_age.clone()).await,
        "Authentication Time (auth_time) claim must be a number present in the ID token when Max Age (max_age) is specified"
    );
    let payload = with(default_payload(), "auth_time", json!(MOCKED_CLOCK));
    let c = clock();
    c.set_secs(MOCKED_CLOCK + 60 + 120 + 1);
    let e = hs_verifier()
        .clock(c.clone())
        .verify(&hs(&payload), &max_age)
        .await
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "Authentication Time (auth_time) claim in the ID token indicates that too much time has passed since the last end-user authentication. Current time (1587592742) is after last auth at (1587592741)"
    );
    c.set_secs(MOCKED_CLOCK + 60 + 120);
    hs_verifier()
        .clock(c)
        .verify(&hs(&payload), &max_age)
        .await
        .unwrap();
}

fn org_payload() -> Value {
    json!({"sub": "auth0|sdk458fks", "aud": AUDIENCE, "iss": ISSUER, "exp": 1_587_765_361, "iat": 1_587_592_561})
}

#[tokio::test]
async fn case_33_to_42_organization() {
    let o = VerifyOptions::new;
    // 33, 34
    verify(&hs(&with(org_payload(), "org_id", json!("org_123"))), &o())
        .await
        .unwrap();
    let claims = verify(
        &hs(&with(org_payload(), "org_id", json!("org_123"))),
        &o().organization("org_123"),
    )
    .await
    .unwrap();
    // 42: the payload is returned.
    assert_eq!(claims.org_id(), Some("org_123"));
    assert_eq!(claims.iss(), ISSUER);
    assert_eq!(claims.exp(), 1_587_765_361);
    assert_eq!(claims.iat(), Some(1_587_592_561));
    // 35, 36, 37
    let by_name = || o().organization("org-123");
    assert_eq!(
        message(org_payload(), by_name()).await,
        "Organization (org_name) claim must be a string present in the ID token"
    );
    assert_eq!(
        message(with(org_payload(), "org_name", json!(42)), by_name()).await,
        "Organization (org_name) claim must be a string present in the ID token"
    );
    assert_eq!(
        message(with(org_payload(), "org_name", json!("org-abc")), by_name()).await,
        "Organization (org_name) claim mismatch in the ID token; expected \"org-123\", found \"org-abc\""
    );
    // 38
    let claims = verify(
        &hs(&with(org_payload(), "org_name", json!("org-123"))),
        &o(),
    )
    .await
    .unwrap();
    assert_eq!(claims.org_name(), Some("org-123"));
    // Upper-case expected name matches the lower-case claim.
    verify(
        &hs(&with(org_payload(), "org_name", json!("org-123"))),
        &o().organization("ORG-123"),
    )
    .await
    .unwrap();
    // 39, 40, 41
    let by_id = |id: &str| o().organization(id);
    assert_eq!(
        message(org_payload(), by_id("org_123")).await,
        "Organization (org_id) claim must be a string present in the ID token"
    );
    assert_eq!(
        message(with(org_payload(), "org_id", json!(42)), by_id("org_123")).await,
        "Organization (org_id) claim must be a string present in the ID token"
    );
    assert_eq!(
        message(
            with(org_payload(), "org_id", json!("org_123")),
            by_id("org_abc")
        )
        .await,
        "Organization (org_id) claim mismatch in the ID token; expected \"org_abc\", found \"org_123\""
    );
    // org_id is case-sensitive.
    assert!(
        verify(
            &hs(&with(org_payload(), "org_id", json!("org_ABC"))),
            &by_id("org_abc")
        )
        .await
        .is_err()
    );
}

#[tokio::test]
async fn unknown_claims_are_kept() {
    let payload = with(
        with(
            default_payload(),
            "https://example.com/roles",
            json!(["admin"]),
        ),
        "org_id",
        json!(42),
    );
    let claims = verify(&hs(&payload), &VerifyOptions::new()).await.unwrap();
    let extra = claims.extra();
    assert_eq!(extra["https://example.com/roles"], json!(["admin"]));
    // A named claim of an unexpected type that no check needed is kept too.
    assert_eq!(extra["org_id"], json!(42));
    assert_eq!(claims.org_id(), None);
    assert_eq!(claims.get("org_id"), Some(json!(42)));
    assert_eq!(claims.get("nonce"), Some(json!(NONCE)));
}

#[tokio::test]
async fn missing_kid_is_looked_up_as_empty() {
    let key = TestKey::rsa(1, "test-key-1", Algorithm::RS256);
    let token = key.sign_with_header(&json!({"alg": "RS256"}), &default_payload());
    let e = rs_verifier(&key)
        .verify(&token, &VerifyOptions::new())
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "RSA Public Key with ID \"\" was not found.");
}

#[test]
fn case_1_no_algorithm_is_a_config_error() {
    let e = SymmetricSignatureVerifier::with_algorithms(&SecretString::new("s"), &[]).unwrap_err();
    assert_eq!(e.to_string(), "algorithm must be specified.");
    let e = AsymmetricSignatureVerifier::builder(StaticJwks::new("{}"))
        .algorithms(&[])
        .build()
        .unwrap_err();
    assert_eq!(e.to_string(), "algorithm must be specified.");
    // Algorithm confusion cannot even be configured.
    assert!(
        AsymmetricSignatureVerifier::builder(StaticJwks::new("{}"))
            .algorithms(&[Algorithm::RS256, Algorithm::HS256])
            .build()
            .is_err()
    );
    assert!(
        SymmetricSignatureVerifier::with_algorithms(&SecretString::new("s"), &[Algorithm::RS256])
            .is_err()
    );
}

#[test]
fn case_2_defaults() {
    let s = SymmetricSignatureVerifier::new(&SecretString::new("s"));
    assert_eq!(s.algorithms(), vec![Algorithm::HS256]);
    let a = AsymmetricSignatureVerifier::builder(StaticJwks::new("{}"))
        .build()
        .unwrap();
    assert_eq!(a.algorithms(), &[Algorithm::RS256]);
    assert_eq!(auth0_jwt::DEFAULT_LEEWAY, Duration::from_secs(60));
    assert_eq!(auth0_jwt::DEFAULT_CACHE_TTL, Duration::from_secs(600));
    assert_eq!(auth0_jwt::DEFAULT_REFETCH_COOLDOWN, Duration::from_secs(30));
    // No fetch happens in a constructor.
    assert_eq!(a.jwks_fetch_count(), 0);
    let _ = Arc::new(a);
}

#[test]
fn secrets_stay_out_of_debug() {
    let s = SymmetricSignatureVerifier::new(&SecretString::new("hunter2-top-secret"));
    let v = TokenVerifier::new(s, ISSUER, AUDIENCE);
    let dbg = format!("{v:?}");
    assert!(!dbg.contains("hunter2"), "{dbg}");
}

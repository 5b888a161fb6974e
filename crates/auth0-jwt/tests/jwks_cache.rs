//! The JWKS cache rules, with counted fetches and a pinned clock.
#![allow(missing_docs, clippy::wildcard_imports)]

mod common;

use std::future::Future as _;
use std::sync::Arc;
use std::time::Duration;

use auth0_jwt::{
    Algorithm, AsymmetricSignatureVerifier, Error, ManualClock, TokenVerifier, VerifyOptions,
};
use common::*;
use serde_json::json;

struct Setup {
    fetcher: TestFetcher,
    clock: Arc<ManualClock>,
    keys: AsymmetricSignatureVerifier,
    verifier: TokenVerifier,
}

fn setup(
    doc: Vec<u8>,
    tune: impl FnOnce(auth0_jwt::AsymmetricVerifierBuilder) -> auth0_jwt::AsymmetricVerifierBuilder,
) -> Setup {
    let fetcher = TestFetcher::serving(doc);
    let clock = clock();
    let keys = tune(AsymmetricSignatureVerifier::builder(fetcher.clone()).clock(clock.clone()))
        .build()
        .unwrap();
    // Tokens in these tests expire far in the future relative to the moving clock.
    let verifier = TokenVerifier::new(keys.clone(), ISSUER, AUDIENCE).clock(clock.clone());
    Setup {
        fetcher,
        clock,
        keys,
        verifier,
    }
}

fn payload() -> serde_json::Value {
    with(default_payload(), "exp", json!(MOCKED_CLOCK + 1_000_000))
}

async fn check(s: &Setup, key: &TestKey) -> Result<(), Error> {
    s.verifier
        .verify(&key.sign(&payload()), &VerifyOptions::new())
        .await
        .map(|_| ())
}

#[tokio::test]
async fn keys_are_fetched_lazily_then_cached_for_the_ttl() {
    let k1 = TestKey::rsa(1, "test-key-1", Algorithm::RS256);
    let s = setup(jwks(&[&k1]), |b| b.cache_ttl(Duration::from_secs(1)));
    assert_eq!(s.fetcher.count(), 0);
    check(&s, &k1).await.unwrap();
    check(&s, &k1).await.unwrap();
    assert_eq!(s.fetcher.count(), 1);
    // Python case 7: TTL 1 s, 2 s later → a second fetch.
    s.clock.advance(Duration::from_secs(2));
    check(&s, &k1).await.unwrap();
    assert_eq!(s.fetcher.count(), 2);
    assert_eq!(s.keys.jwks_fetch_count(), 2);
}

#[tokio::test]
async fn two_kids_of_one_jwks_need_one_fetch() {
    let k1 = TestKey::rsa(1, "test-key-1", Algorithm::RS256);
    let k2 = TestKey::rsa(2, "test-key-2", Algorithm::RS256);
    let s = setup(jwks(&[&k1, &k2]), |b| b);
    check(&s, &k1).await.unwrap();
    check(&s, &k2).await.unwrap();
    assert_eq!(s.fetcher.count(), 1);
}

#[tokio::test]
async fn unknown_kid_forces_one_refetch_after_the_cooldown() {
    let k1 = TestKey::rsa(1, "test-key-1", Algorithm::RS256);
    let k2 = TestKey::rsa(2, "test-key-2", Algorithm::RS256);
    let s = setup(jwks(&[&k1]), |b| b);
    check(&s, &k1).await.unwrap();
    // Python case 10: unknown kid right after a fetch → no refetch (cooldown), not found.
    let e = check(&s, &TestKey::rsa(2, "missing-key", Algorithm::RS256))
        .await
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "RSA Public Key with ID \"missing-key\" was not found."
    );
    assert_eq!(s.fetcher.count(), 1);
    // Key rotation published; once the cooldown is over the new kid forces one refetch
    // (Python case 9).
    s.fetcher.set(jwks(&[&k1, &k2]));
    s.clock.advance(Duration::from_secs(30));
    check(&s, &k2).await.unwrap();
    assert_eq!(s.fetcher.count(), 2);
    check(&s, &k1).await.unwrap();
    assert_eq!(s.fetcher.count(), 2);
}

#[tokio::test]
async fn a_flood_of_forged_kids_costs_one_fetch_per_cooldown() {
    let k1 = TestKey::rsa(1, "test-key-1", Algorithm::RS256);
    let s = setup(jwks(&[&k1]), |b| b);
    check(&s, &k1).await.unwrap();
    s.clock.advance(Duration::from_secs(31));
    for i in 0..500 {
        let forged = TestKey::hmac(Algorithm::HS256, "x");
        let token = forged.sign_with_header(
            &json!({"alg": "RS256", "kid": format!("forged-{i}")}),
            &payload(),
        );
        let e = s
            .verifier
            .verify(&token, &VerifyOptions::new())
            .await
            .unwrap_err();
        assert!(matches!(e, Error::KeyNotFound { .. }), "{e}");
        if i % 50 == 0 {
            s.clock.advance(Duration::from_secs(1));
        }
    }
    // 500 unknown kids over 10 s: one forced refetch.
    assert_eq!(s.fetcher.count(), 2);
    s.clock.advance(Duration::from_secs(30));
    let token = k1.sign_with_header(&json!({"alg": "RS256", "kid": "forged-again"}), &payload());
    assert!(
        s.verifier
            .verify(&token, &VerifyOptions::new())
            .await
            .is_err()
    );
    assert_eq!(s.fetcher.count(), 3);
}

#[tokio::test]
async fn concurrent_misses_share_one_fetch() {
    let k1 = TestKey::rsa(1, "test-key-1", Algorithm::RS256);
    let k2 = TestKey::rsa(2, "test-key-2", Algorithm::RS256);
    // No cooldown at all: only single-flight can keep this at one fetch.
    let s = setup(jwks(&[&k1]), |b| b.refetch_cooldown(Duration::ZERO));
    check(&s, &k1).await.unwrap();
    s.fetcher.set(jwks(&[&k1, &k2]));
    let token = k2.sign(&payload());
    let options = VerifyOptions::new();
    let all = (0..1000).map(|_| s.verifier.verify(&token, &options));
    let results = futures_util::future::join_all(all).await;
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(s.fetcher.count(), 2);
}

#[tokio::test]
async fn failed_refresh_serves_stale_keys_until_max_stale() {
    let k1 = TestKey::rsa(1, "test-key-1", Algorithm::RS256);
    let s = setup(jwks(&[&k1]), |b| {
        b.cache_ttl(Duration::from_secs(600))
            .max_stale(Duration::from_secs(3600))
    });
    check(&s, &k1).await.unwrap();
    s.fetcher.fail("HTTP 503");
    s.clock.advance(Duration::from_secs(601));
    check(&s, &k1).await.unwrap();
    assert_eq!(s.fetcher.count(), 2);
    // Retries are spaced by the cooldown, not made per request.
    for _ in 0..10 {
        check(&s, &k1).await.unwrap();
    }
    assert_eq!(s.fetcher.count(), 2);
    s.clock.advance(Duration::from_secs(30));
    check(&s, &k1).await.unwrap();
    assert_eq!(s.fetcher.count(), 3);
    // Past TTL + max-stale the keys are no longer trusted.
    s.clock.advance(Duration::from_secs(3600));
    let e = check(&s, &k1).await.unwrap_err();
    assert_eq!(e.to_string(), "could not fetch the JWKS: HTTP 503");
    // The endpoint recovers.
    s.fetcher.set(jwks(&[&k1]));
    s.clock.advance(Duration::from_secs(30));
    check(&s, &k1).await.unwrap();
}

#[tokio::test]
async fn endpoint_down_from_the_start() {
    let k1 = TestKey::rsa(1, "id1", Algorithm::RS256);
    let s = setup(Vec::new(), |b| b);
    s.fetcher.fail("HTTP 500");
    // Python case 11 makes 2 calls; here one call, then the cooldown holds further ones.
    let e = check(&s, &k1).await.unwrap_err();
    assert_eq!(e.to_string(), "could not fetch the JWKS: HTTP 500");
    let e = check(&s, &k1).await.unwrap_err();
    assert!(matches!(e, Error::Jwks(_)), "{e}");
    assert_eq!(s.fetcher.count(), 1);
    s.clock.advance(Duration::from_secs(30));
    s.fetcher.set(jwks(&[&k1]));
    check(&s, &k1).await.unwrap();
    assert_eq!(s.fetcher.count(), 2);
}

#[tokio::test]
async fn an_invalid_document_keeps_the_last_good_keys() {
    let k1 = TestKey::rsa(1, "test-key-1", Algorithm::RS256);
    let s = setup(jwks(&[&k1]), |b| b);
    check(&s, &k1).await.unwrap();
    s.fetcher.set(b"<html>maintenance</html>".to_vec());
    s.clock.advance(Duration::from_secs(601));
    check(&s, &k1).await.unwrap();
    assert_eq!(s.fetcher.count(), 2);
}

#[tokio::test]
async fn rotation_retires_old_keys_at_the_next_refresh() {
    let k1 = TestKey::rsa(1, "k1", Algorithm::RS256);
    let k2 = TestKey::rsa(2, "k2", Algorithm::RS256);
    let s = setup(jwks(&[&k1]), |b| b);
    check(&s, &k1).await.unwrap();
    s.fetcher.set(jwks(&[&k2]));
    s.clock.advance(Duration::from_secs(601));
    check(&s, &k2).await.unwrap();
    let e = check(&s, &k1).await.unwrap_err();
    assert_eq!(
        e.to_string(),
        "RSA Public Key with ID \"k1\" was not found."
    );
}

#[tokio::test]
async fn a_cancelled_fetch_is_finished_by_the_next_caller() {
    let k1 = TestKey::rsa(1, "k1", Algorithm::RS256);
    let s = setup(jwks(&[&k1]), |b| b);
    let token = k1.sign(&payload());
    let options = VerifyOptions::new();
    // Poll once (the fetch starts and is pending), then drop.
    let mut fut = Box::pin(s.verifier.verify(&token, &options));
    let waker = futures_util::task::noop_waker();
    let mut cx = std::task::Context::from_waker(&waker);
    assert!(fut.as_mut().poll(&mut cx).is_pending());
    drop(fut);
    check(&s, &k1).await.unwrap();
    assert_eq!(s.fetcher.count(), 1);
}

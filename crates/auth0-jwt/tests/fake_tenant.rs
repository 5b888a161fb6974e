//! Against the fake tenant over loopback: the real HTTP fetcher, key rotation, counted
//! JWKS fetches, failing and slow endpoints, and 1,000 concurrent verifications.
#![allow(missing_docs)]

use std::sync::Arc;
use std::time::Duration;

use auth0_jwt::{
    AccessTokenVerifier, Algorithm, AsymmetricSignatureVerifier, AsymmetricVerifierBuilder, Error,
    HyperJwksFetcher, JwtLayer, ManualClock, TokenVerifier, VerifyOptions,
};
use auth0_testing::{FakeTenant, Fault, KeyAlgorithm, seed};
use serde_json::json;

const JWKS_PATH: &str = "/.well-known/jwks.json";

fn builder(tenant: &FakeTenant, clock: &Arc<ManualClock>) -> AsymmetricVerifierBuilder {
    let fetcher = HyperJwksFetcher::builder(tenant.jwks_url())
        .allow_insecure_http(true)
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    AsymmetricSignatureVerifier::builder(fetcher)
        .algorithms(&[Algorithm::RS256, Algorithm::ES256])
        .clock(clock.clone())
}

fn cache_clock(tenant: &FakeTenant) -> Arc<ManualClock> {
    Arc::new(ManualClock::at_secs(u64::try_from(tenant.now()).unwrap()))
}

fn claims(tenant: &FakeTenant) -> serde_json::Value {
    json!({
        "iss": tenant.issuer(),
        "sub": seed::USER_ID,
        "aud": seed::WEB_CLIENT_ID,
        "iat": tenant.now(),
        "exp": tenant.now() + 3600,
    })
}

/// JWKS requests received, answered or not (`jwks_fetch_count` counts served documents only).
fn jwks_requests(tenant: &FakeTenant) -> usize {
    tenant
        .journal()
        .iter()
        .filter(|r| r.path == JWKS_PATH)
        .count()
}

fn verifier(tenant: &FakeTenant, keys: AsymmetricSignatureVerifier) -> TokenVerifier {
    TokenVerifier::new(keys, tenant.issuer(), seed::WEB_CLIENT_ID)
}

#[tokio::test]
async fn id_token_issued_by_the_tenant_verifies_over_http() {
    let tenant = FakeTenant::start().await.unwrap();
    let clock = cache_clock(&tenant);
    let keys = builder(&tenant, &clock).build().unwrap();
    assert_eq!(tenant.jwks_fetch_count(), 0, "no fetch in a constructor");
    let v = verifier(&tenant, keys);
    let token = tenant
        .issue_id_token(seed::USER_ID, seed::WEB_CLIENT_ID, Some("n-123"))
        .unwrap();
    let c = v
        .verify(&token, &VerifyOptions::new().nonce("n-123"))
        .await
        .unwrap();
    assert_eq!(c.sub(), seed::USER_ID);
    v.verify(&token, &VerifyOptions::new()).await.unwrap();
    assert_eq!(tenant.jwks_fetch_count(), 1);
    let e = v
        .verify(&token, &VerifyOptions::new().nonce("other"))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::NonceMismatch { .. }), "{e}");
}

#[tokio::test]
async fn key_rotation_and_retirement() {
    let tenant = FakeTenant::start().await.unwrap();
    let clock = cache_clock(&tenant);
    let v = verifier(&tenant, builder(&tenant, &clock).build().unwrap());
    let old = tenant.sign_jwt(json!({}), claims(&tenant));
    v.verify(&old, &VerifyOptions::new()).await.unwrap();
    assert_eq!(tenant.jwks_fetch_count(), 1);

    // A new key signs; within the cooldown the unknown kid costs no fetch.
    let new_kid = tenant.keys().rotate(KeyAlgorithm::Es256);
    let new = tenant.sign_jwt(json!({}), claims(&tenant));
    let e = v.verify(&new, &VerifyOptions::new()).await.unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("RSA Public Key with ID \"{new_kid}\" was not found.")
    );
    assert_eq!(tenant.jwks_fetch_count(), 1);
    // After the cooldown: one forced refetch, then both keys verify from the cache.
    clock.advance(Duration::from_secs(30));
    v.verify(&new, &VerifyOptions::new()).await.unwrap();
    v.verify(&old, &VerifyOptions::new()).await.unwrap();
    assert_eq!(tenant.jwks_fetch_count(), 2);

    // The old key is retired; the cache drops it at the next refresh (TTL).
    let old_kid = tenant.keys().published_kids()[0].clone();
    assert!(tenant.keys().retire(&old_kid));
    clock.advance(Duration::from_secs(601));
    v.verify(&new, &VerifyOptions::new()).await.unwrap();
    assert_eq!(tenant.jwks_fetch_count(), 3);
    let e = v.verify(&old, &VerifyOptions::new()).await.unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("RSA Public Key with ID \"{old_kid}\" was not found.")
    );
    assert_eq!(tenant.jwks_fetch_count(), 3);
}

#[tokio::test]
async fn jwks_endpoint_down_keeps_serving_the_last_good_keys() {
    let tenant = FakeTenant::start().await.unwrap();
    let clock = cache_clock(&tenant);
    let v = verifier(&tenant, builder(&tenant, &clock).build().unwrap());
    let token = tenant.sign_jwt(json!({}), claims(&tenant));
    v.verify(&token, &VerifyOptions::new()).await.unwrap();

    tenant.inject(Fault::new(JWKS_PATH).times(100).status(503));
    clock.advance(Duration::from_secs(601));
    for _ in 0..20 {
        v.verify(&token, &VerifyOptions::new()).await.unwrap();
    }
    // One failed refresh; further attempts wait for the cooldown.
    assert_eq!(jwks_requests(&tenant), 2);
    clock.advance(Duration::from_secs(30));
    v.verify(&token, &VerifyOptions::new()).await.unwrap();
    assert_eq!(jwks_requests(&tenant), 3);
    // Past max-stale (1 h after the TTL) the keys are dropped.
    clock.advance(Duration::from_secs(3600));
    let e = v.verify(&token, &VerifyOptions::new()).await.unwrap_err();
    assert!(matches!(e, Error::Jwks(_)), "{e}");
    insta::assert_snapshot!(e.to_string(), @"could not fetch the JWKS: the JWKS endpoint answered 503 Service Unavailable");
}

#[tokio::test]
async fn broken_and_slow_jwks_responses_give_clear_errors() {
    let tenant = FakeTenant::start().await.unwrap();
    let clock = cache_clock(&tenant);
    let token = tenant.sign_jwt(json!({}), claims(&tenant));

    tenant.inject(Fault::new(JWKS_PATH).status(502).non_json_body());
    let v = verifier(&tenant, builder(&tenant, &clock).build().unwrap());
    let e = v.verify(&token, &VerifyOptions::new()).await.unwrap_err();
    assert!(matches!(e, Error::Jwks(_)), "{e}");

    tenant.inject(Fault::new(JWKS_PATH).truncate_body());
    let v = verifier(&tenant, builder(&tenant, &clock).build().unwrap());
    let e = v.verify(&token, &VerifyOptions::new()).await.unwrap_err();
    assert!(matches!(e, Error::Jwks(_)), "{e}");

    tenant.inject(Fault::new(JWKS_PATH).delay(Duration::from_secs(5)));
    let fetcher = HyperJwksFetcher::builder(tenant.jwks_url())
        .allow_insecure_http(true)
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let keys = AsymmetricSignatureVerifier::builder(fetcher)
        .clock(clock.clone())
        .build()
        .unwrap();
    let e = verifier(&tenant, keys)
        .verify(&token, &VerifyOptions::new())
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Jwks(_)), "{e}");
    assert!(
        e.to_string().starts_with("could not fetch the JWKS: "),
        "{e}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_concurrent_verifications_with_a_new_kid_cause_one_fetch() {
    let tenant = FakeTenant::start().await.unwrap();
    let clock = cache_clock(&tenant);
    // No cooldown: only single-flight keeps the count at one.
    let v = verifier(
        &tenant,
        builder(&tenant, &clock)
            .refetch_cooldown(Duration::ZERO)
            .build()
            .unwrap(),
    );
    v.verify(
        &tenant.sign_jwt(json!({}), claims(&tenant)),
        &VerifyOptions::new(),
    )
    .await
    .unwrap();
    assert_eq!(tenant.jwks_fetch_count(), 1);

    tenant.keys().rotate(KeyAlgorithm::Rs256);
    let token = Arc::new(tenant.sign_jwt(json!({}), claims(&tenant)));
    // Keep the fetch in flight long enough for the tasks to pile up behind it.
    tenant.inject(Fault::new(JWKS_PATH).delay(Duration::from_millis(200)));
    let tasks: Vec<_> = (0..1000)
        .map(|_| {
            let (v, token) = (v.clone(), Arc::clone(&token));
            tokio::spawn(async move { v.verify(&token, &VerifyOptions::new()).await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(tenant.jwks_fetch_count(), 2);
}

#[tokio::test]
async fn tenant_access_tokens_through_the_layer() {
    use http::{Request, Response, StatusCode};
    use http_body_util::Full;
    use tower::{ServiceBuilder, ServiceExt as _};

    let tenant = FakeTenant::start().await.unwrap();
    let clock = cache_clock(&tenant);
    let keys = builder(&tenant, &clock).build().unwrap();
    let v = AccessTokenVerifier::new(keys, tenant.issuer(), seed::API_IDENTIFIER)
        .require_scopes(["read:messages"]);
    let svc = ServiceBuilder::new().layer(JwtLayer::new(v)).service_fn(
        |req: Request<Full<bytes::Bytes>>| async move {
            let sub = req
                .extensions()
                .get::<auth0_jwt::Claims>()
                .unwrap()
                .sub()
                .to_owned();
            Ok::<_, std::convert::Infallible>(Response::new(Full::new(bytes::Bytes::from(sub))))
        },
    );
    let call = |token: String| {
        let svc = svc.clone();
        async move {
            let req = Request::builder()
                .header("authorization", format!("Bearer {token}"))
                .body(Full::new(bytes::Bytes::new()))
                .unwrap();
            svc.oneshot(req).await.unwrap().status()
        }
    };
    let sub = format!("{}@clients", seed::M2M_CLIENT_ID);
    let ok = tenant.issue_access_token(&sub, seed::API_IDENTIFIER, &["read:messages"]);
    assert_eq!(call(ok).await, StatusCode::OK);
    let no_scope = tenant.issue_access_token(&sub, seed::API_IDENTIFIER, &["write:messages"]);
    assert_eq!(call(no_scope).await, StatusCode::FORBIDDEN);
    let other_api =
        tenant.issue_access_token(&sub, &tenant.management_audience(), &["read:messages"]);
    assert_eq!(call(other_api).await, StatusCode::UNAUTHORIZED);
    assert_eq!(tenant.jwks_fetch_count(), 1);
}

//! Access-token verification and the tower layer.
#![allow(missing_docs, clippy::wildcard_imports)]

mod common;

use std::convert::Infallible;
use std::fmt::Write as _;

use auth0_jwt::{
    AccessTokenVerifier, Algorithm, AsymmetricSignatureVerifier, Claims, Error, JwtLayer,
    StaticJwks,
};
use bytes::Bytes;
use common::*;
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt as _, Full};
use serde_json::{Value, json};
use tower::{ServiceBuilder, ServiceExt as _};

const API: &str = "https://api.example.com/";

fn key() -> TestKey {
    TestKey::rsa(1, "k1", Algorithm::RS256)
}

fn verifier(key: &TestKey) -> AccessTokenVerifier {
    let keys = AsymmetricSignatureVerifier::builder(StaticJwks::new(jwks(&[key])))
        .clock(clock())
        .build()
        .unwrap();
    AccessTokenVerifier::new(keys, ISSUER, API).clock(clock())
}

fn at_payload() -> Value {
    json!({
        "iss": ISSUER,
        "sub": "auth0|123456789",
        "aud": [API, "https://tokens-test.auth0.com/userinfo"],
        "iat": MOCKED_CLOCK,
        "exp": MOCKED_CLOCK + 86_400,
        "azp": AUDIENCE,
        "scope": "openid profile read:messages",
        "permissions": ["read:messages", "write:messages"]
    })
}

fn at(key: &TestKey, payload: &Value) -> String {
    key.sign_with_header(
        &json!({"alg": "RS256", "kid": key.kid, "typ": "at+jwt"}),
        payload,
    )
}

#[tokio::test]
async fn valid_access_token_with_scopes_and_permissions() {
    let k = key();
    let v = verifier(&k)
        .require_scopes(["read:messages"])
        .require_permissions(["write:messages"]);
    let claims = v.verify(&at(&k, &at_payload())).await.unwrap();
    assert!(claims.has_scope("openid"));
    assert!(claims.has_permission("read:messages"));
    assert_eq!(claims.scopes().count(), 3);
    // String audience and an array of accepted API identifiers.
    let single = with(at_payload(), "aud", json!("https://other-api/"));
    let e = v.verify(&at(&k, &single)).await.unwrap_err();
    assert!(e.is_unauthorized());
    v.clone()
        .audiences([API, "https://other-api/"])
        .verify(&at(&k, &single))
        .await
        .unwrap();
}

#[tokio::test]
async fn access_token_failures_and_their_classes() {
    let k = key();
    let v = verifier(&k);
    let p = at_payload;
    let late = clock();
    late.set_secs(MOCKED_CLOCK + 86_400 + 61);
    let cases: Vec<(&str, AccessTokenVerifier, String)> = vec![
        ("empty", v.clone(), String::new()),
        (
            "id token typ",
            v.clone(),
            k.sign_with_header(&json!({"alg": "RS256", "kid": "k1", "typ": "id+jwt"}), &p()),
        ),
        (
            "typ required",
            v.clone().require_typ(true),
            k.sign_with_header(&json!({"alg": "RS256", "kid": "k1"}), &p()),
        ),
        (
            "wrong audience (an ID token)",
            v.clone(),
            at(&k, &with(p(), "aud", json!(AUDIENCE))),
        ),
        (
            "wrong issuer",
            v.clone(),
            at(&k, &with(p(), "iss", json!("https://evil/"))),
        ),
        ("no sub", v.clone(), at(&k, &without(p(), "sub"))),
        ("expired", v.clone().clock(late), at(&k, &p())),
        (
            "not yet valid",
            v.clone(),
            at(&k, &with(p(), "nbf", json!(MOCKED_CLOCK + 120))),
        ),
        (
            "missing scope",
            v.clone()
                .require_scopes(["read:messages", "delete:messages"]),
            at(&k, &p()),
        ),
        (
            "no scope claim",
            v.clone().require_scopes(["read:messages"]),
            at(&k, &without(p(), "scope")),
        ),
        (
            "missing permission",
            v.clone().require_permissions(["admin"]),
            at(&k, &p()),
        ),
        (
            "permissions not an array",
            v.clone().require_permissions(["admin"]),
            at(&k, &with(p(), "permissions", json!("admin"))),
        ),
        (
            "organization",
            v.clone().organization("org_1"),
            at(&k, &p()),
        ),
        (
            "HS256 confusion",
            v.clone(),
            TestKey::hmac(Algorithm::HS256, "k").sign(&p()),
        ),
    ];
    let mut out = String::new();
    for (name, v, token) in cases {
        let e: Error = v.verify(&token).await.unwrap_err();
        let class = if e.is_forbidden() { 403 } else { 401 };
        assert_ne!(e.is_forbidden(), e.is_unauthorized());
        writeln!(out, "{name}: {class} {}: {e}", e.bearer_error_code()).unwrap();
    }
    insta::assert_snapshot!(out);
    // nbf within the leeway passes.
    v.verify(&at(&k, &with(p(), "nbf", json!(MOCKED_CLOCK + 60))))
        .await
        .unwrap();
}

async fn echo(req: Request<Full<Bytes>>) -> Result<Response<Full<Bytes>>, Infallible> {
    let sub = req
        .extensions()
        .get::<Claims>()
        .map(|c| c.sub().to_owned())
        .unwrap_or_default();
    Ok(Response::new(Full::new(Bytes::from(sub))))
}

async fn call(v: &AccessTokenVerifier, auth: Option<&str>) -> Response<Full<Bytes>> {
    let svc = ServiceBuilder::new()
        .layer(JwtLayer::new(v.clone()))
        .service_fn(echo);
    let mut req = Request::builder().uri("/messages");
    if let Some(a) = auth {
        req = req.header("authorization", a);
    }
    svc.oneshot(req.body(Full::new(Bytes::new())).unwrap())
        .await
        .unwrap()
}

fn challenge(r: &Response<Full<Bytes>>) -> &str {
    r.headers()["www-authenticate"].to_str().unwrap()
}

#[tokio::test]
async fn layer_puts_claims_in_extensions_and_rejects_with_challenges() {
    let k = key();
    let v = verifier(&k).require_scopes(["read:messages"]);
    let token = at(&k, &at_payload());

    let ok = call(&v, Some(&format!("Bearer {token}"))).await;
    assert_eq!(ok.status(), StatusCode::OK);
    let body = ok.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&body[..], b"auth0|123456789");
    // Scheme is case-insensitive.
    assert_eq!(
        call(&v, Some(&format!("bearer {token}"))).await.status(),
        StatusCode::OK
    );

    let none = call(&v, None).await;
    assert_eq!(none.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(challenge(&none), "Bearer");
    let basic = call(&v, Some("Basic dXNlcjpwYXNz")).await;
    assert_eq!(challenge(&basic), "Bearer");

    let bad = call(&v, Some(&format!("Bearer {}", with_bad_signature(&token)))).await;
    assert_eq!(bad.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(challenge(&bad), "Bearer error=\"invalid_token\"");
    assert!(matches!(
        bad.extensions().get::<Error>(),
        Some(Error::InvalidSignature)
    ));

    let scoped = v.clone().require_scopes(["delete:messages"]);
    let forbidden = call(&scoped, Some(&format!("Bearer {token}"))).await;
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        challenge(&forbidden),
        "Bearer error=\"insufficient_scope\", scope=\"delete:messages\""
    );
    let body = forbidden.into_body().collect().await.unwrap().to_bytes();
    assert!(body.is_empty());
}

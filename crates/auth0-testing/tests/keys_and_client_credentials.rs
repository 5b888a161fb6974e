//! Discovery, JWKS, key rotation, token signing, and the client-credentials grant with every
//! client authentication method, over HTTP.

mod common;

use std::time::Duration;

use auth0_testing::{FakeTenant, KeyAlgorithm, seed};
use base64::Engine as _;
use common::{assertion, decode, get, post_form, post_json, send, sign_assertion, verify};
use serde_json::json;

fn token_url(t: &FakeTenant) -> String {
    format!("{}/oauth/token", t.base_url())
}

#[tokio::test]
async fn discovery_document_points_at_the_tenant() {
    let t = FakeTenant::start().await.unwrap();
    let reply = get(&format!(
        "{}/.well-known/openid-configuration",
        t.base_url()
    ))
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.str("issuer"), t.issuer());
    assert_eq!(reply.str("jwks_uri"), t.jwks_url());
    assert!(t.issuer().ends_with('/'));
    assert_eq!(format!("{}/", t.domain().base_url()), t.issuer());
    insta::with_settings!({ filters => vec![(r"127\.0\.0\.1:\d+", "[host]")] }, {
        insta::assert_json_snapshot!("openid_configuration", reply.json);
    });
}

#[tokio::test]
async fn jwks_publishes_the_signing_key_and_counts_fetches() {
    let t = FakeTenant::start().await.unwrap();
    assert_eq!(t.jwks_fetch_count(), 0);
    let reply = get(&t.jwks_url()).await;
    assert_eq!(reply.status, 200);
    let keys = reply.json["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 1);
    let key = &keys[0];
    assert_eq!(key["kid"], t.keys().signing_kid());
    assert_eq!(key["kty"], "RSA");
    assert_eq!(key["alg"], "RS256");
    assert_eq!(key["use"], "sig");
    assert_eq!(key["e"], "AQAB");
    let n = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(key["n"].as_str().unwrap())
        .unwrap();
    assert_eq!(n.len(), 256, "2048-bit modulus without a leading zero");
    get(&t.jwks_url()).await;
    assert_eq!(t.jwks_fetch_count(), 2);
}

#[tokio::test]
async fn rotation_adds_signs_with_and_retires_keys() {
    let t = FakeTenant::start().await.unwrap();
    let keys = t.keys();
    let first = keys.signing_kid();
    let token_before = t.sign_jwt(json!({}), json!({ "sub": "x" }));
    let second = keys.rotate(KeyAlgorithm::Es256);
    assert_ne!(first, second);
    assert_eq!(keys.signing_kid(), second);
    assert_eq!(keys.published_kids(), vec![first.clone(), second.clone()]);
    let jwks = get(&t.jwks_url()).await.json;
    let ec = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == second.as_str())
        .unwrap()
        .clone();
    assert_eq!(ec["kty"], "EC");
    assert_eq!(ec["crv"], "P-256");
    assert_eq!(ec["alg"], "ES256");
    let token_after = t.sign_jwt(json!({}), json!({ "sub": "y" }));
    assert_eq!(decode(&token_after).0["alg"], "ES256");
    assert_eq!(verify(&token_after, &jwks).unwrap()["sub"], "y");
    assert_eq!(verify(&token_before, &jwks).unwrap()["sub"], "x");

    assert!(!keys.retire(&second), "the signing key cannot be retired");
    assert!(keys.retire(&first));
    assert!(!keys.retire(&first), "already retired");
    assert_eq!(keys.published_kids(), vec![second.clone()]);
    let jwks = get(&t.jwks_url()).await.json;
    assert_eq!(jwks["keys"].as_array().unwrap().len(), 1);
    assert!(verify(&token_before, &jwks).is_err());

    let third = keys.rotate(KeyAlgorithm::Rs256);
    let token = t.sign_jwt(json!({}), json!({ "sub": "z" }));
    assert_eq!(decode(&token).0["kid"], third.as_str());
    assert_eq!(decode(&token).0["alg"], "RS256");
    let jwks = get(&t.jwks_url()).await.json;
    assert_eq!(verify(&token, &jwks).unwrap()["sub"], "z");
}

#[tokio::test]
async fn es256_tenants_sign_with_p256() {
    let t = FakeTenant::builder()
        .signing_algorithm(KeyAlgorithm::Es256)
        .start()
        .await
        .unwrap();
    let jwks = get(&t.jwks_url()).await.json;
    assert_eq!(jwks["keys"].as_array().unwrap().len(), 1);
    assert_eq!(jwks["keys"][0]["kty"], "EC");
    let token = t.issue_access_token("u", "https://api.example.test/", &["read:messages"]);
    assert_eq!(verify(&token, &jwks).unwrap()["scope"], "read:messages");
}

#[tokio::test]
async fn sign_jwt_header_overrides_make_hostile_tokens() {
    let t = FakeTenant::start().await.unwrap();
    let token = t.sign_jwt(
        json!({ "kid": "nope", "alg": "HS256", "typ": null, "x5u": "http://evil" }),
        json!({ "sub": "a" }),
    );
    let (header, claims) = decode(&token);
    assert_eq!(
        header,
        json!({ "kid": "nope", "alg": "HS256", "x5u": "http://evil" })
    );
    assert_eq!(claims, json!({ "sub": "a" }));
}

#[tokio::test]
async fn client_credentials_with_secret_post_form_and_json() {
    let t = FakeTenant::start().await.unwrap();
    let audience = t.management_audience();
    let form = post_form(
        &token_url(&t),
        &[
            ("grant_type", "client_credentials"),
            ("client_id", seed::M2M_CLIENT_ID),
            ("client_secret", seed::M2M_CLIENT_SECRET),
            ("audience", &audience),
        ],
    )
    .await;
    let json_reply = post_json(
        &token_url(&t),
        &json!({
            "grant_type": "client_credentials",
            "client_id": seed::M2M_CLIENT_ID,
            "client_secret": seed::M2M_CLIENT_SECRET,
            "audience": audience,
        }),
    )
    .await;
    let jwks = get(&t.jwks_url()).await.json;
    for reply in [form, json_reply] {
        assert_eq!(reply.status, 200, "{}", reply.json);
        assert_eq!(reply.json["token_type"], "Bearer");
        assert_eq!(reply.json["expires_in"], 86400);
        let claims = verify(reply.str("access_token"), &jwks).unwrap();
        assert_eq!(claims["iss"], t.issuer());
        assert_eq!(claims["aud"], audience);
        assert_eq!(claims["sub"], format!("{}@clients", seed::M2M_CLIENT_ID));
        assert_eq!(claims["azp"], seed::M2M_CLIENT_ID);
        assert_eq!(claims["gty"], "client-credentials");
        assert_eq!(claims["scope"], seed::MANAGEMENT_SCOPES.join(" "));
        assert_eq!(reply.json["scope"], claims["scope"]);
        assert_eq!(
            claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
            86400
        );
    }
}

#[tokio::test]
async fn client_credentials_with_basic_auth_and_a_narrower_scope() {
    let t = FakeTenant::start().await.unwrap();
    let basic = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        seed::M2M_CLIENT_ID,
        seed::M2M_CLIENT_SECRET
    ));
    let body = serde_urlencoded::to_string([
        ("grant_type", "client_credentials"),
        ("audience", seed::API_IDENTIFIER),
        ("scope", "read:messages"),
    ])
    .unwrap();
    let reply = send(
        http::Request::post(token_url(&t))
            .header("authorization", format!("Basic {basic}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(bytes::Bytes::from(body))
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.json);
    let (_, claims) = decode(reply.str("access_token"));
    assert_eq!(claims["aud"], seed::API_IDENTIFIER);
    assert_eq!(claims["scope"], "read:messages");
}

type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, u16);

#[tokio::test]
async fn client_credentials_errors_are_auth0_shaped() {
    let t = FakeTenant::start().await.unwrap();
    let url = token_url(&t);
    let audience = t.management_audience();
    let cases: Vec<Case<'_>> = vec![
        (
            "wrong_secret",
            vec![
                ("grant_type", "client_credentials"),
                ("client_id", seed::M2M_CLIENT_ID),
                ("client_secret", "nope"),
                ("audience", &audience),
            ],
            401,
        ),
        (
            "unknown_client",
            vec![
                ("grant_type", "client_credentials"),
                ("client_id", "nobody"),
                ("client_secret", "nope"),
                ("audience", &audience),
            ],
            401,
        ),
        (
            "no_secret",
            vec![
                ("grant_type", "client_credentials"),
                ("client_id", seed::M2M_CLIENT_ID),
                ("audience", &audience),
            ],
            401,
        ),
        (
            "no_audience",
            vec![
                ("grant_type", "client_credentials"),
                ("client_id", seed::M2M_CLIENT_ID),
                ("client_secret", seed::M2M_CLIENT_SECRET),
            ],
            403,
        ),
        (
            "unknown_audience",
            vec![
                ("grant_type", "client_credentials"),
                ("client_id", seed::M2M_CLIENT_ID),
                ("client_secret", seed::M2M_CLIENT_SECRET),
                ("audience", "https://nowhere/"),
            ],
            403,
        ),
        (
            "no_client_grant",
            vec![
                ("grant_type", "client_credentials"),
                ("client_id", seed::WEB_CLIENT_ID),
                ("client_secret", seed::WEB_CLIENT_SECRET),
                ("audience", seed::API_IDENTIFIER),
            ],
            403,
        ),
        (
            "scope_not_granted",
            vec![
                ("grant_type", "client_credentials"),
                ("client_id", seed::M2M_CLIENT_ID),
                ("client_secret", seed::M2M_CLIENT_SECRET),
                ("audience", seed::API_IDENTIFIER),
                ("scope", "read:messages delete:everything"),
            ],
            403,
        ),
        (
            "grant_not_allowed",
            vec![
                ("grant_type", "password"),
                ("client_id", seed::M2M_CLIENT_ID),
                ("client_secret", seed::M2M_CLIENT_SECRET),
            ],
            403,
        ),
        (
            "missing_grant_type",
            vec![("client_id", seed::M2M_CLIENT_ID)],
            400,
        ),
        (
            "public_client",
            vec![
                ("grant_type", "client_credentials"),
                ("client_id", seed::PUBLIC_CLIENT_ID),
                ("audience", seed::API_IDENTIFIER),
            ],
            401,
        ),
    ];
    for (name, pairs, status) in cases {
        let reply = post_form(&url, &pairs).await;
        assert_eq!(reply.status, status, "{name}: {}", reply.json);
        insta::with_settings!({ filters => vec![(r"127\.0\.0\.1:\d+", "[host]")] }, {
            insta::assert_json_snapshot!(format!("cc_error_{name}"), reply.json);
        });
    }
}

#[tokio::test]
async fn private_key_jwt_assertions_are_verified() {
    let t = FakeTenant::start().await.unwrap();
    let url = token_url(&t);
    let audience = t.management_audience();
    let exchange = |assertion: String| {
        let url = url.clone();
        let audience = audience.clone();
        async move {
            post_form(
                &url,
                &[
                    ("grant_type", "client_credentials"),
                    (
                        "client_assertion_type",
                        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                    ),
                    ("client_assertion", &assertion),
                    ("audience", &audience),
                ],
            )
            .await
        }
    };
    let ok = exchange(assertion(&t, "jti-1")).await;
    assert_eq!(ok.status, 200, "{}", ok.json);
    let (_, claims) = decode(ok.str("access_token"));
    assert_eq!(claims["sub"], format!("{}@clients", seed::PKJWT_CLIENT_ID));

    let reused = exchange(assertion(&t, "jti-1")).await;
    assert_eq!(reused.status, 401);
    assert_eq!(reused.json["error"], "invalid_client");
    assert!(
        reused.str("error_description").contains("jti"),
        "{}",
        reused.json
    );

    let now = t.now();
    let header = json!({ "alg": "RS256", "kid": seed::PKJWT_KID });
    let base = json!({
        "iss": seed::PKJWT_CLIENT_ID, "sub": seed::PKJWT_CLIENT_ID,
        "aud": t.issuer(), "iat": now, "exp": now + 60,
    });
    let with = |patch: serde_json::Value, jti: &str| {
        let mut claims = base.clone();
        for (k, v) in patch.as_object().unwrap() {
            claims[k] = v.clone();
        }
        claims["jti"] = json!(jti);
        claims
    };
    let bad_cases = vec![
        (
            "wrong_aud",
            sign_assertion(
                &header,
                &with(json!({ "aud": format!("{}oauth/token", t.issuer()) }), "a"),
            ),
        ),
        (
            "expired",
            sign_assertion(&header, &with(json!({ "exp": now - 1 }), "b")),
        ),
        (
            "sub_differs",
            sign_assertion(&header, &with(json!({ "sub": "someone" }), "c")),
        ),
        (
            "unknown_kid",
            sign_assertion(
                &json!({ "alg": "RS256", "kid": "other" }),
                &with(json!({}), "d"),
            ),
        ),
        (
            "wrong_key",
            t.sign_jwt(json!({ "kid": seed::PKJWT_KID }), with(json!({}), "e")),
        ),
        (
            "no_jti",
            sign_assertion(&header, &{
                let mut c = with(json!({}), "f");
                c.as_object_mut().unwrap().remove("jti");
                c
            }),
        ),
        ("garbage", "not.a.jwt".to_owned()),
    ];
    for (name, token) in bad_cases {
        let reply = exchange(token).await;
        assert_eq!(reply.status, 401, "{name}: {}", reply.json);
        insta::with_settings!({ filters => vec![(r"127\.0\.0\.1:\d+", "[host]")] }, {
            insta::assert_json_snapshot!(format!("pkjwt_error_{name}"), reply.json);
        });
    }

    let wrong_type = post_form(
        &url,
        &[
            ("grant_type", "client_credentials"),
            ("client_assertion_type", "bearer"),
            ("client_assertion", &assertion(&t, "jti-2")),
            ("audience", &audience),
        ],
    )
    .await;
    assert_eq!(wrong_type.status, 400);
    assert_eq!(wrong_type.json["error"], "invalid_request");

    // A jti may be used again once the first assertion has expired.
    t.advance_clock(Duration::from_secs(120));
    let again = exchange(assertion(&t, "jti-1")).await;
    assert_eq!(again.status, 200, "{}", again.json);
}

#[tokio::test]
async fn advancing_the_clock_moves_issued_times() {
    let t = FakeTenant::start().await.unwrap();
    let before = t.now();
    t.advance_clock(Duration::from_secs(3600));
    assert!(t.now() >= before + 3600);
    let (_, claims) = decode(&t.management_token());
    assert!(claims["iat"].as_i64().unwrap() >= before + 3600);
}

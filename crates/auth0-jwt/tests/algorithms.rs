//! Every algorithm, exact algorithm pinning, `none` and algorithm confusion.
#![allow(missing_docs, clippy::wildcard_imports)]

mod common;

use auth0_core::SecretString;
use auth0_jwt::{
    Algorithm, AsymmetricSignatureVerifier, Error, StaticJwks, SymmetricSignatureVerifier,
    TokenVerifier, VerifyOptions,
};
use common::*;
use serde_json::json;

fn jwks_verifier(keys: &[&TestKey], algs: &[Algorithm]) -> TokenVerifier {
    let v = AsymmetricSignatureVerifier::builder(StaticJwks::new(jwks(keys)))
        .algorithms(algs)
        .clock(clock())
        .build()
        .unwrap();
    TokenVerifier::new(v, ISSUER, AUDIENCE).clock(clock())
}

fn asymmetric_keys() -> Vec<TestKey> {
    vec![
        TestKey::rsa(1, "rs256", Algorithm::RS256),
        TestKey::rsa(1, "rs384", Algorithm::RS384),
        TestKey::rsa(2, "rs512", Algorithm::RS512),
        TestKey::rsa(1, "ps256", Algorithm::PS256),
        TestKey::rsa(2, "ps384", Algorithm::PS384),
        TestKey::rsa(1, "ps512", Algorithm::PS512),
        TestKey::ec("es256", Algorithm::ES256),
        TestKey::ec("es384", Algorithm::ES384),
        TestKey::ed25519("eddsa"),
    ]
}

#[tokio::test]
async fn every_asymmetric_algorithm_verifies_and_rejects_tampering() {
    for key in asymmetric_keys() {
        let v = jwks_verifier(&[&key], &[key.alg]);
        let token = key.sign(&default_payload());
        v.verify(&token, &VerifyOptions::new())
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", key.alg));
        let e = v
            .verify(&with_bad_signature(&token), &VerifyOptions::new())
            .await
            .unwrap_err();
        assert!(matches!(e, Error::InvalidSignature), "{}: {e}", key.alg);
        // Payload swapped under a valid header/signature.
        let other = key.sign(&with(default_payload(), "sub", json!("attacker")));
        let mut parts: Vec<&str> = token.split('.').collect();
        parts[1] = other.split('.').nth(1).unwrap();
        let e = v
            .verify(&parts.join("."), &VerifyOptions::new())
            .await
            .unwrap_err();
        assert!(matches!(e, Error::InvalidSignature), "{}: {e}", key.alg);
    }
}

#[tokio::test]
async fn every_hmac_algorithm_verifies() {
    for alg in [Algorithm::HS256, Algorithm::HS384, Algorithm::HS512] {
        let s = SymmetricSignatureVerifier::with_algorithms(&SecretString::new(SECRET), &[alg])
            .unwrap();
        let v = TokenVerifier::new(s, ISSUER, AUDIENCE).clock(clock());
        let key = TestKey::hmac(alg, SECRET);
        v.verify(&key.sign(&default_payload()), &VerifyOptions::new())
            .await
            .unwrap();
        let wrong = TestKey::hmac(alg, "not-the-secret");
        let e = v
            .verify(&wrong.sign(&default_payload()), &VerifyOptions::new())
            .await
            .unwrap_err();
        assert!(matches!(e, Error::InvalidSignature), "{alg}: {e}");
    }
}

#[tokio::test]
async fn exactly_the_configured_algorithms_are_accepted() {
    let keys = asymmetric_keys();
    let refs: Vec<&TestKey> = keys.iter().collect();
    let v = jwks_verifier(&refs, &[Algorithm::RS256, Algorithm::ES256]);
    for key in &keys {
        let r = v
            .verify(&key.sign(&default_payload()), &VerifyOptions::new())
            .await;
        if matches!(key.alg, Algorithm::RS256 | Algorithm::ES256) {
            r.unwrap();
        } else {
            let e = r.unwrap_err();
            assert_eq!(
                e.to_string(),
                format!(
                    "Signature algorithm of \"{}\" is not supported. Expected the token to be signed with \"RS256, ES256\"",
                    key.alg
                )
            );
        }
    }
    // HS256 with the shared secret on an HS384-only verifier.
    let s = SymmetricSignatureVerifier::with_algorithms(
        &SecretString::new(SECRET),
        &[Algorithm::HS384],
    )
    .unwrap();
    let e = TokenVerifier::new(s, ISSUER, AUDIENCE)
        .clock(clock())
        .verify(
            &TestKey::hmac(Algorithm::HS256, SECRET).sign(&default_payload()),
            &VerifyOptions::new(),
        )
        .await
        .unwrap_err();
    assert!(matches!(e, Error::UnsupportedAlgorithm { .. }), "{e}");
}

#[tokio::test]
async fn algorithm_confusion_hs_token_signed_with_the_public_key_is_rejected() {
    let rsa = TestKey::rsa(1, "k1", Algorithm::RS256);
    let v = jwks_verifier(&[&rsa], &[Algorithm::RS256]);
    // The classic attack: HMAC over the token with the RSA public key's bytes as the secret.
    for secret in [
        rsa.jwk["n"].as_str().unwrap().to_owned(),
        rsa.jwk.to_string(),
    ] {
        let forged = TestKey::hmac(Algorithm::HS256, &secret)
            .sign_with_header(&json!({"alg": "HS256", "kid": "k1"}), &default_payload());
        let e = v.verify(&forged, &VerifyOptions::new()).await.unwrap_err();
        assert_eq!(
            e.to_string(),
            "Signature algorithm of \"HS256\" is not supported. Expected the token to be signed with \"RS256\""
        );
    }
    // alg spelled differently is not an alias.
    for alg in ["rs256", "RS256 ", "none", "None", "NONE", ""] {
        let token = rsa.sign_with_header(&json!({"alg": alg, "kid": "k1"}), &default_payload());
        let e = v.verify(&token, &VerifyOptions::new()).await.unwrap_err();
        assert!(
            matches!(e, Error::UnsupportedAlgorithm { .. }),
            "{alg}: {e}"
        );
    }
}

#[tokio::test]
async fn key_type_must_match_the_algorithm() {
    let rsa = TestKey::rsa(1, "rsa", Algorithm::RS256);
    let ec = TestKey::ec("ec", Algorithm::ES256);
    let v = jwks_verifier(
        &[&rsa, &ec],
        &[Algorithm::RS256, Algorithm::ES256, Algorithm::PS256],
    );
    // ES256 token naming the RSA key.
    let token = ec.sign_with_header(&json!({"alg": "ES256", "kid": "rsa"}), &default_payload());
    let e = v.verify(&token, &VerifyOptions::new()).await.unwrap_err();
    assert_eq!(
        e.to_string(),
        "key \"rsa\" cannot verify ES256 signatures: the key is for \"RS256\""
    );
    // RS256 token naming the EC key.
    let token = rsa.sign_with_header(&json!({"alg": "RS256", "kid": "ec"}), &default_payload());
    let e = v.verify(&token, &VerifyOptions::new()).await.unwrap_err();
    assert!(matches!(e, Error::KeyMismatch { .. }), "{e}");
    // PS256 with a key published for RS256 only.
    let ps = TestKey::rsa(1, "rsa", Algorithm::PS256);
    let e = v
        .verify(&ps.sign(&default_payload()), &VerifyOptions::new())
        .await
        .unwrap_err();
    assert!(matches!(e, Error::KeyMismatch { .. }), "{e}");
    // A key without "alg" still cannot cross families.
    let mut bare = TestKey::ec("bare", Algorithm::ES256);
    bare.jwk.as_object_mut().unwrap().remove("alg");
    let v = jwks_verifier(&[&bare], &[Algorithm::RS256, Algorithm::ES256]);
    let token = rsa.sign_with_header(&json!({"alg": "RS256", "kid": "bare"}), &default_payload());
    let e = v.verify(&token, &VerifyOptions::new()).await.unwrap_err();
    assert_eq!(
        e.to_string(),
        "key \"bare\" cannot verify RS256 signatures: it is a P-256 key"
    );
    v.verify(&bare.sign(&default_payload()), &VerifyOptions::new())
        .await
        .unwrap();
}

#[tokio::test]
async fn wrong_key_same_kid_is_an_invalid_signature() {
    let published = TestKey::rsa(1, "k", Algorithm::RS256);
    let attacker = TestKey::rsa(2, "k", Algorithm::RS256);
    let v = jwks_verifier(&[&published], &[Algorithm::RS256]);
    let e = v
        .verify(&attacker.sign(&default_payload()), &VerifyOptions::new())
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "Invalid token signature.");
}

#[tokio::test]
async fn encryption_keys_are_not_used_for_signatures() {
    let mut key = TestKey::rsa(1, "enc", Algorithm::RS256);
    key.jwk["use"] = json!("enc");
    let v = jwks_verifier(&[&key], &[Algorithm::RS256]);
    let e = v
        .verify(&key.sign(&default_payload()), &VerifyOptions::new())
        .await
        .unwrap_err();
    assert!(matches!(e, Error::KeyMismatch { .. }), "{e}");
}

#[test]
fn algorithm_names_round_trip() {
    for a in Algorithm::ALL {
        assert_eq!(a.as_str().parse::<Algorithm>().unwrap(), a);
    }
    assert!("none".parse::<Algorithm>().is_err());
}

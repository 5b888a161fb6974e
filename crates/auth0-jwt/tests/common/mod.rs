//! Test keys, token minting and the `auth0-python` fixtures.
#![allow(dead_code, unreachable_pub, missing_docs, clippy::missing_panics_doc)]

use std::sync::Arc;

use auth0_jwt::{Algorithm, ManualClock};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::rand::SystemRandom;
use ring::signature::{self as sig, KeyPair as _};
use serde_json::{Value, json};

pub const MOCKED_CLOCK: u64 = 1_587_592_561;
pub const ISSUER: &str = "https://tokens-test.auth0.com/";
pub const AUDIENCE: &str = "tokens-test-123";
pub const ALT_AUDIENCE: &str = "external-test-999";
pub const NONCE: &str = "a1b2c3d4e5";
pub const SECRET: &str = "secret";

pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::at_secs(MOCKED_CLOCK))
}

/// The "default" payload of the Python tests.
pub fn default_payload() -> Value {
    json!({
        "iss": ISSUER,
        "sub": "auth0|123456789",
        "aud": [AUDIENCE, ALT_AUDIENCE],
        "exp": 1_587_765_361,
        "iat": 1_587_592_561,
        "nonce": NONCE,
        "azp": AUDIENCE,
        "auth_time": 1_587_678_961
    })
}

enum Signer {
    Hmac(ring::hmac::Key),
    Rsa(sig::RsaKeyPair),
    Ecdsa(sig::EcdsaKeyPair),
    Ed(sig::Ed25519KeyPair),
}

/// A private key with its public JWK.
pub struct TestKey {
    pub kid: String,
    pub alg: Algorithm,
    signer: Signer,
    pub jwk: Value,
}

fn rsa_der(n: u8) -> &'static [u8] {
    match n {
        1 => include_bytes!("../keys/rsa-1.der"),
        _ => include_bytes!("../keys/rsa-2.der"),
    }
}

impl TestKey {
    pub fn hmac(alg: Algorithm, secret: &str) -> Self {
        let h = match alg {
            Algorithm::HS256 => ring::hmac::HMAC_SHA256,
            Algorithm::HS384 => ring::hmac::HMAC_SHA384,
            _ => ring::hmac::HMAC_SHA512,
        };
        Self {
            kid: String::new(),
            alg,
            signer: Signer::Hmac(ring::hmac::Key::new(h, secret.as_bytes())),
            jwk: Value::Null,
        }
    }

    /// RSA fixture key 1 or 2, for an RS*/PS* algorithm.
    pub fn rsa(which: u8, kid: &str, alg: Algorithm) -> Self {
        let pair = sig::RsaKeyPair::from_der(rsa_der(which)).expect("fixture key");
        let c = sig::RsaPublicKeyComponents::<Vec<u8>>::from(pair.public());
        Self {
            kid: kid.to_owned(),
            alg,
            jwk: json!({"kty": "RSA", "kid": kid, "use": "sig", "alg": alg.as_str(), "n": b64(&c.n), "e": b64(&c.e)}),
            signer: Signer::Rsa(pair),
        }
    }

    pub fn ec(kid: &str, alg: Algorithm) -> Self {
        let rng = SystemRandom::new();
        let (signing, crv, size) = match alg {
            Algorithm::ES256 => (&sig::ECDSA_P256_SHA256_FIXED_SIGNING, "P-256", 32),
            _ => (&sig::ECDSA_P384_SHA384_FIXED_SIGNING, "P-384", 48),
        };
        let pkcs8 = sig::EcdsaKeyPair::generate_pkcs8(signing, &rng).unwrap();
        let pair = sig::EcdsaKeyPair::from_pkcs8(signing, pkcs8.as_ref(), &rng).unwrap();
        let point = pair.public_key().as_ref();
        let (x, y) = point[1..].split_at(size);
        Self {
            kid: kid.to_owned(),
            alg,
            jwk: json!({"kty": "EC", "kid": kid, "crv": crv, "alg": alg.as_str(), "x": b64(x), "y": b64(y)}),
            signer: Signer::Ecdsa(pair),
        }
    }

    pub fn ed25519(kid: &str) -> Self {
        let rng = SystemRandom::new();
        let pkcs8 = sig::Ed25519KeyPair::generate_pkcs8(&rng).unwrap();
        let pair = sig::Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
        Self {
            kid: kid.to_owned(),
            alg: Algorithm::EdDSA,
            jwk: json!({"kty": "OKP", "kid": kid, "crv": "Ed25519", "x": b64(pair.public_key().as_ref())}),
            signer: Signer::Ed(pair),
        }
    }

    pub fn sign_bytes(&self, input: &[u8]) -> Vec<u8> {
        let rng = SystemRandom::new();
        match &self.signer {
            Signer::Hmac(k) => ring::hmac::sign(k, input).as_ref().to_vec(),
            Signer::Rsa(pair) => {
                let enc: &'static dyn sig::RsaEncoding = match self.alg {
                    Algorithm::RS256 => &sig::RSA_PKCS1_SHA256,
                    Algorithm::RS384 => &sig::RSA_PKCS1_SHA384,
                    Algorithm::RS512 => &sig::RSA_PKCS1_SHA512,
                    Algorithm::PS256 => &sig::RSA_PSS_SHA256,
                    Algorithm::PS384 => &sig::RSA_PSS_SHA384,
                    _ => &sig::RSA_PSS_SHA512,
                };
                let mut out = vec![0; pair.public().modulus_len()];
                pair.sign(enc, &rng, input, &mut out).unwrap();
                out
            }
            Signer::Ecdsa(pair) => pair.sign(&rng, input).unwrap().as_ref().to_vec(),
            Signer::Ed(pair) => pair.sign(input).as_ref().to_vec(),
        }
    }

    /// The default header: `alg` and (for JWKS keys) `kid`.
    pub fn header(&self) -> Value {
        if self.kid.is_empty() {
            json!({"alg": self.alg.as_str(), "typ": "JWT"})
        } else {
            json!({"alg": self.alg.as_str(), "typ": "JWT", "kid": self.kid})
        }
    }

    pub fn sign(&self, claims: &Value) -> String {
        self.sign_with_header(&self.header(), claims)
    }

    pub fn sign_with_header(&self, header: &Value, claims: &Value) -> String {
        sign_raw(
            self,
            header.to_string().as_bytes(),
            claims.to_string().as_bytes(),
        )
    }
}

pub fn sign_raw(key: &TestKey, header: &[u8], payload: &[u8]) -> String {
    let input = format!("{}.{}", b64(header), b64(payload));
    let signature = key.sign_bytes(input.as_bytes());
    format!("{input}.{}", b64(&signature))
}

pub fn jwks(keys: &[&TestKey]) -> Vec<u8> {
    json!({"keys": keys.iter().map(|k| k.jwk.clone()).collect::<Vec<_>>()})
        .to_string()
        .into_bytes()
}

/// Replaces the signature segment with garbage of the same shape.
pub fn with_bad_signature(token: &str) -> String {
    let (head, _) = token.rsplit_once('.').unwrap();
    format!("{head}.{}", b64(b"garbage-signature-bytes"))
}

pub fn with(mut payload: Value, key: &str, value: Value) -> Value {
    payload[key] = value;
    payload
}

pub fn without(mut payload: Value, key: &str) -> Value {
    payload.as_object_mut().unwrap().remove(key);
    payload
}

/// An in-memory fetcher whose document can be swapped or made to fail, counting fetches.
/// (The loopback tests against the fake tenant cover the real HTTP fetcher.)
#[derive(Debug, Clone)]
pub struct TestFetcher {
    pub doc: Arc<std::sync::Mutex<Result<Vec<u8>, String>>>,
    pub count: Arc<std::sync::atomic::AtomicUsize>,
}

impl TestFetcher {
    pub fn serving(doc: Vec<u8>) -> Self {
        Self {
            doc: Arc::new(std::sync::Mutex::new(Ok(doc))),
            count: Arc::default(),
        }
    }
    pub fn set(&self, doc: Vec<u8>) {
        *self.doc.lock().unwrap() = Ok(doc);
    }
    pub fn fail(&self, why: &str) {
        *self.doc.lock().unwrap() = Err(why.to_owned());
    }
    pub fn count(&self) -> usize {
        self.count.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl auth0_jwt::JwksFetcher for TestFetcher {
    fn fetch(&self) -> auth0_jwt::FetchFuture<'_> {
        self.count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let doc = self.doc.lock().unwrap().clone();
        Box::pin(async move {
            // Stay pending once so that concurrent callers find the fetch in flight.
            tokio::task::yield_now().await;
            doc.map(bytes::Bytes::from)
                .map_err(auth0_jwt::JwksError::fetch)
        })
    }
}

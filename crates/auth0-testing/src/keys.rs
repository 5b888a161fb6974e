//! The tenant's signing keys: RSA fixtures and generated P-256 keys, their JWKs, rotation.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use base64::Engine as _;
use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair, KeyPair as _, RsaKeyPair};
use serde_json::{Value, json};

use crate::jwt::b64;
use crate::pem;

/// RSA private keys (PKCS#1 PEM) committed as fixtures, used in order as the tenant rotates.
const RSA_FIXTURES: [&str; 4] = [
    include_str!("../keys/tenant-1.pem"),
    include_str!("../keys/tenant-2.pem"),
    include_str!("../keys/tenant-3.pem"),
    include_str!("../keys/tenant-4.pem"),
];

/// Self-signed certificates (PEM) of the RSA fixtures, in the same order, for `x5c` and the
/// SAML / WS-Federation metadata.
const CERT_FIXTURES: [&str; 4] = [
    include_str!("../keys/tenant-1.crt"),
    include_str!("../keys/tenant-2.crt"),
    include_str!("../keys/tenant-3.crt"),
    include_str!("../keys/tenant-4.crt"),
];

/// The algorithm of a tenant signing key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyAlgorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256 and a 2048-bit key (Auth0's default).
    Rs256,
    /// ECDSA on P-256 with SHA-256.
    Es256,
}

impl KeyAlgorithm {
    /// The JOSE name (`RS256`, `ES256`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Rs256 => "RS256",
            Self::Es256 => "ES256",
        }
    }
}

enum Material {
    /// The key pair and its certificate (DER).
    Rsa(RsaKeyPair, Vec<u8>),
    Ec(EcdsaKeyPair),
}

/// One key of the tenant.
pub(crate) struct TenantKey {
    pub(crate) kid: String,
    pub(crate) alg: KeyAlgorithm,
    material: Material,
    published: AtomicBool,
}

impl fmt::Debug for TenantKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TenantKey")
            .field("kid", &self.kid)
            .field("alg", &self.alg)
            .field("published", &self.is_published())
            .finish_non_exhaustive()
    }
}

impl TenantKey {
    /// Whether the key is in the JWKS document.
    pub(crate) fn is_published(&self) -> bool {
        self.published.load(Ordering::Relaxed)
    }

    /// Signs `message` with this key; the JWS signature bytes.
    pub(crate) fn sign(&self, message: &[u8]) -> Vec<u8> {
        let rng = SystemRandom::new();
        match &self.material {
            Material::Rsa(pair, _) => {
                let mut sig = vec![0u8; pair.public().modulus_len()];
                pair.sign(&signature::RSA_PKCS1_SHA256, &rng, message, &mut sig)
                    .expect("RSA signing with a valid key cannot fail");
                sig
            }
            Material::Ec(pair) => pair
                .sign(&rng, message)
                .expect("ECDSA signing with a valid key cannot fail")
                .as_ref()
                .to_vec(),
        }
    }

    /// Verifies a signature made by this key (for tokens the tenant issued itself).
    pub(crate) fn verify(&self, message: &[u8], sig: &[u8]) -> bool {
        match &self.material {
            Material::Rsa(pair, _) => signature::UnparsedPublicKey::new(
                &signature::RSA_PKCS1_2048_8192_SHA256,
                pair.public().as_ref(),
            )
            .verify(message, sig)
            .is_ok(),
            Material::Ec(pair) => signature::UnparsedPublicKey::new(
                &signature::ECDSA_P256_SHA256_FIXED,
                pair.public_key().as_ref(),
            )
            .verify(message, sig)
            .is_ok(),
        }
    }

    /// The X.509 certificate (DER) of an RSA key.
    pub(crate) fn certificate(&self) -> Option<&[u8]> {
        match &self.material {
            Material::Rsa(_, cert) => Some(cert),
            Material::Ec(_) => None,
        }
    }

    /// The public JWK.
    pub(crate) fn jwk(&self) -> Value {
        match &self.material {
            Material::Rsa(pair, cert) => {
                let public: signature::RsaPublicKeyComponents<Vec<u8>> = pair.public().into();
                let thumbprint =
                    ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, cert);
                json!({
                    "x5c": [base64::engine::general_purpose::STANDARD.encode(cert)],
                    "x5t": b64(thumbprint.as_ref()),
                    "kty": "RSA",
                    "use": "sig",
                    "alg": self.alg.as_str(),
                    "kid": self.kid,
                    "n": b64(strip_zeros(&public.n)),
                    "e": b64(strip_zeros(&public.e)),
                })
            }
            Material::Ec(pair) => {
                let point = pair.public_key().as_ref();
                json!({
                    "kty": "EC",
                    "use": "sig",
                    "alg": self.alg.as_str(),
                    "kid": self.kid,
                    "crv": "P-256",
                    "x": b64(&point[1..33]),
                    "y": b64(&point[33..65]),
                })
            }
        }
    }
}

/// All keys of the tenant and which one signs.
#[derive(Debug)]
pub(crate) struct KeyStore {
    keys: Vec<Arc<TenantKey>>,
    signing: usize,
    rsa_used: usize,
    generation: usize,
}

impl KeyStore {
    /// A store with one RS256 key.
    pub(crate) fn new() -> Self {
        let mut store = Self {
            keys: Vec::new(),
            signing: 0,
            rsa_used: 0,
            generation: 0,
        };
        store.add(KeyAlgorithm::Rs256);
        store
    }

    /// Adds a key of `alg`, publishes it and makes it the signing key; returns its kid.
    pub(crate) fn add(&mut self, alg: KeyAlgorithm) -> String {
        self.generation += 1;
        let material = match alg {
            KeyAlgorithm::Rs256 => {
                // Fixtures are used in turn; past the last one the material repeats under a new kid.
                let index = self.rsa_used % RSA_FIXTURES.len();
                self.rsa_used += 1;
                let (_, der) = pem::decode(RSA_FIXTURES[index]).expect("fixture key is valid PEM");
                let (_, cert) =
                    pem::decode(CERT_FIXTURES[index]).expect("fixture cert is valid PEM");
                Material::Rsa(
                    RsaKeyPair::from_der(&der).expect("fixture key is a valid RSA key"),
                    cert,
                )
            }
            KeyAlgorithm::Es256 => {
                let rng = SystemRandom::new();
                let alg = &signature::ECDSA_P256_SHA256_FIXED_SIGNING;
                let pkcs8 = EcdsaKeyPair::generate_pkcs8(alg, &rng)
                    .expect("P-256 key generation cannot fail");
                Material::Ec(
                    EcdsaKeyPair::from_pkcs8(alg, pkcs8.as_ref(), &rng)
                        .expect("a generated key loads"),
                )
            }
        };
        let kid = format!(
            "fake-{}-{}",
            alg.as_str().to_ascii_lowercase(),
            self.generation
        );
        self.keys.push(Arc::new(TenantKey {
            kid: kid.clone(),
            alg,
            material,
            published: AtomicBool::new(true),
        }));
        self.signing = self.keys.len() - 1;
        kid
    }

    /// Stops publishing `kid`. The signing key cannot be retired. Returns whether a
    /// published key was retired.
    pub(crate) fn retire(&mut self, kid: &str) -> bool {
        let signing_kid = self.keys[self.signing].kid.clone();
        if kid == signing_kid {
            return false;
        }
        self.keys
            .iter()
            .filter(|k| k.kid == kid)
            .any(|k| k.published.swap(false, Ordering::Relaxed))
    }

    /// The key that signs new tokens.
    pub(crate) fn signing(&self) -> Arc<TenantKey> {
        Arc::clone(&self.keys[self.signing])
    }

    /// A published key by kid.
    pub(crate) fn published(&self, kid: &str) -> Option<Arc<TenantKey>> {
        self.keys
            .iter()
            .find(|k| k.is_published() && k.kid == kid)
            .cloned()
    }

    /// Kids of the published keys, oldest first.
    pub(crate) fn published_kids(&self) -> Vec<String> {
        self.keys
            .iter()
            .filter(|k| k.is_published())
            .map(|k| k.kid.clone())
            .collect()
    }

    /// The JWKS document.
    pub(crate) fn jwks(&self) -> Value {
        let keys: Vec<Value> = self
            .keys
            .iter()
            .filter(|k| k.is_published())
            .map(|k| k.jwk())
            .collect();
        json!({ "keys": keys })
    }
}

/// Big-endian integer bytes without leading zero bytes, as JWK `n`/`e` require.
fn strip_zeros(bytes: &[u8]) -> &[u8] {
    let first = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    &bytes[first..]
}

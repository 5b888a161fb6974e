//! `private_key_jwt` client assertions (RFC 7523) and other JWTs the client signs, with ring.
//!
//! A [`ClientAssertionSigner`] is parsed once from a PEM private key; a key that cannot work
//! with the chosen algorithm is refused there, with a [`KeyError`], never at first use.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{self, EcdsaKeyPair, KeyPair as _, RsaKeyPair};
use rustls_pki_types::PrivateKeyDer;
use rustls_pki_types::pem::PemObject as _;
use serde_json::{Map, Value};

/// The `client_assertion_type` sent with a client assertion.
pub const CLIENT_ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// Lifetime of a client assertion: `exp = iat + 60 s`.
pub const ASSERTION_LIFETIME_SECS: u64 = 60;

/// A JWS algorithm the signer supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SigningAlgorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256 (Auth0's default, and `auth0-python`'s).
    RS256,
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    RS384,
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    RS512,
    /// RSASSA-PSS with SHA-256.
    PS256,
    /// RSASSA-PSS with SHA-384.
    PS384,
    /// RSASSA-PSS with SHA-512.
    PS512,
    /// ECDSA on P-256 with SHA-256.
    ES256,
    /// ECDSA on P-384 with SHA-384.
    ES384,
}

impl SigningAlgorithm {
    /// Every supported algorithm.
    pub const ALL: [Self; 8] = [
        Self::RS256,
        Self::RS384,
        Self::RS512,
        Self::PS256,
        Self::PS384,
        Self::PS512,
        Self::ES256,
        Self::ES384,
    ];

    /// The name used in the JOSE header.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RS256 => "RS256",
            Self::RS384 => "RS384",
            Self::RS512 => "RS512",
            Self::PS256 => "PS256",
            Self::PS384 => "PS384",
            Self::PS512 => "PS512",
            Self::ES256 => "ES256",
            Self::ES384 => "ES384",
        }
    }

    fn key_kind(self) -> KeyKind {
        match self {
            Self::RS256 | Self::RS384 | Self::RS512 | Self::PS256 | Self::PS384 | Self::PS512 => {
                KeyKind::Rsa
            }
            Self::ES256 => KeyKind::P256,
            Self::ES384 => KeyKind::P384,
        }
    }
}

impl fmt::Display for SigningAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SigningAlgorithm {
    type Err = KeyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| KeyError::UnsupportedAlgorithm {
                algorithm: s.to_owned(),
            })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyKind {
    Rsa,
    P256,
    P384,
}

impl KeyKind {
    fn name(self) -> &'static str {
        match self {
            Self::Rsa => "RSA",
            Self::P256 => "EC P-256",
            Self::P384 => "EC P-384",
        }
    }
}

/// Why a private key cannot be used for signing. Messages never contain key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The text is not a PEM private key (`RSA PRIVATE KEY`, `PRIVATE KEY` or `EC PRIVATE KEY`).
    #[error(
        "the signing key is not a PEM private key (expected BEGIN RSA PRIVATE KEY, BEGIN PRIVATE KEY or BEGIN EC PRIVATE KEY)"
    )]
    NotPem,
    /// The key parsed, but it is of a kind no supported algorithm uses (Ed25519, P-521, DSA…).
    #[error("unsupported signing key type: {found}; use an RSA (2048+ bits), P-256 or P-384 key")]
    UnsupportedKey {
        /// What was found.
        found: String,
    },
    /// The algorithm name is not one of [`SigningAlgorithm::ALL`].
    #[error(
        "unsupported signing algorithm {algorithm:?}; use RS256/384/512, PS256/384/512, ES256 or ES384"
    )]
    UnsupportedAlgorithm {
        /// The name given.
        algorithm: String,
    },
    /// The key does not fit the algorithm (an EC key for RS256, a P-384 key for ES256…).
    #[error("a {key} key cannot sign {algorithm}")]
    AlgorithmMismatch {
        /// The algorithm asked for.
        algorithm: SigningAlgorithm,
        /// The kind of key found.
        key: &'static str,
    },
    /// ring refused the key (too small, malformed, inconsistent).
    #[error("the signing key was rejected: {reason}")]
    Rejected {
        /// ring's reason.
        reason: String,
    },
    /// Signing failed (the system random source failed).
    #[error("could not sign the JWT")]
    Signing,
}

impl From<KeyError> for crate::Error {
    fn from(e: KeyError) -> Self {
        crate::Error::Config(e.to_string())
    }
}

enum KeyPair {
    Rsa(RsaKeyPair),
    Ecdsa(EcdsaKeyPair),
}

struct SignerInner {
    key: KeyPair,
    alg: SigningAlgorithm,
    rng: SystemRandom,
}

/// Signs `private_key_jwt` client assertions (and JAR request objects) with a private key.
///
/// Parsed once from PEM: PKCS#1 (`BEGIN RSA PRIVATE KEY`), PKCS#8 (`BEGIN PRIVATE KEY`, RSA or
/// EC) or SEC1 (`BEGIN EC PRIVATE KEY`). Cheap to clone. Its `Debug` shows the algorithm and
/// key id only.
///
/// ```
/// use auth0_core::assertion::{ClientAssertionSigner, SigningAlgorithm};
/// # let pem = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/keys/p256_sec1.pem"));
/// // `pem`: a P-256 private key (SEC1 or PKCS#8 PEM).
/// let signer = ClientAssertionSigner::from_pem(pem, SigningAlgorithm::ES256)
///     .unwrap()
///     .with_kid("key-1");
/// assert_eq!(signer.algorithm(), SigningAlgorithm::ES256);
/// assert!(ClientAssertionSigner::from_pem(pem, SigningAlgorithm::RS256).is_err());
/// ```
#[derive(Clone)]
pub struct ClientAssertionSigner {
    inner: Arc<SignerInner>,
    kid: Option<Arc<str>>,
}

impl fmt::Debug for ClientAssertionSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientAssertionSigner")
            .field("alg", &self.inner.alg)
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl ClientAssertionSigner {
    /// Parses a PEM private key for the given algorithm.
    pub fn from_pem(pem: &str, alg: SigningAlgorithm) -> Result<Self, KeyError> {
        let der = PrivateKeyDer::from_pem_slice(pem.as_bytes()).map_err(|_| KeyError::NotPem)?;
        Self::from_der(&der, alg)
    }

    /// Parses a PEM private key, choosing RS256 for RSA keys, ES256 for P-256 and ES384 for
    /// P-384.
    pub fn from_pem_default_alg(pem: &str) -> Result<Self, KeyError> {
        let der = PrivateKeyDer::from_pem_slice(pem.as_bytes()).map_err(|_| KeyError::NotPem)?;
        let mut last = None;
        for alg in [
            SigningAlgorithm::RS256,
            SigningAlgorithm::ES256,
            SigningAlgorithm::ES384,
        ] {
            match Self::from_der(&der, alg) {
                Ok(s) => return Ok(s),
                Err(KeyError::AlgorithmMismatch { .. }) => {}
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or(KeyError::UnsupportedKey {
            found: "unknown".to_owned(),
        }))
    }

    /// Parses a DER private key (PKCS#1, PKCS#8 or SEC1) for the given algorithm.
    pub fn from_der(der: &PrivateKeyDer<'_>, alg: SigningAlgorithm) -> Result<Self, KeyError> {
        let rng = SystemRandom::new();
        let key = match der {
            PrivateKeyDer::Pkcs1(k) => {
                check_kind(alg, KeyKind::Rsa)?;
                KeyPair::Rsa(RsaKeyPair::from_der(k.secret_pkcs1_der()).map_err(rejected)?)
            }
            PrivateKeyDer::Pkcs8(k) => {
                let bytes = k.secret_pkcs8_der();
                let kind = pkcs8_kind(bytes)?;
                check_kind(alg, kind)?;
                match kind {
                    KeyKind::Rsa => KeyPair::Rsa(RsaKeyPair::from_pkcs8(bytes).map_err(rejected)?),
                    KeyKind::P256 => KeyPair::Ecdsa(
                        EcdsaKeyPair::from_pkcs8(
                            &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
                            bytes,
                            &rng,
                        )
                        .map_err(rejected)?,
                    ),
                    KeyKind::P384 => KeyPair::Ecdsa(
                        EcdsaKeyPair::from_pkcs8(
                            &signature::ECDSA_P384_SHA384_FIXED_SIGNING,
                            bytes,
                            &rng,
                        )
                        .map_err(rejected)?,
                    ),
                }
            }
            PrivateKeyDer::Sec1(k) => {
                let sec1 = parse_sec1(k.secret_sec1_der())?;
                check_kind(alg, sec1.kind)?;
                let ring_alg = if sec1.kind == KeyKind::P256 {
                    &signature::ECDSA_P256_SHA256_FIXED_SIGNING
                } else {
                    &signature::ECDSA_P384_SHA384_FIXED_SIGNING
                };
                KeyPair::Ecdsa(
                    EcdsaKeyPair::from_private_key_and_public_key(
                        ring_alg,
                        sec1.private,
                        sec1.public,
                        &rng,
                    )
                    .map_err(rejected)?,
                )
            }
            _ => {
                return Err(KeyError::UnsupportedKey {
                    found: "unknown key encoding".to_owned(),
                });
            }
        };
        Ok(Self {
            inner: Arc::new(SignerInner { key, alg, rng }),
            kid: None,
        })
    }

    /// Sets the `kid` header (the key id registered with Auth0 for this credential).
    #[must_use]
    pub fn with_kid(mut self, kid: impl Into<String>) -> Self {
        self.kid = Some(Arc::from(kid.into()));
        self
    }

    /// The signing algorithm.
    pub fn algorithm(&self) -> SigningAlgorithm {
        self.inner.alg
    }

    /// The `kid` header, if set.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// Signs a `private_key_jwt` client assertion: `iss = sub = client_id`, `aud = audience`
    /// (Auth0 wants the tenant issuer `https://{domain}/`), `iat` = now, `exp` = now + 60 s,
    /// and a random `jti`.
    pub fn client_assertion(&self, client_id: &str, audience: &str) -> Result<String, KeyError> {
        let iat = now_secs();
        let mut claims = Map::new();
        claims.insert("iss".into(), client_id.into());
        claims.insert("sub".into(), client_id.into());
        claims.insert("aud".into(), audience.into());
        claims.insert("iat".into(), iat.into());
        claims.insert("exp".into(), (iat + ASSERTION_LIFETIME_SECS).into());
        claims.insert("jti".into(), self.jti()?.into());
        self.sign_jwt("JWT", &claims)
    }

    /// A fresh random JWT id: 16 random bytes, base64url.
    pub fn jti(&self) -> Result<String, KeyError> {
        let mut bytes = [0u8; 16];
        self.inner
            .rng
            .fill(&mut bytes)
            .map_err(|_| KeyError::Signing)?;
        Ok(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// Signs arbitrary claims as a compact JWS with header `{"alg","typ","kid"?}`.
    pub fn sign_jwt(&self, typ: &str, claims: &Map<String, Value>) -> Result<String, KeyError> {
        let mut header = Map::new();
        header.insert("alg".into(), self.inner.alg.as_str().into());
        header.insert("typ".into(), typ.into());
        if let Some(kid) = &self.kid {
            header.insert("kid".into(), kid.as_ref().into());
        }
        let header = serde_json::to_vec(&header).map_err(|_| KeyError::Signing)?;
        let claims = serde_json::to_vec(claims).map_err(|_| KeyError::Signing)?;
        let mut input = URL_SAFE_NO_PAD.encode(header);
        input.push('.');
        input.push_str(&URL_SAFE_NO_PAD.encode(claims));
        let sig = self.sign_bytes(input.as_bytes())?;
        input.push('.');
        input.push_str(&URL_SAFE_NO_PAD.encode(sig));
        Ok(input)
    }

    fn sign_bytes(&self, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        let inner = &*self.inner;
        match &inner.key {
            KeyPair::Rsa(k) => {
                let padding: &'static dyn signature::RsaEncoding = match inner.alg {
                    SigningAlgorithm::RS384 => &signature::RSA_PKCS1_SHA384,
                    SigningAlgorithm::RS512 => &signature::RSA_PKCS1_SHA512,
                    SigningAlgorithm::PS256 => &signature::RSA_PSS_SHA256,
                    SigningAlgorithm::PS384 => &signature::RSA_PSS_SHA384,
                    SigningAlgorithm::PS512 => &signature::RSA_PSS_SHA512,
                    _ => &signature::RSA_PKCS1_SHA256,
                };
                let mut sig = vec![0u8; k.public().modulus_len()];
                k.sign(padding, &inner.rng, message, &mut sig)
                    .map_err(|_| KeyError::Signing)?;
                Ok(sig)
            }
            KeyPair::Ecdsa(k) => k
                .sign(&inner.rng, message)
                .map(|s| s.as_ref().to_vec())
                .map_err(|_| KeyError::Signing),
        }
    }

    /// The public key in ring's encoding (RSAPublicKey DER, or the uncompressed EC point), for
    /// verifying what this signer produced.
    pub fn public_key_der(&self) -> Vec<u8> {
        match &self.inner.key {
            KeyPair::Rsa(k) => k.public().as_ref().to_vec(),
            KeyPair::Ecdsa(k) => k.public_key().as_ref().to_vec(),
        }
    }
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn rejected(e: ring::error::KeyRejected) -> KeyError {
    KeyError::Rejected {
        reason: e.to_string(),
    }
}

fn check_kind(alg: SigningAlgorithm, found: KeyKind) -> Result<(), KeyError> {
    if alg.key_kind() == found {
        Ok(())
    } else {
        Err(KeyError::AlgorithmMismatch {
            algorithm: alg,
            key: found.name(),
        })
    }
}

// --- a minimal DER reader, enough for PKCS#8 AlgorithmIdentifier and SEC1 ECPrivateKey ---

const OID_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const OID_EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const OID_P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
const OID_P384: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];
const OID_P521: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x23];
const OID_ED25519: &[u8] = &[0x2b, 0x65, 0x70];

struct Der<'a> {
    rest: &'a [u8],
}

impl<'a> Der<'a> {
    fn new(input: &'a [u8]) -> Self {
        Self { rest: input }
    }

    fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    fn peek_tag(&self) -> Option<u8> {
        self.rest.first().copied()
    }

    /// Reads one element: returns (tag, contents).
    fn read(&mut self) -> Option<(u8, &'a [u8])> {
        let (&tag, rest) = self.rest.split_first()?;
        let (&first, mut rest) = rest.split_first()?;
        let len = if first < 0x80 {
            usize::from(first)
        } else {
            let n = usize::from(first & 0x7f);
            if n == 0 || n > 4 || rest.len() < n {
                return None;
            }
            let mut len = 0usize;
            for &b in &rest[..n] {
                len = (len << 8) | usize::from(b);
            }
            rest = &rest[n..];
            len
        };
        if rest.len() < len {
            return None;
        }
        let (value, after) = rest.split_at(len);
        self.rest = after;
        Some((tag, value))
    }

    fn expect(&mut self, tag: u8) -> Option<&'a [u8]> {
        match self.read()? {
            (t, v) if t == tag => Some(v),
            _ => None,
        }
    }
}

const SEQUENCE: u8 = 0x30;
const INTEGER: u8 = 0x02;
const OCTET_STRING: u8 = 0x04;
const OID: u8 = 0x06;
const BIT_STRING: u8 = 0x03;

fn malformed() -> KeyError {
    KeyError::Rejected {
        reason: "malformed key encoding".to_owned(),
    }
}

fn kind_from_curve(oid: &[u8]) -> Result<KeyKind, KeyError> {
    if oid == OID_P256 {
        Ok(KeyKind::P256)
    } else if oid == OID_P384 {
        Ok(KeyKind::P384)
    } else if oid == OID_P521 {
        Err(KeyError::UnsupportedKey {
            found: "EC P-521 (ring cannot sign ES512)".to_owned(),
        })
    } else {
        Err(KeyError::UnsupportedKey {
            found: "EC key on an unknown curve".to_owned(),
        })
    }
}

/// Reads the algorithm of a PKCS#8 PrivateKeyInfo.
fn pkcs8_kind(der: &[u8]) -> Result<KeyKind, KeyError> {
    let mut outer = Der::new(der);
    let mut info = Der::new(outer.expect(SEQUENCE).ok_or_else(malformed)?);
    info.expect(INTEGER).ok_or_else(malformed)?;
    let mut alg = Der::new(info.expect(SEQUENCE).ok_or_else(malformed)?);
    let oid = alg.expect(OID).ok_or_else(malformed)?;
    if oid == OID_RSA {
        Ok(KeyKind::Rsa)
    } else if oid == OID_EC_PUBLIC_KEY {
        let curve = alg.expect(OID).ok_or_else(malformed)?;
        kind_from_curve(curve)
    } else if oid == OID_ED25519 {
        Err(KeyError::UnsupportedKey {
            found: "Ed25519".to_owned(),
        })
    } else {
        Err(KeyError::UnsupportedKey {
            found: "a PKCS#8 key of an unknown algorithm".to_owned(),
        })
    }
}

struct Sec1<'a> {
    kind: KeyKind,
    private: &'a [u8],
    public: &'a [u8],
}

/// Reads a SEC1 `ECPrivateKey` (RFC 5915).
fn parse_sec1(der: &[u8]) -> Result<Sec1<'_>, KeyError> {
    let mut outer = Der::new(der);
    let mut seq = Der::new(outer.expect(SEQUENCE).ok_or_else(malformed)?);
    if seq.expect(INTEGER).ok_or_else(malformed)? != [1] {
        return Err(malformed());
    }
    let private = seq.expect(OCTET_STRING).ok_or_else(malformed)?;
    let mut curve = None;
    let mut public = None;
    while !seq.is_empty() {
        match seq.peek_tag() {
            Some(0xa0) => {
                let mut params = Der::new(seq.read().ok_or_else(malformed)?.1);
                curve = Some(params.expect(OID).ok_or_else(malformed)?);
            }
            Some(0xa1) => {
                let mut wrapped = Der::new(seq.read().ok_or_else(malformed)?.1);
                let bits = wrapped.expect(BIT_STRING).ok_or_else(malformed)?;
                match bits.split_first() {
                    Some((0, point)) => public = Some(point),
                    _ => return Err(malformed()),
                }
            }
            _ => return Err(malformed()),
        }
    }
    let kind = match curve {
        Some(oid) => kind_from_curve(oid)?,
        None if private.len() == 32 => KeyKind::P256,
        None if private.len() == 48 => KeyKind::P384,
        None => {
            return Err(KeyError::UnsupportedKey {
                found: "EC key on an unknown curve".to_owned(),
            });
        }
    };
    let public = public.ok_or_else(|| KeyError::Rejected {
        reason: "the SEC1 key has no public key; convert it to PKCS#8 with openssl pkcs8 -topk8"
            .to_owned(),
    })?;
    Ok(Sec1 {
        kind,
        private,
        public,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::signature::UnparsedPublicKey;

    const RSA_PKCS1: &str = include_str!("../tests/keys/rsa2048_pkcs1.pem");
    const RSA_PKCS8: &str = include_str!("../tests/keys/rsa2048_pkcs8.pem");
    const P256_SEC1: &str = include_str!("../tests/keys/p256_sec1.pem");
    const P256_PKCS8: &str = include_str!("../tests/keys/p256_pkcs8.pem");
    const P384_SEC1: &str = include_str!("../tests/keys/p384_sec1.pem");
    const P384_PKCS8: &str = include_str!("../tests/keys/p384_pkcs8.pem");
    const P521_SEC1: &str = include_str!("../tests/keys/p521_sec1.pem");
    const ED25519: &str = include_str!("../tests/keys/ed25519_pkcs8.pem");
    const RSA_PUBLIC: &str = include_str!("../tests/keys/rsa2048_public.pem");

    fn verification(alg: SigningAlgorithm) -> &'static dyn signature::VerificationAlgorithm {
        match alg {
            SigningAlgorithm::RS256 => &signature::RSA_PKCS1_2048_8192_SHA256,
            SigningAlgorithm::RS384 => &signature::RSA_PKCS1_2048_8192_SHA384,
            SigningAlgorithm::RS512 => &signature::RSA_PKCS1_2048_8192_SHA512,
            SigningAlgorithm::PS256 => &signature::RSA_PSS_2048_8192_SHA256,
            SigningAlgorithm::PS384 => &signature::RSA_PSS_2048_8192_SHA384,
            SigningAlgorithm::PS512 => &signature::RSA_PSS_2048_8192_SHA512,
            SigningAlgorithm::ES256 => &signature::ECDSA_P256_SHA256_FIXED,
            SigningAlgorithm::ES384 => &signature::ECDSA_P384_SHA384_FIXED,
        }
    }

    fn decode(part: &str) -> Value {
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
    }

    /// Splits and verifies a compact JWS; returns (header, claims).
    fn verify(signer: &ClientAssertionSigner, jwt: &str) -> (Value, Value) {
        let parts: Vec<&str> = jwt.split('.').collect();
        assert_eq!(parts.len(), 3, "{jwt}");
        let input = format!("{}.{}", parts[0], parts[1]);
        let sig = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
        let key = signer.public_key_der();
        UnparsedPublicKey::new(verification(signer.algorithm()), &key)
            .verify(input.as_bytes(), &sig)
            .expect("signature verifies");
        // A changed payload does not verify.
        let tampered = format!("{}.{}x", parts[0], parts[1]);
        assert!(
            UnparsedPublicKey::new(verification(signer.algorithm()), &key)
                .verify(tampered.as_bytes(), &sig)
                .is_err()
        );
        (decode(parts[0]), decode(parts[1]))
    }

    #[test]
    fn every_algorithm_signs_verifiable_assertions() {
        let cases: &[(&str, &str, SigningAlgorithm)] = &[
            ("pkcs1", RSA_PKCS1, SigningAlgorithm::RS256),
            ("pkcs1", RSA_PKCS1, SigningAlgorithm::RS384),
            ("pkcs1", RSA_PKCS1, SigningAlgorithm::RS512),
            ("pkcs8", RSA_PKCS8, SigningAlgorithm::PS256),
            ("pkcs8", RSA_PKCS8, SigningAlgorithm::PS384),
            ("pkcs8", RSA_PKCS8, SigningAlgorithm::PS512),
            ("pkcs8", RSA_PKCS8, SigningAlgorithm::RS256),
            ("sec1", P256_SEC1, SigningAlgorithm::ES256),
            ("pkcs8", P256_PKCS8, SigningAlgorithm::ES256),
            ("sec1", P384_SEC1, SigningAlgorithm::ES384),
            ("pkcs8", P384_PKCS8, SigningAlgorithm::ES384),
        ];
        for (encoding, pem, alg) in cases {
            let signer = ClientAssertionSigner::from_pem(pem, *alg)
                .unwrap_or_else(|e| panic!("{encoding} {alg}: {e}"));
            let jwt = signer
                .client_assertion("client-123", "https://tenant.auth0.com/")
                .unwrap();
            let (header, claims) = verify(&signer, &jwt);
            assert_eq!(
                header,
                serde_json::json!({"alg": alg.as_str(), "typ": "JWT"})
            );
            assert_eq!(claims["iss"], "client-123");
            assert_eq!(claims["sub"], "client-123");
            assert_eq!(claims["aud"], "https://tenant.auth0.com/");
            let iat = claims["iat"].as_u64().unwrap();
            assert_eq!(
                claims["exp"].as_u64().unwrap(),
                iat + ASSERTION_LIFETIME_SECS
            );
            assert!(iat.abs_diff(now_secs()) <= 5);
            assert_eq!(claims["jti"].as_str().unwrap().len(), 22);
            assert_eq!(claims.as_object().unwrap().len(), 6);
        }
    }

    #[test]
    fn kid_goes_in_the_header_and_jti_is_fresh() {
        let signer = ClientAssertionSigner::from_pem(P256_SEC1, SigningAlgorithm::ES256)
            .unwrap()
            .with_kid("kid-1");
        let clone = signer.clone();
        let a = signer.client_assertion("c", "https://t/").unwrap();
        let b = clone.client_assertion("c", "https://t/").unwrap();
        let (ha, ca) = verify(&signer, &a);
        let (_, cb) = verify(&clone, &b);
        assert_eq!(ha["kid"], "kid-1");
        assert_ne!(ca["jti"], cb["jti"]);
        assert_eq!(signer.kid(), Some("kid-1"));
    }

    #[test]
    fn default_algorithm_follows_the_key() {
        for (pem, alg) in [
            (RSA_PKCS1, SigningAlgorithm::RS256),
            (RSA_PKCS8, SigningAlgorithm::RS256),
            (P256_SEC1, SigningAlgorithm::ES256),
            (P384_PKCS8, SigningAlgorithm::ES384),
        ] {
            assert_eq!(
                ClientAssertionSigner::from_pem_default_alg(pem)
                    .unwrap()
                    .algorithm(),
                alg
            );
        }
        assert!(matches!(
            ClientAssertionSigner::from_pem_default_alg(ED25519),
            Err(KeyError::UnsupportedKey { .. })
        ));
    }

    #[test]
    fn bad_keys_are_refused_at_construction() {
        let err = |pem: &str, alg| ClientAssertionSigner::from_pem(pem, alg).unwrap_err();
        assert_eq!(err("", SigningAlgorithm::RS256), KeyError::NotPem);
        assert_eq!(err("not a key", SigningAlgorithm::RS256), KeyError::NotPem);
        assert_eq!(err(RSA_PUBLIC, SigningAlgorithm::RS256), KeyError::NotPem);
        assert_eq!(
            err(P256_SEC1, SigningAlgorithm::RS256),
            KeyError::AlgorithmMismatch {
                algorithm: SigningAlgorithm::RS256,
                key: "EC P-256"
            }
        );
        assert_eq!(
            err(P384_SEC1, SigningAlgorithm::ES256),
            KeyError::AlgorithmMismatch {
                algorithm: SigningAlgorithm::ES256,
                key: "EC P-384"
            }
        );
        assert_eq!(
            err(RSA_PKCS1, SigningAlgorithm::ES256),
            KeyError::AlgorithmMismatch {
                algorithm: SigningAlgorithm::ES256,
                key: "RSA"
            }
        );
        assert!(matches!(
            err(P521_SEC1, SigningAlgorithm::ES256),
            KeyError::UnsupportedKey { .. }
        ));
        assert!(matches!(
            err(ED25519, SigningAlgorithm::ES256),
            KeyError::UnsupportedKey { .. }
        ));
        // A PEM block whose body is not a key.
        let broken = "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n";
        assert!(matches!(
            err(broken, SigningAlgorithm::RS256),
            KeyError::Rejected { .. }
        ));
        let broken_ec = "-----BEGIN EC PRIVATE KEY-----\nMAMCAQE=\n-----END EC PRIVATE KEY-----\n";
        assert!(matches!(
            err(broken_ec, SigningAlgorithm::ES256),
            KeyError::Rejected { .. }
        ));
        // Truncated PKCS#8.
        let body: String = P256_PKCS8
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(body)
            .unwrap();
        let truncated = base64::engine::general_purpose::STANDARD.encode(&der[..20]);
        let pem = format!("-----BEGIN PRIVATE KEY-----\n{truncated}\n-----END PRIVATE KEY-----\n");
        assert!(matches!(
            err(&pem, SigningAlgorithm::ES256),
            KeyError::Rejected { .. }
        ));
    }

    #[test]
    fn error_messages_and_debug_hold_no_key_material() {
        insta::assert_snapshot!(KeyError::NotPem.to_string(), @"the signing key is not a PEM private key (expected BEGIN RSA PRIVATE KEY, BEGIN PRIVATE KEY or BEGIN EC PRIVATE KEY)");
        insta::assert_snapshot!(
            ClientAssertionSigner::from_pem(P521_SEC1, SigningAlgorithm::ES256).unwrap_err().to_string(),
            @"unsupported signing key type: EC P-521 (ring cannot sign ES512); use an RSA (2048+ bits), P-256 or P-384 key"
        );
        insta::assert_snapshot!(
            "PS9".parse::<SigningAlgorithm>().unwrap_err().to_string(),
            @r#"unsupported signing algorithm "PS9"; use RS256/384/512, PS256/384/512, ES256 or ES384"#
        );
        let signer = ClientAssertionSigner::from_pem(RSA_PKCS1, SigningAlgorithm::RS256).unwrap();
        insta::assert_snapshot!(format!("{signer:?}"), @"ClientAssertionSigner { alg: RS256, kid: None, .. }");
        for alg in SigningAlgorithm::ALL {
            assert_eq!(alg.as_str().parse::<SigningAlgorithm>().unwrap(), alg);
        }
    }
}

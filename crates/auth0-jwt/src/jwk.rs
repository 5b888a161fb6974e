//! JSON Web Key Sets: parsing hostile documents into verification keys.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use serde::Deserialize;

use crate::algorithm::{Algorithm, KeyFamily};
use crate::compact::B64;
use crate::error::{Error, JwksError};

/// Default cap on a JWKS document.
pub const DEFAULT_MAX_JWKS_BYTES: usize = 256 * 1024;
/// Default cap on the number of keys in a JWKS.
pub const DEFAULT_MAX_KEYS: usize = 64;

#[derive(Deserialize)]
struct RawSet {
    keys: Vec<serde_json::Map<String, serde_json::Value>>,
}

#[derive(Deserialize)]
struct RawJwk {
    kty: Option<String>,
    kid: Option<String>,
    alg: Option<String>,
    #[serde(rename = "use")]
    use_: Option<String>,
    crv: Option<String>,
    n: Option<String>,
    e: Option<String>,
    x: Option<String>,
    y: Option<String>,
}

#[derive(Clone)]
enum Material {
    Rsa { n: Vec<u8>, e: Vec<u8> },
    Ec { family: KeyFamily, point: Vec<u8> },
    Ed25519(Vec<u8>),
}

/// One public key of a JWKS, ready to verify signatures (or the reason it cannot).
#[derive(Clone)]
pub struct Jwk {
    kid: String,
    alg: Option<String>,
    use_: Option<String>,
    material: Result<Material, String>,
}

impl fmt::Debug for Jwk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match &self.material {
            Ok(Material::Rsa { n, .. }) => format!("RSA-{}", n.len() * 8),
            Ok(Material::Ec { family, .. }) => format!("EC {family:?}"),
            Ok(Material::Ed25519(_)) => "Ed25519".to_owned(),
            Err(reason) => format!("unusable: {reason}"),
        };
        f.debug_struct("Jwk")
            .field("kid", &self.kid)
            .field("alg", &self.alg)
            .field("use", &self.use_)
            .field("key", &kind)
            .finish()
    }
}

fn b64(field: &str, value: Option<&String>) -> Result<Vec<u8>, String> {
    let v = value.ok_or_else(|| format!("missing \"{field}\""))?;
    B64.decode(v)
        .map_err(|_| format!("\"{field}\" is not valid base64url"))
}

fn strip_zeros(mut v: Vec<u8>) -> Vec<u8> {
    let lead = v.iter().take_while(|b| **b == 0).count();
    v.drain(..lead);
    v
}

impl RawJwk {
    fn material(&self) -> Result<Material, String> {
        match self.kty.as_deref() {
            Some("RSA") => {
                let n = strip_zeros(b64("n", self.n.as_ref())?);
                let e = strip_zeros(b64("e", self.e.as_ref())?);
                if n.len() < 256 {
                    return Err(format!(
                        "RSA modulus of {} bits is smaller than 2048 bits",
                        n.len() * 8
                    ));
                }
                if n.len() > 1024 {
                    return Err("RSA modulus larger than 8192 bits".to_owned());
                }
                if e.is_empty() || e.len() > 4 {
                    return Err("RSA exponent is out of range".to_owned());
                }
                Ok(Material::Rsa { n, e })
            }
            Some("EC") => {
                let (family, size) = match self.crv.as_deref() {
                    Some("P-256") => (KeyFamily::P256, 32),
                    Some("P-384") => (KeyFamily::P384, 48),
                    Some(other) => return Err(format!("unsupported EC curve \"{other}\"")),
                    None => return Err("missing \"crv\"".to_owned()),
                };
                let x = b64("x", self.x.as_ref())?;
                let y = b64("y", self.y.as_ref())?;
                if x.len() != size || y.len() != size {
                    return Err(format!("EC coordinates must be {size} bytes each"));
                }
                let mut point = Vec::with_capacity(1 + 2 * size);
                point.push(4);
                point.extend_from_slice(&x);
                point.extend_from_slice(&y);
                Ok(Material::Ec { family, point })
            }
            Some("OKP") => match self.crv.as_deref() {
                Some("Ed25519") => {
                    let x = b64("x", self.x.as_ref())?;
                    if x.len() != 32 {
                        return Err("Ed25519 public key must be 32 bytes".to_owned());
                    }
                    Ok(Material::Ed25519(x))
                }
                Some(other) => Err(format!("unsupported OKP curve \"{other}\"")),
                None => Err("missing \"crv\"".to_owned()),
            },
            Some(other) => Err(format!("unsupported key type \"{other}\"")),
            None => Err("missing \"kty\"".to_owned()),
        }
    }
}

impl Jwk {
    /// The key ID (`""` for a key without one).
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The key's own `alg`, if it names one.
    pub fn alg(&self) -> Option<&str> {
        self.alg.as_deref()
    }

    /// Whether the key could be decoded; an unusable key fails verification with its reason.
    pub fn is_usable(&self) -> bool {
        self.material.is_ok()
    }

    /// Verifies `signature` over `message` with this key for `alg`.
    pub(crate) fn verify(
        &self,
        alg: Algorithm,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), Error> {
        let material = self
            .material
            .as_ref()
            .map_err(|reason| Error::UnusableKey {
                kid: self.kid.clone(),
                reason: reason.clone(),
            })?;
        let mismatch = |reason: String| Error::KeyMismatch {
            kid: self.kid.clone(),
            alg,
            reason,
        };
        if let Some(u) = self.use_.as_deref()
            && u != "sig"
        {
            return Err(mismatch(format!("the key's use is \"{u}\", not \"sig\"")));
        }
        if let Some(a) = self.alg.as_deref()
            && a != alg.as_str()
        {
            return Err(mismatch(format!("the key is for \"{a}\"")));
        }
        let ok = match (material, alg.family()) {
            (Material::Rsa { n, e }, KeyFamily::Rsa) => {
                let params = alg.rsa_params().ok_or_else(|| mismatch("not RSA".into()))?;
                ring::signature::RsaPublicKeyComponents { n, e }
                    .verify(params, message, signature)
                    .is_ok()
            }
            (Material::Ec { family, point }, f) if *family == f => {
                let a = alg
                    .unparsed_algorithm()
                    .ok_or_else(|| mismatch("not EC".into()))?;
                ring::signature::UnparsedPublicKey::new(a, point)
                    .verify(message, signature)
                    .is_ok()
            }
            (Material::Ed25519(x), KeyFamily::Ed25519) => {
                ring::signature::UnparsedPublicKey::new(&ring::signature::ED25519, x)
                    .verify(message, signature)
                    .is_ok()
            }
            (m, _) => {
                let kind = match m {
                    Material::Rsa { .. } => "an RSA key",
                    Material::Ec {
                        family: KeyFamily::P384,
                        ..
                    } => "a P-384 key",
                    Material::Ec { .. } => "a P-256 key",
                    Material::Ed25519(_) => "an Ed25519 key",
                };
                return Err(mismatch(format!("it is {kind}")));
            }
        };
        if ok {
            Ok(())
        } else {
            Err(Error::InvalidSignature)
        }
    }
}

/// A parsed JSON Web Key Set, indexed by `kid`.
///
/// Parsing is strict about the document (size, JSON shape, key count, duplicate `kid`s) and
/// lenient about single keys: a key of an unknown type or with bad encoding is kept as
/// "unusable" with its reason, so one odd key does not take the whole set down, and a token
/// that names it gets a clear error.
#[derive(Debug, Clone, Default)]
pub struct JwkSet {
    keys: HashMap<String, Arc<Jwk>>,
}

impl JwkSet {
    /// Parses a JWKS document with the default limits.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, JwksError> {
        Self::from_slice_with_limits(bytes, DEFAULT_MAX_JWKS_BYTES, DEFAULT_MAX_KEYS)
    }

    /// Parses a JWKS document with explicit limits on its size and its number of keys.
    pub fn from_slice_with_limits(
        bytes: &[u8],
        max_bytes: usize,
        max_keys: usize,
    ) -> Result<Self, JwksError> {
        if bytes.len() > max_bytes {
            return Err(JwksError::TooLarge {
                size: bytes.len(),
                max: max_bytes,
            });
        }
        // Objects only: serde would also read a struct from an array, positionally.
        if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            return Err(JwksError::Invalid("not a JSON object".to_owned()));
        }
        let raw: RawSet =
            serde_json::from_slice(bytes).map_err(|e| JwksError::Invalid(e.to_string()))?;
        if raw.keys.len() > max_keys {
            return Err(JwksError::TooManyKeys {
                count: raw.keys.len(),
                max: max_keys,
            });
        }
        let mut keys = HashMap::with_capacity(raw.keys.len());
        for (i, object) in raw.keys.into_iter().enumerate() {
            let jwk: RawJwk = serde_json::from_value(serde_json::Value::Object(object))
                .map_err(|e| JwksError::Invalid(format!("key {i}: {e}")))?;
            let kid = jwk.kid.clone().unwrap_or_default();
            let key = Jwk {
                kid: kid.clone(),
                alg: jwk.alg.clone(),
                use_: jwk.use_.clone(),
                material: jwk.material(),
            };
            if keys.insert(kid.clone(), Arc::new(key)).is_some() {
                return Err(JwksError::DuplicateKid(kid));
            }
        }
        Ok(Self { keys })
    }

    /// The key with this `kid`.
    pub fn get(&self, kid: &str) -> Option<&Arc<Jwk>> {
        self.keys.get(kid)
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the set has no key.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The key IDs, in no particular order.
    pub fn kids(&self) -> impl Iterator<Item = &str> {
        self.keys.keys().map(String::as_str)
    }
}

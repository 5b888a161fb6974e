//! Compact JWS: encoding with a tenant key, splitting, and verifying with registered keys.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::signature;
use serde_json::{Map, Value, json};

use crate::keys::TenantKey;
use crate::pem::PublicKey;

/// Base64url without padding.
pub(crate) fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Signs `claims` with `key`. `extra_header` fields are merged over the default header
/// (`alg`, `kid`, `typ`), so a test may make the header lie about the key or algorithm.
pub(crate) fn sign(key: &TenantKey, extra_header: &Value, claims: &Value) -> String {
    let mut header = Map::new();
    header.insert("alg".into(), json!(key.alg.as_str()));
    header.insert("typ".into(), json!("JWT"));
    header.insert("kid".into(), json!(key.kid));
    if let Value::Object(extra) = extra_header {
        for (k, v) in extra {
            if v.is_null() {
                header.remove(k);
            } else {
                header.insert(k.clone(), v.clone());
            }
        }
    }
    let header = serde_json::to_vec(&Value::Object(header)).expect("a JSON map serializes");
    let claims = serde_json::to_vec(claims).expect("JSON value serializes");
    let input = format!("{}.{}", b64(&header), b64(&claims));
    let sig = key.sign(input.as_bytes());
    format!("{input}.{}", b64(&sig))
}

/// A JWS split into its parts, not yet verified.
#[derive(Debug)]
pub(crate) struct Parsed {
    pub(crate) header: Map<String, Value>,
    pub(crate) claims: Map<String, Value>,
    pub(crate) signing_input: String,
    pub(crate) signature: Vec<u8>,
}

impl Parsed {
    /// A header field as a string.
    pub(crate) fn header_str(&self, name: &str) -> Option<&str> {
        self.header.get(name).and_then(Value::as_str)
    }

    /// A claim as a string.
    pub(crate) fn claim_str(&self, name: &str) -> Option<&str> {
        self.claims.get(name).and_then(Value::as_str)
    }

    /// A numeric claim.
    pub(crate) fn claim_i64(&self, name: &str) -> Option<i64> {
        self.claims.get(name).and_then(Value::as_i64)
    }

    /// Whether the `aud` claim (string or array) contains `audience`.
    pub(crate) fn has_audience(&self, audience: &str) -> bool {
        match self.claims.get("aud") {
            Some(Value::String(s)) => s == audience,
            Some(Value::Array(items)) => items.iter().any(|v| v.as_str() == Some(audience)),
            _ => false,
        }
    }
}

/// Splits and decodes a compact JWS.
pub(crate) fn parse(token: &str) -> Result<Parsed, String> {
    let mut parts = token.split('.');
    let (Some(h), Some(c), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("the JWT must have three parts".to_owned());
    };
    let decode_obj = |part: &str, what: &str| -> Result<Map<String, Value>, String> {
        let bytes = URL_SAFE_NO_PAD
            .decode(part)
            .map_err(|_| format!("the JWT {what} is not base64url"))?;
        match serde_json::from_slice(&bytes) {
            Ok(Value::Object(map)) => Ok(map),
            _ => Err(format!("the JWT {what} is not a JSON object")),
        }
    };
    let header = decode_obj(h, "header")?;
    let claims = decode_obj(c, "payload")?;
    let signature = URL_SAFE_NO_PAD
        .decode(s)
        .map_err(|_| "the JWT signature is not base64url".to_owned())?;
    Ok(Parsed {
        header,
        claims,
        signing_input: format!("{h}.{c}"),
        signature,
    })
}

/// Verifies a client assertion's signature with a registered public key. Supported
/// algorithms are those Auth0 accepts for `private_key_jwt`: RS256, RS384, PS256 (RSA keys)
/// and ES256 (P-256 keys).
pub(crate) fn verify_with(key: &PublicKey, alg: &str, parsed: &Parsed) -> Result<(), String> {
    let input = parsed.signing_input.as_bytes();
    let sig = &parsed.signature;
    let result = match (key, alg) {
        (PublicKey::Rsa(der), "RS256") => {
            signature::UnparsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, der)
                .verify(input, sig)
        }
        (PublicKey::Rsa(der), "RS384") => {
            signature::UnparsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA384, der)
                .verify(input, sig)
        }
        (PublicKey::Rsa(der), "PS256") => {
            signature::UnparsedPublicKey::new(&signature::RSA_PSS_2048_8192_SHA256, der)
                .verify(input, sig)
        }
        (PublicKey::EcP256(point), "ES256") => {
            signature::UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, point)
                .verify(input, sig)
        }
        _ => return Err(format!("algorithm {alg:?} is not allowed for this key")),
    };
    result.map_err(|_| "invalid signature".to_owned())
}

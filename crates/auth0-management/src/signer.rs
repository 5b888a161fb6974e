//! A small client-assertion signer for `private_key_jwt` client authentication.
//!
//! Auth0 accepts, instead of a client secret, a short-lived JWT signed with the
//! application's private key (RFC 7523): header `{"alg","typ":"JWT"[,"kid"]}`, claims
//! `iss` = `sub` = client id, `aud` = `https://{domain}/`, `iat`, `exp` (`iat` + 60 s) and a
//! random `jti`. This module signs it with ring:
//!
//! - RS256 from a PKCS#8 (`BEGIN PRIVATE KEY`) or PKCS#1 (`BEGIN RSA PRIVATE KEY`) PEM;
//! - ES256 from a PKCS#8 P-256 PEM (`BEGIN PRIVATE KEY`; convert a SEC1 `BEGIN EC PRIVATE
//!   KEY` with `openssl pkcs8 -topk8 -nocrypt`).
//!
//! `auth0-authentication` has a fuller signer; this one is deliberately small and is what
//! the Management client's token fetch uses.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use auth0_core::{Error, SecretString};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair, KeyPair as _, RsaKeyPair};

/// How long a client assertion is valid.
pub const ASSERTION_LIFETIME: Duration = Duration::from_secs(60);

/// The `client_assertion_type` value for JWT client assertions.
pub const CLIENT_ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

enum Key {
    Rsa(RsaKeyPair),
    Ec(EcdsaKeyPair),
}

/// Signs client-assertion JWTs with a private key. The key never appears in `Debug`.
pub struct ClientAssertionSigner {
    key: Key,
    key_id: Option<String>,
}

impl fmt::Debug for ClientAssertionSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientAssertionSigner")
            .field("algorithm", &self.algorithm())
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

fn key_error(what: &str) -> Error {
    Error::Config(format!("private_key_jwt: {what}"))
}

/// The DER bytes of the first PEM block labelled `label`, if there is one.
fn pem_block(pem: &str, label: &str) -> Result<Option<Vec<u8>>, Error> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let Some(start) = pem.find(&begin) else {
        return Ok(None);
    };
    let body = &pem[start + begin.len()..];
    let Some(stop) = body.find(&end) else {
        return Err(key_error(&format!("the PEM block {label} has no END line")));
    };
    let body = &body[..stop];
    if body.contains(':') {
        return Err(key_error(
            "encrypted PEM keys are not supported; decrypt the key first",
        ));
    }
    let b64: String = body.chars().filter(|c| !c.is_whitespace()).collect();
    STANDARD
        .decode(b64)
        .map(Some)
        .map_err(|_| key_error(&format!("the PEM block {label} is not valid base64")))
}

impl ClientAssertionSigner {
    /// An RS256 signer from a PKCS#8 or PKCS#1 RSA private key PEM.
    pub fn rs256_pem(pem: &str) -> Result<Self, Error> {
        let key = if let Some(der) = pem_block(pem, "PRIVATE KEY")? {
            RsaKeyPair::from_pkcs8(&der)
        } else if let Some(der) = pem_block(pem, "RSA PRIVATE KEY")? {
            RsaKeyPair::from_der(&der)
        } else {
            return Err(key_error(
                "no PRIVATE KEY or RSA PRIVATE KEY block found in the PEM",
            ));
        }
        .map_err(|e| key_error(&format!("not a usable RSA private key ({e})")))?;
        Ok(Self {
            key: Key::Rsa(key),
            key_id: None,
        })
    }

    /// An ES256 signer from a PKCS#8 P-256 private key PEM.
    pub fn es256_pem(pem: &str) -> Result<Self, Error> {
        let Some(der) = pem_block(pem, "PRIVATE KEY")? else {
            if pem.contains("-----BEGIN EC PRIVATE KEY-----") {
                return Err(key_error(
                    "SEC1 EC keys are not supported; convert to PKCS#8 (openssl pkcs8 -topk8 -nocrypt)",
                ));
            }
            return Err(key_error("no PRIVATE KEY block found in the PEM"));
        };
        let key = EcdsaKeyPair::from_pkcs8(
            &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
            &der,
            &SystemRandom::new(),
        )
        .map_err(|e| key_error(&format!("not a usable P-256 private key ({e})")))?;
        Ok(Self {
            key: Key::Ec(key),
            key_id: None,
        })
    }

    /// A signer for whatever key the PEM holds: RSA (RS256) or P-256 (ES256).
    pub fn from_pem(pem: &str) -> Result<Self, Error> {
        Self::rs256_pem(pem)
            .or_else(|rsa_err| Self::es256_pem(pem).map_err(|_| rsa_err_or_generic(&rsa_err)))
    }

    /// Sets the `kid` header (the credential's key id in Auth0, when it has several).
    #[must_use]
    pub fn with_key_id(mut self, kid: impl Into<String>) -> Self {
        self.key_id = Some(kid.into());
        self
    }

    /// `RS256` or `ES256`.
    pub fn algorithm(&self) -> &'static str {
        match self.key {
            Key::Rsa(_) => "RS256",
            Key::Ec(_) => "ES256",
        }
    }

    /// The public key bytes (RSA: DER `RSAPublicKey`; EC: uncompressed point), for tests
    /// and for registering the credential.
    pub fn public_key(&self) -> &[u8] {
        match &self.key {
            Key::Rsa(k) => k.public().as_ref(),
            Key::Ec(k) => k.public_key().as_ref(),
        }
    }

    /// Signs a client assertion for `client_id` with audience `audience`
    /// (`https://{domain}/`) at time `now`.
    pub fn assertion(
        &self,
        client_id: &str,
        audience: &str,
        now: SystemTime,
    ) -> Result<SecretString, Error> {
        let iat = now
            .duration_since(UNIX_EPOCH)
            .map_err(|_| key_error("the system clock is before 1970"))?
            .as_secs();
        let mut header = serde_json::json!({"alg": self.algorithm(), "typ": "JWT"});
        if let Some(kid) = &self.key_id {
            header["kid"] = serde_json::Value::String(kid.clone());
        }
        let jti = URL_SAFE_NO_PAD.encode(crate::random::bytes::<16>());
        let claims = serde_json::json!({
            "iss": client_id,
            "sub": client_id,
            "aud": audience,
            "iat": iat,
            "exp": iat + ASSERTION_LIFETIME.as_secs(),
            "jti": jti,
        });
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let rng = SystemRandom::new();
        let sig = match &self.key {
            Key::Rsa(k) => {
                let mut sig = vec![0u8; k.public().modulus_len()];
                k.sign(
                    &signature::RSA_PKCS1_SHA256,
                    &rng,
                    signing_input.as_bytes(),
                    &mut sig,
                )
                .map_err(|_| key_error("RSA signing failed"))?;
                sig
            }
            Key::Ec(k) => k
                .sign(&rng, signing_input.as_bytes())
                .map_err(|_| key_error("ECDSA signing failed"))?
                .as_ref()
                .to_vec(),
        };
        Ok(SecretString::new(format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(sig)
        )))
    }
}

fn rsa_err_or_generic(rsa_err: &Error) -> Error {
    match rsa_err {
        Error::Config(m) if m.contains("no PRIVATE KEY") => {
            key_error("the PEM holds neither an RSA nor a P-256 private key")
        }
        _ => key_error("the PEM holds neither a usable RSA nor a P-256 private key"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A P-256 PKCS#8 key generated by ring for this test (not used anywhere else).
    fn ec_pem() -> String {
        let rng = SystemRandom::new();
        let doc = EcdsaKeyPair::generate_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
            .unwrap();
        let b64 = STANDARD.encode(doc.as_ref());
        let lines: Vec<&str> = b64
            .as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        format!(
            "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
            lines.join("\n")
        )
    }

    #[test]
    fn es256_assertion_verifies_and_has_the_claims() {
        let pem = ec_pem();
        let signer = ClientAssertionSigner::from_pem(&pem)
            .unwrap()
            .with_key_id("kid-1");
        assert_eq!(signer.algorithm(), "ES256");
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let jwt = signer
            .assertion("client-1", "https://tenant.auth0.com/", now)
            .unwrap();
        let jwt = jwt.expose_secret();
        let parts: Vec<&str> = jwt.split('.').collect();
        assert_eq!(parts.len(), 3);
        let header: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
        assert_eq!(
            header,
            serde_json::json!({"alg":"ES256","typ":"JWT","kid":"kid-1"})
        );
        let mut claims: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
        assert_eq!(claims["jti"].as_str().unwrap().len(), 22);
        claims["jti"] = "[jti]".into();
        insta::assert_json_snapshot!(claims, @r#"
        {
          "aud": "https://tenant.auth0.com/",
          "exp": 1700000060,
          "iat": 1700000000,
          "iss": "client-1",
          "jti": "[jti]",
          "sub": "client-1"
        }
        "#);
        let public = signature::UnparsedPublicKey::new(
            &signature::ECDSA_P256_SHA256_FIXED,
            signer.public_key(),
        );
        public
            .verify(
                format!("{}.{}", parts[0], parts[1]).as_bytes(),
                &URL_SAFE_NO_PAD.decode(parts[2]).unwrap(),
            )
            .unwrap();
        assert!(!format!("{signer:?}").contains("BEGIN"));
    }

    #[test]
    fn rs256_assertion_from_pkcs8_verifies() {
        let pem = include_str!("../tests/fixtures/rsa-pkcs8-test-key.pem");
        let signer = ClientAssertionSigner::from_pem(pem).unwrap();
        assert_eq!(signer.algorithm(), "RS256");
        let jwt = signer
            .assertion("client-2", "https://tenant.auth0.com/", SystemTime::now())
            .unwrap();
        let jwt = jwt.expose_secret();
        let (signing_input, sig) = jwt.rsplit_once('.').unwrap();
        let header: serde_json::Value = serde_json::from_slice(
            &URL_SAFE_NO_PAD
                .decode(signing_input.split('.').next().unwrap())
                .unwrap(),
        )
        .unwrap();
        assert_eq!(header, serde_json::json!({"alg": "RS256", "typ": "JWT"}));
        signature::UnparsedPublicKey::new(
            &signature::RSA_PKCS1_2048_8192_SHA256,
            signer.public_key(),
        )
        .verify(
            signing_input.as_bytes(),
            &URL_SAFE_NO_PAD.decode(sig).unwrap(),
        )
        .unwrap();
        // Two assertions never share a `jti`.
        let other = signer
            .assertion("client-2", "https://tenant.auth0.com/", SystemTime::now())
            .unwrap();
        assert_ne!(other.expose_secret(), jwt);
        // The same PEM is not an EC key.
        let e = ClientAssertionSigner::es256_pem(pem).unwrap_err();
        assert!(
            e.to_string().contains("not a usable P-256 private key"),
            "{e}"
        );
    }

    #[test]
    fn bad_pems_are_clear_errors() {
        let e = ClientAssertionSigner::from_pem("not a pem").unwrap_err();
        insta::assert_snapshot!(e.to_string(), @"invalid configuration: private_key_jwt: the PEM holds neither an RSA nor a P-256 private key");
        let e = ClientAssertionSigner::rs256_pem(
            "-----BEGIN PRIVATE KEY-----\n!!!\n-----END PRIVATE KEY-----",
        )
        .unwrap_err();
        insta::assert_snapshot!(e.to_string(), @"invalid configuration: private_key_jwt: the PEM block PRIVATE KEY is not valid base64");
        let e = ClientAssertionSigner::es256_pem(
            "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----",
        )
        .unwrap_err();
        assert!(e.to_string().contains("convert to PKCS#8"), "{e}");
        let e = ClientAssertionSigner::rs256_pem(
            "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nAAAA\n-----END RSA PRIVATE KEY-----",
        )
        .unwrap_err();
        assert!(e.to_string().contains("encrypted"), "{e}");
        // An EC key is not an RSA key.
        let e = ClientAssertionSigner::rs256_pem(&ec_pem()).unwrap_err();
        assert!(
            e.to_string().contains("not a usable RSA private key"),
            "{e}"
        );
        let e = ClientAssertionSigner::rs256_pem("-----BEGIN PRIVATE KEY-----\nAAAA").unwrap_err();
        assert!(e.to_string().contains("no END line"), "{e}");
    }
}

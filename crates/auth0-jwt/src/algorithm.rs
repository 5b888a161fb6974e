//! JWS algorithms this crate verifies.

use std::fmt;

/// A JWS signature algorithm (RFC 7518 §3, RFC 8037).
///
/// `none` is not an algorithm here: a token that names it is always rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Algorithm {
    /// HMAC with SHA-256.
    HS256,
    /// HMAC with SHA-384.
    HS384,
    /// HMAC with SHA-512.
    HS512,
    /// RSASSA-PKCS1-v1_5 with SHA-256.
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
    /// Ed25519 (EdDSA, RFC 8037).
    EdDSA,
}

/// The family of key an algorithm needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyFamily {
    Hmac,
    Rsa,
    P256,
    P384,
    Ed25519,
}

impl Algorithm {
    /// Every algorithm, in a stable order.
    pub const ALL: [Self; 12] = [
        Self::HS256,
        Self::HS384,
        Self::HS512,
        Self::RS256,
        Self::RS384,
        Self::RS512,
        Self::PS256,
        Self::PS384,
        Self::PS512,
        Self::ES256,
        Self::ES384,
        Self::EdDSA,
    ];

    /// The `alg` header value.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::HS256 => "HS256",
            Self::HS384 => "HS384",
            Self::HS512 => "HS512",
            Self::RS256 => "RS256",
            Self::RS384 => "RS384",
            Self::RS512 => "RS512",
            Self::PS256 => "PS256",
            Self::PS384 => "PS384",
            Self::PS512 => "PS512",
            Self::ES256 => "ES256",
            Self::ES384 => "ES384",
            Self::EdDSA => "EdDSA",
        }
    }

    /// Parses an `alg` header value (exact, case-sensitive, as RFC 7515 requires).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == name)
    }

    /// Whether this is an HMAC (shared-secret) algorithm.
    pub const fn is_symmetric(self) -> bool {
        matches!(self, Self::HS256 | Self::HS384 | Self::HS512)
    }

    pub(crate) const fn family(self) -> KeyFamily {
        match self {
            Self::HS256 | Self::HS384 | Self::HS512 => KeyFamily::Hmac,
            Self::RS256 | Self::RS384 | Self::RS512 | Self::PS256 | Self::PS384 | Self::PS512 => {
                KeyFamily::Rsa
            }
            Self::ES256 => KeyFamily::P256,
            Self::ES384 => KeyFamily::P384,
            Self::EdDSA => KeyFamily::Ed25519,
        }
    }

    pub(crate) fn hmac(self) -> Option<ring::hmac::Algorithm> {
        match self {
            Self::HS256 => Some(ring::hmac::HMAC_SHA256),
            Self::HS384 => Some(ring::hmac::HMAC_SHA384),
            Self::HS512 => Some(ring::hmac::HMAC_SHA512),
            _ => None,
        }
    }

    pub(crate) fn rsa_params(self) -> Option<&'static ring::signature::RsaParameters> {
        use ring::signature as s;
        match self {
            Self::RS256 => Some(&s::RSA_PKCS1_2048_8192_SHA256),
            Self::RS384 => Some(&s::RSA_PKCS1_2048_8192_SHA384),
            Self::RS512 => Some(&s::RSA_PKCS1_2048_8192_SHA512),
            Self::PS256 => Some(&s::RSA_PSS_2048_8192_SHA256),
            Self::PS384 => Some(&s::RSA_PSS_2048_8192_SHA384),
            Self::PS512 => Some(&s::RSA_PSS_2048_8192_SHA512),
            _ => None,
        }
    }

    pub(crate) fn unparsed_algorithm(
        self,
    ) -> Option<&'static dyn ring::signature::VerificationAlgorithm> {
        use ring::signature as s;
        match self {
            Self::ES256 => Some(&s::ECDSA_P256_SHA256_FIXED),
            Self::ES384 => Some(&s::ECDSA_P384_SHA384_FIXED),
            Self::EdDSA => Some(&s::ED25519),
            _ => None,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Algorithm {
    type Err = UnknownAlgorithm;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_name(s).ok_or_else(|| UnknownAlgorithm(s.to_owned()))
    }
}

/// An algorithm name this crate does not know (or `none`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown or unsupported JWS algorithm {0:?}")]
pub struct UnknownAlgorithm(pub String);

/// Formats the expected algorithms as the unsupported-algorithm error message lists them.
pub(crate) fn expected_list(algs: &[Algorithm]) -> String {
    let mut out = String::new();
    for (i, a) in algs.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(a.as_str());
    }
    out
}

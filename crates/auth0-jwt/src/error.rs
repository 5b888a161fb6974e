//! Verification errors.
//!
//! The `Display` text of the ID-token checks is exactly the message `auth0-python` raises for
//! the same check (`TokenValidationError`), so logs and support answers read the same across
//! SDKs. For access tokens the same checks say "access token" where the ID-token text says
//! "ID token".

use std::fmt;
use std::sync::Arc;

use crate::algorithm::Algorithm;

/// Which kind of token a check was made on; shown in error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenKind {
    /// An OpenID Connect ID token.
    IdToken,
    /// An OAuth 2.0 access token for an API.
    AccessToken,
}

impl fmt::Display for TokenKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::IdToken => "ID token",
            Self::AccessToken => "access token",
        })
    }
}

/// Why a token was rejected.
///
/// Use [`Error::is_unauthorized`] / [`Error::is_forbidden`] to map it onto HTTP 401 / 403.
/// No variant carries the token or any key material.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The token is empty.
    #[error("{0} is required but missing.")]
    Missing(TokenKind),
    /// The token is not three base64url segments with a JSON header.
    #[error("token could not be decoded.")]
    Malformed,
    /// The token is larger than the configured limit.
    #[error("token is {size} bytes, larger than the limit of {max} bytes")]
    TooLarge {
        /// The token's length.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// The header names an algorithm other than the configured one(s) (`none` included).
    #[error(
        "Signature algorithm of \"{found}\" is not supported. Expected the token to be signed with \"{expected}\""
    )]
    UnsupportedAlgorithm {
        /// The header's `alg`, or `None` when absent.
        found: String,
        /// The configured algorithm(s), comma-separated.
        expected: String,
    },
    /// The header lists `crit` extensions, which this verifier does not implement (RFC 7515 §4.1.11).
    #[error("token header has critical extensions this verifier does not understand")]
    CriticalHeader,
    /// No key with the token's `kid` (a missing `kid` is looked up as `""`).
    #[error("RSA Public Key with ID \"{}\" was not found.", kid.escape_default())]
    KeyNotFound {
        /// The `kid` looked up.
        kid: String,
    },
    /// The key with the token's `kid` cannot verify the token's algorithm (e.g. an RSA token and
    /// an EC key, or a key whose own `alg`/`use` says otherwise).
    #[error("key \"{kid}\" cannot verify {alg} signatures: {reason}")]
    KeyMismatch {
        /// The key's `kid`.
        kid: String,
        /// The token's algorithm.
        alg: Algorithm,
        /// Why.
        reason: String,
    },
    /// The JWKS entry with the token's `kid` could not be used (bad base64, wrong sizes, unknown key type).
    #[error("key \"{kid}\" in the JWKS is unusable: {reason}")]
    UnusableKey {
        /// The key's `kid`.
        kid: String,
        /// Why.
        reason: String,
    },
    /// The signature does not verify.
    #[error("Invalid token signature.")]
    InvalidSignature,
    /// The payload is not a JSON object (after a valid signature).
    #[error("token payload could not be decoded.")]
    MalformedPayload,
    /// The keys could not be obtained (fetch failed with no usable cached keys, or the JWKS is invalid).
    #[error(transparent)]
    Jwks(#[from] JwksError),

    /// `iss` missing or not a string.
    #[error("Issuer (iss) claim must be a string present in the {0}")]
    IssuerMissing(TokenKind),
    /// `iss` differs from the expected issuer.
    #[error(
        "Issuer (iss) claim mismatch in the {kind}; expected \"{expected}\", found \"{found}\""
    )]
    IssuerMismatch {
        /// Token kind.
        kind: TokenKind,
        /// Expected issuer.
        expected: String,
        /// The claim.
        found: String,
    },
    /// `sub` missing or not a string.
    #[error("Subject (sub) claim must be a string present in the {0}")]
    SubjectMissing(TokenKind),
    /// `aud` missing, or neither a string nor an array of strings.
    #[error("Audience (aud) claim must be a string or array of strings present in the {0}")]
    AudienceMissing(TokenKind),
    /// `aud` is an array without the expected audience.
    #[error(
        "Audience (aud) claim mismatch in the {kind}; expected \"{expected}\" but was not one of \"{found}\""
    )]
    AudienceNotInList {
        /// Token kind.
        kind: TokenKind,
        /// Expected audience(s).
        expected: String,
        /// The claim's values joined with `, `.
        found: String,
    },
    /// `aud` is a string other than the expected audience.
    #[error(
        "Audience (aud) claim mismatch in the {kind}; expected \"{expected}\" but found \"{found}\""
    )]
    AudienceMismatch {
        /// Token kind.
        kind: TokenKind,
        /// Expected audience(s).
        expected: String,
        /// The claim.
        found: String,
    },
    /// `exp` missing or not an integer.
    #[error("Expiration Time (exp) claim must be a number present in the {0}")]
    ExpirationMissing(TokenKind),
    /// The token expired (leeway included).
    #[error(
        "Expiration Time (exp) claim error in the {kind}; current time ({now}) is after expiration time ({exp_with_leeway})"
    )]
    Expired {
        /// Token kind.
        kind: TokenKind,
        /// Now, in seconds since the epoch.
        now: i64,
        /// `exp` plus the leeway.
        exp_with_leeway: i64,
    },
    /// `iat` missing or not an integer.
    #[error("Issued At (iat) claim must be a number present in the {0}")]
    IssuedAtMissing(TokenKind),
    /// `nbf` is in the future (leeway included); checked for access tokens only.
    #[error(
        "Not Before (nbf) claim error in the {kind}; current time ({now}) is before not-before time ({nbf_with_leeway})"
    )]
    NotYetValid {
        /// Token kind.
        kind: TokenKind,
        /// Now, in seconds since the epoch.
        now: i64,
        /// `nbf` minus the leeway.
        nbf_with_leeway: i64,
    },
    /// A nonce was expected and the `nonce` claim is missing or not a string.
    #[error("Nonce (nonce) claim must be a string present in the {0}")]
    NonceMissing(TokenKind),
    /// The `nonce` claim differs from the expected nonce.
    #[error(
        "Nonce (nonce) claim mismatch in the {kind}; expected \"{expected}\", found \"{found}\""
    )]
    NonceMismatch {
        /// Token kind.
        kind: TokenKind,
        /// Expected nonce.
        expected: String,
        /// The claim.
        found: String,
    },
    /// An organization ID was expected and `org_id` is missing or not a string.
    #[error("Organization (org_id) claim must be a string present in the {0}")]
    OrgIdMissing(TokenKind),
    /// `org_id` differs from the expected organization ID.
    #[error(
        "Organization (org_id) claim mismatch in the {kind}; expected \"{expected}\", found \"{found}\""
    )]
    OrgIdMismatch {
        /// Token kind.
        kind: TokenKind,
        /// Expected organization ID.
        expected: String,
        /// The claim.
        found: String,
    },
    /// An organization name was expected and `org_name` is missing or not a string.
    #[error("Organization (org_name) claim must be a string present in the {0}")]
    OrgNameMissing(TokenKind),
    /// `org_name` differs from the expected organization name (lower-cased).
    #[error(
        "Organization (org_name) claim mismatch in the {kind}; expected \"{expected}\", found \"{found}\""
    )]
    OrgNameMismatch {
        /// Token kind.
        kind: TokenKind,
        /// Expected organization name, as given.
        expected: String,
        /// The claim.
        found: String,
    },
    /// `aud` has several values and `azp` is missing or not a string.
    #[error(
        "Authorized Party (azp) claim must be a string present in the {0} when Audience (aud) claim has multiple values"
    )]
    AzpMissing(TokenKind),
    /// `azp` differs from the expected audience.
    #[error(
        "Authorized Party (azp) claim mismatch in the {kind}; expected \"{expected}\", found \"{found}\""
    )]
    AzpMismatch {
        /// Token kind.
        kind: TokenKind,
        /// Expected audience.
        expected: String,
        /// The claim.
        found: String,
    },
    /// `max_age` was given and `auth_time` is missing or not an integer.
    #[error(
        "Authentication Time (auth_time) claim must be a number present in the {0} when Max Age (max_age) is specified"
    )]
    AuthTimeMissing(TokenKind),
    /// The last authentication is older than `max_age` (leeway included).
    #[error(
        "Authentication Time (auth_time) claim in the {kind} indicates that too much time has passed since the last end-user authentication. Current time ({now}) is after last auth at ({auth_time_limit})"
    )]
    AuthTimeTooOld {
        /// Token kind.
        kind: TokenKind,
        /// Now, in seconds since the epoch.
        now: i64,
        /// `auth_time + max_age + leeway`.
        auth_time_limit: i64,
    },
    /// The header `typ` is not one the access-token verifier accepts.
    #[error("Type (typ) header of the {kind} is \"{found}\"; expected one of \"{expected}\"")]
    TypeMismatch {
        /// Token kind.
        kind: TokenKind,
        /// The header value, or `None`.
        found: String,
        /// Accepted values joined with `, `.
        expected: String,
    },
    /// A required scope is not in the `scope` claim.
    #[error("Scope (scope) claim of the access token lacks the required scope \"{0}\"")]
    MissingScope(String),
    /// A required permission is not in the `permissions` claim.
    #[error(
        "Permissions (permissions) claim of the access token lacks the required permission \"{0}\""
    )]
    MissingPermission(String),
}

impl Error {
    /// Whether an API should answer 401 (the token is missing, invalid, expired, or for someone else).
    ///
    /// Key-fetch failures count as 401 too: the token could not be authenticated.
    pub fn is_unauthorized(&self) -> bool {
        !self.is_forbidden()
    }

    /// Whether an API should answer 403 (a valid token without a required scope or permission).
    pub fn is_forbidden(&self) -> bool {
        matches!(self, Self::MissingScope(_) | Self::MissingPermission(_))
    }

    /// The RFC 6750 `error` code for a `WWW-Authenticate: Bearer` challenge.
    pub fn bearer_error_code(&self) -> &'static str {
        if self.is_forbidden() {
            "insufficient_scope"
        } else {
            "invalid_token"
        }
    }
}

/// Why the JWKS could not be fetched or used.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum JwksError {
    /// The fetcher failed (network, timeout, HTTP status).
    #[error("could not fetch the JWKS: {0}")]
    Fetch(#[source] Arc<dyn std::error::Error + Send + Sync>),
    /// The document is larger than the configured limit.
    #[error("JWKS document is {size} bytes, larger than the limit of {max} bytes")]
    TooLarge {
        /// Document size.
        size: usize,
        /// Limit.
        max: usize,
    },
    /// The document is not a JSON object with a `keys` array of objects.
    #[error("JWKS document is invalid: {0}")]
    Invalid(String),
    /// The document has more keys than the configured limit.
    #[error("JWKS document has {count} keys, more than the limit of {max}")]
    TooManyKeys {
        /// Number of keys.
        count: usize,
        /// Limit.
        max: usize,
    },
    /// Two keys share a `kid`; which one to trust would be ambiguous.
    #[error("JWKS document has more than one key with kid \"{0}\"")]
    DuplicateKid(String),
}

impl JwksError {
    /// Wraps any error from a [`JwksFetcher`](crate::JwksFetcher).
    pub fn fetch(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self::Fetch(Arc::from(error.into()))
    }
}

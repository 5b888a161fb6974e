//! Signature verifiers: shared secret (HMAC) and public keys from a JWKS.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use auth0_core::SecretString;

use crate::algorithm::{Algorithm, expected_list};
use crate::clock::{Clock, SystemClock};
use crate::compact::{Compact, Header};
use crate::error::Error;
use crate::jwks_cache::{CacheConfig, JwksCache, JwksFetcher, PendingFetch};

/// A verifier configuration that cannot work.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

fn check_algorithms(algs: &[Algorithm], symmetric: bool) -> Result<(), ConfigError> {
    if algs.is_empty() {
        return Err(ConfigError("algorithm must be specified.".to_owned()));
    }
    if let Some(a) = algs.iter().find(|a| a.is_symmetric() != symmetric) {
        let what = if symmetric {
            "a shared-secret verifier accepts only HS256/HS384/HS512"
        } else {
            "a JWKS verifier accepts only asymmetric algorithms"
        };
        return Err(ConfigError(format!("{what}; {a} is not one")));
    }
    Ok(())
}

/// Verifies HMAC signatures (HS256/384/512) with a shared secret, typically the client secret.
#[derive(Clone)]
pub struct SymmetricSignatureVerifier {
    keys: Arc<[(Algorithm, ring::hmac::Key)]>,
    expected: Arc<str>,
}

impl fmt::Debug for SymmetricSignatureVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SymmetricSignatureVerifier")
            .field("algorithms", &self.expected)
            .field("secret", &"[redacted]")
            .finish_non_exhaustive()
    }
}

impl SymmetricSignatureVerifier {
    /// HS256 with this secret.
    pub fn new(secret: &SecretString) -> Self {
        Self::with_algorithms(secret, &[Algorithm::HS256])
            .unwrap_or_else(|_| unreachable!("HS256 is symmetric"))
    }

    /// Exactly these HMAC algorithms with this secret.
    pub fn with_algorithms(
        secret: &SecretString,
        algorithms: &[Algorithm],
    ) -> Result<Self, ConfigError> {
        check_algorithms(algorithms, true)?;
        let keys = algorithms
            .iter()
            .filter_map(|a| {
                a.hmac().map(|h| {
                    (
                        *a,
                        ring::hmac::Key::new(h, secret.expose_secret().as_bytes()),
                    )
                })
            })
            .collect::<Vec<_>>();
        Ok(Self {
            keys: keys.into(),
            expected: expected_list(algorithms).into(),
        })
    }

    /// The accepted algorithms.
    pub fn algorithms(&self) -> Vec<Algorithm> {
        self.keys.iter().map(|(a, _)| *a).collect()
    }
}

/// Verifies asymmetric signatures with public keys from a JWKS, through a [`JwksFetcher`] and
/// a cache (see the crate docs for its rules). Clones share the cache.
#[derive(Clone, Debug)]
pub struct AsymmetricSignatureVerifier {
    algorithms: Arc<[Algorithm]>,
    expected: Arc<str>,
    cache: JwksCache,
}

impl AsymmetricSignatureVerifier {
    /// RS256 with keys fetched from `jwks_url` by the default HTTPS fetcher.
    ///
    /// Nothing is fetched here: the keys are fetched on first use.
    #[cfg(feature = "fetch-hyper")]
    pub fn new(jwks_url: &str) -> Result<Self, ConfigError> {
        let fetcher = crate::fetch_hyper::HyperJwksFetcher::builder(jwks_url).build()?;
        Self::builder(fetcher).build()
    }

    /// RS256 with keys from the tenant's `/.well-known/jwks.json`. A plain-http domain (made
    /// with [`auth0_core::Domain::insecure_http`], for test servers) is fetched over http.
    #[cfg(feature = "fetch-hyper")]
    pub fn for_domain(domain: &auth0_core::Domain) -> Result<Self, ConfigError> {
        let fetcher = crate::fetch_hyper::HyperJwksFetcher::builder(domain.jwks_url())
            .allow_insecure_http(!domain.is_https())
            .build()?;
        Self::builder(fetcher).build()
    }

    /// A builder around any fetcher.
    pub fn builder(fetcher: impl JwksFetcher) -> AsymmetricVerifierBuilder {
        AsymmetricVerifierBuilder {
            fetcher: Box::new(fetcher),
            algorithms: vec![Algorithm::RS256],
            clock: Arc::new(SystemClock),
            config: CacheConfig::default(),
        }
    }

    /// The accepted algorithms.
    pub fn algorithms(&self) -> &[Algorithm] {
        &self.algorithms
    }

    /// How many JWKS fetches this verifier (and its clones) started.
    pub fn jwks_fetch_count(&self) -> u64 {
        self.cache.fetch_count()
    }
}

/// Builds an [`AsymmetricSignatureVerifier`].
#[must_use]
pub struct AsymmetricVerifierBuilder {
    fetcher: Box<dyn JwksFetcher>,
    algorithms: Vec<Algorithm>,
    clock: Arc<dyn Clock>,
    config: CacheConfig,
}

impl fmt::Debug for AsymmetricVerifierBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsymmetricVerifierBuilder")
            .field("fetcher", &self.fetcher)
            .field("algorithms", &self.algorithms)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl AsymmetricVerifierBuilder {
    /// Accept exactly these algorithms (default: RS256). HMAC algorithms are refused.
    pub fn algorithms(mut self, algorithms: &[Algorithm]) -> Self {
        self.algorithms = algorithms.to_vec();
        self
    }

    /// How long fetched keys are trusted (default 600 s).
    pub fn cache_ttl(mut self, ttl: Duration) -> Self {
        self.config.ttl = ttl;
        self
    }

    /// Minimum time between two fetches forced by unknown `kid`s, and between retries after a
    /// failed fetch (default 30 s).
    pub fn refetch_cooldown(mut self, cooldown: Duration) -> Self {
        self.config.cooldown = cooldown;
        self
    }

    /// How long past the TTL the last good keys keep serving while refreshes fail (default 1 h).
    pub fn max_stale(mut self, max_stale: Duration) -> Self {
        self.config.max_stale = max_stale;
        self
    }

    /// Largest JWKS document accepted (default 256 KiB).
    pub fn max_jwks_bytes(mut self, bytes: usize) -> Self {
        self.config.max_bytes = bytes;
        self
    }

    /// Most keys accepted in a JWKS (default 64).
    pub fn max_keys(mut self, keys: usize) -> Self {
        self.config.max_keys = keys;
        self
    }

    /// The time source of the cache (default: the system clock).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Builds the verifier; fetches nothing.
    pub fn build(self) -> Result<AsymmetricSignatureVerifier, ConfigError> {
        check_algorithms(&self.algorithms, false)?;
        Ok(AsymmetricSignatureVerifier {
            expected: expected_list(&self.algorithms).into(),
            algorithms: self.algorithms.into(),
            cache: JwksCache::new(self.fetcher, self.clock, self.config),
        })
    }
}

/// The signature half of token verification.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum SignatureVerifier {
    /// Shared secret.
    Symmetric(SymmetricSignatureVerifier),
    /// Public keys from a JWKS.
    Asymmetric(AsymmetricSignatureVerifier),
}

impl From<SymmetricSignatureVerifier> for SignatureVerifier {
    fn from(v: SymmetricSignatureVerifier) -> Self {
        Self::Symmetric(v)
    }
}

impl From<AsymmetricSignatureVerifier> for SignatureVerifier {
    fn from(v: AsymmetricSignatureVerifier) -> Self {
        Self::Asymmetric(v)
    }
}

fn unsupported(header: &Header<'_>, expected: &str) -> Error {
    Error::UnsupportedAlgorithm {
        found: header.alg.as_deref().unwrap_or("None").to_owned(),
        expected: expected.to_owned(),
    }
}

impl SignatureVerifier {
    /// Checks `alg` against the configuration; returns the algorithm.
    pub(crate) fn check_alg(&self, header: &Header<'_>) -> Result<Algorithm, Error> {
        let name = header.alg.as_deref();
        let (found, expected) = match self {
            Self::Symmetric(v) => (
                v.keys
                    .iter()
                    .map(|(a, _)| *a)
                    .find(|a| Some(a.as_str()) == name),
                &*v.expected,
            ),
            Self::Asymmetric(v) => (
                v.algorithms
                    .iter()
                    .copied()
                    .find(|a| Some(a.as_str()) == name),
                &*v.expected,
            ),
        };
        found.ok_or_else(|| unsupported(header, expected))
    }

    /// Verifies the signature of `token` made with `alg` (checked by [`Self::check_alg`]) by
    /// the key `kid`, now if the key is at hand (always for HMAC, and for a JWKS whose cache
    /// holds it): `Ok(None)` when verified. `Ok(Some(fetch))` when the JWKS must be fetched
    /// first: then [`verify_after_fetch`].
    pub(crate) fn verify_now(
        &self,
        token: &Compact<'_>,
        kid: Option<&str>,
        alg: Algorithm,
    ) -> Result<Option<PendingFetch>, Error> {
        match self {
            Self::Symmetric(v) => {
                let key = v
                    .keys
                    .iter()
                    .find(|(a, _)| *a == alg)
                    .map(|(_, k)| k)
                    .ok_or_else(|| Error::UnsupportedAlgorithm {
                        found: alg.as_str().to_owned(),
                        expected: v.expected.to_string(),
                    })?;
                ring::hmac::verify(key, token.signing_input, token.signature())
                    .map_err(|_| Error::InvalidSignature)?;
                Ok(None)
            }
            Self::Asymmetric(v) => match v.cache.lookup(kid.unwrap_or("")) {
                Ok(key) => {
                    key?.verify(alg, token.signing_input, token.signature())?;
                    Ok(None)
                }
                Err(fetch) => Ok(Some(fetch)),
            },
        }
    }
}

/// Waits for `fetch` (from [`SignatureVerifier::verify_now`]), then verifies the signature of
/// `token` made with `alg` by the key `kid`.
pub(crate) async fn verify_after_fetch(
    fetch: PendingFetch,
    token: &Compact<'_>,
    kid: Option<&str>,
    alg: Algorithm,
) -> Result<(), Error> {
    let key = fetch.key(kid.unwrap_or("")).await?;
    key.verify(alg, token.signing_input, token.signature())
}

//! ID-token and access-token verification for Auth0, with a JWKS cache that cannot be hammered.
//!
//! # ID tokens (`auth0-python`'s model)
//!
//! The examples run against the `auth0-testing` fake tenant: hidden lines start it, swap its
//! plain-http domain in and make the tokens that a real API would receive. The visible code
//! is what runs against a real tenant.
//!
//! ```
//! # #[cfg(feature = "fetch-hyper")]
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # use auth0_testing::{FakeTenant, seed};
//! # let tenant = FakeTenant::start().await?;
//! # let client_id = seed::WEB_CLIENT_ID;
//! # let id_token = tenant.issue_id_token(seed::USER_ID, client_id, Some("n-0S6_WzA2Mj")).unwrap();
//! use auth0_core::Domain;
//! use auth0_jwt::{AsymmetricSignatureVerifier, Error, TokenVerifier, VerifyOptions};
//!
//! let domain = Domain::new("tenant.eu.auth0.com")?;
//! # let domain = tenant.domain();
//! // Keys from https://{domain}/.well-known/jwks.json, fetched on first use and cached.
//! let keys = AsymmetricSignatureVerifier::for_domain(&domain)?;
//! let verifier = TokenVerifier::new(keys, domain.issuer(), client_id);
//! let claims = verifier
//!     .verify(&id_token, &VerifyOptions::new().nonce("n-0S6_WzA2Mj"))
//!     .await?;
//! # assert_eq!(claims.sub(), seed::USER_ID);
//! println!("hello {}", claims.sub());
//!
//! // The same token with another login's nonce is refused.
//! let replayed = verifier.verify(&id_token, &VerifyOptions::new().nonce("other-nonce")).await;
//! assert!(matches!(replayed, Err(Error::NonceMismatch { .. })));
//! # Ok(()) }
//! # #[cfg(not(feature = "fetch-hyper"))]
//! # fn main() {}
//! ```
//!
//! Every failure is an [`Error`] variant whose `Display` is exactly `auth0-python`'s message
//! for the same check. Leeway defaults to 60 s; the clock is injectable ([`Clock`]).
//!
//! # Access tokens (APIs)
//!
//! [`AccessTokenVerifier`] checks `typ`, `iss`, `sub`, `aud` (the API identifier), `exp`,
//! `nbf`, and required scopes/permissions; [`JwtLayer`] puts it in front of any tower service
//! (axum included) and inserts the [`Claims`] into the request extensions.
//!
//! # Algorithms
//!
//! HS256/384/512, RS256/384/512, PS256/384/512, ES256, ES384 and EdDSA (Ed25519), verified
//! with `ring`. A verifier accepts exactly the algorithms it was configured with; `none` is
//! never accepted, and HMAC algorithms can never be configured on a JWKS verifier, so an HS
//! token cannot be checked against a public key (algorithm confusion).
//!
//! # The JWKS cache
//!
//! - Keys are fetched on first use, never in a constructor; then trusted for the TTL (600 s).
//! - A `kid` missing from fresh keys forces one refetch, at most once per cooldown (30 s)
//!   however many tokens carry unknown `kid`s; concurrent misses share one in-flight fetch.
//! - When a refresh fails the last good keys keep serving, up to max-stale (1 h) past the
//!   TTL; failed fetches are retried at most once per cooldown.
//! - Documents are size- and key-count-capped; duplicate `kid`s are refused; a key with a bad
//!   encoding or an unknown type fails only the tokens that name it, with its reason.
//!
//! The fetcher is the [`JwksFetcher`] trait. The default one ([`HyperJwksFetcher`], feature
//! `fetch-hyper`, on by default) uses `auth0_core`'s hyper-util + rustls(ring) client; without
//! that feature this crate pulls in no hyper, tokio or rustls.
#![forbid(unsafe_code)]

mod access_token;
mod algorithm;
mod checks;
mod claims;
mod clock;
mod compact;
mod error;
#[cfg(feature = "fetch-hyper")]
mod fetch_hyper;
mod id_token;
mod jwk;
mod jwks_cache;
mod layer;
mod signature;

pub use access_token::{AccessTokenVerifier, DEFAULT_ACCEPTED_TYPES};
pub use algorithm::{Algorithm, UnknownAlgorithm};
pub use checks::DEFAULT_LEEWAY;
pub use claims::{Audience, Claims, StrList, StrListIter};
pub use clock::{Clock, ManualClock, SystemClock};
pub use compact::DEFAULT_MAX_TOKEN_BYTES;
pub use error::{Error, JwksError, TokenKind};
#[cfg(feature = "fetch-hyper")]
pub use fetch_hyper::{DEFAULT_FETCH_TIMEOUT, HyperJwksFetcher, HyperJwksFetcherBuilder};
pub use id_token::{TokenVerifier, VerifyOptions};
pub use jwk::{DEFAULT_MAX_JWKS_BYTES, DEFAULT_MAX_KEYS, Jwk, JwkSet};
pub use jwks_cache::{
    DEFAULT_CACHE_TTL, DEFAULT_MAX_STALE, DEFAULT_REFETCH_COOLDOWN, FetchFuture, JwksFetcher,
    StaticJwks,
};
pub use layer::{JwtLayer, RequireJwt, bearer_token, rejection};
pub use signature::{
    AsymmetricSignatureVerifier, AsymmetricVerifierBuilder, ConfigError, SignatureVerifier,
    SymmetricSignatureVerifier,
};

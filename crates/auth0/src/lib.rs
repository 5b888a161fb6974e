//! The Rust SDK for Auth0.
//!
//! This crate gathers the auth0-rs crates behind features, so an application depends on one
//! crate and compiles only what it uses:
//!
//! | feature | module | what it gives you | default |
//! |---|---|---|---|
//! | `jwt` | [`jwt`] | ID-token and access-token verification, JWKS cache, a tower layer | yes |
//! | `authentication` | [`authentication`] | the Authentication API: grants, passwordless, signup, MFA, CIBA, PAR | yes |
//! | `management` | [`management`] | the Management API on a tower stack | yes |
//! | `testing` | [`testing`] | a fake Auth0 tenant on loopback for your own tests | no |
//! | `blocking` | [`blocking`] | run any of the clients from synchronous code | no |
//!
//! [`core`] (always there) holds what every part shares: [`Domain`], the [`Error`] model with
//! its rate-limit variant, [`SecretString`] and the page types.
//!
//! A backend that only verifies tokens is lighter still with `auth0-jwt` alone (or this crate
//! with `default-features = false, features = ["jwt"]`): it then compiles no Authentication or
//! Management API code.
//!
//! # Verify the access tokens your API receives
//!
//! The examples run against the embedded fake tenant (`auth0-testing`): hidden lines start it,
//! swap its plain-http domain in, switch on `allow_insecure_http` and set the credentials
//! (`client_id`, `client_secret`…) that a real application reads from its configuration. The
//! visible code is what runs against a real tenant.
//!
//! ```
//! # #[cfg(feature = "jwt")]
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # use auth0_testing::{FakeTenant, seed};
//! # let tenant = FakeTenant::start().await?;
//! # let bearer = tenant.issue_access_token(seed::USER_ID, "https://api.example.com/", &["read:messages"]);
//! use auth0::Domain;
//! use auth0::jwt::{AccessTokenVerifier, AsymmetricSignatureVerifier};
//!
//! let domain = Domain::new("tenant.eu.auth0.com")?;
//! # let domain = tenant.domain();
//! // Keys come from https://{domain}/.well-known/jwks.json, fetched on first use and cached.
//! let keys = AsymmetricSignatureVerifier::for_domain(&domain)?;
//! let verifier = AccessTokenVerifier::new(keys, domain.issuer(), "https://api.example.com/")
//!     .require_scopes(["read:messages"]);
//! let claims = verifier.verify(&bearer).await?;
//! # assert_eq!(claims.sub(), seed::USER_ID);
//! assert!(claims.has_scope("read:messages"));
//! assert!(verifier.verify("eyJhbGciOiJub25lIn0.e30.").await.is_err());
//! # Ok(()) }
//! # #[cfg(not(feature = "jwt"))]
//! # fn main() {}
//! ```
//!
//! # Talk to a tenant
//!
//! Both API clients take a [`Domain`], are cheap to clone and safe to share between tasks:
//! build them once and clone them into your handlers. The management client fetches and
//! refreshes its own machine-to-machine token, and has one typed method per Management API
//! operation.
//!
//! ```
//! # #[cfg(all(feature = "authentication", feature = "management"))]
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # use auth0_testing::{FakeTenant, seed};
//! # let tenant = FakeTenant::start().await?;
//! # let (web_client_id, web_client_secret) = (seed::WEB_CLIENT_ID, seed::WEB_CLIENT_SECRET);
//! # let (m2m_client_id, m2m_client_secret) = (seed::M2M_CLIENT_ID, seed::M2M_CLIENT_SECRET);
//! # let (username, password) = (seed::USER_EMAIL, seed::USER_PASSWORD);
//! use auth0::Domain;
//! use auth0::authentication::{AuthenticationClient, PasswordGrant};
//! use auth0::core::OffsetParams;
//! use auth0::management::ManagementClient;
//! use futures_util::TryStreamExt as _;
//!
//! let domain = Domain::new("tenant.eu.auth0.com")?;
//! # let domain = tenant.domain();
//! let auth = AuthenticationClient::builder(domain.clone())
//!     .client_id(web_client_id)
//!     .client_secret(web_client_secret)
//! #   .allow_insecure_http(true)
//!     .build()?;
//! let tokens = auth
//!     .token()
//!     .password(
//!         PasswordGrant::new(username, password)
//!             .realm("Username-Password-Authentication")
//!             .scope("openid profile email"),
//!     )
//!     .await?;
//! assert!(tokens.id_token.is_some());
//!
//! let management = ManagementClient::builder(domain)
//!     .client_credentials(m2m_client_id, m2m_client_secret)
//! #   .allow_insecure_http(true)
//!     .build()?;
//! let connections: Vec<_> = management
//!     .connections()
//!     .list()
//!     .items(OffsetParams::new(50))
//!     .try_collect()
//!     .await?;
//! assert!(connections.iter().any(|c| c.name.as_deref() == Some("Username-Password-Authentication")));
//! # Ok(()) }
//! # #[cfg(not(all(feature = "authentication", feature = "management")))]
//! # fn main() {}
//! ```
//!
//! # Errors
//!
//! Every call fails with [`Error`]: [`Error::Api`] carries the HTTP status, Auth0's error code
//! and message and the whole body (an `mfa_required` answer keeps its `mfa_token`);
//! [`Error::RateLimited`] says when the limit resets; timeouts and transport failures are their
//! own variants, and nothing a server sends can make the SDK panic.
//!
//! # Testing without Auth0
//!
//! With the `testing` feature, [`testing::FakeTenant`] starts a real Auth0-shaped tenant on
//! 127.0.0.1 (signed tokens, JWKS, Authentication and Management APIs, fault injection), so
//! your integration tests need no network and no real tenant. `cargo run --example quickstart`
//! walks through the SDK against it.
#![forbid(unsafe_code)]

pub use auth0_core as core;
pub use auth0_core::{Domain, Error, RateLimit, SecretString};

/// Token verification: re-export of `auth0-jwt`.
#[cfg(feature = "jwt")]
pub use auth0_jwt as jwt;

/// The Authentication API: re-export of `auth0-authentication`.
#[cfg(feature = "authentication")]
pub use auth0_authentication as authentication;

/// The Management API: re-export of `auth0-management`.
#[cfg(feature = "management")]
pub use auth0_management as management;

/// The fake tenant: re-export of `auth0-testing`.
#[cfg(feature = "testing")]
pub use auth0_testing as testing;

#[cfg(feature = "blocking")]
pub mod blocking;

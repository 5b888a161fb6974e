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
//! ```no_run
//! # #[cfg(feature = "jwt")]
//! # async fn demo(bearer: &str) -> Result<(), Box<dyn std::error::Error>> {
//! use auth0::jwt::{AccessTokenVerifier, AsymmetricSignatureVerifier};
//!
//! let keys = AsymmetricSignatureVerifier::new("https://tenant.eu.auth0.com/.well-known/jwks.json")?;
//! let verifier = AccessTokenVerifier::new(keys, "https://tenant.eu.auth0.com/", "https://api.example.com/");
//! let claims = verifier.verify(bearer).await?;
//! println!("request from {}", claims.sub);
//! # Ok(()) }
//! ```
//!
//! # Talk to a tenant
//!
//! Both API clients take a [`Domain`], are cheap to clone and safe to share between tasks:
//! build them once and clone them into your handlers. The management client fetches and
//! refreshes its own machine-to-machine token.
//!
//! ```no_run
//! # #[cfg(all(feature = "authentication", feature = "management"))]
//! # async fn demo() -> Result<(), auth0::Error> {
//! use auth0::authentication::{AuthenticationClient, PasswordGrant};
//! use auth0::management::ManagementClient;
//! use auth0::Domain;
//!
//! let domain = Domain::new("tenant.eu.auth0.com").map_err(|e| auth0::Error::Config(e.to_string()))?;
//! let auth = AuthenticationClient::builder(domain.clone())
//!     .client_id("web-app-client-id")
//!     .client_secret("web-app-secret")
//!     .build()?;
//! let tokens = auth.token().password(PasswordGrant::new("alice@example.com", "s3cret")).await?;
//! println!("scope {:?}", tokens.scope);
//!
//! let management = ManagementClient::builder(domain)
//!     .client_credentials("m2m-client-id", "m2m-secret")
//!     .build()?;
//! let _ = management;
//! # Ok(()) }
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

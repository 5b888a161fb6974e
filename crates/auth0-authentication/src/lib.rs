//! Client for the Auth0 Authentication API: every grant, passwordless, signup, CIBA, device
//! flow, PAR (with RAR and JAR), MFA, userinfo, revocation, metadata and URL builders.
//!
//! - Async on tokio, over the shared transport of `auth0-core` (any tower service can be
//!   plugged in with [`AuthenticationClientBuilder::service`] or wrapped with
//!   [`AuthenticationClientBuilder::layer`]). Calls must run inside a tokio runtime with the
//!   time driver enabled (timeouts, retry waits and polling use `tokio::time`).
//! - Calls are grouped on cheap handles ([`AuthenticationClient::token`],
//!   [`database`](AuthenticationClient::database), [`mfa`](AuthenticationClient::mfa), …);
//!   their futures borrow only the client, so they can be joined, selected or stored.
//! - Client authentication on every call that needs it: `client_secret_post`,
//!   `client_secret_basic`, or `private_key_jwt` assertions signed with ring
//!   ([`ClientAssertionSigner`]: RS256/384/512, PS256/384/512, ES256, ES384 from PKCS#1,
//!   PKCS#8 or SEC1 PEM, parsed once).
//! - Errors are [`auth0_core::Error`]: an `mfa_required` answer exposes
//!   [`ApiError::mfa_token`](auth0_core::ApiError::mfa_token), a 429 gives
//!   [`RateLimitError::reset_at`](auth0_core::RateLimitError::reset_at). 429 retries are off
//!   by default (as in `auth0-python`) and can be switched on with
//!   [`AuthenticationClientBuilder::retries`].
//! - Responses are typed ([`TokenSet`], [`UserInfo`]…), unknown fields are kept, and no
//!   `Debug` output shows a token or secret.
//!
//! The examples run against the `auth0-testing` fake tenant: hidden lines start it, swap its
//! plain-http domain in, switch on `allow_insecure_http` and set the credentials
//! (`client_id`, `client_secret`…) that a real application reads from its configuration. The
//! visible code is what runs against a real tenant. Here a user with MFA enrolled logs in
//! with a password, then finishes with a one-time password:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # use auth0_testing::{FakeTenant, seed};
//! # let tenant = FakeTenant::start().await?;
//! # let (client_id, client_secret) = (seed::WEB_CLIENT_ID, seed::WEB_CLIENT_SECRET);
//! # let (username, password) = (seed::MFA_USER_EMAIL, seed::MFA_USER_PASSWORD);
//! # let otp = || seed::MFA_OTP_CODE.to_owned();
//! use auth0_authentication::{AuthenticationClient, PasswordGrant};
//! use auth0_core::Domain;
//!
//! let domain = Domain::new("tenant.eu.auth0.com")?;
//! # let domain = tenant.domain();
//! let client = AuthenticationClient::builder(domain)
//!     .client_id(client_id)
//!     .client_secret(client_secret)
//! #   .allow_insecure_http(true)
//!     .build()?;
//! let login = PasswordGrant::new(username, password)
//!     .realm("Username-Password-Authentication")
//!     .scope("openid profile");
//! let tokens = match client.token().password(login).await {
//!     Ok(tokens) => tokens,
//!     Err(e) => match e.api_error().and_then(|a| a.mfa_token()) {
//!         // `otp()`: the code from the user's authenticator app.
//!         Some(mfa_token) => client.token().mfa_otp(mfa_token, otp()).await?,
//!         None => return Err(e.into()),
//!     },
//! };
//! assert!(tokens.id_token.is_some());
//! // Tokens are `SecretString`s: Debug never shows them.
//! assert_eq!(format!("{:?}", tokens.access_token), "SecretString([redacted])");
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]

mod authorize;
mod back_channel;
mod client;
mod database;
mod legacy;
mod mfa;
mod request;
mod token;
mod types;
#[cfg(feature = "jwt")]
mod verify;

/// The client-assertion signer lives in `auth0-core` (shared with the Management API client).
pub(crate) use auth0_core::assertion;
pub use auth0_core::assertion::{
    ASSERTION_LIFETIME_SECS, CLIENT_ASSERTION_TYPE, ClientAssertionSigner, KeyError,
    SigningAlgorithm,
};
pub use authorize::{
    AuthorizeParams, LogoutParams, OidcLogoutParams, ParApi, Pkce, REQUEST_OBJECT_LIFETIME_SECS,
    random_nonce, random_state, random_token,
};
pub use back_channel::{
    BackChannelApi, BackChannelAuthorize, DEFAULT_POLL_INTERVAL, DeviceApi, DeviceCodeRequest,
    PollOptions,
};
pub use client::{
    AuthenticationClient, AuthenticationClientBuilder, BoxedService, ClientAuth,
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RETRY_DELAY, DEFAULT_TIMEOUT, MAX_RETRIES, RetryConfig,
};
pub use database::{
    ChangePassword, DatabaseApi, PasswordlessApi, PasswordlessEmail, PasswordlessSend,
    PasswordlessSms, Signup, UsersApi,
};
pub use legacy::{Delegation, DelegationToken, EnterpriseApi, LegacyApi};
pub use mfa::{MfaApi, MfaAssociate, MfaChallenge};
pub use token::{
    AuthorizationCode, ClientCredentials, ConnectionToken, CustomGrant, PasswordGrant,
    PasswordlessOtp, RefreshToken, TokenApi, TokenExchange, grant_type, token_type,
};
pub use types::{
    Address, AssociateResponse, Authenticator, BackChannelAuthorizeResponse, ChallengeResponse,
    DelegationResponse, DeviceCode, OpenIdConfiguration, ParResponse, PasswordlessStartResponse,
    SignupResponse, TokenSet, UserInfo,
};

/// The `auth0-jwt` crate (feature `jwt`), for [`auth0_jwt::TokenVerifier`] and
/// [`auth0_jwt::VerifyOptions`].
#[cfg(feature = "jwt")]
pub use auth0_jwt;
#[cfg(feature = "jwt")]
pub use verify::{VerifiedGrantError, VerifiedTokens};

pub use auth0_core::{Domain, Error, SecretString, TelemetryConfig};

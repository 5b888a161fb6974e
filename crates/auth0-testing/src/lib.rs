//! A fake Auth0 tenant on loopback: real HTTP, real signed tokens, real state.
//!
//! [`FakeTenant::start`] binds an ephemeral port of 127.0.0.1 and serves Auth0's
//! Authentication API and Management API from in-memory state seeded by
//! [`seed::TenantSeed`]. Tokens are real JWTs signed with the tenant's keys (published at
//! `/.well-known/jwks.json`); the Management API accepts only tokens it issued itself and
//! checks their scopes. Tests can rotate keys, inject faults ([`Fault`]), read the journal
//! of requests ([`RecordedRequest`]), register answers for operations it does not model
//! ([`FakeTenant::register_response`]), and advance its clock.
//!
//! Any HTTP client can talk to it (here `auth0-core`'s, with plain http allowed explicitly);
//! the SDK's own clients take [`FakeTenant::domain`] and `allow_insecure_http(true)`.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use auth0_core::http_client::HttpClient;
//! use auth0_testing::{FakeTenant, seed};
//! use bytes::Bytes;
//! use serde_json::Value;
//!
//! let tenant = FakeTenant::start().await?;
//! let http = HttpClient::builder().allow_insecure_http(true).build()?;
//!
//! // A Management API token for the seeded machine-to-machine client…
//! let form = serde_urlencoded::to_string([
//!     ("grant_type", "client_credentials"),
//!     ("client_id", seed::M2M_CLIENT_ID),
//!     ("client_secret", seed::M2M_CLIENT_SECRET),
//!     ("audience", &tenant.management_audience()),
//! ])?;
//! let answer = http
//!     .send(
//!         http::Request::post(format!("{}/oauth/token", tenant.base_url()))
//!             .header("content-type", "application/x-www-form-urlencoded")
//!             .body(Bytes::from(form))?,
//!     )
//!     .await?;
//! assert_eq!(answer.status(), 200);
//! let token: Value = serde_json::from_slice(answer.body())?;
//! let access_token = token["access_token"].as_str().ok_or("no access_token")?;
//!
//! // …then the Management API, which accepts only tokens the tenant issued.
//! let list = |bearer: String| {
//!     http::Request::get(format!("{}/api/v2/connections", tenant.base_url()))
//!         .header("authorization", bearer)
//!         .body(Bytes::new())
//! };
//! let answer = http.send(list(format!("Bearer {access_token}"))?).await?;
//! assert_eq!(answer.status(), 200);
//! let connections: Vec<Value> = serde_json::from_slice(answer.body())?;
//! assert!(connections.iter().any(|c| c["name"] == seed::DATABASE_CONNECTION));
//! let forged = http.send(list("Bearer not-a-token".to_owned())?).await?;
//! assert_eq!(forged.status(), 401);
//!
//! // Every request is in the journal, oldest first.
//! let paths: Vec<String> = tenant.journal().into_iter().map(|r| r.path).collect();
//! assert_eq!(paths, ["/oauth/token", "/api/v2/connections", "/api/v2/connections"]);
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
// Handlers return their error response directly as `Err(Resp)`; boxing it buys nothing here.
#![allow(clippy::result_large_err)]

mod activity;
mod authn;
mod clock;
mod errors;
mod faults;
mod ids;
mod journal;
mod jwt;
mod keys;
mod mgmt;
mod pem;
pub mod seed;
mod server;
mod state;
mod tenant;
mod wire;

pub use faults::Fault;
pub use journal::RecordedRequest;
pub use keys::KeyAlgorithm;
pub use seed::TenantSeed;
pub use tenant::{FakeTenant, FakeTenantBuilder, Keys};

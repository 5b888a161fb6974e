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
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use auth0_testing::{FakeTenant, seed};
//! let tenant = FakeTenant::start().await?;
//! // POST {base}/oauth/token with seed::M2M_CLIENT_ID / seed::M2M_CLIENT_SECRET and
//! // audience = tenant.management_audience(), then call {base}/api/v2/connections.
//! let _ = (tenant.base_url(), seed::M2M_CLIENT_ID);
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

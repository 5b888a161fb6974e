//! Typed client for the Auth0 Management API on a tower service stack.
//!
//! - [`ManagementClient`]: built with [`ManagementClient::builder`] from a static token,
//!   client credentials (secret or `private_key_jwt`), or your own
//!   [`TokenSource`](token::TokenSource); sends [`ApiRequest`]s through retry, auth,
//!   timeout, telemetry and custom-domain layers (see [`client`] for the order) over a
//!   replaceable HTTP service.
//! - [`request`]: describing a call, path-segment encoding, multipart bodies, responses
//!   with status, headers and rate-limit information.
//! - [`paging`]: offset and checkpoint lists as `futures::Stream`s of pages or items.
//! - [`retry`]: the 429-aware retry policy, with its decision as a pure function.
//! - [`signer`]: the `private_key_jwt` client-assertion signer (RS256/ES256 with ring).
//!
//! Every failure is an [`auth0_core::Error`].

pub mod auth;
pub mod client;
pub mod headers;
pub mod paging;
mod random;
pub mod request;
pub mod retry;
pub mod signer;
pub mod timeout;
pub mod token;

pub use client::{HttpService, ManagementClient, ManagementClientBuilder};
pub use request::{ApiRequest, ApiResponse, Multipart, RequestOptions, encode_path_segment};
pub use retry::RetryPolicy;
pub use signer::ClientAssertionSigner;
pub use token::{StaticToken, TokenSource};

//! Transport-agnostic building blocks shared by every auth0-rs crate.
//!
//! - [`Domain`]: a validated tenant domain and the URLs built from it (HTTPS by default;
//!   plain HTTP only through [`Domain::insecure_http`]).
//! - [`Error`]: the error model of both API clients, parsed from Auth0's error bodies the way
//!   `auth0-python` does, with a separate [`RateLimitError`] that carries `reset_at`.
//! - [`RateLimit`]: the `x-ratelimit-*` headers of any response.
//! - [`Telemetry`]: the `Auth0-Client` header.
//! - [`SecretString`]: a string that never appears in `Debug` or `Display`.
//! - [`pagination`]: offset and checkpoint page types.
//!
//! With the `management-models` feature, [`management`] holds the typed models of the whole
//! Management API, generated from Auth0's OpenAPI document (see `cargo xtask codegen`).
//!
//! With the `client-assertion` feature, [`assertion`] signs `private_key_jwt` client
//! assertions with ring (both API clients use it).
//!
//! With the `hyper-client` feature, [`http_client`] adds the default HTTPS client (hyper-util +
//! rustls with the ring provider passed explicitly). Without it this crate depends on no HTTP
//! stack, async runtime or TLS library.
#![forbid(unsafe_code)]

#[cfg(feature = "client-assertion")]
pub mod assertion;
pub mod domain;
pub mod error;
#[cfg(feature = "hyper-client")]
pub mod http_client;
#[cfg(feature = "management-models")]
pub mod management;
pub mod pagination;
pub mod rate_limit;
pub mod response;
pub mod secret;
pub mod telemetry;

pub use domain::{Domain, DomainError, Scheme};
pub use error::{
    ApiError, BoxError, DecodeError, Error, ErrorBody, RateLimitError, TransportError,
};
pub use pagination::{CheckpointPage, CheckpointParams, OffsetPage, OffsetParams};
pub use rate_limit::RateLimit;
pub use response::ResponseMeta;
pub use secret::SecretString;
pub use telemetry::{Telemetry, TelemetryConfig};

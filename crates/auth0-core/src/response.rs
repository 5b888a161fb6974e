//! What every response carries besides its body.

use http::{HeaderMap, StatusCode};

use crate::rate_limit::RateLimit;

/// Status, headers and rate-limit information of a response.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ResponseMeta {
    /// HTTP status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
}

impl ResponseMeta {
    /// Builds the metadata from a status and headers.
    pub fn new(status: StatusCode, headers: HeaderMap) -> Self {
        Self { status, headers }
    }

    /// The `x-ratelimit-*` headers, read from [`headers`](Self::headers) when asked for (a
    /// call that never looks at them does not pay for reading them).
    pub fn rate_limit(&self) -> RateLimit {
        RateLimit::from_headers(&self.headers)
    }
}

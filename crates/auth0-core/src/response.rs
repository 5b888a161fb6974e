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
    /// The `x-ratelimit-*` headers.
    pub rate_limit: RateLimit,
}

impl ResponseMeta {
    /// Builds the metadata from a status and headers.
    pub fn new(status: StatusCode, headers: HeaderMap) -> Self {
        let rate_limit = RateLimit::from_headers(&headers);
        Self {
            status,
            headers,
            rate_limit,
        }
    }
}

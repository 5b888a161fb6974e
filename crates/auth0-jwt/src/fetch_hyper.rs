//! The default JWKS fetcher: `auth0_core::http_client::HttpClient` (hyper-util + rustls/ring).

use std::time::Duration;

use auth0_core::http_client::HttpClient;
use bytes::Bytes;

use crate::error::JwksError;
use crate::jwk::DEFAULT_MAX_JWKS_BYTES;
use crate::jwks_cache::{FetchFuture, JwksFetcher};
use crate::signature::ConfigError;

/// Default timeout of one JWKS fetch.
pub const DEFAULT_FETCH_TIMEOUT: Duration = Duration::from_secs(5);

/// Fetches a JWKS over HTTPS with the SDK's HTTP client.
#[derive(Debug, Clone)]
pub struct HyperJwksFetcher {
    url: http::Uri,
    client: HttpClient,
    timeout: Duration,
}

/// Builds a [`HyperJwksFetcher`].
#[derive(Debug)]
#[must_use]
pub struct HyperJwksFetcherBuilder {
    url: String,
    timeout: Duration,
    max_bytes: usize,
    allow_insecure_http: bool,
    client: Option<HttpClient>,
}

impl HyperJwksFetcher {
    /// A builder for `jwks_url` (e.g. `https://tenant.auth0.com/.well-known/jwks.json`).
    pub fn builder(jwks_url: impl Into<String>) -> HyperJwksFetcherBuilder {
        HyperJwksFetcherBuilder {
            url: jwks_url.into(),
            timeout: DEFAULT_FETCH_TIMEOUT,
            max_bytes: DEFAULT_MAX_JWKS_BYTES,
            allow_insecure_http: false,
            client: None,
        }
    }
}

impl HyperJwksFetcherBuilder {
    /// Timeout of one fetch, connection included (default 5 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Largest response body read (default 256 KiB).
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_bytes = bytes;
        self
    }

    /// Allows a plain `http://` JWKS URL. Only for local test servers.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Uses this client (its own timeouts and limits apply too) instead of a new one.
    pub fn http_client(mut self, client: HttpClient) -> Self {
        self.client = Some(client);
        self
    }

    /// Builds the fetcher. Fetches nothing.
    pub fn build(self) -> Result<HyperJwksFetcher, ConfigError> {
        let url: http::Uri = self
            .url
            .parse()
            .map_err(|e| ConfigError(format!("invalid JWKS URL: {e}")))?;
        match url.scheme_str() {
            Some("https") => {}
            Some("http") if self.allow_insecure_http => {}
            Some("http") => {
                return Err(ConfigError(
                    "refusing a plain http JWKS URL; enable allow_insecure_http for test servers"
                        .to_owned(),
                ));
            }
            _ => return Err(ConfigError("the JWKS URL must be an https URL".to_owned())),
        }
        let client = match self.client {
            Some(c) => c,
            None => HttpClient::builder()
                .timeout(Some(self.timeout))
                .max_body_bytes(self.max_bytes)
                .allow_insecure_http(self.allow_insecure_http)
                .build()
                .map_err(|e| ConfigError(e.to_string()))?,
        };
        Ok(HyperJwksFetcher {
            url,
            client,
            timeout: self.timeout,
        })
    }
}

impl JwksFetcher for HyperJwksFetcher {
    fn fetch(&self) -> FetchFuture<'_> {
        Box::pin(async move {
            let request = http::Request::get(self.url.clone())
                .header(http::header::ACCEPT, "application/json")
                .header(
                    http::header::USER_AGENT,
                    auth0_core::telemetry::user_agent(),
                )
                .body(Bytes::new())
                .map_err(JwksError::fetch)?;
            let response = tokio::time::timeout(self.timeout, self.client.send(request))
                .await
                .map_err(|_| JwksError::fetch(format!("timed out after {:?}", self.timeout)))?
                .map_err(JwksError::fetch)?;
            if !response.status().is_success() {
                return Err(JwksError::fetch(format!(
                    "the JWKS endpoint answered {}",
                    response.status()
                )));
            }
            Ok(response.into_body())
        })
    }
}

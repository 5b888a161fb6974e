//! The default HTTP client: hyper-util's pooled client over rustls with the ring provider.
//!
//! It is a [`tower_service::Service`] from `http::Request<Bytes>` to `http::Response<Bytes>`,
//! so the API clients can put tower layers around it, and users can swap it for their own
//! stack. It enforces a whole-request timeout, a connect timeout and a cap on response size,
//! and refuses plain `http://` unless built with [`HttpClientBuilder::allow_insecure_http`].

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use crate::error::Error;

/// Default whole-request timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default connect timeout (TCP + TLS handshake start).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default cap on a response body.
pub const DEFAULT_MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// Builds an [`HttpClient`].
#[derive(Debug, Clone)]
#[must_use]
pub struct HttpClientBuilder {
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    max_body_bytes: usize,
    allow_insecure_http: bool,
    pool_idle_timeout: Option<Duration>,
    tls_config: Option<rustls::ClientConfig>,
}

impl Default for HttpClientBuilder {
    fn default() -> Self {
        Self {
            timeout: Some(DEFAULT_TIMEOUT),
            connect_timeout: Some(DEFAULT_CONNECT_TIMEOUT),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            allow_insecure_http: false,
            pool_idle_timeout: Some(Duration::from_secs(90)),
            tls_config: None,
        }
    }
}

impl HttpClientBuilder {
    /// Whole-request timeout, from sending to the last body byte; `None` for no limit.
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// Connect timeout; `None` for the OS default.
    pub fn connect_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Largest response body accepted; a larger one fails with a transport error.
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// Allows plain `http://` URLs. Only for local test servers.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// How long an idle pooled connection is kept.
    pub fn pool_idle_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.pool_idle_timeout = timeout;
        self
    }

    /// Uses this rustls configuration (for custom roots or client certificates) instead of
    /// the default: the ring provider, safe protocol versions and the Mozilla roots.
    pub fn tls_config(mut self, config: rustls::ClientConfig) -> Self {
        self.tls_config = Some(config);
        self
    }

    /// Builds the client. Must be called inside a tokio runtime only when first used, not here.
    pub fn build(self) -> Result<HttpClient, Error> {
        let tls = match self.tls_config {
            Some(c) => c,
            None => default_tls_config()?,
        };
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_nodelay(true);
        http.set_connect_timeout(self.connect_timeout);
        let builder = hyper_rustls::HttpsConnectorBuilder::new().with_tls_config(tls);
        let connector = if self.allow_insecure_http {
            builder.https_or_http()
        } else {
            builder.https_only()
        }
        .enable_http1()
        .enable_http2()
        .wrap_connector(http);
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(self.pool_idle_timeout)
            .build(connector);
        Ok(HttpClient {
            inner: Arc::new(Inner {
                client,
                timeout: self.timeout,
                max_body_bytes: self.max_body_bytes,
                allow_insecure_http: self.allow_insecure_http,
            }),
        })
    }
}

fn default_tls_config() -> Result<rustls::ClientConfig, Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Config(format!("TLS configuration: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(config)
}

struct Inner {
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    timeout: Option<Duration>,
    max_body_bytes: usize,
    allow_insecure_http: bool,
}

/// A pooled HTTPS client; cheap to clone (clones share the pool).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # // A one-shot HTTP/1.1 server on loopback stands in for a real endpoint.
/// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
/// # let addr = listener.local_addr()?;
/// # tokio::spawn(async move {
/// #     use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
/// #     let (mut socket, _) = listener.accept().await?;
/// #     let mut request = [0_u8; 4096];
/// #     let _ = socket.read(&mut request).await?;
/// #     socket.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\nconnection: close\r\n\r\n{\"ok\":true}").await?;
/// #     std::io::Result::Ok(())
/// # });
/// use std::time::Duration;
/// use auth0_core::Error;
/// use auth0_core::http_client::HttpClient;
/// use bytes::Bytes;
///
/// let get = |url: String| http::Request::get(url).body(Bytes::new());
/// let url = format!("http://{addr}/");
///
/// // HTTPS only, unless plain http is allowed explicitly.
/// let client = HttpClient::builder().timeout(Some(Duration::from_secs(5))).build()?;
/// assert!(matches!(client.send(get(url.clone())?).await, Err(Error::Config(_))));
///
/// let test_client = HttpClient::builder().allow_insecure_http(true).build()?;
/// let response = test_client.send(get(url)?).await?;
/// assert_eq!(response.status(), 200);
/// assert_eq!(response.body(), r#"{"ok":true}"#);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct HttpClient {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpClient")
            .field("timeout", &self.inner.timeout)
            .field("max_body_bytes", &self.inner.max_body_bytes)
            .field("allow_insecure_http", &self.inner.allow_insecure_http)
            .finish_non_exhaustive()
    }
}

impl HttpClient {
    /// A builder with the defaults.
    pub fn builder() -> HttpClientBuilder {
        HttpClientBuilder::default()
    }

    /// Sends a request and reads the whole response.
    pub async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, Error> {
        let inner = Arc::clone(&self.inner);
        let work = async move {
            if request.uri().scheme() == Some(&http::uri::Scheme::HTTP)
                && !inner.allow_insecure_http
            {
                return Err(Error::Config(
                    "refusing to send a request over plain http; enable allow_insecure_http for test servers"
                        .to_owned(),
                ));
            }
            let (parts, body) = request.into_parts();
            let request = http::Request::from_parts(parts, Full::new(body));
            let response = inner.client.request(request).await.map_err(|e| {
                let what = if e.is_connect() {
                    "could not connect"
                } else {
                    "request failed"
                };
                Error::transport(what, e)
            })?;
            let (parts, body) = response.into_parts();
            let collected = Limited::new(body, inner.max_body_bytes)
                .collect()
                .await
                .map_err(|e| {
                    if e.is::<http_body_util::LengthLimitError>() {
                        Error::transport(
                            format!("response body larger than {} bytes", inner.max_body_bytes),
                            e,
                        )
                    } else {
                        Error::transport("could not read the response body", e)
                    }
                })?;
            Ok(http::Response::from_parts(parts, collected.to_bytes()))
        };
        match self.inner.timeout {
            Some(limit) => tokio::time::timeout(limit, work)
                .await
                .map_err(|_| Error::Timeout(limit))?,
            None => work.await,
        }
    }
}

impl tower_service::Service<http::Request<Bytes>> for HttpClient {
    type Response = http::Response<Bytes>;
    type Error = Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Bytes>) -> Self::Future {
        let this = self.clone();
        Box::pin(async move { this.send(request).await })
    }
}

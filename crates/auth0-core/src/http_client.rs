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
    ///
    /// The returned [`SendFuture`] does not borrow the client (the request is handed to the
    /// shared pool when this is called; nothing is sent until the future is polled).
    pub fn send(&self, request: http::Request<Bytes>) -> SendFuture {
        let inner = &self.inner;
        let state = if request.uri().scheme() == Some(&http::uri::Scheme::HTTP)
            && !inner.allow_insecure_http
        {
            State::Failed(Some(Error::Config(
                "refusing to send a request over plain http; enable allow_insecure_http for test servers"
                    .to_owned(),
            )))
        } else {
            let (parts, body) = request.into_parts();
            State::Sending(
                inner
                    .client
                    .request(http::Request::from_parts(parts, Full::new(body))),
            )
        };
        SendFuture {
            state,
            max_body_bytes: inner.max_body_bytes,
            timeout: inner.timeout,
            timer: None,
        }
    }
}

/// The future of [`HttpClient::send`] and of the client's [`tower_service::Service`]
/// calls: the response with its whole body, a transport error, or [`Error::Timeout`] when
/// the client's whole-request timeout (counted from the first poll) runs out.
///
/// A named, unboxed type: storing it in a struct or a tower future costs no allocation.
#[must_use = "futures do nothing unless polled"]
pub struct SendFuture {
    state: State,
    max_body_bytes: usize,
    timeout: Option<Duration>,
    /// Started at the first poll when there is a timeout.
    timer: Option<Pin<Box<tokio::time::Sleep>>>,
}

// The body-reading state is the large one; boxing it would cost an allocation per
// response, which is what holding this future inline is meant to spare.
#[allow(clippy::large_enum_variant)]
enum State {
    /// Refused before sending (the error is taken when polled).
    Failed(Option<Error>),
    /// Waiting for the response head.
    Sending(hyper_util::client::legacy::ResponseFuture),
    /// Reading the body, up to the size cap.
    Reading {
        parts: Option<http::response::Parts>,
        body: http_body_util::combinators::Collect<Limited<hyper::body::Incoming>>,
    },
    /// The output was returned.
    Done,
}

impl std::fmt::Debug for SendFuture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = match self.state {
            State::Failed(_) => "failed",
            State::Sending(_) => "sending",
            State::Reading { .. } => "reading the body",
            State::Done => "done",
        };
        f.debug_struct("SendFuture")
            .field("state", &state)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl SendFuture {
    /// Advances the exchange as far as it goes without waiting.
    fn poll_exchange(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Result<http::Response<Bytes>, Error>> {
        loop {
            match &mut self.state {
                State::Failed(error) => {
                    let error = error.take().unwrap_or_else(polled_after_completion);
                    self.state = State::Done;
                    return Poll::Ready(Err(error));
                }
                State::Sending(response) => match Pin::new(response).poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(Err(e)) => {
                        self.state = State::Done;
                        let what = if e.is_connect() {
                            "could not connect"
                        } else {
                            "request failed"
                        };
                        return Poll::Ready(Err(Error::transport(what, e)));
                    }
                    Poll::Ready(Ok(response)) => {
                        let (parts, body) = response.into_parts();
                        self.state = State::Reading {
                            parts: Some(parts),
                            body: Limited::new(body, self.max_body_bytes).collect(),
                        };
                    }
                },
                State::Reading { parts, body } => {
                    let collected = match Pin::new(body).poll(cx) {
                        Poll::Pending => return Poll::Pending,
                        Poll::Ready(result) => result,
                    };
                    let parts = parts.take();
                    self.state = State::Done;
                    return Poll::Ready(match (collected, parts) {
                        (Ok(collected), Some(parts)) => {
                            Ok(http::Response::from_parts(parts, collected.to_bytes()))
                        }
                        (Ok(_), None) => Err(polled_after_completion()),
                        (Err(e), _) if e.is::<http_body_util::LengthLimitError>() => {
                            Err(Error::transport(
                                format!("response body larger than {} bytes", self.max_body_bytes),
                                e,
                            ))
                        }
                        (Err(e), _) => Err(Error::transport("could not read the response body", e)),
                    });
                }
                State::Done => return Poll::Ready(Err(polled_after_completion())),
            }
        }
    }
}

fn polled_after_completion() -> Error {
    Error::Config("an HttpClient response future was polled after it completed".to_owned())
}

impl Future for SendFuture {
    type Output = Result<http::Response<Bytes>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if let Some(limit) = this.timeout
            && this.timer.is_none()
            && matches!(this.state, State::Sending(_) | State::Reading { .. })
        {
            this.timer = Some(Box::pin(tokio::time::sleep(limit)));
        }
        if let Poll::Ready(out) = this.poll_exchange(cx) {
            this.timer = None;
            return Poll::Ready(out);
        }
        if let (Some(timer), Some(limit)) = (&mut this.timer, this.timeout)
            && timer.as_mut().poll(cx).is_ready()
        {
            this.timer = None;
            this.state = State::Done;
            return Poll::Ready(Err(Error::Timeout(limit)));
        }
        Poll::Pending
    }
}

impl tower_service::Service<http::Request<Bytes>> for HttpClient {
    type Response = http::Response<Bytes>;
    type Error = Error;
    type Future = SendFuture;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Bytes>) -> SendFuture {
        self.send(request)
    }
}

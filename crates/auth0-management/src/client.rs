//! [`ManagementClient`] and its builder.
//!
//! The default stack, outermost first:
//!
//! 1. [`Retry`](crate::retry::Retry): 429 always; 5xx/408/transport/timeouts for idempotent
//!    methods; waits honour `Retry-After` and `x-ratelimit-reset`.
//! 2. [`BearerAuth`]: the token of each attempt; one retry with a
//!    fresh token after a 401 when the token source can refresh.
//! 3. [`AttemptTimeout`]: per-attempt timeout.
//! 4. Telemetry: `User-Agent`, and `Auth0-Client` unless disabled.
//! 5. [`CustomDomain`]: `Auth0-Custom-Domain` on allow-listed
//!    paths only.
//! 6. Your layers ([`ManagementClientBuilder::layer`]), first added outermost.
//! 7. The HTTP service: [`auth0_core::http_client::HttpClient`] unless replaced with
//!    [`ManagementClientBuilder::http_service`].
//!
//! The token request of the client-credentials grant uses layers 1, 3, 4, 6 and 7 (no
//! bearer token, no custom domain).

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use auth0_core::{Domain, Error, ResponseMeta, SecretString, TelemetryConfig};
use bytes::Bytes;
use http::HeaderValue;
use http::{Request, Response};
use tower::ServiceBuilder;
use tower::util::BoxCloneSyncService;
use tower_layer::Layer;
use tower_service::Service;

use crate::auth::{BearerAuth, BearerAuthLayer};
use crate::headers::{CustomDomain, CustomDomainLayer, StaticHeaders, StaticHeadersLayer};
use crate::request::{ApiRequest, ApiResponse, Target};
use crate::retry::{RetryLayer, RetryPolicy};
use crate::timeout::{AttemptTimeout, AttemptTimeoutLayer, DEFAULT_ATTEMPT_TIMEOUT};
use crate::token::{ClientAuth, ClientCredentials, DEFAULT_REFRESH_SKEW, TokenSource};
use crate::transport::Transport;
use auth0_core::assertion::ClientAssertionSigner;

/// The type-erased service every layer of the stack wraps: buffered request in, buffered
/// response out, [`auth0_core::Error`] on failure. Clone, Send and Sync.
pub type HttpService = BoxCloneSyncService<Request<Bytes>, Response<Bytes>, Error>;

type LayerFn = Box<dyn FnOnce(HttpService) -> HttpService + Send>;

/// Builds the transport from a user-supplied HTTP service and the user's layers.
type TransportFn = Box<dyn FnOnce(Vec<LayerFn>) -> Transport + Send>;

enum Credentials {
    Token(SecretString),
    ClientSecret {
        client_id: String,
        secret: SecretString,
    },
    PrivateKeyJwt {
        client_id: String,
        signer: Arc<ClientAssertionSigner>,
    },
    Source(Arc<dyn TokenSource>),
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Token(_) => f.write_str("static token"),
            Self::ClientSecret { client_id, .. } => {
                write!(f, "client credentials ({client_id}, client secret)")
            }
            Self::PrivateKeyJwt { client_id, signer } => write!(
                f,
                "client credentials ({client_id}, private_key_jwt {})",
                signer.algorithm()
            ),
            Self::Source(s) => write!(f, "token source {s:?}"),
        }
    }
}

/// Configures a [`ManagementClient`]. Start with [`ManagementClient::builder`].
///
/// A client that authenticates with `private_key_jwt`, makes at most three attempts per
/// call, gives each attempt 5 s, and tags every request with a tower layer of your own:
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # use auth0_testing::{FakeTenant, Fault, seed};
/// # let tenant = FakeTenant::start().await?;
/// # let (client_id, kid, pem) = (seed::PKJWT_CLIENT_ID, seed::PKJWT_KID, seed::PKJWT_PRIVATE_KEY_PEM);
/// # let role_id = seed::ROLE_ID;
/// # // The first attempt meets a 503: the client retries it.
/// # tenant.inject(Fault::new("/api/v2/roles/*").times(1).status(503));
/// use std::time::Duration;
/// use auth0_core::Domain;
/// use auth0_management::{ClientAssertionSigner, ManagementClient};
/// use http::{HeaderValue, Request};
/// use tower::util::MapRequestLayer;
///
/// let domain = Domain::new("tenant.eu.auth0.com")?;
/// # let domain = tenant.domain();
/// // `pem`: the private key whose public half is registered with the application.
/// let signer = ClientAssertionSigner::from_pem_default_alg(pem)?.with_kid(kid);
/// let client = ManagementClient::builder(domain)
///     .private_key_jwt(client_id, signer)
///     .max_attempts(3)
///     .timeout(Some(Duration::from_secs(5)))
///     .layer(MapRequestLayer::new(|mut req: Request<bytes::Bytes>| {
///         req.headers_mut().insert("x-caller", HeaderValue::from_static("billing-sync"));
///         req
///     }))
/// #   .allow_insecure_http(true)
///     .build()?;
/// let role = client.roles().get(role_id).send().await?;
/// assert!(role.value.name.is_some());
/// # let attempts: Vec<_> = tenant.journal().into_iter().filter(|r| r.path.starts_with("/api/v2/roles/")).collect();
/// # assert_eq!(attempts.len(), 2);
/// # assert!(attempts.iter().all(|r| r.header("x-caller") == Some("billing-sync")));
/// # Ok(()) }
/// ```
#[must_use]
pub struct ManagementClientBuilder {
    domain: Domain,
    credentials: Option<Credentials>,
    audience: Option<String>,
    layers: Vec<LayerFn>,
    http_service: Option<TransportFn>,
    retry: RetryPolicy,
    timeout: Option<Duration>,
    telemetry: TelemetryConfig,
    custom_domain: Option<String>,
    allow_insecure_http: bool,
    refresh_skew: Duration,
}

impl fmt::Debug for ManagementClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ManagementClientBuilder")
            .field("domain", &self.domain)
            .field("credentials", &self.credentials)
            .field("layers", &self.layers.len())
            .field("custom_http_service", &self.http_service.is_some())
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl ManagementClientBuilder {
    fn new(domain: Domain) -> Self {
        Self {
            domain,
            credentials: None,
            audience: None,
            layers: Vec::new(),
            http_service: None,
            retry: RetryPolicy::default(),
            timeout: Some(DEFAULT_ATTEMPT_TIMEOUT),
            telemetry: TelemetryConfig::default(),
            custom_domain: None,
            allow_insecure_http: false,
            refresh_skew: DEFAULT_REFRESH_SKEW,
        }
    }

    /// Authenticates with a token you already have (never refreshed).
    pub fn token(mut self, token: impl Into<SecretString>) -> Self {
        self.credentials = Some(Credentials::Token(token.into()));
        self
    }

    /// Fetches tokens with the client-credentials grant, authenticating with a client
    /// secret.
    pub fn client_credentials(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<SecretString>,
    ) -> Self {
        self.credentials = Some(Credentials::ClientSecret {
            client_id: client_id.into(),
            secret: client_secret.into(),
        });
        self
    }

    /// Fetches tokens with the client-credentials grant, authenticating with a signed JWT
    /// assertion (`private_key_jwt`).
    pub fn private_key_jwt(
        mut self,
        client_id: impl Into<String>,
        signer: ClientAssertionSigner,
    ) -> Self {
        self.credentials = Some(Credentials::PrivateKeyJwt {
            client_id: client_id.into(),
            signer: Arc::new(signer),
        });
        self
    }

    /// Takes tokens from your own source (for example one shared across processes).
    pub fn token_source(mut self, source: Arc<dyn TokenSource>) -> Self {
        self.credentials = Some(Credentials::Source(source));
        self
    }

    /// The audience asked for in the client-credentials grant; defaults to
    /// [`Domain::management_audience`] (set it when the domain is a custom domain).
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audience = Some(audience.into());
        self
    }

    /// Adds a tower layer right above the HTTP service: it sees every attempt with all
    /// headers set. Layers added first are outermost.
    pub fn layer<L>(mut self, layer: L) -> Self
    where
        L: Layer<HttpService> + Send + 'static,
        L::Service: Service<Request<Bytes>, Response = Response<Bytes>, Error = Error>
            + Clone
            + Send
            + Sync
            + 'static,
        <L::Service as Service<Request<Bytes>>>::Future: Send + 'static,
    {
        self.layers.push(Box::new(move |svc| {
            BoxCloneSyncService::new(layer.layer(svc))
        }));
        self
    }

    /// Replaces the HTTP service (by default [`auth0_core::http_client::HttpClient`]).
    pub fn http_service<S>(mut self, service: S) -> Self
    where
        S: Service<Request<Bytes>, Response = Response<Bytes>, Error = Error>
            + Clone
            + Send
            + Sync
            + 'static,
        S::Future: Send + 'static,
    {
        self.http_service = Some(Box::new(move |layers: Vec<LayerFn>| {
            if layers.is_empty() {
                Transport::service(service)
            } else {
                Transport::service(wrap_layers(BoxCloneSyncService::new(service), layers))
            }
        }));
        self
    }

    /// Attempts in total per call, first try included (default 4; `1` disables retries).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.retry = self.retry.with_max_attempts(attempts);
        self
    }

    /// The whole retry policy (attempts, backoff, longest wait).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Per-attempt timeout (default 10 s); `None` for none.
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// Telemetry (`Auth0-Client`) sent with each request.
    pub fn telemetry(mut self, telemetry: TelemetryConfig) -> Self {
        self.telemetry = telemetry;
        self
    }

    /// Sends `Auth0-Custom-Domain: <domain>` on the endpoints Auth0 allow-lists for it
    /// (see [`custom_domain_allowed`](crate::headers::custom_domain_allowed)).
    pub fn custom_domain_header(mut self, domain: impl Into<String>) -> Self {
        self.custom_domain = Some(domain.into());
        self
    }

    /// Allows a plain-http domain (only for local test servers).
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// How long before expiry a fetched token is replaced (default 60 s, at most half
    /// its lifetime).
    pub fn token_refresh_skew(mut self, skew: Duration) -> Self {
        self.refresh_skew = skew;
        self
    }

    /// Builds the client.
    pub fn build(mut self) -> Result<ManagementClient, Error> {
        if !self.domain.is_https() && !self.allow_insecure_http {
            return Err(Error::Config(
                "the domain uses plain http; call allow_insecure_http(true) for a local test server"
                    .to_owned(),
            ));
        }
        let credentials = self.credentials.take().ok_or_else(|| {
            Error::Config(
                "no credentials: call token, client_credentials, private_key_jwt or token_source"
                    .to_owned(),
            )
        })?;
        let custom_domain = self
            .custom_domain
            .as_deref()
            .map(|d| {
                HeaderValue::from_str(d)
                    .map_err(|_| Error::Config(format!("invalid custom domain header value {d:?}")))
            })
            .transpose()?;
        let layers = std::mem::take(&mut self.layers);
        let base = match self.http_service.take() {
            Some(transport) => transport(layers),
            None => default_transport(self.allow_insecure_http, layers)?,
        };

        let telemetry = StaticHeadersLayer::telemetry(&self.telemetry);
        let auth = match credentials {
            Credentials::Token(t) => BearerAuthLayer::fixed(&t)?,
            Credentials::Source(s) => BearerAuthLayer::source(s),
            Credentials::ClientSecret { client_id, secret } => BearerAuthLayer::source(
                self.token_fetcher(client_id, ClientAuth::Secret(secret), &base, &telemetry),
            ),
            Credentials::PrivateKeyJwt { client_id, signer } => {
                BearerAuthLayer::source(self.token_fetcher(
                    client_id,
                    ClientAuth::PrivateKeyJwt(signer),
                    &base,
                    &telemetry,
                ))
            }
        };
        // Below the retry loop, which `execute` runs itself (`retry::run`).
        let stack = ServiceBuilder::new()
            .layer(auth)
            .layer(AttemptTimeoutLayer::new(self.timeout))
            .layer(telemetry)
            .layer(CustomDomainLayer::new(custom_domain.clone()))
            .service(base);
        Ok(ManagementClient {
            inner: Arc::new(Inner {
                target: Target::new(&self.domain)?,
                domain: self.domain,
                stack,
                retry: self.retry,
                timeout: self.timeout,
                custom_domain: custom_domain.is_some(),
            }),
        })
    }

    fn token_fetcher(
        &self,
        client_id: String,
        auth: ClientAuth,
        base: &Transport,
        telemetry: &StaticHeadersLayer,
    ) -> Arc<dyn TokenSource> {
        let service = BoxCloneSyncService::new(
            ServiceBuilder::new()
                .layer(RetryLayer::new(self.retry))
                .layer(AttemptTimeoutLayer::new(self.timeout))
                .layer(telemetry.clone())
                .service(base.boxed()),
        );
        let audience = self
            .audience
            .clone()
            .unwrap_or_else(|| self.domain.management_audience());
        Arc::new(ClientCredentials::new(
            &self.domain,
            client_id,
            auth,
            audience,
            self.refresh_skew,
            service,
        ))
    }
}

/// Wraps `service` in the user's layers, the first added outermost.
fn wrap_layers(service: HttpService, layers: Vec<LayerFn>) -> HttpService {
    layers
        .into_iter()
        .rev()
        .fold(service, |svc, wrap| wrap(svc))
}

#[cfg(feature = "hyper-client")]
fn default_transport(allow_insecure_http: bool, layers: Vec<LayerFn>) -> Result<Transport, Error> {
    // The per-attempt timeout layer limits each attempt; the transport needs none of its own.
    let client = auth0_core::http_client::HttpClient::builder()
        .timeout(None)
        .allow_insecure_http(allow_insecure_http)
        .build()?;
    Ok(if layers.is_empty() {
        Transport::Client(client)
    } else {
        Transport::service(wrap_layers(BoxCloneSyncService::new(client), layers))
    })
}

#[cfg(not(feature = "hyper-client"))]
fn default_transport(
    _allow_insecure_http: bool,
    _layers: Vec<LayerFn>,
) -> Result<Transport, Error> {
    Err(Error::Config(
        "no HTTP service: enable the `hyper-client` feature or call http_service".to_owned(),
    ))
}

/// The layers under the retry loop.
type Stack = BearerAuth<AttemptTimeout<StaticHeaders<CustomDomain<Transport>>>>;

struct Inner {
    domain: Domain,
    target: Target,
    stack: Stack,
    retry: RetryPolicy,
    timeout: Option<Duration>,
    custom_domain: bool,
}

/// A Management API client. Cheap to clone (clones share the connection pool and the
/// token cache); `Send + Sync`; its `Debug` shows no secrets.
///
/// The generated methods (`client.users().list()`, see [`generated`](crate::generated)) cover
/// every operation; [`execute_json`](Self::execute_json) is the raw escape hatch for any path
/// under `/api/v2`, through the same stack:
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # use auth0_testing::{FakeTenant, seed};
/// # let tenant = FakeTenant::start().await?;
/// # let (client_id, client_secret) = (seed::M2M_CLIENT_ID, seed::M2M_CLIENT_SECRET);
/// use auth0_core::Domain;
/// use auth0_management::{ApiRequest, ManagementClient};
///
/// let domain: Domain = "tenant.eu.auth0.com".parse()?;
/// # let domain = tenant.domain();
/// let client = ManagementClient::builder(domain)
///     .client_credentials(client_id, client_secret)
/// #   .allow_insecure_http(true)
///     .build()?;
/// let users = client
///     .execute_json::<Vec<serde_json::Value>>(
///         ApiRequest::new(http::Method::GET, "/users").query("per_page", 1),
///     )
///     .await?;
/// assert_eq!(users.value.len(), 1);
/// // Every answer carries its rate-limit headers.
/// assert!(users.meta.rate_limit().remaining.is_some());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct ManagementClient {
    inner: Arc<Inner>,
}

impl fmt::Debug for ManagementClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ManagementClient")
            .field("domain", &self.inner.domain)
            .field("retry", &self.inner.retry)
            .field("timeout", &self.inner.timeout)
            .field("custom_domain_header", &self.inner.custom_domain)
            .finish_non_exhaustive()
    }
}

impl ManagementClient {
    /// A builder for a client of the tenant at `domain`.
    pub fn builder(domain: Domain) -> ManagementClientBuilder {
        ManagementClientBuilder::new(domain)
    }

    /// The tenant domain.
    pub fn domain(&self) -> &Domain {
        &self.inner.domain
    }

    /// Sends a request through the stack and returns the body as bytes. A status outside 2xx
    /// becomes [`Error::Api`] or [`Error::RateLimited`].
    ///
    /// This is also the raw escape hatch for endpoints newer than the generated methods.
    ///
    /// The request is turned into HTTP when this is called, and the call with its retries
    /// runs in one heap allocation: the returned future is small (it does not hold the
    /// request, the stack or the retry state), so moving it (into `join_all`, a task, a
    /// stream) stays cheap. It does not borrow the client.
    pub fn execute(
        &self,
        req: ApiRequest,
    ) -> impl Future<Output = Result<ApiResponse<Bytes>, Error>> + Send + 'static + use<> {
        let call = req.into_http_at(&self.inner.target).map(|request| {
            Box::pin(crate::retry::run(
                self.inner.stack.clone(),
                self.inner.retry,
                request,
            ))
        });
        async move {
            let response = call?.await?;
            let (parts, body) = response.into_parts();
            if !parts.status.is_success() {
                return Err(Error::from_response(parts.status, parts.headers, &body));
            }
            Ok(ApiResponse::new(
                body,
                ResponseMeta::new(parts.status, parts.headers),
            ))
        }
    }

    /// Sends a request and decodes the JSON body into `T`. Like [`execute`](Self::execute),
    /// the returned future is small and does not borrow the client.
    pub fn execute_json<T: serde::de::DeserializeOwned>(
        &self,
        req: ApiRequest,
    ) -> impl Future<Output = Result<ApiResponse<T>, Error>> + Send + 'static + use<T> {
        let call = self.execute(req);
        async move {
            let response = call.await?;
            let value =
                auth0_core::error::decode_json(std::any::type_name::<T>(), &response.value)?;
            Ok(ApiResponse::new(value, response.meta))
        }
    }

    /// Sends a request whose success body is ignored (204 and the like).
    pub fn execute_empty(
        &self,
        req: ApiRequest,
    ) -> impl Future<Output = Result<ApiResponse<()>, Error>> + Send + 'static + use<> {
        let call = self.execute(req);
        async move { Ok(call.await?.map(|_| ())) }
    }
}

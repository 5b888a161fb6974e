//! The client, its builder, client authentication and the send/retry loop.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use bytes::Bytes;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use http::{HeaderValue, StatusCode};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use ring::rand::{SecureRandom, SystemRandom};
use serde::de::DeserializeOwned;
use serde_json::Value;
use tower::ServiceExt as _;
use tower::util::BoxCloneSyncService;

use auth0_core::error::decode_json;
use auth0_core::http_client::HttpClient;
use auth0_core::telemetry::AUTH0_CLIENT_HEADER;
use auth0_core::{BoxError, Domain, Error, SecretString, TelemetryConfig};

use crate::assertion::{CLIENT_ASSERTION_TYPE, ClientAssertionSigner};
use crate::request::{Call, Caller, Encoding, Fields};

/// The transport every call goes through: any cloneable tower service from
/// `http::Request<Bytes>` to `http::Response<Bytes>`.
pub type BoxedService =
    BoxCloneSyncService<http::Request<Bytes>, http::Response<Bytes>, auth0_core::Error>;

/// Default whole-request timeout (per attempt).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default connect timeout of the built-in HTTP client.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default cap on one retry wait, even when the server asks for longer.
pub const DEFAULT_MAX_RETRY_DELAY: Duration = Duration::from_secs(10);
/// Most retries that can be configured (as in `auth0-python`).
pub const MAX_RETRIES: u32 = 10;

/// How the client proves its identity on calls that need it.
#[derive(Clone, Default)]
#[non_exhaustive]
pub enum ClientAuth {
    /// A public client: only `client_id` is sent.
    #[default]
    None,
    /// `client_secret_post`: the secret travels in the body as `client_secret`.
    SecretPost(SecretString),
    /// `client_secret_basic`: `Authorization: Basic base64(client_id:client_secret)`, each part
    /// form-url-encoded (RFC 6749 §2.3.1), on the OAuth endpoints (`/oauth/token`,
    /// `/oauth/revoke`, `/oauth/par`, `/bc-authorize`, `/oauth/device/code`). Auth0's JSON
    /// endpoints (`/passwordless/start`, `/mfa/*`) and calls that already carry a bearer
    /// token get the secret in the body instead.
    SecretBasic(SecretString),
    /// `private_key_jwt`: a freshly signed client assertion on every call.
    PrivateKeyJwt(ClientAssertionSigner),
}

impl fmt::Debug for ClientAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::None => f.write_str("None"),
            Self::SecretPost(_) => f.write_str("SecretPost([redacted])"),
            Self::SecretBasic(_) => f.write_str("SecretBasic([redacted])"),
            Self::PrivateKeyJwt(s) => f.debug_tuple("PrivateKeyJwt").field(s).finish(),
        }
    }
}

/// Retry settings: only 429 answers are retried, and only when switched on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryConfig {
    /// Retries after a 429 (0 = off, the default, as in `auth0-python`); at most
    /// [`MAX_RETRIES`].
    pub max_retries: u32,
    /// Cap on one wait. The wait is `Retry-After`, else `x-ratelimit-reset` − now, else
    /// `auth0-python`'s backoff (100 ms · 2ⁿ⁻¹ + 1–100 ms jitter, within 100 ms–1 s).
    pub max_delay: Duration,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self {
            max_retries: 0,
            max_delay: DEFAULT_MAX_RETRY_DELAY,
        }
    }
}

impl RetryConfig {
    /// `n` retries (clamped to [`MAX_RETRIES`]) with the default cap.
    pub fn retries(n: u32) -> Self {
        Self {
            max_retries: n.min(MAX_RETRIES),
            ..Self::default()
        }
    }

    /// Sets the cap on one wait.
    #[must_use]
    pub fn with_max_delay(mut self, max_delay: Duration) -> Self {
        self.max_delay = max_delay;
        self
    }

    /// The wait before retry number `retry` (1-based) after a 429 with these headers.
    pub fn delay(&self, retry: u32, headers: &http::HeaderMap, now: SystemTime) -> Duration {
        // A zero wait (a reset already past, `Retry-After: 0`) falls back to the backoff
        // below rather than retrying at once.
        let server = auth0_core::rate_limit::requested_wait(headers, now).filter(|d| !d.is_zero());
        let wait = server.unwrap_or_else(|| {
            let base = 100u64.saturating_mul(1u64 << retry.saturating_sub(1).min(20));
            let mut jitter = [0u8; 1];
            let jitter = match SystemRandom::new().fill(&mut jitter) {
                Ok(()) => u64::from(jitter[0] % 100) + 1,
                Err(_) => 50,
            };
            Duration::from_millis((base + jitter).clamp(100, 1000))
        });
        wait.min(self.max_delay)
    }
}

type LayerFn = Box<dyn FnOnce(BoxedService) -> BoxedService + Send>;

/// Builds an [`AuthenticationClient`]. Start with [`AuthenticationClient::builder`].
///
/// An application that authenticates with `private_key_jwt` (no shared secret), retrying
/// 429 answers up to twice and giving each call 5 s:
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # use auth0_testing::{FakeTenant, seed};
/// # let tenant = FakeTenant::start().await?;
/// # let (client_id, kid, pem) = (seed::PKJWT_CLIENT_ID, seed::PKJWT_KID, seed::PKJWT_PRIVATE_KEY_PEM);
/// use std::time::Duration;
/// use auth0_authentication::{AuthenticationClient, ClientAssertionSigner, ClientCredentials};
/// use auth0_core::Domain;
///
/// let domain = Domain::new("tenant.eu.auth0.com")?;
/// # let domain = tenant.domain();
/// // `pem`: the private key whose public half is registered with the application.
/// let signer = ClientAssertionSigner::from_pem_default_alg(pem)?.with_kid(kid);
/// let client = AuthenticationClient::builder(domain)
///     .client_id(client_id)
///     .private_key_jwt(signer)
///     .retries(2)
///     .timeout(Duration::from_secs(5))
/// #   .allow_insecure_http(true)
///     .build()?;
/// let tokens = client
///     .token()
///     .client_credentials(ClientCredentials::new("https://api.example.test/"))
///     .await?;
/// assert!(tokens.scope.is_some());
/// # // The token request carried a signed assertion, not a secret.
/// # let sent = tenant.journal().into_iter().find(|r| r.path == "/oauth/token").unwrap();
/// # assert!(sent.form_value("client_assertion").is_some());
/// # assert!(sent.form_value("client_secret").is_none());
/// # Ok(()) }
/// ```
#[must_use]
pub struct AuthenticationClientBuilder {
    domain: Result<Domain, String>,
    client_id: Option<String>,
    auth: ClientAuth,
    telemetry: TelemetryConfig,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    retry: RetryConfig,
    http_client: Option<HttpClient>,
    service: Option<BoxedService>,
    layers: Vec<LayerFn>,
    allow_insecure_http: bool,
    #[cfg(feature = "jwt")]
    id_token_verifier: Option<auth0_jwt::TokenVerifier>,
}

impl fmt::Debug for AuthenticationClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthenticationClientBuilder")
            .field("domain", &self.domain)
            .field("client_id", &self.client_id)
            .field("auth", &self.auth)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl AuthenticationClientBuilder {
    /// Sets the application's client id (sent as `client_id`).
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = Some(client_id.into());
        self
    }

    /// Authenticates with a client secret in the body (`client_secret_post`).
    pub fn client_secret(mut self, secret: impl Into<SecretString>) -> Self {
        self.auth = ClientAuth::SecretPost(secret.into());
        self
    }

    /// Authenticates with a client secret in a Basic `Authorization` header
    /// (`client_secret_basic`).
    pub fn client_secret_basic(mut self, secret: impl Into<SecretString>) -> Self {
        self.auth = ClientAuth::SecretBasic(secret.into());
        self
    }

    /// Authenticates with `private_key_jwt` client assertions.
    pub fn private_key_jwt(mut self, signer: ClientAssertionSigner) -> Self {
        self.auth = ClientAuth::PrivateKeyJwt(signer);
        self
    }

    /// Sets the client authentication method explicitly.
    pub fn client_auth(mut self, auth: ClientAuth) -> Self {
        self.auth = auth;
        self
    }

    /// What `Auth0-Client` telemetry to send (default: the SDK's own).
    pub fn telemetry(mut self, telemetry: TelemetryConfig) -> Self {
        self.telemetry = telemetry;
        self
    }

    /// Whole-request timeout per attempt (default 10 s); `None` for no limit.
    pub fn timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.timeout = timeout.into();
        self
    }

    /// Connect timeout of the built-in HTTP client (default 5 s). Ignored when a client or
    /// service is supplied.
    pub fn connect_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.connect_timeout = timeout.into();
        self
    }

    /// Retries after a 429 (default 0: off, as in `auth0-python`).
    pub fn retries(mut self, retries: u32) -> Self {
        self.retry.max_retries = retries.min(MAX_RETRIES);
        self
    }

    /// Full retry settings.
    pub fn retry_config(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }

    /// Uses this HTTP client (shares its connection pool).
    pub fn http_client(mut self, client: HttpClient) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Allows plain `http://` for the built-in HTTP client. Only for local test servers,
    /// together with [`Domain::insecure_http`].
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Uses any tower service as the transport instead of the built-in HTTP client.
    pub fn service<S>(mut self, service: S) -> Self
    where
        S: tower::Service<http::Request<Bytes>, Response = http::Response<Bytes>>
            + Clone
            + Send
            + Sync
            + 'static,
        S::Error: Into<BoxError>,
        S::Future: Send + 'static,
    {
        self.service = Some(BoxCloneSyncService::new(service.map_err(into_core_error)));
        self
    }

    /// Wraps the transport in a tower layer (retries, tracing, metrics…). Layers given later
    /// wrap those given earlier.
    pub fn layer<L>(mut self, layer: L) -> Self
    where
        L: tower::Layer<BoxedService> + Send + 'static,
        L::Service: tower::Service<http::Request<Bytes>, Response = http::Response<Bytes>>
            + Clone
            + Send
            + Sync
            + 'static,
        <L::Service as tower::Service<http::Request<Bytes>>>::Error: Into<BoxError>,
        <L::Service as tower::Service<http::Request<Bytes>>>::Future: Send + 'static,
    {
        self.layers.push(Box::new(move |inner| {
            BoxCloneSyncService::new(layer.layer(inner).map_err(into_core_error))
        }));
        self
    }

    /// The verifier for [`TokenApi::authorization_code_verified`](crate::TokenApi) and
    /// friends. Without one, the client builds a default on first need: RS256 keys from the
    /// tenant's JWKS, issuer `https://{domain}/`, audience = the client id.
    #[cfg(feature = "jwt")]
    pub fn id_token_verifier(mut self, verifier: auth0_jwt::TokenVerifier) -> Self {
        self.id_token_verifier = Some(verifier);
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<AuthenticationClient, Error> {
        let domain = self.domain.map_err(Error::Config)?;
        if self
            .client_id
            .as_deref()
            .is_some_and(|id| id.trim().is_empty())
        {
            return Err(Error::Config("the client id is empty".to_owned()));
        }
        if !matches!(self.auth, ClientAuth::None) && self.client_id.is_none() {
            return Err(Error::Config(
                "client authentication is configured but the client id is missing".to_owned(),
            ));
        }
        let mut service = match (self.service, self.http_client) {
            (Some(s), _) => s,
            (None, Some(c)) => BoxCloneSyncService::new(c),
            (None, None) => BoxCloneSyncService::new(
                HttpClient::builder()
                    .timeout(None)
                    .connect_timeout(self.connect_timeout)
                    .allow_insecure_http(self.allow_insecure_http)
                    .build()?,
            ),
        };
        for layer in self.layers {
            service = layer(service);
        }
        #[cfg(feature = "jwt")]
        let id_token_verifier = match (self.id_token_verifier, &self.client_id) {
            (Some(v), _) => Some(v),
            (None, Some(client_id)) => Some(crate::verify::default_verifier(&domain, client_id)?),
            (None, None) => None,
        };
        Ok(AuthenticationClient {
            inner: Arc::new(Inner {
                #[cfg(feature = "jwt")]
                id_token_verifier,
                assertion_audience: domain.issuer(),
                domain,
                client_id: self.client_id,
                auth: self.auth,
                telemetry: self.telemetry.header_value(),
                user_agent: auth0_core::telemetry::user_agent(),
                service,
            }),
            timeout: self.timeout,
            retry: self.retry,
        })
    }
}

fn into_core_error(e: impl Into<BoxError>) -> Error {
    let boxed: BoxError = e.into();
    match boxed.downcast::<Error>() {
        Ok(core) => *core,
        Err(other) => Error::transport("the transport failed", other),
    }
}

struct Inner {
    domain: Domain,
    client_id: Option<String>,
    auth: ClientAuth,
    telemetry: Option<HeaderValue>,
    user_agent: HeaderValue,
    service: BoxedService,
    assertion_audience: String,
    #[cfg(feature = "jwt")]
    id_token_verifier: Option<auth0_jwt::TokenVerifier>,
}

/// A client for the Auth0 Authentication API.
///
/// Cheap to clone (the state is shared), `Send + Sync`. Its `Debug` never shows secrets.
/// Calls are grouped the way the API is used:
///
/// | group | what |
/// |---|---|
/// | [`token`](Self::token) | every grant on `/oauth/token` |
/// | [`database`](Self::database) | signup and change password |
/// | [`passwordless`](Self::passwordless) | start a passwordless login |
/// | [`users`](Self::users) | `/userinfo` |
/// | [`mfa`](Self::mfa) | challenge, enrol, list and delete authenticators |
/// | [`back_channel`](Self::back_channel) | CIBA: start and wait for tokens |
/// | [`device`](Self::device) | device authorization: code and wait for tokens |
/// | [`par`](Self::par) | pushed authorization requests, with RAR and JAR |
/// | [`enterprise`](Self::enterprise) | SAML and WS-Fed metadata |
/// | [`legacy`](Self::legacy) | social access-token login and delegation |
///
/// plus [`revoke_refresh_token`](Self::revoke_refresh_token) and the URL builders
/// [`authorize_url`](Self::authorize_url), [`logout_url`](Self::logout_url),
/// [`oidc_logout_url`](Self::oidc_logout_url).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # use auth0_testing::{FakeTenant, seed};
/// # let tenant = FakeTenant::start().await?;
/// # let (client_id, client_secret) = (seed::M2M_CLIENT_ID, seed::M2M_CLIENT_SECRET);
/// use auth0_authentication::{AuthenticationClient, ClientCredentials};
/// use auth0_core::Domain;
///
/// let domain = Domain::new("tenant.eu.auth0.com")?;
/// # let domain = tenant.domain();
/// let client = AuthenticationClient::builder(domain)
///     .client_id(client_id)
///     .client_secret(client_secret)
/// #   .allow_insecure_http(true)
///     .build()?;
/// let api = "https://api.example.test/";
/// let tokens = client
///     .token()
///     .client_credentials(ClientCredentials::new(api))
///     .await?;
/// assert_eq!(tokens.token_type.as_deref(), Some("Bearer"));
/// assert!(tokens.expires_in.is_some_and(|s| s > 0));
///
/// // An API the application has no grant for is Auth0's `access_denied`.
/// let denied = client
///     .token()
///     .client_credentials(ClientCredentials::new("https://no-grant.example.test/"))
///     .await
///     .unwrap_err();
/// assert_eq!(denied.api_error().map(|e| e.code.as_str()), Some("access_denied"));
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct AuthenticationClient {
    inner: Arc<Inner>,
    timeout: Option<Duration>,
    retry: RetryConfig,
}

impl fmt::Debug for AuthenticationClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthenticationClient")
            .field("domain", &self.inner.domain)
            .field("client_id", &self.inner.client_id)
            .field("auth", &self.inner.auth)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl AuthenticationClient {
    /// A builder for the tenant at `domain` (`tenant.auth0.com`, a custom domain, or a
    /// [`Domain`]).
    pub fn builder<D>(domain: D) -> AuthenticationClientBuilder
    where
        D: TryInto<Domain>,
        D::Error: fmt::Display,
    {
        AuthenticationClientBuilder {
            domain: domain.try_into().map_err(|e| e.to_string()),
            client_id: None,
            auth: ClientAuth::None,
            telemetry: TelemetryConfig::Default,
            timeout: Some(DEFAULT_TIMEOUT),
            connect_timeout: Some(DEFAULT_CONNECT_TIMEOUT),
            retry: RetryConfig::default(),
            http_client: None,
            service: None,
            layers: Vec::new(),
            allow_insecure_http: false,
            #[cfg(feature = "jwt")]
            id_token_verifier: None,
        }
    }

    /// The tenant domain.
    pub fn domain(&self) -> &Domain {
        &self.inner.domain
    }

    /// The client id, if configured.
    pub fn client_id(&self) -> Option<&str> {
        self.inner.client_id.as_deref()
    }

    /// A copy of this client (sharing its connections) with another per-attempt timeout:
    /// the way to set a timeout for one call.
    #[must_use]
    pub fn with_timeout(&self, timeout: impl Into<Option<Duration>>) -> Self {
        let mut c = self.clone();
        c.timeout = timeout.into();
        c
    }

    /// A copy of this client with other retry settings, e.g. for one call.
    #[must_use]
    pub fn with_retry(&self, retry: RetryConfig) -> Self {
        let mut c = self.clone();
        c.retry = retry;
        c
    }

    pub(crate) fn require_client_id(&self) -> Result<&str, Error> {
        self.inner.client_id.as_deref().ok_or_else(|| {
            Error::Config(
                "this call needs a client id; set AuthenticationClientBuilder::client_id"
                    .to_owned(),
            )
        })
    }

    #[cfg(feature = "jwt")]
    pub(crate) fn id_token_verifier(&self) -> Option<&auth0_jwt::TokenVerifier> {
        self.inner.id_token_verifier.as_ref()
    }

    pub(crate) fn assertion_audience(&self) -> &str {
        &self.inner.assertion_audience
    }

    /// Builds the `http::Request` for a call (fresh client assertion included).
    pub(crate) fn build_request(&self, call: &Call) -> Result<http::Request<Bytes>, Error> {
        let mut fields = call.body.as_ref().map(|(_, f)| f.clone());
        let mut authorization: Option<HeaderValue> = None;
        match &call.caller {
            Caller::Anonymous => {}
            Caller::ClientId => {
                let id = self.require_client_id()?;
                prepend_client_id(&mut fields, id);
            }
            Caller::Client => {
                let id = self.require_client_id()?;
                prepend_client_id(&mut fields, id);
                // Basic authentication is for the OAuth (form) endpoints; Auth0's JSON
                // endpoints read the secret from the body.
                let form = matches!(call.body, Some((Encoding::Form, _)));
                authorization = self.apply_client_auth(&mut fields, id, form)?;
            }
            Caller::Bearer(token) => authorization = Some(bearer(token)?),
            Caller::BearerAndClient(token) => {
                let id = self.require_client_id()?;
                prepend_client_id(&mut fields, id);
                self.apply_client_auth(&mut fields, id, false)?;
                authorization = Some(bearer(token)?);
            }
        }

        let mut url = self.inner.domain.url(&call.path);
        if !call.query.is_empty() {
            url.push('?');
            url.push_str(&serde_urlencoded::to_string(&call.query).map_err(config)?);
        }
        let mut builder = http::Request::builder()
            .method(call.method.clone())
            .uri(url)
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .header(USER_AGENT, self.inner.user_agent.clone());
        if let Some(t) = &self.inner.telemetry {
            builder = builder.header(AUTH0_CLIENT_HEADER, t.clone());
        }
        if let Some(mut a) = authorization {
            a.set_sensitive(true);
            builder = builder.header(AUTHORIZATION, a);
        }
        for (name, value) in &call.headers {
            builder = builder.header(name, value);
        }
        let body = match (&call.body, fields) {
            (Some((Encoding::Form, _)), Some(f)) => {
                builder = builder.header(
                    CONTENT_TYPE,
                    HeaderValue::from_static("application/x-www-form-urlencoded"),
                );
                Bytes::from(serde_urlencoded::to_string(f.form_pairs()).map_err(config)?)
            }
            (Some((Encoding::Json, _)), Some(f)) => {
                builder =
                    builder.header(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                Bytes::from(serde_json::to_vec(&Value::Object(f.into_map())).map_err(config)?)
            }
            _ => Bytes::new(),
        };
        builder.body(body).map_err(config)
    }

    /// Adds the client credentials to the body, or returns a Basic `Authorization` value.
    fn apply_client_auth(
        &self,
        fields: &mut Option<Fields>,
        client_id: &str,
        header_allowed: bool,
    ) -> Result<Option<HeaderValue>, Error> {
        let f = fields.get_or_insert_with(Fields::new);
        match &self.inner.auth {
            ClientAuth::None => Ok(None),
            ClientAuth::SecretPost(secret) => {
                f.set("client_secret", secret.expose_secret().into());
                Ok(None)
            }
            ClientAuth::SecretBasic(secret) => {
                if !header_allowed {
                    f.set("client_secret", secret.expose_secret().into());
                    return Ok(None);
                }
                let user = utf8_percent_encode(client_id, ENCODE).to_string();
                let pass = utf8_percent_encode(secret.expose_secret(), ENCODE);
                let raw = format!("{user}:{pass}");
                let value = format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(raw)
                );
                HeaderValue::from_str(&value).map(Some).map_err(config)
            }
            ClientAuth::PrivateKeyJwt(signer) => {
                let jwt = signer.client_assertion(client_id, &self.inner.assertion_audience)?;
                f.set("client_assertion", jwt.into());
                f.set("client_assertion_type", CLIENT_ASSERTION_TYPE.into());
                Ok(None)
            }
        }
    }

    async fn send_once(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, Error> {
        let fut = self.inner.service.clone().oneshot(request);
        match self.timeout {
            Some(limit) => tokio::time::timeout(limit, fut)
                .await
                .map_err(|_| Error::Timeout(limit))?,
            None => fut.await,
        }
    }

    /// Sends a call, retrying 429s as configured; error statuses become errors.
    pub(crate) async fn execute(&self, call: &Call) -> Result<http::Response<Bytes>, Error> {
        let mut retry = 0u32;
        loop {
            let request = self.build_request(call)?;
            let response = self.send_once(request).await?;
            let status = response.status();
            if status == StatusCode::TOO_MANY_REQUESTS && retry < self.retry.max_retries {
                retry += 1;
                let wait = self
                    .retry
                    .delay(retry, response.headers(), SystemTime::now());
                tokio::time::sleep(wait).await;
                continue;
            }
            if !status.is_success() {
                let (parts, body) = response.into_parts();
                return Err(Error::from_response(status, parts.headers, &body));
            }
            return Ok(response);
        }
    }

    pub(crate) async fn json<T: DeserializeOwned>(
        &self,
        call: &Call,
        target: &'static str,
    ) -> Result<T, Error> {
        let response = self.execute(call).await?;
        decode_json(target, response.body())
    }

    pub(crate) async fn text(&self, call: &Call) -> Result<String, Error> {
        let response = self.execute(call).await?;
        Ok(String::from_utf8_lossy(response.body()).into_owned())
    }

    pub(crate) async fn empty(&self, call: &Call) -> Result<(), Error> {
        self.execute(call).await.map(|_| ())
    }
}

fn prepend_client_id(fields: &mut Option<Fields>, id: &str) {
    let f = fields.get_or_insert_with(Fields::new);
    if f.get("client_id").is_none() {
        f.0.insert(0, ("client_id".to_owned(), Value::String(id.to_owned())));
    }
}

fn bearer(token: &SecretString) -> Result<HeaderValue, Error> {
    HeaderValue::from_str(&format!("Bearer {}", token.expose_secret())).map_err(|_| {
        Error::Config("the bearer token contains characters not allowed in a header".to_owned())
    })
}

fn config(e: impl fmt::Display) -> Error {
    Error::Config(format!("could not build the request: {e}"))
}

/// Everything but RFC 3986 unreserved characters.
const ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes one path segment.
pub(crate) fn segment(s: &str) -> String {
    utf8_percent_encode(s, ENCODE).to_string()
}

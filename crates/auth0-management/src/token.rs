//! Where the Management API access token comes from.
//!
//! - [`StaticToken`]: a token you already have.
//! - [`ClientCredentials`]: the client-credentials grant against `{domain}/oauth/token`,
//!   authenticated by a client secret or a `private_key_jwt` assertion. The token is
//!   fetched on first use, cached, and fetched again `refresh_skew` before it expires;
//!   concurrent callers needing a new token share one request (single flight).
//! - Anything implementing [`TokenSource`], e.g. a token shared across processes through a
//!   cache of your own.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use auth0_core::{Domain, Error, SecretString};
use bytes::Bytes;
use futures_util::FutureExt as _;
use futures_util::future::{BoxFuture, Shared};
use http::header::{ACCEPT, CONTENT_TYPE, HeaderValue};
use http::{Method, Request, StatusCode};
use tokio::time::Instant;
use tower::ServiceExt as _;

use crate::HttpService;
use auth0_core::assertion::{CLIENT_ASSERTION_TYPE, ClientAssertionSigner};

/// The future a [`TokenSource`] returns.
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<SecretString, Error>> + Send + 'a>>;

/// Supplies the bearer token of Management API calls.
///
/// Implement it to share a token between processes (read it from your cache, fetch and
/// store it when missing). The client calls [`token`](TokenSource::token) once per attempt,
/// so implementations should cache.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # use auth0_testing::{FakeTenant, seed};
/// # let tenant = FakeTenant::start().await?;
/// # let fresh_token = tenant.management_token();
/// # let role_id = seed::ROLE_ID;
/// use std::sync::{Arc, Mutex};
/// use auth0_core::{Domain, SecretString};
/// use auth0_management::ManagementClient;
/// use auth0_management::token::{TokenFuture, TokenSource};
///
/// /// A token kept in a cache that another process renews (here, a mutex).
/// #[derive(Debug)]
/// struct CachedToken(Arc<Mutex<SecretString>>);
///
/// impl TokenSource for CachedToken {
///     fn token(&self) -> TokenFuture<'_> {
///         let token = self.0.lock().unwrap().clone();
///         Box::pin(async move { Ok(token) })
///     }
///     // After a 401, one more try is worth it only if the cache holds another token by now.
///     fn invalidate(&self, rejected: &SecretString) -> bool {
///         self.0.lock().unwrap().expose_secret() != rejected.expose_secret()
///     }
/// }
///
/// let domain = Domain::new("tenant.eu.auth0.com")?;
/// # let domain = tenant.domain();
/// let cache = Arc::new(Mutex::new(SecretString::from("a-revoked-token")));
/// let client = ManagementClient::builder(domain)
///     .token_source(Arc::new(CachedToken(Arc::clone(&cache))))
/// #   .allow_insecure_http(true)
///     .build()?;
/// let refused = client.roles().get(role_id).send().await.unwrap_err();
/// assert_eq!(refused.status(), Some(http::StatusCode::UNAUTHORIZED));
///
/// *cache.lock().unwrap() = SecretString::from(fresh_token); // renewed elsewhere
/// let role = client.roles().get(role_id).send().await?;
/// assert_eq!(role.value.id.as_deref(), Some(role_id));
/// # Ok(()) }
/// ```
pub trait TokenSource: Send + Sync + fmt::Debug {
    /// The token to send now.
    fn token(&self) -> TokenFuture<'_>;

    /// Auth0 answered 401 to a request made with `rejected`. Return `true` if the next
    /// [`token`](TokenSource::token) call will give a different token, so that the
    /// request is worth sending once more; the default (`false`) returns the 401.
    fn invalidate(&self, rejected: &SecretString) -> bool {
        let _ = rejected;
        false
    }
}

/// A token you already have; never refreshed.
#[derive(Debug, Clone)]
pub struct StaticToken(SecretString);

impl StaticToken {
    /// Wraps a token.
    pub fn new(token: impl Into<SecretString>) -> Self {
        Self(token.into())
    }
}

impl TokenSource for StaticToken {
    fn token(&self) -> TokenFuture<'_> {
        let token = self.0.clone();
        Box::pin(async move { Ok(token) })
    }
}

/// How a confidential client proves who it is at `/oauth/token`.
#[derive(Clone)]
pub(crate) enum ClientAuth {
    Secret(SecretString),
    PrivateKeyJwt(Arc<ClientAssertionSigner>),
}

impl fmt::Debug for ClientAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Secret(_) => f.write_str("client_secret_post"),
            Self::PrivateKeyJwt(s) => write!(f, "private_key_jwt({})", s.algorithm()),
        }
    }
}

/// Default margin before expiry at which a cached token is replaced.
pub const DEFAULT_REFRESH_SKEW: Duration = Duration::from_secs(60);

#[derive(Clone)]
struct Cached {
    token: SecretString,
    refresh_at: Instant,
}

type Flight = Shared<BoxFuture<'static, Result<Cached, Arc<Error>>>>;

#[derive(Default)]
struct State {
    cached: Option<Cached>,
    flight: Option<(u64, Flight)>,
    generation: u64,
}

struct Fetch {
    token_url: String,
    issuer: String,
    client_id: String,
    auth: ClientAuth,
    audience: String,
    skew: Duration,
    service: HttpService,
}

/// The client-credentials grant with caching and single-flight refresh, as a
/// [`TokenSource`]. Built by [`ManagementClientBuilder::client_credentials`] and
/// [`ManagementClientBuilder::private_key_jwt`] (it sends its token request through the
/// client's retry, timeout, telemetry and user layers and HTTP service).
///
/// [`ManagementClientBuilder::client_credentials`]: crate::ManagementClientBuilder::client_credentials
/// [`ManagementClientBuilder::private_key_jwt`]: crate::ManagementClientBuilder::private_key_jwt
pub struct ClientCredentials {
    fetch: Arc<Fetch>,
    state: Mutex<State>,
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("token_url", &self.fetch.token_url)
            .field("client_id", &self.fetch.client_id)
            .field("auth", &self.fetch.auth)
            .field("audience", &self.fetch.audience)
            .finish_non_exhaustive()
    }
}

#[derive(serde::Deserialize)]
struct TokenResponse {
    access_token: SecretString,
    expires_in: u64,
}

impl ClientCredentials {
    pub(crate) fn new(
        domain: &Domain,
        client_id: String,
        auth: ClientAuth,
        audience: String,
        skew: Duration,
        service: HttpService,
    ) -> Self {
        Self {
            fetch: Arc::new(Fetch {
                token_url: domain.url("/oauth/token"),
                issuer: domain.issuer(),
                client_id,
                auth,
                audience,
                skew,
                service,
            }),
            state: Mutex::new(State::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    async fn get(&self) -> Result<SecretString, Error> {
        let (generation, flight) = {
            let mut state = self.lock();
            if let Some(c) = state
                .cached
                .as_ref()
                .filter(|c| Instant::now() < c.refresh_at)
            {
                return Ok(c.token.clone());
            }
            if let Some((generation, flight)) = &state.flight {
                (*generation, flight.clone())
            } else {
                state.generation += 1;
                let generation = state.generation;
                let fetch = Arc::clone(&self.fetch);
                let flight = async move { fetch.run().await.map_err(Arc::new) }
                    .boxed()
                    .shared();
                state.flight = Some((generation, flight.clone()));
                (generation, flight)
            }
        };
        let result = flight.await;
        {
            let mut state = self.lock();
            if state.flight.as_ref().is_some_and(|(g, _)| *g == generation) {
                state.flight = None;
                if let Ok(c) = &result {
                    state.cached = Some(c.clone());
                }
            }
        }
        result.map(|c| c.token).map_err(|e| share_error(&e))
    }
}

impl Fetch {
    async fn run(&self) -> Result<Cached, Error> {
        let mut form: Vec<(&str, &str)> = vec![
            ("grant_type", "client_credentials"),
            ("client_id", &self.client_id),
            ("audience", &self.audience),
        ];
        let assertion;
        match &self.auth {
            ClientAuth::Secret(secret) => form.push(("client_secret", secret.expose_secret())),
            ClientAuth::PrivateKeyJwt(signer) => {
                assertion =
                    SecretString::from(signer.client_assertion(&self.client_id, &self.issuer)?);
                form.push(("client_assertion_type", CLIENT_ASSERTION_TYPE));
                form.push(("client_assertion", assertion.expose_secret()));
            }
        }
        let body = SecretString::new(
            serde_urlencoded::to_string(&form)
                .map_err(|e| Error::Config(format!("could not encode the token request: {e}")))?,
        );
        let request = Request::builder()
            .method(Method::POST)
            .uri(&self.token_url)
            .header(
                CONTENT_TYPE,
                HeaderValue::from_static("application/x-www-form-urlencoded"),
            )
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .body(Bytes::copy_from_slice(body.expose_secret().as_bytes()))
            .map_err(|e| Error::Config(format!("invalid token request: {e}")))?;
        let started = Instant::now();
        let response = self.service.clone().oneshot(request).await?;
        let (parts, body) = response.into_parts();
        if !parts.status.is_success() {
            return Err(Error::from_response(parts.status, parts.headers, &body));
        }
        if parts.status != StatusCode::OK {
            return Err(Error::Decode(auth0_core::DecodeError {
                target: "token response",
                detail: format!("unexpected status {}", parts.status),
            }));
        }
        let token: TokenResponse = auth0_core::error::decode_json("token response", &body)?;
        let lifetime = Duration::from_secs(token.expires_in);
        // Refresh `skew` early, but never sooner than halfway through a short lifetime.
        let early = self.skew.min(lifetime / 2);
        Ok(Cached {
            token: token.access_token,
            refresh_at: started + lifetime.saturating_sub(early),
        })
    }
}

/// Each waiter of a shared token fetch gets its own copy of the error.
fn share_error(e: &Error) -> Error {
    match e {
        Error::Api(api) => Error::Api(api.clone()),
        Error::RateLimited(rl) => Error::RateLimited(rl.clone()),
        Error::Timeout(d) => Error::Timeout(*d),
        Error::Decode(d) => Error::Decode(d.clone()),
        Error::Config(m) => Error::Config(m.clone()),
        Error::OffsetLimitReached {
            limit,
            fetched,
            checkpoint,
        } => Error::OffsetLimitReached {
            limit: *limit,
            fetched: *fetched,
            checkpoint: *checkpoint,
        },
        other => Error::Transport(auth0_core::TransportError::new(
            format!("token request failed: {other}"),
            None,
        )),
    }
}

impl TokenSource for ClientCredentials {
    fn token(&self) -> TokenFuture<'_> {
        Box::pin(self.get())
    }

    fn invalidate(&self, rejected: &SecretString) -> bool {
        let mut state = self.lock();
        if state
            .cached
            .as_ref()
            .is_some_and(|c| c.token.expose_secret() == rejected.expose_secret())
        {
            state.cached = None;
        }
        true
    }
}

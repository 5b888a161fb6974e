//! The JWKS cache: lazy, TTL-bound, single-flight, with a cooldown on forced refetches and
//! stale keys served while the endpoint is down.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use futures_util::FutureExt as _;
use futures_util::future::{BoxFuture, Shared};

use crate::clock::Clock;
use crate::error::{Error, JwksError};
use crate::jwk::{DEFAULT_MAX_JWKS_BYTES, DEFAULT_MAX_KEYS, Jwk, JwkSet};

/// The future a [`JwksFetcher`] returns.
pub type FetchFuture<'a> = Pin<Box<dyn Future<Output = Result<Bytes, JwksError>> + Send + 'a>>;

/// Fetches the raw JWKS document. Implement it to bring your own HTTP stack.
///
/// The fetcher owns the URL, the timeout and the body-size limit of the request; the cache
/// decides when to call it (never more than one call in flight).
pub trait JwksFetcher: Send + Sync + fmt::Debug + 'static {
    /// Fetches the JWKS document once. Errors are wrapped with [`JwksError::fetch`].
    fn fetch(&self) -> FetchFuture<'_>;
}

/// A fetcher that serves a fixed document (pinned keys, tests, fuzzing).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let tenant = auth0_testing::FakeTenant::start().await?;
/// # let pinned_jwks = tenant.keys().jwks().to_string();
/// # let issuer = tenant.issuer();
/// # let token = tenant.issue_access_token("auth0|someone", "https://api.example.com/", &[]);
/// use auth0_jwt::{AccessTokenVerifier, AsymmetricSignatureVerifier, StaticJwks};
///
/// // Pinned keys (from a file, a config map…): nothing is ever fetched over the network.
/// let keys = AsymmetricSignatureVerifier::builder(StaticJwks::new(pinned_jwks)).build()?;
/// let verifier = AccessTokenVerifier::new(keys, issuer, "https://api.example.com/");
/// let claims = verifier.verify(&token).await?;
/// assert_eq!(claims.sub(), "auth0|someone");
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct StaticJwks(Bytes);

impl StaticJwks {
    /// Serves `document` on every fetch.
    pub fn new(document: impl Into<Bytes>) -> Self {
        Self(document.into())
    }
}

impl JwksFetcher for StaticJwks {
    fn fetch(&self) -> FetchFuture<'_> {
        let doc = self.0.clone();
        Box::pin(async move { Ok(doc) })
    }
}

/// Default time the keys are trusted without refetching.
pub const DEFAULT_CACHE_TTL: Duration = Duration::from_secs(600);
/// Default minimum time between two fetches triggered by unknown `kid`s or failures.
pub const DEFAULT_REFETCH_COOLDOWN: Duration = Duration::from_secs(30);
/// Default time, past the TTL, that the last good keys keep serving while refreshes fail.
pub const DEFAULT_MAX_STALE: Duration = Duration::from_secs(3600);

/// Cache settings.
#[derive(Debug, Clone)]
pub(crate) struct CacheConfig {
    pub(crate) ttl: Duration,
    pub(crate) cooldown: Duration,
    pub(crate) max_stale: Duration,
    pub(crate) max_bytes: usize,
    pub(crate) max_keys: usize,
}

impl Default for CacheConfig {
    fn default() -> Self {
        Self {
            ttl: DEFAULT_CACHE_TTL,
            cooldown: DEFAULT_REFETCH_COOLDOWN,
            max_stale: DEFAULT_MAX_STALE,
            max_bytes: DEFAULT_MAX_JWKS_BYTES,
            max_keys: DEFAULT_MAX_KEYS,
        }
    }
}

type SharedFetch = Shared<BoxFuture<'static, Result<Arc<JwkSet>, JwksError>>>;

#[derive(Default)]
struct State {
    keys: Option<Arc<JwkSet>>,
    fetched_at: Duration,
    last_attempt: Option<Duration>,
    last_error: Option<JwksError>,
    in_flight: Option<SharedFetch>,
}

struct Inner {
    fetcher: Box<dyn JwksFetcher>,
    clock: Arc<dyn Clock>,
    config: CacheConfig,
    state: Mutex<State>,
    fetches: AtomicU64,
}

/// A shared JWKS cache; clones share the keys.
#[derive(Clone)]
pub(crate) struct JwksCache {
    inner: Arc<Inner>,
}

impl fmt::Debug for JwksCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwksCache")
            .field("fetcher", &self.inner.fetcher)
            .field("config", &self.inner.config)
            .field("fetches", &self.fetch_count())
            .finish_non_exhaustive()
    }
}

/// A JWKS fetch in flight that a lookup has to wait for.
pub(crate) struct PendingFetch {
    cache: JwksCache,
    fetch: SharedFetch,
}

impl PendingFetch {
    /// Waits for the fetch, then looks `kid` up (in stale keys if the fetch failed).
    pub(crate) async fn key(self, kid: &str) -> Result<Arc<Jwk>, Error> {
        match self.fetch.await {
            Ok(set) => set.get(kid).cloned().ok_or_else(|| not_found(kid)),
            Err(error) => {
                let cache = &self.cache;
                let st = cache.lock();
                let now = cache.inner.clock.now();
                cache
                    .stale_lookup(&st, kid, now)
                    .unwrap_or(Err(Error::Jwks(error)))
            }
        }
    }
}

enum Next {
    Wait(SharedFetch),
    Done(Result<Arc<Jwk>, Error>),
}

fn not_found(kid: &str) -> Error {
    Error::KeyNotFound {
        kid: kid.to_owned(),
    }
}

impl JwksCache {
    pub(crate) fn new(
        fetcher: Box<dyn JwksFetcher>,
        clock: Arc<dyn Clock>,
        config: CacheConfig,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                fetcher,
                clock,
                config,
                state: Mutex::new(State::default()),
                fetches: AtomicU64::new(0),
            }),
        }
    }

    pub(crate) fn fetch_count(&self) -> u64 {
        self.inner.fetches.load(Ordering::Relaxed)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.inner
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The key with `kid` if it is at hand (or known to be unobtainable for now), else the
    /// fetch to wait for (started here if the rules allow it).
    pub(crate) fn lookup(&self, kid: &str) -> Result<Result<Arc<Jwk>, Error>, PendingFetch> {
        match self.next(kid) {
            Next::Done(result) => Ok(result),
            Next::Wait(fetch) => Err(PendingFetch {
                cache: self.clone(),
                fetch,
            }),
        }
    }

    fn next(&self, kid: &str) -> Next {
        let cfg = &self.inner.config;
        let mut st = self.lock();
        let now = self.inner.clock.now();
        let fresh = st.keys.is_some() && now < st.fetched_at + cfg.ttl;
        if fresh && let Some(key) = st.keys.as_ref().and_then(|k| k.get(kid)) {
            return Next::Done(Ok(Arc::clone(key)));
        }
        if let Some(fetch) = &st.in_flight {
            return Next::Wait(fetch.clone());
        }
        let cooled = st.last_attempt.is_none_or(|t| now >= t + cfg.cooldown);
        let may_fetch = if fresh {
            // Unknown kid in fresh keys: a forced refetch, at most once per cooldown.
            cooled
        } else {
            // Expired or never fetched: refetch, unless the last attempt failed recently.
            st.last_error.is_none() || cooled
        };
        if !may_fetch {
            return Next::Done(match self.stale_lookup(&st, kid, now) {
                Some(result) => result,
                None => Err(st
                    .last_error
                    .clone()
                    .map_or_else(|| not_found(kid), Error::Jwks)),
            });
        }
        let fetch = self.start_fetch();
        st.last_attempt = Some(now);
        st.in_flight = Some(fetch.clone());
        Next::Wait(fetch)
    }

    /// Looks `kid` up in keys that are fresh or within the max-stale bound; `None` if there
    /// are no such keys.
    fn stale_lookup(
        &self,
        st: &State,
        kid: &str,
        now: Duration,
    ) -> Option<Result<Arc<Jwk>, Error>> {
        let cfg = &self.inner.config;
        let keys = st.keys.as_ref()?;
        if now >= st.fetched_at + cfg.ttl + cfg.max_stale {
            return None;
        }
        Some(keys.get(kid).cloned().ok_or_else(|| not_found(kid)))
    }

    fn start_fetch(&self) -> SharedFetch {
        self.inner.fetches.fetch_add(1, Ordering::Relaxed);
        let inner = Arc::clone(&self.inner);
        async move {
            let result = match inner.fetcher.fetch().await {
                Ok(bytes) => JwkSet::from_slice_with_limits(
                    &bytes,
                    inner.config.max_bytes,
                    inner.config.max_keys,
                )
                .map(Arc::new),
                Err(e) => Err(e),
            };
            let mut st = inner.state.lock().unwrap_or_else(PoisonError::into_inner);
            st.in_flight = None;
            match &result {
                Ok(set) => {
                    st.keys = Some(Arc::clone(set));
                    st.fetched_at = inner.clock.now();
                    st.last_error = None;
                }
                Err(e) => st.last_error = Some(e.clone()),
            }
            drop(st);
            result
        }
        .boxed()
        .shared()
    }
}

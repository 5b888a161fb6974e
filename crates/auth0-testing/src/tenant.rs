//! [`FakeTenant`]: start, stop, and the handles tests use.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use auth0_core::Domain;
use http::Method;
use serde_json::Value;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::clock::Clock;
use crate::faults::{Fault, Registered};
use crate::journal::RecordedRequest;
use crate::keys::{KeyAlgorithm, KeyStore};
use crate::seed::TenantSeed;
use crate::state::Store;
use crate::{authn, jwt, server};

/// Locks a mutex, ignoring poisoning (a panicking handler must not wedge the tenant).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Everything the handlers share.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) base_url: String,
    pub(crate) keys: Mutex<KeyStore>,
    pub(crate) store: Mutex<Store>,
    pub(crate) journal: Mutex<Vec<RecordedRequest>>,
    pub(crate) faults: Mutex<Vec<Fault>>,
    pub(crate) registered: Mutex<Vec<Registered>>,
    pub(crate) clock: Clock,
    pub(crate) jwks_fetches: AtomicU64,
    pub(crate) rate_limit: Mutex<RateWindow>,
    /// Requests per minute after which the tenant answers 429, when enforced.
    pub(crate) rate_limit_enforced: Option<u64>,
}

/// The informational rate-limit window behind the `x-ratelimit-*` headers.
#[derive(Debug, Default)]
pub(crate) struct RateWindow {
    pub(crate) window_start: i64,
    pub(crate) used: u64,
}

/// Requests per minute the `x-ratelimit-*` headers announce by default.
pub(crate) const RATE_LIMIT: u64 = 1000;

impl Shared {
    /// `https://{domain}/` in its loopback form.
    pub(crate) fn issuer(&self) -> String {
        format!("{}/", self.base_url)
    }

    /// The Management API audience.
    pub(crate) fn management_audience(&self) -> String {
        format!("{}/api/v2/", self.base_url)
    }

    /// Signs claims with the current signing key.
    pub(crate) fn sign(&self, extra_header: &Value, claims: &Value) -> String {
        let key = lock(&self.keys).signing();
        jwt::sign(&key, extra_header, claims)
    }

    /// The per-minute limit announced in `x-ratelimit-limit`.
    pub(crate) fn rate_limit_max(&self) -> u64 {
        self.rate_limit_enforced.unwrap_or(RATE_LIMIT)
    }

    /// The tenant's current time (Unix seconds).
    pub(crate) fn now(&self) -> i64 {
        self.clock.now()
    }
}

/// Configures and starts a [`FakeTenant`].
#[derive(Default)]
#[must_use]
pub struct FakeTenantBuilder {
    seed: Option<TenantSeed>,
    port: u16,
    signing_alg: Option<KeyAlgorithm>,
    rate_limit: Option<u64>,
}

impl std::fmt::Debug for FakeTenantBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeTenantBuilder")
            .field("port", &self.port)
            .field("signing_alg", &self.signing_alg)
            .finish_non_exhaustive()
    }
}

impl FakeTenantBuilder {
    /// The initial content (default: [`TenantSeed::standard`]).
    pub fn seed(mut self, seed: TenantSeed) -> Self {
        self.seed = Some(seed);
        self
    }

    /// Listens on this port of 127.0.0.1 (default 0: an ephemeral port).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Algorithm of the initial signing key (default RS256).
    pub fn signing_algorithm(mut self, alg: KeyAlgorithm) -> Self {
        self.signing_alg = Some(alg);
        self
    }

    /// Enforces a rate limit: after `per_minute` requests in a one-minute window (on the
    /// tenant's clock) every request answers Auth0's 429 `too_many_requests` with
    /// `x-ratelimit-*` and `Retry-After` until the window resets. By default the headers
    /// announce 1000 per minute and nothing is refused.
    pub fn rate_limit(mut self, per_minute: u64) -> Self {
        self.rate_limit = Some(per_minute);
        self
    }

    /// Binds 127.0.0.1, seeds the state and starts serving on the current tokio runtime.
    pub async fn start(self) -> std::io::Result<FakeTenant> {
        let listener =
            tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], self.port))).await?;
        let addr = listener.local_addr()?;
        let base_url = format!("http://{addr}");
        let mut keys = KeyStore::new();
        if let Some(alg) = self.signing_alg.filter(|a| *a != KeyAlgorithm::Rs256) {
            let old = keys.signing().kid.clone();
            keys.add(alg);
            keys.retire(&old);
        }
        let shared = Arc::new(Shared {
            base_url,
            keys: Mutex::new(keys),
            store: Mutex::new(Store::default()),
            journal: Mutex::new(Vec::new()),
            faults: Mutex::new(Vec::new()),
            registered: Mutex::new(Vec::new()),
            clock: Clock::default(),
            jwks_fetches: AtomicU64::new(0),
            rate_limit: Mutex::new(RateWindow::default()),
            rate_limit_enforced: self.rate_limit,
        });
        {
            let mut store = lock(&shared.store);
            self.seed
                .unwrap_or_default()
                .apply(&mut store, &shared.management_audience())
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
        }
        let (shutdown, shutdown_rx) = watch::channel(());
        let task = tokio::spawn(server::serve(listener, Arc::clone(&shared), shutdown_rx));
        Ok(FakeTenant {
            shared,
            shutdown,
            task,
            addr,
        })
    }
}

/// A fake Auth0 tenant serving HTTP on 127.0.0.1; it stops when dropped.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use auth0_testing::{FakeTenant, seed};
///
/// let tenant = FakeTenant::start().await?;
/// // A plain-http `Domain` (the explicit opt-in), for the SDK's clients and verifiers.
/// let domain = tenant.domain();
/// assert!(!domain.is_https());
/// assert_eq!(domain.issuer(), tenant.issuer());
/// assert_eq!(domain.issuer(), format!("{}/", tenant.base_url()));
///
/// // Tokens as the tenant would issue them, signed with the key its JWKS publishes.
/// let token = tenant.issue_access_token(seed::USER_ID, seed::API_IDENTIFIER, &["read:messages"]);
/// assert_eq!(token.split('.').count(), 3);
/// // Keys can be rotated; the JWKS then publishes both until the old one is retired.
/// let old = tenant.keys().signing_kid();
/// let new = tenant.keys().rotate(auth0_testing::KeyAlgorithm::Es256);
/// assert_eq!(tenant.keys().published_kids(), [old, new]);
/// # Ok(()) }
/// ```
pub struct FakeTenant {
    shared: Arc<Shared>,
    shutdown: watch::Sender<()>,
    task: JoinHandle<()>,
    addr: SocketAddr,
}

impl std::fmt::Debug for FakeTenant {
    /// Shows the address only: the state holds client secrets and passwords.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeTenant")
            .field("base_url", &self.shared.base_url)
            .finish_non_exhaustive()
    }
}

impl Drop for FakeTenant {
    fn drop(&mut self) {
        let _ = self.shutdown.send(());
        self.task.abort();
    }
}

impl FakeTenant {
    /// Starts a tenant with the standard seed on an ephemeral port.
    pub async fn start() -> std::io::Result<Self> {
        Self::builder().start().await
    }

    /// A builder for a tenant with another seed or port.
    pub fn builder() -> FakeTenantBuilder {
        FakeTenantBuilder::default()
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// The socket address the tenant listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The tenant's domain (plain http, through [`Domain::insecure_http`]).
    pub fn domain(&self) -> Domain {
        Domain::insecure_http(&self.shared.base_url).expect("a loopback address is a valid domain")
    }

    /// The issuer of its tokens: `base_url() + "/"`.
    pub fn issuer(&self) -> String {
        self.shared.issuer()
    }

    /// `base_url() + "/.well-known/jwks.json"`.
    pub fn jwks_url(&self) -> String {
        format!("{}/.well-known/jwks.json", self.shared.base_url)
    }

    /// The Management API audience: `base_url() + "/api/v2/"`.
    pub fn management_audience(&self) -> String {
        self.shared.management_audience()
    }

    /// The signing keys.
    pub fn keys(&self) -> Keys {
        Keys {
            shared: Arc::clone(&self.shared),
        }
    }

    /// Signs `claims` with the current signing key. The header holds `alg`, `typ: JWT` and
    /// `kid`; fields of `header` are merged over them (a `null` removes one), so a test
    /// can make hostile tokens (a wrong `kid`, a lying `alg`). The signature is always
    /// made with the signing key's real algorithm.
    #[allow(clippy::needless_pass_by_value)] // by value so `json!` literals pass directly
    pub fn sign_jwt(&self, header: Value, claims: Value) -> String {
        self.shared.sign(&header, &claims)
    }

    /// Signs `claims` with HMAC-SHA256 under `secret` (for HS256 verifier tests; Auth0 signs
    /// HS256 ID tokens with the client secret). `header` is merged over
    /// `{"alg":"HS256","typ":"JWT"}` like in [`FakeTenant::sign_jwt`].
    #[allow(clippy::needless_pass_by_value)] // by value so `json!` literals pass directly
    pub fn sign_jwt_hs256(&self, secret: &str, header: Value, claims: Value) -> String {
        jwt::sign_hs256(secret.as_bytes(), &header, &claims)
    }

    /// An access token as `/oauth/token` would issue it: `sub`, for `audience`, with these
    /// scopes, valid for a day.
    pub fn issue_access_token(&self, sub: &str, audience: &str, scopes: &[&str]) -> String {
        let now = self.shared.now();
        let azp = sub
            .strip_suffix("@clients")
            .unwrap_or(crate::seed::M2M_CLIENT_ID);
        authn::issue::access_token(
            &self.shared,
            &authn::issue::AccessTokenSpec {
                sub,
                audience,
                azp,
                scope: &scopes.join(" "),
                gty: None,
                org: None,
                lifetime: 86_400,
                now,
            },
        )
    }

    /// A Management API token of the seeded M2M client with every scope in
    /// [`crate::seed::MANAGEMENT_SCOPES`].
    pub fn management_token(&self) -> String {
        let sub = format!("{}@clients", crate::seed::M2M_CLIENT_ID);
        self.issue_access_token(
            &sub,
            &self.management_audience(),
            crate::seed::MANAGEMENT_SCOPES,
        )
    }

    /// An ID token for `user_id` and `client_id` as `/oauth/token` would issue it (with
    /// the user's profile claims and the given `nonce`). `None` if the user does not exist.
    pub fn issue_id_token(
        &self,
        user_id: &str,
        client_id: &str,
        nonce: Option<&str>,
    ) -> Option<String> {
        let now = self.shared.now();
        authn::issue::id_token(&self.shared, user_id, client_id, nonce, now, None)
    }

    /// Every request received so far, oldest first.
    pub fn journal(&self) -> Vec<RecordedRequest> {
        crate::tenant::lock(&self.shared.journal).clone()
    }

    /// Forgets the recorded requests.
    pub fn clear_journal(&self) {
        crate::tenant::lock(&self.shared.journal).clear();
    }

    /// Injects a fault; faults are tried in the order they were injected.
    pub fn inject(&self, fault: Fault) {
        lock(&self.shared.faults).push(fault);
    }

    /// Removes every pending fault.
    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }

    /// Answers every `method` request whose path matches `path_pattern` (see [`Fault`] for
    /// the pattern syntax) with `status` and `body`, instead of the modelled behaviour. This
    /// is how a test exercises Management API operations the tenant does not model. The
    /// latest registration wins.
    pub fn register_response(
        &self,
        method: Method,
        path_pattern: impl Into<String>,
        status: u16,
        body: Value,
    ) {
        lock(&self.shared.registered).push(Registered {
            method,
            pattern: path_pattern.into(),
            status,
            body,
        });
    }

    /// How many times the JWKS document was served (`/.well-known/jwks.json`).
    pub fn jwks_fetch_count(&self) -> u64 {
        self.shared.jwks_fetches.load(Ordering::Relaxed)
    }

    /// Moves the tenant's clock forward (tokens, codes and polling intervals expire
    /// without sleeping). Tokens it issues carry the shifted times.
    pub fn advance_clock(&self, by: Duration) {
        self.shared.clock.advance(by);
    }

    /// The tenant's current time in Unix seconds.
    pub fn now(&self) -> i64 {
        self.shared.now()
    }

    /// Log events generated so far (Auth0 log objects).
    pub fn logs(&self) -> Vec<Value> {
        lock(&self.shared.store).logs.clone()
    }

    /// A resource as the Management API would return it (`kind` is `users`, `connections`,
    /// `clients`, `client_grants`, `resource_servers`, `roles` or `organizations`).
    pub fn resource(&self, kind: &str, id: &str) -> Option<Value> {
        let kind = crate::mgmt::kind_of(kind)?;
        let store = lock(&self.shared.store);
        store.get(kind, id).cloned()
    }

    /// The one-time code `/passwordless/start` last sent to `recipient` (an email address or
    /// phone number), while it is valid.
    pub fn passwordless_code(&self, recipient: &str) -> Option<String> {
        authn::passwordless::code_for(&self.shared, recipient)
    }

    /// Approves a pending CIBA request (`auth_req_id` from `/bc-authorize`); false if there
    /// is no such pending request.
    pub fn approve_backchannel(&self, auth_req_id: &str) -> bool {
        authn::backchannel::decide_ciba(&self.shared, auth_req_id, true)
    }

    /// Denies a pending CIBA request; polling then answers `access_denied`.
    pub fn deny_backchannel(&self, auth_req_id: &str) -> bool {
        authn::backchannel::decide_ciba(&self.shared, auth_req_id, false)
    }

    /// Approves the pending device authorization with this `user_code`, logging in
    /// `user_id` (default: the `/authorize` test user); false if there is none.
    pub fn approve_device(&self, user_code: &str, user_id: Option<&str>) -> bool {
        authn::backchannel::decide_device(&self.shared, user_code, user_id, true)
    }

    /// Denies the pending device authorization with this `user_code`.
    pub fn deny_device(&self, user_code: &str) -> bool {
        authn::backchannel::decide_device(&self.shared, user_code, None, false)
    }

    /// Makes `/authorize` log in this user when the request has no `login_hint`.
    pub fn set_authorize_user(&self, user_id: &str) {
        lock(&self.shared.store).authorize_user = Some(user_id.to_owned());
    }
}

/// The tenant's signing keys.
#[derive(Clone)]
pub struct Keys {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keys")
            .field("published", &self.published_kids())
            .field("signing", &self.signing_kid())
            .finish()
    }
}

impl Keys {
    /// Adds a key of `alg`, publishes it and signs with it from now on; the old keys stay
    /// published until retired. Returns the new kid.
    pub fn rotate(&self, alg: KeyAlgorithm) -> String {
        lock(&self.shared.keys).add(alg)
    }

    /// Stops publishing key `kid`. The current signing key cannot be retired; returns
    /// whether a published key was retired.
    pub fn retire(&self, kid: &str) -> bool {
        lock(&self.shared.keys).retire(kid)
    }

    /// The kid of the key that signs new tokens.
    pub fn signing_kid(&self) -> String {
        lock(&self.shared.keys).signing().kid.clone()
    }

    /// Kids in the JWKS document, oldest first.
    pub fn published_kids(&self) -> Vec<String> {
        lock(&self.shared.keys).published_kids()
    }

    /// The JWKS document as served.
    pub fn jwks(&self) -> Value {
        lock(&self.shared.keys).jwks()
    }
}

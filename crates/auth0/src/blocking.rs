//! A blocking facade for scripts and CLIs (feature `blocking`).
//!
//! The async clients stay the one implementation; this module owns a small tokio runtime and
//! drives their futures to completion on it, like `reqwest::blocking`. It works from plain
//! `main` functions, from threads, and even from inside another async runtime (the call then
//! runs on a helper thread instead of panicking).
//!
//! ```
//! # #[cfg(feature = "authentication")]
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # use auth0_testing::{FakeTenant, seed};
//! # let (client_id, client_secret) = (seed::M2M_CLIENT_ID, seed::M2M_CLIENT_SECRET);
//! use auth0::Domain;
//! use auth0::authentication::{AuthenticationClient, ClientCredentials};
//! use auth0::blocking::Runtime;
//!
//! let runtime = Runtime::new()?;
//! # let tenant = runtime.block_on(FakeTenant::start())?;
//! let domain = Domain::new("tenant.eu.auth0.com")?;
//! # let domain = tenant.domain();
//! let auth = runtime.wrap(|| {
//!     AuthenticationClient::builder(domain)
//!         .client_id(client_id)
//!         .client_secret(client_secret)
//! #       .allow_insecure_http(true)
//!         .build()
//! })?;
//! let tokens = auth.call(|c| async move {
//!     c.token().client_credentials(ClientCredentials::new("https://api.example.test/")).await
//! })?;
//! assert!(tokens.expires_in.is_some_and(|s| s > 0));
//! # Ok(()) }
//! # #[cfg(not(feature = "authentication"))]
//! # fn main() {}
//! ```

use std::future::Future;
use std::sync::Arc;

/// Owns the tokio runtime the blocking calls run on. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Runtime {
    inner: Arc<RuntimeGuard>,
}

#[derive(Debug)]
struct RuntimeGuard(Option<tokio::runtime::Runtime>);

impl Drop for RuntimeGuard {
    fn drop(&mut self) {
        // `shutdown_background` never blocks, so dropping the last handle is safe even
        // inside another runtime (a plain drop would panic there).
        if let Some(rt) = self.0.take() {
            rt.shutdown_background();
        }
    }
}

impl Runtime {
    /// Starts a runtime with one worker thread (enough for an SDK client: the work is I/O).
    pub fn new() -> std::io::Result<Self> {
        Self::with_worker_threads(1)
    }

    /// Starts a runtime with `workers` worker threads (at least one).
    pub fn with_worker_threads(workers: usize) -> std::io::Result<Self> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(workers.max(1))
            .thread_name("auth0-blocking")
            .enable_all()
            .build()?;
        Ok(Self {
            inner: Arc::new(RuntimeGuard(Some(rt))),
        })
    }

    fn rt(&self) -> &tokio::runtime::Runtime {
        // The option is only emptied in `drop`.
        self.inner
            .0
            .as_ref()
            .unwrap_or_else(|| unreachable!("runtime used after drop"))
    }

    /// Runs a future to completion and returns its output.
    ///
    /// Called from inside another async runtime, the future runs on a helper thread, so this
    /// never panics with "cannot start a runtime from within a runtime" (it does block that
    /// runtime's thread for the duration, as any blocking call would).
    pub fn block_on<F>(&self, future: F) -> F::Output
    where
        F: Future + Send,
        F::Output: Send,
    {
        if tokio::runtime::Handle::try_current().is_ok() {
            std::thread::scope(|scope| {
                let handle = scope.spawn(|| self.rt().block_on(future));
                match handle.join() {
                    Ok(output) => output,
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            })
        } else {
            self.rt().block_on(future)
        }
    }

    /// Builds a client inside this runtime's context (some clients spawn background tasks
    /// when built) and wraps it for blocking use.
    pub fn wrap<C, E>(&self, build: impl FnOnce() -> Result<C, E>) -> Result<Blocking<C>, E> {
        let client = {
            let _guard = self.rt().enter();
            build()?
        };
        Ok(Blocking {
            client,
            runtime: self.clone(),
        })
    }
}

/// An async client made blocking: [`Blocking::call`] runs one of its calls to completion.
#[derive(Clone, Debug)]
pub struct Blocking<C> {
    client: C,
    runtime: Runtime,
}

impl<C: Clone + Send> Blocking<C> {
    /// Runs `f` with a clone of the client (clients are cheap to clone) and waits for it.
    pub fn call<F, Fut, T>(&self, f: F) -> T
    where
        F: FnOnce(C) -> Fut + Send,
        Fut: Future<Output = T> + Send,
        T: Send,
    {
        let client = self.client.clone();
        self.runtime.block_on(async move { f(client).await })
    }

    /// The async client, for code that mixes both styles.
    pub fn client(&self) -> &C {
        &self.client
    }

    /// The runtime the calls run on.
    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }
}

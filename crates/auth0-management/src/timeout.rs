//! The per-attempt timeout layer: each attempt (not the whole call with its retries) gets
//! this long; when it runs out the attempt fails with [`Error::Timeout`], which the retry
//! layer above may retry for idempotent methods.
//!
//! The deadline is fixed when the attempt starts, but its timer is armed lazily, at the
//! first poll at which the attempt has to wait. The timer is a tokio
//! [`Sleep`](tokio::time::Sleep) taken from a small per-thread pool (per runtime) and moved
//! to the new deadline with [`Sleep::reset`](tokio::time::Sleep::reset), then given back
//! when the attempt ends. Moving a registered tokio timer to a later deadline is one atomic
//! update, whereas a fresh timer per attempt is inserted into the runtime's timer wheel
//! (under its lock) when first polled and removed again (under the lock) when dropped: the
//! largest single cost of the stack in `benches/paired_overhead.rs`.
//!
//! A pooled timer stays registered at its last deadline while it waits for reuse. Should
//! that deadline pass first, tokio wakes the task that used it last (a spurious wake-up)
//! and the next reset registers it again. Under a paused tokio clock, such a timer is one
//! more timer the clock may auto-advance to while the runtime idles.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use auth0_core::Error;
use bytes::Bytes;
use http::{Request, Response};
use tokio::time::Instant;
use tower_layer::Layer;
use tower_service::Service;

use crate::request::RequestOptions;

/// Default per-attempt timeout.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

/// Adds [`AttemptTimeout`] around a service.
#[derive(Debug, Clone, Copy)]
pub struct AttemptTimeoutLayer {
    timeout: Option<Duration>,
}

impl AttemptTimeoutLayer {
    /// A layer with this default timeout (`None`: only requests that set one are limited).
    pub fn new(timeout: Option<Duration>) -> Self {
        Self { timeout }
    }
}

impl<S> Layer<S> for AttemptTimeoutLayer {
    type Service = AttemptTimeout<S>;
    fn layer(&self, inner: S) -> AttemptTimeout<S> {
        AttemptTimeout {
            inner,
            timeout: self.timeout,
        }
    }
}

/// Fails an attempt that takes longer than the request's
/// [`RequestOptions::timeout`], else the layer's default.
#[derive(Debug, Clone)]
pub struct AttemptTimeout<S> {
    inner: S,
    timeout: Option<Duration>,
}

impl<S> Service<Request<Bytes>> for AttemptTimeout<S>
where
    S: Service<Request<Bytes>, Response = Response<Bytes>, Error = Error>,
{
    type Response = Response<Bytes>;
    type Error = Error;
    type Future = AttemptFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<Bytes>) -> Self::Future {
        let limit = req
            .extensions()
            .get::<RequestOptions>()
            .and_then(|o| o.timeout)
            .or(self.timeout);
        AttemptFuture {
            inner: self.inner.call(req),
            // `Instant::now` follows tokio's clock (paused in tests).
            deadline: limit.map(|limit| (Instant::now() + limit, limit)),
            timer: None,
        }
    }
}

pin_project_lite::pin_project! {
    /// The future of [`AttemptTimeout`]: the inner call, raced against the deadline.
    #[derive(Debug)]
    pub struct AttemptFuture<F> {
        #[pin]
        inner: F,
        // The deadline and the limit it came from (for the error).
        deadline: Option<(Instant, Duration)>,
        // Armed at the first poll that has to wait.
        timer: Option<pool::PooledSleep>,
    }
}

impl<F> Future for AttemptFuture<F>
where
    F: Future<Output = Result<Response<Bytes>, Error>>,
{
    type Output = Result<Response<Bytes>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        if let Poll::Ready(out) = this.inner.poll(cx) {
            // Back to the pool now rather than whenever the finished future is dropped.
            this.timer.take();
            return Poll::Ready(out);
        }
        let Some((deadline, limit)) = *this.deadline else {
            return Poll::Pending;
        };
        let timer = this
            .timer
            .get_or_insert_with(|| pool::PooledSleep::until(deadline));
        if timer.poll_elapsed(cx).is_ready() {
            this.timer.take();
            return Poll::Ready(Err(Error::Timeout(limit)));
        }
        Poll::Pending
    }
}

/// The per-thread pool of reusable timers.
mod pool {
    use std::cell::RefCell;
    use std::future::Future as _;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    use tokio::runtime::{Handle, Id};
    use tokio::time::{Instant, Sleep};

    /// Timers kept per thread; more than this many attempts waiting at once on one thread
    /// get fresh timers for the excess.
    const MAX_POOLED: usize = 256;

    /// The pooled timers of one thread, all of the runtime `runtime` (a timer belongs to
    /// the runtime it was created in).
    struct Pool {
        runtime: Option<Id>,
        sleeps: Vec<Pin<Box<Sleep>>>,
    }

    thread_local! {
        static POOL: RefCell<Pool> = const {
            RefCell::new(Pool {
                runtime: None,
                sleeps: Vec::new(),
            })
        };
    }

    /// A timer on loan from the pool; given back when dropped.
    #[derive(Debug)]
    pub(super) struct PooledSleep {
        // `None` only while being given back.
        sleep: Option<Pin<Box<Sleep>>>,
        runtime: Option<Id>,
    }

    impl PooledSleep {
        /// A timer firing at `deadline`: a pooled one moved there, or a new one.
        ///
        /// Panics outside a tokio runtime with the time driver enabled, as
        /// `tokio::time::sleep` does.
        pub(super) fn until(deadline: Instant) -> Self {
            let runtime = Handle::try_current().ok().map(|h| h.id());
            let reused = runtime.and_then(|id| {
                POOL.try_with(|pool| {
                    let mut pool = pool.try_borrow_mut().ok()?;
                    if pool.runtime != Some(id) {
                        // This thread now runs another runtime: the old timers are of no use.
                        pool.sleeps.clear();
                        pool.runtime = Some(id);
                    }
                    pool.sleeps.pop()
                })
                .ok()
                .flatten()
            });
            let sleep = match reused {
                Some(mut sleep) => {
                    sleep.as_mut().reset(deadline);
                    sleep
                }
                None => Box::pin(tokio::time::sleep_until(deadline)),
            };
            Self {
                sleep: Some(sleep),
                runtime,
            }
        }

        /// Polls the timer.
        pub(super) fn poll_elapsed(&mut self, cx: &mut Context<'_>) -> Poll<()> {
            match &mut self.sleep {
                Some(sleep) => sleep.as_mut().poll(cx),
                None => Poll::Pending,
            }
        }
    }

    impl Drop for PooledSleep {
        fn drop(&mut self) {
            // Nothing here calls into tokio: this may run while the runtime shuts down.
            // The timer keeps the waker of the attempt's task until it is reused (or fires:
            // a spurious wake-up, which futures tolerate).
            let (Some(runtime), Some(sleep)) = (self.runtime, self.sleep.take()) else {
                return;
            };
            let _ = POOL.try_with(move |pool| {
                let Ok(mut pool) = pool.try_borrow_mut() else {
                    return;
                };
                if pool.runtime.is_none() {
                    pool.runtime = Some(runtime);
                }
                if pool.runtime == Some(runtime) && pool.sleeps.len() < MAX_POOLED {
                    pool.sleeps.push(sleep);
                }
            });
        }
    }
}

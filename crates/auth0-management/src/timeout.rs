//! The per-attempt timeout layer: each attempt (not the whole call with its retries) gets
//! this long; when it runs out the attempt fails with [`Error::Timeout`], which the retry
//! layer above may retry for idempotent methods.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use auth0_core::Error;
use bytes::Bytes;
use http::{Request, Response};
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
            sleep: limit.map(tokio::time::sleep),
            limit: limit.unwrap_or_default(),
        }
    }
}

pin_project_lite::pin_project! {
    /// The future of [`AttemptTimeout`]: the inner call, raced against the deadline.
    #[derive(Debug)]
    pub struct AttemptFuture<F> {
        #[pin]
        inner: F,
        #[pin]
        sleep: Option<tokio::time::Sleep>,
        limit: Duration,
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
            return Poll::Ready(out);
        }
        if let Some(sleep) = this.sleep.as_pin_mut()
            && sleep.poll(cx).is_ready()
        {
            return Poll::Ready(Err(Error::Timeout(*this.limit)));
        }
        Poll::Pending
    }
}

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
use tower::ServiceExt as _;
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
    S: Service<Request<Bytes>, Response = Response<Bytes>, Error = Error> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response<Bytes>;
    type Error = Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response<Bytes>, Error>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<Bytes>) -> Self::Future {
        let limit = req
            .extensions()
            .get::<RequestOptions>()
            .and_then(|o| o.timeout)
            .or(self.timeout);
        let fut = self.inner.clone().oneshot(req);
        Box::pin(async move {
            match limit {
                Some(limit) => tokio::time::timeout(limit, fut)
                    .await
                    .unwrap_or(Err(Error::Timeout(limit))),
                None => fut.await,
            }
        })
    }
}

//! The bottom of the client's stack: the default HTTP client called directly, or whatever
//! service (user layers, a replaced HTTP service) the builder was given.
//!
//! Calling [`HttpClient`] directly rather than through [`HttpService`] spares each call a
//! clone of the boxed service and the box around the client's future (two heap
//! allocations): the client's [`SendFuture`](auth0_core::http_client::SendFuture) is held
//! inline. Any other service is shared behind an `Arc` and cloned (its own, usually cheap,
//! clone) inside the one boxed future of each call; its readiness is awaited there.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use auth0_core::Error;
#[cfg(feature = "hyper-client")]
use auth0_core::http_client::HttpClient;
use bytes::Bytes;
#[cfg(feature = "hyper-client")]
use futures_util::future::Either;
use http::{Request, Response};
use tower::ServiceExt as _;
use tower::util::BoxCloneSyncService;
use tower_service::Service;

use crate::client::HttpService;

/// The future of a shared service's call.
type BoxedCall = Pin<Box<dyn Future<Output = Result<Response<Bytes>, Error>> + Send>>;

/// Starts one call on a shared service.
type SharedCall = Arc<dyn Fn(Request<Bytes>) -> BoxedCall + Send + Sync>;

/// The future of one HTTP exchange: the default client's, inline, or a shared service's.
#[cfg(feature = "hyper-client")]
pub(crate) type TransportFuture = Either<auth0_core::http_client::SendFuture, BoxedCall>;
/// The future of one HTTP exchange through the shared service.
#[cfg(not(feature = "hyper-client"))]
pub(crate) type TransportFuture = BoxedCall;

/// What the layers of the stack finally call.
#[derive(Clone)]
pub(crate) enum Transport {
    /// The default client, with no user layers above it.
    #[cfg(feature = "hyper-client")]
    Client(HttpClient),
    /// User layers and/or a user-supplied HTTP service.
    Service(SharedCall),
}

impl Transport {
    /// Shares `service`: each call clones it, waits until it is ready and calls it, all in
    /// the call's one boxed future.
    pub(crate) fn service<S>(service: S) -> Self
    where
        S: Service<Request<Bytes>, Response = Response<Bytes>, Error = Error>
            + Clone
            + Send
            + Sync
            + 'static,
        S::Future: Send + 'static,
    {
        Self::Service(Arc::new(move |request| {
            let service = service.clone();
            Box::pin(service.oneshot(request))
        }))
    }

    /// The same transport as a boxed service (for the token request's own stack).
    pub(crate) fn boxed(&self) -> HttpService {
        BoxCloneSyncService::new(self.clone())
    }
}

impl Service<Request<Bytes>> for Transport {
    type Response = Response<Bytes>;
    type Error = Error;
    type Future = TransportFuture;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        // The default client is always ready; a shared service is made ready in its call.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<Bytes>) -> TransportFuture {
        match self {
            #[cfg(feature = "hyper-client")]
            Self::Client(client) => Either::Left(client.send(request)),
            #[cfg(feature = "hyper-client")]
            Self::Service(call) => Either::Right(call(request)),
            #[cfg(not(feature = "hyper-client"))]
            Self::Service(call) => call(request),
        }
    }
}

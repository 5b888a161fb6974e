//! The bottom of the client's stack: the default HTTP client called directly, or whatever
//! service (user layers, a replaced HTTP service) the builder was given.
//!
//! Calling [`HttpClient`] directly rather than through [`HttpService`] spares each call a
//! clone of the boxed service and the box around the client's future (two heap
//! allocations): the client's [`SendFuture`](auth0_core::http_client::SendFuture) is held
//! inline.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use auth0_core::Error;
#[cfg(feature = "hyper-client")]
use auth0_core::http_client::HttpClient;
use bytes::Bytes;
#[cfg(feature = "hyper-client")]
use futures_util::future::Either;
use http::{Request, Response};
use tower::util::BoxCloneSyncService;
use tower_service::Service;

use crate::client::HttpService;

/// The future of a boxed service's call.
type BoxedCall = Pin<Box<dyn Future<Output = Result<Response<Bytes>, Error>> + Send>>;

/// The future of one HTTP exchange: the default client's, inline, or a boxed service's.
#[cfg(feature = "hyper-client")]
pub(crate) type TransportFuture = Either<auth0_core::http_client::SendFuture, BoxedCall>;
/// The future of one HTTP exchange through the boxed service.
#[cfg(not(feature = "hyper-client"))]
pub(crate) type TransportFuture = BoxedCall;

/// What the layers of the stack finally call.
#[derive(Clone)]
pub(crate) enum Transport {
    /// The default client, with no user layers above it.
    #[cfg(feature = "hyper-client")]
    Client(HttpClient),
    /// User layers and/or a user-supplied HTTP service.
    Service(HttpService),
}

impl Transport {
    /// The same transport as a boxed service (for the token request's own stack).
    pub(crate) fn boxed(&self) -> HttpService {
        match self {
            #[cfg(feature = "hyper-client")]
            Self::Client(client) => BoxCloneSyncService::new(client.clone()),
            Self::Service(service) => service.clone(),
        }
    }
}

impl Service<Request<Bytes>> for Transport {
    type Response = Response<Bytes>;
    type Error = Error;
    type Future = TransportFuture;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        match self {
            #[cfg(feature = "hyper-client")]
            Self::Client(_) => Poll::Ready(Ok(())),
            Self::Service(service) => service.poll_ready(cx),
        }
    }

    fn call(&mut self, request: Request<Bytes>) -> TransportFuture {
        match self {
            #[cfg(feature = "hyper-client")]
            Self::Client(client) => Either::Left(client.send(request)),
            #[cfg(feature = "hyper-client")]
            Self::Service(service) => Either::Right(service.call(request)),
            #[cfg(not(feature = "hyper-client"))]
            Self::Service(service) => service.call(request),
        }
    }
}

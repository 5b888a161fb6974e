//! The bearer-auth layer: puts `Authorization: Bearer <token>` on each attempt, and when a
//! refreshable [`TokenSource`] sees a 401, fetches a new token and sends the request once
//! more.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use auth0_core::{Error, SecretString};
use bytes::Bytes;
use futures_util::future::Either;
use http::header::{AUTHORIZATION, HeaderValue};
use http::{Request, Response, StatusCode};
use tower::ServiceExt as _;
use tower_layer::Layer;
use tower_service::Service;

use crate::retry::clone_request;
use crate::token::TokenSource;

/// The boxed future of a call that asks a [`TokenSource`] first.
pub type BoxedResponse = Pin<Box<dyn Future<Output = Result<Response<Bytes>, Error>> + Send>>;

/// `Bearer <token>` as a sensitive header value.
pub(crate) fn bearer(token: &SecretString) -> Result<HeaderValue, Error> {
    let mut value =
        HeaderValue::try_from(format!("Bearer {}", token.expose_secret())).map_err(|_| {
            Error::Config("the access token holds characters not allowed in a header".to_owned())
        })?;
    value.set_sensitive(true);
    Ok(value)
}

#[derive(Clone, Debug)]
enum Auth {
    /// A fixed header value: no lock, no await.
    Static(HeaderValue),
    Source(Arc<dyn TokenSource>),
}

/// Adds [`BearerAuth`] around a service.
#[derive(Clone, Debug)]
pub struct BearerAuthLayer {
    auth: Auth,
}

impl BearerAuthLayer {
    /// A layer sending this fixed token.
    pub fn fixed(token: &SecretString) -> Result<Self, Error> {
        Ok(Self {
            auth: Auth::Static(bearer(token)?),
        })
    }

    /// A layer asking `source` for the token of each attempt.
    pub fn source(source: Arc<dyn TokenSource>) -> Self {
        Self {
            auth: Auth::Source(source),
        }
    }
}

impl<S> Layer<S> for BearerAuthLayer {
    type Service = BearerAuth<S>;
    fn layer(&self, inner: S) -> BearerAuth<S> {
        BearerAuth {
            inner,
            auth: self.auth.clone(),
        }
    }
}

/// See [`BearerAuthLayer`].
#[derive(Clone, Debug)]
pub struct BearerAuth<S> {
    inner: S,
    auth: Auth,
}

impl<S> Service<Request<Bytes>> for BearerAuth<S>
where
    S: Service<Request<Bytes>, Response = Response<Bytes>, Error = Error> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response<Bytes>;
    type Error = Error;
    type Future = Either<S::Future, BoxedResponse>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<Bytes>) -> Self::Future {
        match &self.auth {
            Auth::Static(value) => {
                req.headers_mut().insert(AUTHORIZATION, value.clone());
                Either::Left(self.inner.call(req))
            }
            Auth::Source(source) => {
                // The ready service is taken along; a fresh clone stays for the next call.
                let clone = self.inner.clone();
                let inner = std::mem::replace(&mut self.inner, clone);
                let source = Arc::clone(source);
                Either::Right(Box::pin(async move {
                    let token = source.token().await?;
                    let again = clone_request(&req);
                    req.headers_mut().insert(AUTHORIZATION, bearer(&token)?);
                    let mut inner = inner;
                    let response = inner.call(req).await?;
                    if response.status() != StatusCode::UNAUTHORIZED || !source.invalidate(&token) {
                        return Ok(response);
                    }
                    let fresh = source.token().await?;
                    if fresh.expose_secret() == token.expose_secret() {
                        return Ok(response);
                    }
                    let mut again = again;
                    again.headers_mut().insert(AUTHORIZATION, bearer(&fresh)?);
                    inner.oneshot(again).await
                }))
            }
        }
    }
}

//! A tower layer that requires a valid bearer access token.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use http::header::{AUTHORIZATION, HeaderValue, WWW_AUTHENTICATE};
use http::{HeaderMap, Request, Response, StatusCode};
use tower_layer::Layer;
use tower_service::Service;

use crate::access_token::AccessTokenVerifier;
use crate::error::Error;

/// Wraps a service in [`RequireJwt`].
///
/// Requests without a valid `Authorization: Bearer` access token get 401 (or 403 when the
/// token lacks a required scope or permission) with an RFC 6750 `WWW-Authenticate` challenge,
/// and never reach the inner service. Accepted requests carry the token's
/// [`Claims`](crate::Claims) in their extensions. Rejections carry the [`Error`] in the
/// response extensions, for logging.
///
/// ```
/// # #[cfg(feature = "fetch-hyper")]
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # use auth0_testing::{FakeTenant, seed};
/// # let tenant = FakeTenant::start().await?;
/// # let token = tenant.issue_access_token(seed::USER_ID, "https://api.example.com/", &["read:messages"]);
/// use std::convert::Infallible;
/// use auth0_core::Domain;
/// use auth0_jwt::{AccessTokenVerifier, AsymmetricSignatureVerifier, Claims, JwtLayer};
/// use http::{Request, Response, StatusCode};
/// use tower::{Layer as _, ServiceExt as _, service_fn};
///
/// let domain = Domain::new("tenant.eu.auth0.com")?;
/// # let domain = tenant.domain();
/// let keys = AsymmetricSignatureVerifier::for_domain(&domain)?;
/// let verifier = AccessTokenVerifier::new(keys, domain.issuer(), "https://api.example.com/");
/// let api = JwtLayer::new(verifier).layer(service_fn(|req: Request<String>| async move {
///     let claims = req.extensions().get::<Claims>().expect("inserted by the layer");
///     Ok::<_, Infallible>(Response::new(format!("hello {}", claims.sub())))
/// }));
///
/// let request = |authorization: Option<String>| {
///     let mut request = Request::get("/messages");
///     if let Some(value) = authorization {
///         request = request.header("authorization", value);
///     }
///     request.body(String::new())
/// };
/// let ok = api.clone().oneshot(request(Some(format!("Bearer {token}")))?).await?;
/// assert_eq!(ok.status(), StatusCode::OK);
/// # assert_eq!(ok.body(), &format!("hello {}", seed::USER_ID));
/// let anonymous = api.oneshot(request(None)?).await?;
/// assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
/// assert_eq!(anonymous.headers()["www-authenticate"], "Bearer");
/// # Ok(()) }
/// # #[cfg(not(feature = "fetch-hyper"))]
/// # fn main() {}
/// ```
#[derive(Clone, Debug)]
pub struct JwtLayer {
    verifier: AccessTokenVerifier,
}

impl JwtLayer {
    /// A layer verifying with `verifier` (and its required scopes/permissions).
    pub fn new(verifier: AccessTokenVerifier) -> Self {
        Self { verifier }
    }
}

impl<S> Layer<S> for JwtLayer {
    type Service = RequireJwt<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RequireJwt {
            inner,
            verifier: self.verifier.clone(),
        }
    }
}

/// The service made by [`JwtLayer`].
#[derive(Clone, Debug)]
pub struct RequireJwt<S> {
    inner: S,
    verifier: AccessTokenVerifier,
}

/// Extracts the token of an `Authorization: Bearer <token>` header (scheme case-insensitive).
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let token = token.trim_start_matches(' ');
    (!token.is_empty()).then_some(token)
}

/// The response for a rejected request: status and `WWW-Authenticate` (no body).
pub fn rejection<B: Default>(error: Option<&Error>) -> Response<B> {
    let (status, challenge) = match error {
        None => (StatusCode::UNAUTHORIZED, "Bearer".to_owned()),
        Some(e) if e.is_forbidden() => {
            let scope = match e {
                Error::MissingScope(s) if is_token_chars(s) => format!(", scope=\"{s}\""),
                _ => String::new(),
            };
            (
                StatusCode::FORBIDDEN,
                format!("Bearer error=\"insufficient_scope\"{scope}"),
            )
        }
        Some(_) => (
            StatusCode::UNAUTHORIZED,
            "Bearer error=\"invalid_token\"".to_owned(),
        ),
    };
    let mut response = Response::new(B::default());
    *response.status_mut() = status;
    if let Ok(v) = HeaderValue::from_str(&challenge) {
        response.headers_mut().insert(WWW_AUTHENTICATE, v);
    }
    if let Some(e) = error {
        response.extensions_mut().insert(e.clone());
    }
    response
}

fn is_token_chars(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\')
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for RequireJwt<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    ReqBody: Send + 'static,
    ResBody: Default + Send + 'static,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<ReqBody>) -> Self::Future {
        // Take the service that was driven to readiness; leave a clone for the next call.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let verifier = self.verifier.clone();
        let token = bearer_token(request.headers()).map(str::to_owned);
        Box::pin(async move {
            let Some(token) = token else {
                return Ok(rejection(None));
            };
            match verifier.verify(&token).await {
                Ok(claims) => {
                    request.extensions_mut().insert(claims);
                    inner.call(request).await
                }
                Err(e) => Ok(rejection(Some(&e))),
            }
        })
    }
}

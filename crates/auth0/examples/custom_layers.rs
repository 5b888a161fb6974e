//! Your own tower layers around the Management API client: a layer that logs and counts every
//! attempt, a concurrency limit, and a whole-call deadline on top of the client's own
//! per-attempt timeout and 429-aware retries.
//!
//! `cargo run -p auth0 --example custom_layers` runs it against the embedded fake tenant, with
//! one injected 503 so the retry shows in the log.
#![allow(clippy::print_stdout)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use auth0::Error;
use auth0::management::{ApiRequest, HttpService, ManagementClient};
use auth0_testing::{FakeTenant, Fault, seed};
use bytes::Bytes;
use http::{Method, Request, Response};
use serde_json::Value;
use tower::{Layer, Service};

/// Counts and prints every attempt that reaches the HTTP service.
#[derive(Clone, Default)]
pub(crate) struct AttemptLog {
    pub(crate) attempts: Arc<AtomicUsize>,
}

impl<S> Layer<S> for AttemptLog {
    type Service = AttemptLogService<S>;
    fn layer(&self, inner: S) -> Self::Service {
        AttemptLogService {
            inner,
            attempts: Arc::clone(&self.attempts),
        }
    }
}

/// The service of [`AttemptLog`].
#[derive(Clone)]
pub(crate) struct AttemptLogService<S> {
    inner: S,
    attempts: Arc<AtomicUsize>,
}

impl<S> Service<Request<Bytes>> for AttemptLogService<S>
where
    S: Service<Request<Bytes>, Response = Response<Bytes>, Error = Error> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response<Bytes>;
    type Error = Error;
    type Future =
        std::pin::Pin<Box<dyn std::future::Future<Output = Result<Response<Bytes>, Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<Bytes>) -> Self::Future {
        let n = self.attempts.fetch_add(1, Ordering::SeqCst) + 1;
        let line = format!("attempt {n}: {} {}", req.method(), req.uri().path());
        let fut = self.inner.call(req);
        Box::pin(async move {
            let result = fut.await;
            match &result {
                Ok(resp) => println!("    {line} -> {}", resp.status()),
                Err(e) => println!("    {line} -> {e}"),
            }
            result
        })
    }
}

/// Builds a client with the custom layers and lists connections through a flaky tenant.
pub(crate) async fn run(
    tenant: &FakeTenant,
) -> Result<(usize, usize), Box<dyn std::error::Error + Send + Sync>> {
    let log = AttemptLog::default();
    let client = ManagementClient::builder(tenant.domain())
        .client_credentials(seed::M2M_CLIENT_ID, seed::M2M_CLIENT_SECRET)
        .allow_insecure_http(true)
        .layer(log.clone())
        .layer(tower::limit::ConcurrencyLimitLayer::new(16))
        .layer(tower::layer::layer_fn(|svc: HttpService| svc))
        .max_attempts(3)
        .timeout(Some(Duration::from_secs(2)))
        .build()?;
    tenant.inject(Fault::new("/api/v2/connections").times(1).status(503));
    // A deadline for the whole call, retries included, is just a timeout around the future.
    let listed = tokio::time::timeout(
        Duration::from_secs(10),
        client.execute_json::<Vec<Value>>(ApiRequest::new(Method::GET, "/connections")),
    )
    .await
    .map_err(|_| Error::Timeout(Duration::from_secs(10)))??;
    println!("    listed {} connections", listed.value.len());
    Ok((listed.value.len(), log.attempts.load(Ordering::SeqCst)))
}

#[allow(dead_code)]
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let tenant = FakeTenant::start().await?;
    let (_, attempts) = run(&tenant).await?;
    println!("{attempts} attempts reached the HTTP service (token fetch, 503, retry)");
    Ok(())
}

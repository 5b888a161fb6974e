//! The HTTP/1 server: accept loop, journal, faults, rate-limit headers, dispatch.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{HeaderValue, Method, Request, Response, StatusCode, header};
use http_body::{Body, Frame};
use http_body_util::{BodyExt as _, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;

use tokio::sync::watch;

use crate::errors;
use crate::faults::{Fault, glob};
use crate::journal::RecordedRequest;
use crate::tenant::{RATE_LIMIT, Shared, lock};
use crate::wire::{Req, Resp};
use crate::{authn, mgmt};

/// Largest request body the tenant reads.
const MAX_BODY: usize = 4 * 1024 * 1024;

/// Why a connection is dropped without an answer.
#[derive(Debug)]
pub(crate) struct Abort(&'static str);

impl std::fmt::Display for Abort {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for Abort {}

type ResponseBody = http_body_util::combinators::BoxBody<Bytes, Abort>;

/// Accepts connections until `shutdown` fires or its sender is dropped.
pub(crate) async fn serve(
    listener: tokio::net::TcpListener,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<()>,
) {
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => if let Ok((stream, _)) = accepted { stream } else {
                // Out of file descriptors or similar: back off briefly.
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                continue;
            },
            _ = shutdown.changed() => return,
        };
        let _ = stream.set_nodelay(true);
        let shared = Arc::clone(&shared);
        let mut stop = shutdown.clone();
        tokio::spawn(async move {
            let service = service_fn(move |req| handle(Arc::clone(&shared), req));
            let conn = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                _ = conn => {}
                _ = stop.changed() => {}
            }
        });
    }
}

async fn handle(
    shared: Arc<Shared>,
    request: Request<Incoming>,
) -> Result<Response<ResponseBody>, Abort> {
    let (parts, body) = request.into_parts();
    let Ok(body) = Limited::new(body, MAX_BODY).collect().await else {
        return Ok(finish(
            &shared,
            errors::invalid_request("the request body could not be read"),
            None,
        ));
    };
    let query = parts
        .uri
        .query()
        .map(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).unwrap_or_default())
        .unwrap_or_default();
    let req = Req {
        method: parts.method,
        path: parts.uri.path().to_owned(),
        query,
        headers: parts.headers,
        body: body.to_bytes(),
    };
    lock(&shared.journal).push(RecordedRequest {
        method: req.method.clone(),
        path: req.path.clone(),
        query: req.query.clone(),
        headers: req.headers.clone(),
        body: req.body.clone(),
    });
    let fault = take_fault(&shared, &req.method, &req.path);
    if let Some(delay) = fault.as_ref().and_then(|f| f.delay) {
        tokio::time::sleep(delay).await;
    }
    if fault.as_ref().is_some_and(|f| f.reset) {
        return Err(Abort("fault injection: connection reset"));
    }
    let resp = match fault.as_ref().and_then(|f| f.status.map(|s| (f, s))) {
        Some((fault, status)) => fault_response(fault, status),
        None => dispatch(&shared, &req),
    };
    Ok(finish(&shared, resp, fault.as_ref()))
}

/// Takes one use of the first matching fault.
fn take_fault(shared: &Shared, method: &Method, path: &str) -> Option<Fault> {
    let mut faults = lock(&shared.faults);
    let at = faults.iter().position(|f| f.matches(method, path))?;
    faults[at].remaining -= 1;
    let fault = faults[at].clone();
    if faults[at].remaining == 0 {
        faults.remove(at);
    }
    Some(fault)
}

fn fault_response(fault: &Fault, status: u16) -> Resp {
    match fault.rate_limit {
        Some((reset_at, retry_after)) => {
            let mut resp = errors::mgmt(429, "Global limit has been reached", "too_many_requests")
                .with_header("x-ratelimit-limit", &RATE_LIMIT.to_string())
                .with_header("x-ratelimit-remaining", "0")
                .with_header("x-ratelimit-reset", &reset_at.to_string());
            if let Some(secs) = retry_after {
                resp = resp.with_header("retry-after", &secs.to_string());
            }
            resp
        }
        None => errors::mgmt(status, "Injected fault", "injected_fault"),
    }
}

fn dispatch(shared: &Shared, req: &Req) -> Resp {
    let registered = lock(&shared.registered)
        .iter()
        .rev()
        .find(|r| r.method == req.method && glob(&r.pattern, &req.path))
        .cloned();
    if let Some(r) = registered {
        let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::OK);
        return if r.body.is_null() {
            Resp::empty(status)
        } else {
            Resp::json(status, &r.body)
        };
    }
    if req.path.starts_with("/api/v2/") {
        mgmt::handle(shared, req)
    } else {
        authn::handle(shared, req)
    }
}

/// Adds rate-limit headers, applies body spoiling, and builds the hyper response.
fn finish(shared: &Shared, mut resp: Resp, fault: Option<&Fault>) -> Response<ResponseBody> {
    if !resp.headers.contains_key("x-ratelimit-limit") {
        let now = shared.now();
        let (remaining, reset) = {
            let mut window = lock(&shared.rate_limit);
            if now >= window.window_start + 60 {
                window.window_start = now;
                window.used = 0;
            }
            window.used += 1;
            (
                RATE_LIMIT.saturating_sub(window.used),
                window.window_start + 60,
            )
        };
        resp = resp
            .with_header("x-ratelimit-limit", &RATE_LIMIT.to_string())
            .with_header("x-ratelimit-remaining", &remaining.to_string())
            .with_header("x-ratelimit-reset", &reset.to_string());
    }
    if fault.is_some_and(|f| f.non_json) {
        resp.headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        resp.body = Bytes::from_static(
            b"<html><head><title>Bad Gateway</title></head><body>upstream error</body></html>",
        );
    }
    let truncate = fault.is_some_and(|f| f.truncate);
    let body: ResponseBody = if truncate {
        resp.headers.insert(
            header::CONTENT_LENGTH,
            HeaderValue::from(resp.body.len().max(2)),
        );
        let half = resp.body.slice(..resp.body.len() / 2);
        Truncated { data: Some(half) }.boxed()
    } else {
        Full::new(resp.body)
            .map_err(|never: Infallible| match never {})
            .boxed()
    };
    let mut response = Response::new(body);
    *response.status_mut() = resp.status;
    *response.headers_mut() = resp.headers;
    response
}

/// A body that yields part of the data, then fails so the connection is cut.
struct Truncated {
    data: Option<Bytes>,
}

impl Body for Truncated {
    type Data = Bytes;
    type Error = Abort;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Abort>>> {
        match self.data.take() {
            Some(data) if !data.is_empty() => Poll::Ready(Some(Ok(Frame::data(data)))),
            _ => Poll::Ready(Some(Err(Abort("fault injection: truncated body")))),
        }
    }
}

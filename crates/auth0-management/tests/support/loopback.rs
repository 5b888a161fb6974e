//! A loopback HTTP/1 server for tests that check what the client put on the wire: every
//! request is read whole (head and body) and handed to the test's `answer` function, which
//! records what it needs and returns the response to send back.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;

/// Most connections one server accepts (the replay test makes about 2,000 calls).
const MAX_CONNECTIONS: usize = 20_000;

/// Starts the server on 127.0.0.1 (an ephemeral port) and returns its address; it stops
/// with the test's runtime.
pub(crate) async fn serve<F>(answer: F) -> SocketAddr
where
    F: Fn(http::request::Parts, Bytes) -> http::Response<Full<Bytes>> + Send + Sync + 'static,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local address");
    let answer = Arc::new(answer);
    tokio::spawn(async move {
        for _ in 0..MAX_CONNECTIONS {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let answer = Arc::clone(&answer);
            tokio::spawn(async move {
                let service = service_fn(move |req: http::Request<Incoming>| {
                    let answer = Arc::clone(&answer);
                    async move {
                        let (parts, body) = req.into_parts();
                        let body = body
                            .collect()
                            .await
                            .map(http_body_util::Collected::to_bytes)
                            .unwrap_or_default();
                        Ok::<_, Infallible>(answer(parts, body))
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    addr
}

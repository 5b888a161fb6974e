//! The default HTTP client against raw loopback servers that misbehave on purpose.

use std::time::Duration;

use auth0_core::Error;
use auth0_core::http_client::HttpClient;
use bytes::Bytes;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Serves each accepted connection (at most `max_conns`) with `reply` after reading the
/// request head, then closes it.
async fn serve(reply: &'static [u8], delay: Duration, max_conns: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        for _ in 0..max_conns {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let mut seen = Vec::new();
                while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                    match sock.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => seen.extend_from_slice(&buf[..n]),
                    }
                }
                tokio::time::sleep(delay).await;
                let _ = sock.write_all(reply).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    format!("http://{addr}")
}

fn client() -> HttpClient {
    HttpClient::builder()
        .allow_insecure_http(true)
        .timeout(Some(Duration::from_secs(2)))
        .max_body_bytes(1024)
        .build()
        .unwrap()
}

fn get(url: &str) -> http::Request<Bytes> {
    http::Request::get(url).body(Bytes::new()).unwrap()
}

#[tokio::test]
async fn reads_a_whole_response() {
    let base = serve(
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-ratelimit-remaining: 9\r\ncontent-length: 11\r\nconnection: close\r\n\r\n{\"ok\":true}",
        Duration::ZERO,
        1,
    )
    .await;
    let response = client().send(get(&format!("{base}/x"))).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.body().as_ref(), b"{\"ok\":true}");
    assert_eq!(response.headers()["x-ratelimit-remaining"], "9");
}

#[tokio::test]
async fn slow_server_times_out() {
    let base = serve(
        b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n",
        Duration::from_secs(30),
        1,
    )
    .await;
    let client = HttpClient::builder()
        .allow_insecure_http(true)
        .timeout(Some(Duration::from_millis(200)))
        .build()
        .unwrap();
    let err = client.send(get(&base)).await.unwrap_err();
    assert!(
        matches!(err, Error::Timeout(d) if d == Duration::from_millis(200)),
        "{err:?}"
    );
    assert_eq!(err.to_string(), "request timed out after 200ms");
}

#[tokio::test]
async fn a_send_future_outlives_its_client_and_its_timeout_starts_when_polled() {
    let base = serve(
        b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}",
        Duration::ZERO,
        1,
    )
    .await;
    let client = HttpClient::builder()
        .allow_insecure_http(true)
        .timeout(Some(Duration::from_millis(200)))
        .build()
        .unwrap();
    let pending: auth0_core::http_client::SendFuture = client.send(get(&base));
    drop(client);
    // Longer than the timeout: the clock starts at the first poll, not at `send`.
    tokio::time::sleep(Duration::from_millis(400)).await;
    let response = pending.await.unwrap();
    assert_eq!(response.body().as_ref(), b"{}");
}

#[tokio::test]
async fn the_tower_service_answers_as_send_does() {
    use tower_service::Service as _;
    let base = serve(
        b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 4\r\nconnection: close\r\n\r\nbusy",
        Duration::ZERO,
        1,
    )
    .await;
    let mut service = client();
    std::future::poll_fn(|cx| service.poll_ready(cx))
        .await
        .unwrap();
    let response = service.call(get(&base)).await.unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(response.body().as_ref(), b"busy");
    // Refused before anything is sent, through the service too.
    let mut strict = HttpClient::builder().build().unwrap();
    let err = strict.call(get(&base)).await.unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
}

#[tokio::test]
async fn truncated_body_is_a_transport_error() {
    let base = serve(
        b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{\"partial\":",
        Duration::ZERO,
        1,
    )
    .await;
    let err = client().send(get(&base)).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(
        err.to_string()
            .starts_with("transport error: could not read the response body"),
        "{err}"
    );
}

#[tokio::test]
async fn oversized_body_is_refused() {
    static BIG: std::sync::LazyLock<&'static [u8]> = std::sync::LazyLock::new(|| {
        let mut v = b"HTTP/1.1 200 OK\r\ncontent-length: 4096\r\n\r\n".to_vec();
        v.extend(std::iter::repeat_n(b'a', 4096));
        Box::leak(v.into_boxed_slice())
    });
    let base = serve(*BIG, Duration::ZERO, 1).await;
    let err = client().send(get(&base)).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "transport error: response body larger than 1024 bytes: length limit exceeded"
    );
}

#[tokio::test]
async fn connection_refused_is_a_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let err = client()
        .send(get(&format!("http://{addr}/")))
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("transport error: could not connect"),
        "{err}"
    );
}

#[tokio::test]
async fn plain_http_needs_the_opt_in() {
    let client = HttpClient::builder().build().unwrap();
    let err = client.send(get("http://127.0.0.1:1/")).await.unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert!(format!("{client:?}").contains("allow_insecure_http: false"));
}

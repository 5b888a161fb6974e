//! Shared by the benches: a keep-alive loopback hyper server and the three clients that
//! send it the same request.
#![allow(dead_code, unreachable_pub)]

use std::net::SocketAddr;
use std::sync::OnceLock;

use auth0_core::Domain;
use auth0_core::http_client::HttpClient;
use auth0_management::ManagementClient;
use auth0_management::request::ApiRequest;
use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::service::service_fn;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tower::ServiceExt as _;

pub const BODY: &[u8] = br#"{"user_id":"auth0|64b7f0c2d1e9a8b7c6d5e4f3","email":"alice@example.test","email_verified":true,"name":"Alice"}"#;

pub const CONCURRENCY: usize = 64;

/// A keep-alive HTTP/1 server on 127.0.0.1 running on its own thread and runtime.
pub fn server() -> SocketAddr {
    static ADDR: OnceLock<SocketAddr> = OnceLock::new();
    *ADDR.get_or_init(|| {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                loop {
                    let Ok((stream, _)) = listener.accept().await else {
                        continue;
                    };
                    let _ = stream.set_nodelay(true);
                    tokio::spawn(async move {
                        let svc = service_fn(|_req| async {
                            Ok::<_, std::convert::Infallible>(
                                http::Response::builder()
                                    .header("content-type", "application/json")
                                    .header("x-ratelimit-limit", "50")
                                    .header("x-ratelimit-remaining", "49")
                                    .header("x-ratelimit-reset", "1700000000")
                                    .body(Full::new(Bytes::from_static(BODY)))
                                    .unwrap(),
                            )
                        });
                        let _ = hyper::server::conn::http1::Builder::new()
                            .serve_connection(TokioIo::new(stream), svc)
                            .await;
                    });
                }
            });
        });
        addr
    })
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

pub fn url() -> String {
    format!(
        "http://{}/api/v2/users/auth0%7C64b7f0c2d1e9a8b7c6d5e4f3",
        server()
    )
}

/// The baseline: hyper-util's pooled client, with the body type a client that also sends
/// JSON bodies needs (`Full<Bytes>`; empty here, as in the managed call).
pub type Bare = Client<HttpConnector, Full<Bytes>>;

pub fn bare() -> Bare {
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    Client::builder(TokioExecutor::new()).build(connector)
}

/// The headers the Management stack sends besides `Authorization`: `User-Agent` and the
/// `Auth0-Client` telemetry, with the same values, built once.
fn telemetry_headers() -> &'static [(http::HeaderName, http::HeaderValue)] {
    static HEADERS: OnceLock<Vec<(http::HeaderName, http::HeaderValue)>> = OnceLock::new();
    HEADERS.get_or_init(|| {
        let mut headers = vec![(
            http::header::USER_AGENT,
            auth0_core::telemetry::user_agent(),
        )];
        if let Some(value) = auth0_core::TelemetryConfig::default().header_value() {
            headers.push((http::HeaderName::from_static("auth0-client"), value));
        }
        headers
    })
}

/// The same request as the managed call: the same URL and the same headers.
pub async fn bare_call(client: &Bare, url: &str) -> Bytes {
    let mut req = http::Request::get(url)
        .header("authorization", "Bearer eyJhbGciOiJSUzI1NiJ9.e30.sig")
        .body(Full::new(Bytes::new()))
        .unwrap();
    for (name, value) in telemetry_headers() {
        req.headers_mut().insert(name.clone(), value.clone());
    }
    let resp = client.request(req).await.unwrap();
    assert!(resp.status().is_success());
    resp.into_body().collect().await.unwrap().to_bytes()
}

pub fn core_client() -> HttpClient {
    // As the management client uses it: its own per-attempt timeout layer replaces the
    // transport's.
    HttpClient::builder()
        .allow_insecure_http(true)
        .timeout(None)
        .build()
        .unwrap()
}

pub async fn core_call(client: &HttpClient, url: &str) -> Bytes {
    let req = http::Request::get(url)
        .header("authorization", "Bearer eyJhbGciOiJSUzI1NiJ9.e30.sig")
        .body(Bytes::new())
        .unwrap();
    let resp = client.clone().oneshot(req).await.unwrap();
    assert!(resp.status().is_success());
    resp.into_body()
}

pub fn management() -> ManagementClient {
    ManagementClient::builder(Domain::insecure_http(&server().to_string()).unwrap())
        .allow_insecure_http(true)
        .token("eyJhbGciOiJSUzI1NiJ9.e30.sig")
        .build()
        .unwrap()
}

pub async fn management_call(client: &ManagementClient) -> Bytes {
    client
        .execute(ApiRequest::new(
            http::Method::GET,
            "/users/auth0%7C64b7f0c2d1e9a8b7c6d5e4f3",
        ))
        .await
        .unwrap()
        .value
}

/// The full Management stack over `client`, a bare hyper-util client: given the baseline's
/// own client, both send on the same connection pool, and the difference is the layers'.
pub fn management_over_bare_transport(client: &Bare) -> ManagementClient {
    // Behind an `Arc`: a hyper-util `Client` clone copies its whole configuration, which
    // would be the adapter's cost, not the stack's.
    let client = std::sync::Arc::new(client.clone());
    let transport = tower::service_fn(move |req: http::Request<Bytes>| {
        let client = std::sync::Arc::clone(&client);
        async move {
            let (parts, body) = req.into_parts();
            let resp = client
                .request(http::Request::from_parts(parts, Full::new(body)))
                .await
                .map_err(|e| auth0_core::Error::transport("request failed", e))?;
            let (parts, body) = resp.into_parts();
            let body = body
                .collect()
                .await
                .map_err(|e| auth0_core::Error::transport("body", e))?
                .to_bytes();
            Ok::<_, auth0_core::Error>(http::Response::from_parts(parts, body))
        }
    });
    ManagementClient::builder(Domain::insecure_http(&server().to_string()).unwrap())
        .allow_insecure_http(true)
        .token("eyJhbGciOiJSUzI1NiJ9.e30.sig")
        .http_service(transport)
        .build()
        .unwrap()
}

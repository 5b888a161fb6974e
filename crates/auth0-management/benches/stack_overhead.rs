//! Per-call overhead of the Management client's full tower stack (retry, bearer auth,
//! per-attempt timeout, telemetry, custom-domain filter, URL building, error mapping) over
//! a bare hyper-util client, both sending the same GET to the same loopback hyper server
//! over kept-alive pooled connections.
//!
//! Measured in one run, side by side:
//! - `bare_hyper_util`: `hyper_util::client::legacy::Client<HttpConnector>` + collecting
//!   the body — the baseline;
//! - `core_http_client`: `auth0_core::http_client::HttpClient` alone (the default
//!   transport: rustls connector in http-or-https mode, body cap);
//! - `management_client`: `ManagementClient::execute` with all default layers over the
//!   default transport.
//!
//! Each comes sequential (one call per iteration) and at 64 concurrent calls (one
//! iteration = 64 calls joined on one task). Run with `cargo bench -p auth0-management`.

use std::net::SocketAddr;
use std::sync::OnceLock;

use auth0_core::Domain;
use auth0_core::http_client::HttpClient;
use auth0_management::ManagementClient;
use auth0_management::request::ApiRequest;
use bytes::Bytes;
use http_body_util::{BodyExt as _, Empty, Full};
use hyper::service::service_fn;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tower::ServiceExt as _;

const BODY: &[u8] = br#"{"user_id":"auth0|64b7f0c2d1e9a8b7c6d5e4f3","email":"alice@example.test","email_verified":true,"name":"Alice"}"#;

const CONCURRENCY: usize = 64;

fn main() {
    divan::main();
}

/// A keep-alive HTTP/1 server on 127.0.0.1 running on its own thread and runtime.
fn server() -> SocketAddr {
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

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn url() -> String {
    format!(
        "http://{}/api/v2/users/auth0%7C64b7f0c2d1e9a8b7c6d5e4f3",
        server()
    )
}

type Bare = Client<HttpConnector, Empty<Bytes>>;

fn bare() -> Bare {
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    Client::builder(TokioExecutor::new()).build(connector)
}

async fn bare_call(client: &Bare, url: &str) -> Bytes {
    let req = http::Request::get(url)
        .header("authorization", "Bearer eyJhbGciOiJSUzI1NiJ9.e30.sig")
        .body(Empty::new())
        .unwrap();
    let resp = client.request(req).await.unwrap();
    assert!(resp.status().is_success());
    resp.into_body().collect().await.unwrap().to_bytes()
}

fn core_client() -> HttpClient {
    HttpClient::builder()
        .allow_insecure_http(true)
        .build()
        .unwrap()
}

async fn core_call(client: &HttpClient, url: &str) -> Bytes {
    let req = http::Request::get(url)
        .header("authorization", "Bearer eyJhbGciOiJSUzI1NiJ9.e30.sig")
        .body(Bytes::new())
        .unwrap();
    let resp = client.clone().oneshot(req).await.unwrap();
    assert!(resp.status().is_success());
    resp.into_body()
}

fn management() -> ManagementClient {
    ManagementClient::builder(Domain::insecure_http(&server().to_string()).unwrap())
        .allow_insecure_http(true)
        .token("eyJhbGciOiJSUzI1NiJ9.e30.sig")
        .build()
        .unwrap()
}

async fn management_call(client: &ManagementClient) -> Bytes {
    client
        .execute(ApiRequest::new(
            http::Method::GET,
            "/users/auth0%7C64b7f0c2d1e9a8b7c6d5e4f3",
        ))
        .await
        .unwrap()
        .value
}

/// The stack alone, over an HTTP service that answers at once without I/O: what the
/// layers, URL building and response mapping cost per call.
mod stack_only {
    use super::{BODY, Bytes, Domain, ManagementClient, management_call, runtime, server};

    #[divan::bench(sample_count = 2000)]
    fn management_client(b: divan::Bencher<'_, '_>) {
        let rt = runtime();
        let answer = tower::service_fn(|_req: http::Request<Bytes>| async {
            Ok::<_, auth0_core::Error>(
                http::Response::builder()
                    .header("content-type", "application/json")
                    .header("x-ratelimit-limit", "50")
                    .header("x-ratelimit-remaining", "49")
                    .header("x-ratelimit-reset", "1700000000")
                    .body(Bytes::from_static(BODY))
                    .unwrap(),
            )
        });
        let client =
            ManagementClient::builder(Domain::insecure_http(&server().to_string()).unwrap())
                .allow_insecure_http(true)
                .token("eyJhbGciOiJSUzI1NiJ9.e30.sig")
                .http_service(answer)
                .build()
                .unwrap();
        b.bench_local(|| rt.block_on(management_call(&client)));
    }
}

mod sequential {
    use super::{
        bare, bare_call, core_call, core_client, management, management_call, runtime, url,
    };

    #[divan::bench(sample_count = 2000)]
    fn bare_hyper_util(b: divan::Bencher<'_, '_>) {
        let rt = runtime();
        let client = bare();
        let url = url();
        rt.block_on(bare_call(&client, &url));
        b.bench_local(|| rt.block_on(bare_call(&client, &url)));
    }

    #[divan::bench(sample_count = 2000)]
    fn core_http_client(b: divan::Bencher<'_, '_>) {
        let rt = runtime();
        let client = core_client();
        let url = url();
        rt.block_on(core_call(&client, &url));
        b.bench_local(|| rt.block_on(core_call(&client, &url)));
    }

    #[divan::bench(sample_count = 2000)]
    fn management_client(b: divan::Bencher<'_, '_>) {
        let rt = runtime();
        let client = management();
        rt.block_on(management_call(&client));
        b.bench_local(|| rt.block_on(management_call(&client)));
    }
}

mod concurrent_64 {
    use super::{
        CONCURRENCY, bare, bare_call, core_call, core_client, management, management_call, runtime,
        url,
    };
    use futures_util::future::join_all;

    #[divan::bench(sample_count = 300)]
    fn bare_hyper_util(b: divan::Bencher<'_, '_>) {
        let rt = runtime();
        let client = bare();
        let url = url();
        let batch = || join_all((0..CONCURRENCY).map(|_| bare_call(&client, &url)));
        rt.block_on(batch());
        b.bench_local(|| rt.block_on(batch()));
    }

    #[divan::bench(sample_count = 300)]
    fn core_http_client(b: divan::Bencher<'_, '_>) {
        let rt = runtime();
        let client = core_client();
        let url = url();
        let batch = || join_all((0..CONCURRENCY).map(|_| core_call(&client, &url)));
        rt.block_on(batch());
        b.bench_local(|| rt.block_on(batch()));
    }

    #[divan::bench(sample_count = 300)]
    fn management_client(b: divan::Bencher<'_, '_>) {
        let rt = runtime();
        let client = management();
        let batch = || join_all((0..CONCURRENCY).map(|_| management_call(&client)));
        rt.block_on(batch());
        b.bench_local(|| rt.block_on(batch()));
    }
}

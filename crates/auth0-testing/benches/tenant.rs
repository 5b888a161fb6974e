//! Throughput of the fake tenant on one core: a single-threaded tokio runtime runs both the
//! server and the client, which reuses one keep-alive connection. The baseline is a bare
//! hyper server answering a fixed JSON body on the same runtime.
//!
//! Run with `cargo bench -p auth0-testing --bench tenant`.

#![allow(missing_docs, unreachable_pub)]

use std::convert::Infallible;

use auth0_core::http_client::HttpClient;
use auth0_testing::{FakeTenant, seed};
use bytes::Bytes;
use divan::Bencher;
use divan::counter::ItemsCount;
use http_body_util::Full;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::runtime::Runtime;

fn main() {
    divan::main();
}

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn client() -> HttpClient {
    HttpClient::builder()
        .allow_insecure_http(true)
        .build()
        .unwrap()
}

fn get(url: &str, token: Option<&str>) -> http::Request<Bytes> {
    let mut b = http::Request::get(url);
    if let Some(t) = token {
        b = b.header("authorization", format!("Bearer {t}"));
    }
    b.body(Bytes::new()).unwrap()
}

/// Baseline: a bare hyper HTTP/1 server with a fixed body, on the same runtime.
async fn baseline_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let service = service_fn(|_req| async {
                    Ok::<_, Infallible>(hyper::Response::new(Full::new(Bytes::from_static(
                        b"{\"keys\":[]}",
                    ))))
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    format!("http://{addr}/")
}

#[divan::bench]
fn baseline_bare_hyper_get(bencher: Bencher<'_, '_>) {
    let rt = runtime();
    let url = rt.block_on(baseline_server());
    let client = client();
    bencher
        .counter(ItemsCount::new(1u32))
        .bench_local(|| rt.block_on(client.send(get(&url, None))).unwrap());
}

#[divan::bench]
fn jwks_get(bencher: Bencher<'_, '_>) {
    let rt = runtime();
    let tenant = rt.block_on(FakeTenant::start()).unwrap();
    let url = tenant.jwks_url();
    let client = client();
    bencher
        .counter(ItemsCount::new(1u32))
        .bench_local(|| rt.block_on(client.send(get(&url, None))).unwrap());
}

#[divan::bench]
fn management_get_connection(bencher: Bencher<'_, '_>) {
    let rt = runtime();
    let tenant = rt.block_on(FakeTenant::start()).unwrap();
    let token = tenant.management_token();
    let url = format!(
        "{}/api/v2/connections/{}",
        tenant.base_url(),
        seed::DATABASE_CONNECTION_ID
    );
    let client = client();
    bencher
        .counter(ItemsCount::new(1u32))
        .bench_local(|| rt.block_on(client.send(get(&url, Some(&token)))).unwrap());
}

#[divan::bench]
fn client_credentials_token(bencher: Bencher<'_, '_>) {
    let rt = runtime();
    let tenant = rt.block_on(FakeTenant::start()).unwrap();
    let url = format!("{}/oauth/token", tenant.base_url());
    let body = serde_urlencoded::to_string([
        ("grant_type", "client_credentials"),
        ("client_id", seed::M2M_CLIENT_ID),
        ("client_secret", seed::M2M_CLIENT_SECRET),
        ("audience", seed::API_IDENTIFIER),
    ])
    .unwrap();
    let client = client();
    bencher.counter(ItemsCount::new(1u32)).bench_local(|| {
        let req = http::Request::post(&url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Bytes::from(body.clone()))
            .unwrap();
        rt.block_on(client.send(req)).unwrap()
    });
}

#[divan::bench(sample_count = 20)]
fn startup_and_shutdown(bencher: Bencher<'_, '_>) {
    let rt = runtime();
    bencher.bench_local(|| {
        let tenant = rt.block_on(FakeTenant::start()).unwrap();
        drop(tenant);
    });
}

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

mod support;

use auth0_core::Domain;
use auth0_management::ManagementClient;
use bytes::Bytes;

use support::{BODY, management_call, runtime, server};

fn main() {
    divan::main();
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
    use crate::support::{
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
    use crate::support::{
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

//! Hostile servers, across both API clients, against the fake tenant's fault injection (and,
//! for redirects, a tiny loopback server): 429 storms with retries on and off, 5xx and
//! connection resets on non-idempotent requests (never sent twice), HTML error pages,
//! truncated JSON on success paths, and redirects that are never followed.
//! Every test is bounded by a timeout; loopback only.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use auth0_authentication::{AuthenticationClient, ClientCredentials};
use auth0_core::{Domain, Error};
use auth0_management::{ApiRequest, ApiResponse, ManagementClient};
use auth0_testing::{FakeTenant, Fault, seed};
use http::Method;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;

const LIMIT: Duration = Duration::from_secs(60);

fn auth(tenant: &FakeTenant, retries: u32) -> AuthenticationClient {
    AuthenticationClient::builder(tenant.domain())
        .allow_insecure_http(true)
        .client_id(seed::M2M_CLIENT_ID)
        .client_secret(seed::M2M_CLIENT_SECRET)
        .retries(retries)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

fn management(tenant: &FakeTenant) -> ManagementClient {
    ManagementClient::builder(tenant.domain())
        .allow_insecure_http(true)
        .token(tenant.management_token())
        .build()
        .unwrap()
}

fn requests_to(tenant: &FakeTenant, method: &Method, path: &str) -> usize {
    tenant
        .journal()
        .iter()
        .filter(|r| r.method == method && r.path == path)
        .count()
}

async fn client_credentials(
    client: &AuthenticationClient,
    tenant: &FakeTenant,
) -> Result<(), Error> {
    client
        .token()
        .client_credentials(ClientCredentials::new(tenant.management_audience()))
        .await
        .map(drop)
}

#[tokio::test]
async fn authentication_429_storm_with_retries_off_and_on() {
    tokio::time::timeout(LIMIT, async {
        let tenant = FakeTenant::start().await.unwrap();
        let reset = u64::try_from(tenant.now()).unwrap();
        // Off (the default): one request, the rate-limit error with its reset.
        tenant.inject(
            Fault::new("/oauth/token")
                .times(100)
                .status_429(reset, Some(0)),
        );
        let e = client_credentials(&auth(&tenant, 0), &tenant)
            .await
            .unwrap_err();
        let Error::RateLimited(limited) = &e else {
            panic!("expected RateLimited, got {e:?}");
        };
        assert_eq!(limited.reset_at(), Some(reset));
        assert_eq!(requests_to(&tenant, &Method::POST, "/oauth/token"), 1);

        // On, 3 retries, a storm that does not end: 4 requests, then the rate-limit error.
        tenant.clear_journal();
        let e = client_credentials(&auth(&tenant, 3), &tenant)
            .await
            .unwrap_err();
        assert!(matches!(e, Error::RateLimited(_)), "{e:?}");
        assert_eq!(requests_to(&tenant, &Method::POST, "/oauth/token"), 4);

        // On, a storm of two: the third request succeeds.
        tenant.clear_faults();
        tenant.clear_journal();
        tenant.inject(
            Fault::new("/oauth/token")
                .times(2)
                .status_429(reset, Some(0)),
        );
        client_credentials(&auth(&tenant, 3), &tenant)
            .await
            .unwrap();
        assert_eq!(requests_to(&tenant, &Method::POST, "/oauth/token"), 3);
    })
    .await
    .expect("bounded in time");
}

/// A 5xx or a reset connection on a POST is never retried, even with retries switched on:
/// the change might have been applied.
#[tokio::test]
async fn non_idempotent_posts_are_never_sent_twice() {
    tokio::time::timeout(LIMIT, async {
        let tenant = FakeTenant::start().await.unwrap();
        let client = auth(&tenant, 3);
        tenant.inject(Fault::new("/oauth/token").status(503));
        let e = client_credentials(&client, &tenant).await.unwrap_err();
        assert!(matches!(&e, Error::Api(api) if api.status == 503), "{e:?}");
        assert_eq!(requests_to(&tenant, &Method::POST, "/oauth/token"), 1);

        tenant.clear_journal();
        tenant.inject(Fault::new("/oauth/token").reset_connection());
        let e = client_credentials(&client, &tenant).await.unwrap_err();
        assert!(matches!(e, Error::Transport(_)), "{e:?}");
        assert!(requests_to(&tenant, &Method::POST, "/oauth/token") <= 1);

        let mgmt = management(&tenant);
        let users = "/api/v2/users";
        let body = json!({
            "connection": seed::DATABASE_CONNECTION,
            "email": "new-user@example.test",
            "password": "Another-Strong-Password-9",
        });
        for fault in [
            Fault::new(users).method(Method::POST).status(503),
            Fault::new(users).method(Method::POST).status(500),
            Fault::new(users).method(Method::POST).reset_connection(),
        ] {
            tenant.clear_journal();
            tenant.inject(fault);
            let r: Result<ApiResponse<Value>, _> = mgmt
                .execute_json(ApiRequest::new(Method::POST, "/users").json(&body).unwrap())
                .await;
            assert!(r.is_err(), "{r:?}");
            assert!(
                requests_to(&tenant, &Method::POST, users) <= 1,
                "a POST was sent twice"
            );
        }
    })
    .await
    .expect("bounded in time");
}

#[tokio::test]
async fn html_error_pages_give_a_clear_error() {
    tokio::time::timeout(LIMIT, async {
        let tenant = FakeTenant::start().await.unwrap();
        tenant.inject(Fault::new("/oauth/token").status(502).non_json_body());
        let e = client_credentials(&auth(&tenant, 0), &tenant)
            .await
            .unwrap_err();
        assert!(matches!(&e, Error::Api(api) if api.status == 502), "{e:?}");
        let shown = e.to_string();
        assert!(shown.contains("502"), "{shown}");

        // GETs are retried on 5xx: the fault outlasts every attempt.
        tenant.inject(
            Fault::new("/api/v2/connections")
                .times(20)
                .status(502)
                .non_json_body(),
        );
        let r: Result<ApiResponse<Value>, _> = management(&tenant)
            .execute_json(ApiRequest::new(Method::GET, "/connections"))
            .await;
        let seen: Vec<String> = tenant
            .journal()
            .iter()
            .map(|r| format!("{} {}", r.method, r.path))
            .collect();
        let e = r.expect_err(&format!("{seen:?}"));
        assert!(matches!(&e, Error::Api(api) if api.status == 502), "{e:?}");
        assert!(e.to_string().contains("502"), "{e}");
    })
    .await
    .expect("bounded in time");
}

#[tokio::test]
async fn truncated_json_on_success_paths_is_an_error_not_a_panic() {
    tokio::time::timeout(LIMIT, async {
        let tenant = FakeTenant::start().await.unwrap();
        tenant.inject(Fault::new("/api/v2/connections").times(20).truncate_body());
        let r: Result<ApiResponse<Value>, _> = management(&tenant)
            .execute_json(ApiRequest::new(Method::GET, "/connections"))
            .await;
        let e = r.unwrap_err();
        assert!(matches!(e, Error::Decode(_) | Error::Transport(_)), "{e:?}");

        tenant.inject(Fault::new("/oauth/token").truncate_body());
        let e = client_credentials(&auth(&tenant, 0), &tenant)
            .await
            .unwrap_err();
        assert!(matches!(e, Error::Decode(_) | Error::Transport(_)), "{e:?}");

        let token = tenant.issue_access_token(seed::USER_ID, &tenant.management_audience(), &[]);
        tenant.inject(Fault::new("/userinfo").truncate_body());
        let e = auth(&tenant, 0).users().userinfo(token).await.unwrap_err();
        assert!(matches!(e, Error::Decode(_) | Error::Transport(_)), "{e:?}");
    })
    .await
    .expect("bounded in time");
}

/// A loopback server that answers every request with a 302 to `location`, counting
/// connections; and a second one that only counts (the redirect's target).
async fn redirecting_server(location: String) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            let location = location.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16 * 1024];
                let _ = tokio::time::timeout(Duration::from_secs(5), socket.read(&mut buf)).await;
                let answer = format!(
                    "HTTP/1.1 302 Found\r\nlocation: {location}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                );
                let _ = socket.write_all(answer.as_bytes()).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    (format!("127.0.0.1:{}", addr.port()), hits)
}

async fn redirect_outcomes() -> (
    Result<(), Error>,
    Result<ApiResponse<Value>, Error>,
    usize,
    usize,
) {
    // The target: another "host" (another port) that must never be contacted.
    let (target, target_hits) = redirecting_server("http://127.0.0.1:9/".to_owned()).await;
    let (origin, origin_hits) = redirecting_server(format!("http://{target}/steal")).await;
    let domain = Domain::insecure_http(&origin).unwrap();
    let client = AuthenticationClient::builder(domain.clone())
        .allow_insecure_http(true)
        .client_id(seed::M2M_CLIENT_ID)
        .client_secret(seed::M2M_CLIENT_SECRET)
        .retries(3)
        .build()
        .unwrap();
    let auth = client
        .token()
        .client_credentials(ClientCredentials::new("https://api/"))
        .await
        .map(drop);
    let mgmt = ManagementClient::builder(domain)
        .allow_insecure_http(true)
        .token("static-management-token-value")
        .build()
        .unwrap();
    let management = mgmt
        .execute_json(ApiRequest::new(Method::GET, "/connections"))
        .await;
    (
        auth,
        management,
        origin_hits.load(Ordering::SeqCst),
        target_hits.load(Ordering::SeqCst),
    )
}

/// Neither client follows a redirect: credentials never reach the host in `Location`.
#[tokio::test]
async fn redirects_are_never_followed_with_credentials() {
    tokio::time::timeout(LIMIT, async {
        let (auth, management, origin_hits, target_hits) = redirect_outcomes().await;
        assert!(auth.is_err(), "{auth:?}");
        assert!(management.is_err(), "{management:?}");
        assert!(origin_hits >= 2);
        assert_eq!(target_hits, 0, "a redirect was followed to another host");
    })
    .await
    .expect("bounded in time");
}

/// A 3xx answer should be reported as what it is (an API error with status 302), not as a
/// success whose empty body fails to decode.
#[tokio::test]
async fn redirects_are_reported_as_api_errors_with_their_status() {
    tokio::time::timeout(LIMIT, async {
        let (auth, management, _, _) = redirect_outcomes().await;
        let e = management.unwrap_err();
        assert!(matches!(&e, Error::Api(api) if api.status == 302), "{e:?}");
        let e = auth.unwrap_err();
        assert!(matches!(&e, Error::Api(api) if api.status == 302), "{e:?}");
    })
    .await
    .expect("bounded in time");
}

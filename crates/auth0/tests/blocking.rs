//! The blocking facade drives the async clients against the fake tenant.
#![cfg(all(feature = "blocking", feature = "testing", feature = "authentication"))]

use auth0::authentication::{AuthenticationClient, ClientCredentials};
use auth0::blocking::Runtime;
use auth0::testing::{FakeTenant, seed};

fn start() -> (Runtime, FakeTenant) {
    let runtime = Runtime::new().unwrap();
    let tenant = runtime.block_on(FakeTenant::start()).unwrap();
    (runtime, tenant)
}

#[test]
fn client_credentials_from_plain_sync_code() {
    let (runtime, tenant) = start();
    let auth = runtime
        .wrap(|| {
            AuthenticationClient::builder(tenant.domain())
                .client_id(seed::M2M_CLIENT_ID)
                .client_secret(seed::M2M_CLIENT_SECRET)
                .allow_insecure_http(true)
                .build()
        })
        .unwrap();
    let audience = tenant.management_audience();
    let tokens = auth
        .call(|c| async move {
            c.token()
                .client_credentials(ClientCredentials::new(audience))
                .await
        })
        .unwrap();
    assert_eq!(tokens.token_type.as_deref(), Some("Bearer"));
    assert!(tokens.expires_in.unwrap() > 0);
    // Two calls on one client reuse the runtime.
    let err = auth
        .call(|c| async move {
            c.token()
                .client_credentials(ClientCredentials::new("https://no-such-api.example/"))
                .await
        })
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403), "{err}");
    let journal = tenant.journal();
    assert_eq!(
        journal.iter().filter(|r| r.path == "/oauth/token").count(),
        2
    );
}

#[tokio::test]
async fn works_inside_another_runtime_without_panicking() {
    let runtime = Runtime::new().unwrap();
    let value = runtime.block_on(async { 40 + 2 });
    assert_eq!(value, 42);
    // Dropping the last handle inside an async context must not panic either.
    drop(runtime);
}

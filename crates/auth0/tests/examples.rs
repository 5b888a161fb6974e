//! Every umbrella example that can run, run against the fake tenant.
#![cfg(all(feature = "jwt", feature = "authentication", feature = "management"))]
#![allow(clippy::print_stdout)]

#[path = "../examples/full_backend.rs"]
mod full_backend;

#[path = "../examples/custom_layers.rs"]
mod custom_layers;

#[cfg(feature = "blocking")]
#[path = "../examples/blocking_script.rs"]
mod blocking_script;

use auth0::authentication::{AuthenticationClient, PasswordGrant};
use auth0_testing::{FakeTenant, seed};

#[tokio::test]
async fn full_backend_serves_me_for_a_valid_token_only() {
    let tenant = FakeTenant::start().await.unwrap();
    let settings = full_backend::Settings {
        domain: tenant.domain(),
        audience: seed::API_IDENTIFIER.to_owned(),
        client_id: seed::M2M_CLIENT_ID.to_owned(),
        client_secret: seed::M2M_CLIENT_SECRET.to_owned(),
    };
    let app = full_backend::app(&settings).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    // A user's access token for the API, from the password grant.
    let auth = AuthenticationClient::builder(tenant.domain())
        .client_id(seed::WEB_CLIENT_ID)
        .client_secret(seed::WEB_CLIENT_SECRET)
        .allow_insecure_http(true)
        .build()
        .unwrap();
    let tokens = auth
        .token()
        .password(
            PasswordGrant::new(seed::USER_EMAIL, seed::USER_PASSWORD)
                .realm(seed::DATABASE_CONNECTION)
                .audience(seed::API_IDENTIFIER)
                .scope("openid read:messages"),
        )
        .await
        .unwrap();

    let http = auth0::core::http_client::HttpClient::builder()
        .allow_insecure_http(true)
        .build()
        .unwrap();
    let get = |auth: Option<String>| {
        let mut req = http::Request::get(format!("http://{addr}/api/me"));
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        req.body(bytes::Bytes::new()).unwrap()
    };
    let ok = http
        .send(get(Some(format!(
            "Bearer {}",
            tokens.access_token.expose_secret()
        ))))
        .await
        .unwrap();
    assert_eq!(ok.status(), 200, "{:?}", ok.body());
    let body: serde_json::Value = serde_json::from_slice(ok.body()).unwrap();
    assert_eq!(body["sub"], seed::USER_ID);
    assert_eq!(body["email"], seed::USER_EMAIL);

    let missing = http.send(get(None)).await.unwrap();
    assert_eq!(missing.status(), 401);
    let forged = http
        .send(get(Some("Bearer eyJhbGciOiJub25lIn0.e30.".to_owned())))
        .await
        .unwrap();
    assert_eq!(forged.status(), 401);
    server.abort();
}

#[tokio::test]
async fn custom_layers_see_the_retry() {
    let tenant = FakeTenant::start().await.unwrap();
    let (connections, attempts) = custom_layers::run(&tenant).await.unwrap();
    assert!(connections >= 1);
    // The user's layers see every request: the token fetch, the 503 and the retry.
    assert_eq!(attempts, 3);
}

#[cfg(feature = "blocking")]
#[test]
fn blocking_script_lists_connections() {
    let runtime = auth0::blocking::Runtime::new().unwrap();
    let tenant = runtime.block_on(FakeTenant::start()).unwrap();
    let names = blocking_script::list_connection_names(&runtime, &tenant).unwrap();
    assert!(
        names.iter().any(|n| n == seed::DATABASE_CONNECTION),
        "{names:?}"
    );
}

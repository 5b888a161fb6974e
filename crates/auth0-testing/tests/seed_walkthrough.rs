//! The seed walkthrough: a Management API token by `private_key_jwt`, list connections,
//! change one, read it back, and verify an ID token the tenant issued.

mod common;

use auth0_testing::{FakeTenant, seed};
use common::{api, assertion, get, post_form, verify};
use serde_json::json;

#[tokio::test]
async fn walkthrough() {
    let t = FakeTenant::start().await.unwrap();
    let base = t.base_url();

    let token_reply = post_form(
        &format!("{base}/oauth/token"),
        &[
            ("grant_type", "client_credentials"),
            ("client_id", seed::PKJWT_CLIENT_ID),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", &assertion(&t, "walkthrough-1")),
            ("audience", &t.management_audience()),
        ],
    )
    .await;
    assert_eq!(token_reply.status, 200, "{}", token_reply.json);
    let token = token_reply.str("access_token").to_owned();

    let list = api(
        "GET",
        &format!("{base}/api/v2/connections?strategy=auth0"),
        &token,
        None,
    )
    .await;
    assert_eq!(list.status, 200, "{}", list.json);
    let connections = list.json.as_array().unwrap();
    assert_eq!(connections.len(), 1);
    assert_eq!(connections[0]["name"], seed::DATABASE_CONNECTION);
    let id = connections[0]["id"].as_str().unwrap();

    let patched = api(
        "PATCH",
        &format!("{base}/api/v2/connections/{id}"),
        &token,
        Some(&json!({ "display_name": "Renamed database" })),
    )
    .await;
    assert_eq!(patched.status, 200, "{}", patched.json);
    let read_back = api(
        "GET",
        &format!("{base}/api/v2/connections/{id}"),
        &token,
        None,
    )
    .await;
    assert_eq!(read_back.json["display_name"], "Renamed database");
    assert_eq!(read_back.json["name"], seed::DATABASE_CONNECTION);

    let id_token = t
        .issue_id_token(seed::USER_ID, seed::WEB_CLIENT_ID, Some("n-0S6_WzA2Mj"))
        .unwrap();
    let jwks = get(&t.jwks_url()).await.json;
    let claims = verify(&id_token, &jwks).unwrap();
    assert_eq!(claims["iss"], t.issuer());
    assert_eq!(claims["sub"], seed::USER_ID);
    assert_eq!(claims["aud"], seed::WEB_CLIENT_ID);
    assert_eq!(claims["nonce"], "n-0S6_WzA2Mj");
    assert_eq!(claims["email"], seed::USER_EMAIL);
    assert!(claims["exp"].as_i64().unwrap() > claims["iat"].as_i64().unwrap());
    assert!(claims["auth_time"].is_i64());
}

//! Tenant settings, signing keys (rotating through the Management API changes the JWKS and
//! the tokens), and user tickets.

mod common;

use auth0_testing::{FakeTenant, seed};
use common::{api, decode, get, mgmt_token, post_form};
use serde_json::json;

#[tokio::test]
async fn settings_default_audience_changes_token_issuance() {
    let t = FakeTenant::start().await.unwrap();
    let token = mgmt_token(&t).await;
    let url = format!("{}/api/v2/tenants/settings", t.base_url());
    let read = api("GET", &url, &token, None).await;
    assert_eq!(read.status, 200);
    assert_eq!(read.json["default_directory"], seed::DATABASE_CONNECTION);
    let patched = api(
        "PATCH",
        &url,
        &token,
        Some(&json!({ "default_audience": seed::API_IDENTIFIER, "friendly_name": "Mine" })),
    )
    .await;
    assert_eq!(patched.json["friendly_name"], "Mine");
    assert_eq!(
        api("GET", &url, &token, None).await.json["default_audience"],
        seed::API_IDENTIFIER
    );
    let issued = post_form(
        &format!("{}/oauth/token", t.base_url()),
        &[
            ("grant_type", "client_credentials"),
            ("client_id", seed::M2M_CLIENT_ID),
            ("client_secret", seed::M2M_CLIENT_SECRET),
        ],
    )
    .await;
    assert_eq!(issued.status, 200, "{}", issued.json);
    assert_eq!(
        decode(issued.str("access_token")).1["aud"],
        seed::API_IDENTIFIER
    );
}

#[tokio::test]
async fn signing_keys_rotate_and_revoke_through_the_api() {
    let t = FakeTenant::start().await.unwrap();
    let token = mgmt_token(&t).await;
    let base = format!("{}/api/v2/keys/signing", t.base_url());
    let listed = api("GET", &base, &token, None).await;
    assert_eq!(listed.json.as_array().unwrap().len(), 1);
    let old = listed.json[0]["kid"].as_str().unwrap().to_owned();
    assert_eq!(listed.json[0]["current"], true);
    assert!(
        listed.json[0]["cert"]
            .as_str()
            .unwrap()
            .starts_with("-----BEGIN CERTIFICATE-----")
    );

    let rotated = api("POST", &format!("{base}/rotate"), &token, None).await;
    assert_eq!(rotated.status, 201, "{}", rotated.json);
    let new = rotated.str("kid").to_owned();
    assert_eq!(t.keys().signing_kid(), new);
    assert_eq!(
        get(&t.jwks_url()).await.json["keys"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(decode(&t.management_token()).0["kid"], new.as_str());

    let refused = api("PUT", &format!("{base}/{new}/revoke"), &token, None).await;
    assert_eq!(refused.status, 400);
    let revoked = api("PUT", &format!("{base}/{old}/revoke"), &token, None).await;
    assert_eq!(revoked.status, 200, "{}", revoked.json);
    let fresh = t.management_token();
    assert_eq!(
        api("GET", &format!("{base}/{old}"), &fresh, None)
            .await
            .json["revoked"],
        true
    );
    let jwks = get(&t.jwks_url()).await.json;
    assert_eq!(jwks["keys"].as_array().unwrap().len(), 1);
    assert_eq!(jwks["keys"][0]["kid"], new.as_str());
    // The management token signed by the revoked key no longer authenticates.
    assert_eq!(api("GET", &base, &token, None).await.status, 401);
}

#[tokio::test]
async fn user_tickets() {
    let t = FakeTenant::start().await.unwrap();
    let token = mgmt_token(&t).await;
    let base = format!("{}/api/v2/tickets", t.base_url());
    let verify = api(
        "POST",
        &format!("{base}/email-verification"),
        &token,
        Some(&json!({ "user_id": seed::USER_ID })),
    )
    .await;
    assert_eq!(verify.status, 201, "{}", verify.json);
    assert!(
        verify
            .str("ticket")
            .starts_with(&format!("{}/u/email-verification?ticket=", t.base_url()))
    );
    let reset = api(
        "POST",
        &format!("{base}/password-change"),
        &token,
        Some(&json!({ "email": seed::USER_EMAIL, "connection_id": seed::DATABASE_CONNECTION_ID })),
    )
    .await;
    assert_eq!(reset.status, 201, "{}", reset.json);
    assert!(reset.str("ticket").contains("/lo/reset?ticket="));
    let unknown = api(
        "POST",
        &format!("{base}/email-verification"),
        &token,
        Some(&json!({ "user_id": "auth0|nobody" })),
    )
    .await;
    assert_eq!(unknown.status, 404);
}

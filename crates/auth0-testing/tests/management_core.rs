//! Management API: token checks, scopes, users and connections CRUD, offset paging,
//! rate-limit headers, logs generated from activity.

mod common;

use std::time::Duration;

use auth0_testing::{FakeTenant, TenantSeed, seed};
use common::{api, mgmt_token};
use serde_json::{Value, json};

fn redact_ids() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"127\.0\.0\.1:\d+", "[host]");
    settings
}

#[tokio::test]
async fn tokens_are_checked_like_auth0() {
    let t = FakeTenant::start().await.unwrap();
    let url = format!("{}/api/v2/users", t.base_url());
    let cases = vec![
        ("missing", None),
        ("garbage", Some("abc".to_owned())),
        ("wrong_audience", Some(t.issue_access_token("x@clients", seed::API_IDENTIFIER, &["read:users"]))),
        ("unknown_kid", Some(t.sign_jwt(json!({ "kid": "other" }), json!({ "iss": t.issuer(), "aud": t.management_audience(), "exp": t.now() + 60, "scope": "read:users" })))),
        ("wrong_issuer", Some(t.sign_jwt(json!({}), json!({ "iss": "https://evil/", "aud": t.management_audience(), "exp": t.now() + 60, "scope": "read:users" })))),
    ];
    for (name, token) in cases {
        let mut builder = http::Request::get(&url);
        if let Some(token) = token {
            builder = builder.header("authorization", format!("Bearer {token}"));
        }
        let reply = common::send(builder.body(bytes::Bytes::new()).unwrap()).await;
        assert_eq!(reply.status, 401, "{name}: {}", reply.json);
        redact_ids().bind(|| insta::assert_json_snapshot!(format!("mgmt_401_{name}"), reply.json));
    }
    let token = t.management_token();
    t.advance_clock(Duration::from_secs(86_401));
    let expired = api("GET", &url, &token, None).await;
    assert_eq!(expired.status, 401);
    assert_eq!(expired.json["errorCode"], "token_expired");
}

#[tokio::test]
async fn scopes_are_enforced() {
    let t = FakeTenant::start().await.unwrap();
    let token = t.issue_access_token("someone@clients", &t.management_audience(), &["read:users"]);
    let ok = api(
        "GET",
        &format!("{}/api/v2/users", t.base_url()),
        &token,
        None,
    )
    .await;
    assert_eq!(ok.status, 200);
    let denied = api(
        "GET",
        &format!("{}/api/v2/connections", t.base_url()),
        &token,
        None,
    )
    .await;
    assert_eq!(denied.status, 403);
    insta::assert_json_snapshot!("mgmt_403_insufficient_scope", denied.json);
    let denied = api(
        "POST",
        &format!("{}/api/v2/users", t.base_url()),
        &token,
        Some(&json!({})),
    )
    .await;
    assert_eq!(
        denied.json["message"],
        "Insufficient scope, expected any of: create:users"
    );
}

#[tokio::test]
async fn every_management_response_has_rate_limit_headers() {
    let t = FakeTenant::start().await.unwrap();
    let token = mgmt_token(&t).await;
    let reply = api(
        "GET",
        &format!("{}/api/v2/roles", t.base_url()),
        &token,
        None,
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("x-ratelimit-limit"), Some("1000"));
    assert!(reply.header("x-ratelimit-remaining").is_some());
    assert!(reply.header("x-ratelimit-reset").is_some());
}

#[tokio::test]
async fn connections_crud() {
    let t = FakeTenant::start().await.unwrap();
    let token = mgmt_token(&t).await;
    let base = format!("{}/api/v2/connections", t.base_url());
    let created = api(
        "POST",
        &base,
        &token,
        Some(&json!({ "name": "corp-db", "strategy": "auth0" })),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.json);
    let id = created.str("id").to_owned();
    assert!(id.starts_with("con_"));
    assert_eq!(created.json["realms"], json!(["corp-db"]));

    let conflict = api(
        "POST",
        &base,
        &token,
        Some(&json!({ "name": "corp-db", "strategy": "auth0" })),
    )
    .await;
    assert_eq!(conflict.status, 409);
    insta::assert_json_snapshot!("connection_conflict", conflict.json);
    let missing = api("POST", &base, &token, Some(&json!({ "name": "x" }))).await;
    assert_eq!(missing.status, 400);
    insta::assert_json_snapshot!("connection_missing_strategy", missing.json);

    let by_name = api("GET", &format!("{base}?name=corp-db"), &token, None).await;
    assert_eq!(by_name.json.as_array().unwrap().len(), 1);
    let immutable = api(
        "PATCH",
        &format!("{base}/{id}"),
        &token,
        Some(&json!({ "name": "other" })),
    )
    .await;
    assert_eq!(immutable.status, 400);
    let patched = api(
        "PATCH",
        &format!("{base}/{id}"),
        &token,
        Some(&json!({ "options": { "mfa": { "active": true } } })),
    )
    .await;
    assert_eq!(patched.json["options"]["mfa"]["active"], true);

    let fields = api(
        "GET",
        &format!("{base}/{id}?fields=name,strategy&include_fields=true"),
        &token,
        None,
    )
    .await;
    assert_eq!(
        fields.json,
        json!({ "name": "corp-db", "strategy": "auth0" })
    );

    assert_eq!(
        api("DELETE", &format!("{base}/{id}"), &token, None)
            .await
            .status,
        204
    );
    let gone = api("GET", &format!("{base}/{id}"), &token, None).await;
    assert_eq!(gone.status, 404);
    insta::assert_json_snapshot!("connection_not_found", gone.json);
}

#[tokio::test]
async fn users_crud_and_search() {
    let t = FakeTenant::start().await.unwrap();
    let token = mgmt_token(&t).await;
    let base = format!("{}/api/v2/users", t.base_url());
    let created = api(
        "POST",
        &base,
        &token,
        Some(&json!({
            "email": "carol@example.test",
            "password": "Passw0rd!-carol",
            "connection": seed::DATABASE_CONNECTION,
            "user_metadata": { "lang": "fr" },
        })),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.json);
    let id = created.str("user_id").to_owned();
    assert!(id.starts_with("auth0|"));
    assert!(created.json.get("password").is_none());
    assert_eq!(
        created.json["identities"][0]["connection"],
        seed::DATABASE_CONNECTION
    );
    let mut redacted = created.json.clone();
    for f in ["user_id", "created_at", "updated_at"] {
        redacted[f] = json!("[redacted]");
    }
    redacted["identities"][0]["user_id"] = json!("[redacted]");
    insta::assert_json_snapshot!("user_created", redacted);

    let duplicate = api("POST", &base, &token, Some(&json!({ "email": "carol@example.test", "password": "x", "connection": seed::DATABASE_CONNECTION }))).await;
    assert_eq!(duplicate.status, 409);
    let no_conn = api(
        "POST",
        &base,
        &token,
        Some(&json!({ "email": "d@example.test", "password": "x", "connection": "nope" })),
    )
    .await;
    assert_eq!(no_conn.status, 400);

    let found = api(
        "GET",
        &format!("{base}?q=email:%22carol@example.test%22"),
        &token,
        None,
    )
    .await;
    assert_eq!(found.json.as_array().unwrap().len(), 1);
    let wildcard = api(
        "GET",
        &format!("{base}?q=email:*example.test"),
        &token,
        None,
    )
    .await;
    assert_eq!(wildcard.json.as_array().unwrap().len(), 3);
    let by_email = api(
        "GET",
        &format!(
            "{}/api/v2/users-by-email?email=CAROL@example.test",
            t.base_url()
        ),
        &token,
        None,
    )
    .await;
    assert_eq!(by_email.json[0]["user_id"], id.as_str());

    let url = format!("{base}/{}", common_encode(&id));
    let patched = api(
        "PATCH",
        &url,
        &token,
        Some(&json!({ "user_metadata": { "theme": "dark" }, "blocked": true })),
    )
    .await;
    assert_eq!(patched.status, 200, "{}", patched.json);
    assert_eq!(
        patched.json["user_metadata"],
        json!({ "lang": "fr", "theme": "dark" })
    );
    assert_eq!(patched.json["blocked"], true);
    let unset = api(
        "PATCH",
        &url,
        &token,
        Some(&json!({ "user_metadata": { "lang": null } })),
    )
    .await;
    assert_eq!(unset.json["user_metadata"], json!({ "theme": "dark" }));

    assert_eq!(api("DELETE", &url, &token, None).await.status, 204);
    let gone = api("GET", &url, &token, None).await;
    assert_eq!(gone.status, 404);
    assert_eq!(gone.json["errorCode"], "inexistent_user");
    assert_eq!(gone.json["message"], "The user does not exist.");
}

fn common_encode(id: &str) -> String {
    id.replace('|', "%7C")
}

#[tokio::test]
async fn offset_paging_with_totals_and_the_thousand_record_limit() {
    let mut seed = TenantSeed::standard();
    for i in 0..1005 {
        seed = seed.user(json!({
            "email": format!("user{i:04}@bulk.test"),
            "password": "x",
            "connection": seed::DATABASE_CONNECTION,
        }));
    }
    let t = FakeTenant::builder().seed(seed).start().await.unwrap();
    let token = mgmt_token(&t).await;
    let base = format!("{}/api/v2/users", t.base_url());
    let page = api(
        "GET",
        &format!("{base}?page=2&per_page=10&include_totals=true"),
        &token,
        None,
    )
    .await;
    assert_eq!(page.status, 200);
    assert_eq!(page.json["start"], 20);
    assert_eq!(page.json["limit"], 10);
    assert_eq!(page.json["length"], 10);
    assert_eq!(page.json["total"], 1007);
    assert_eq!(page.json["users"].as_array().unwrap().len(), 10);
    let without_totals = api("GET", &format!("{base}?page=0&per_page=3"), &token, None).await;
    assert_eq!(without_totals.json.as_array().unwrap().len(), 3);
    let last_allowed = api("GET", &format!("{base}?page=9&per_page=100"), &token, None).await;
    assert_eq!(last_allowed.status, 200);
    assert_eq!(last_allowed.json.as_array().unwrap().len(), 100);
    let beyond = api("GET", &format!("{base}?page=10&per_page=100"), &token, None).await;
    assert_eq!(beyond.status, 400);
    insta::assert_json_snapshot!("offset_limit", beyond.json);
    let too_big = api("GET", &format!("{base}?per_page=101"), &token, None).await;
    assert_eq!(too_big.status, 400);
    insta::assert_json_snapshot!("per_page_too_big", too_big.json);
}

#[tokio::test]
async fn logs_are_generated_from_activity() {
    let t = FakeTenant::start().await.unwrap();
    let token = mgmt_token(&t).await;
    let base = t.base_url();
    api(
        "POST",
        &format!("{base}/api/v2/roles"),
        &token,
        Some(&json!({ "name": "writer" })),
    )
    .await;
    let logs = api(
        "GET",
        &format!("{base}/api/v2/logs?include_totals=true"),
        &token,
        None,
    )
    .await;
    assert_eq!(logs.status, 200);
    let items = logs.json["logs"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["type"], "sapi", "newest first");
    assert_eq!(items[1]["type"], "seccft");
    assert_eq!(items[1]["client_id"], seed::M2M_CLIENT_ID);
    let first_id = items[1]["log_id"].as_str().unwrap().to_owned();
    let after = api(
        "GET",
        &format!("{base}/api/v2/logs?from={first_id}&take=10"),
        &token,
        None,
    )
    .await;
    let after = after.json.as_array().unwrap();
    assert_eq!(after.len(), 1);
    assert_eq!(after[0]["type"], "sapi");
    let one = api(
        "GET",
        &format!("{base}/api/v2/logs/{first_id}"),
        &token,
        None,
    )
    .await;
    assert_eq!(one.json["type"], "seccft");
    let filtered = api(
        "GET",
        &format!("{base}/api/v2/logs?q=type:seccft"),
        &token,
        None,
    )
    .await;
    assert_eq!(filtered.json.as_array().unwrap().len(), 1);
    assert_eq!(t.logs().len(), 2);
    let _: Vec<Value> = t.logs();
}

//! Fault injection, the journal, rate-limit headers, registered responses and shutdown.

mod common;

use std::time::Duration;

use auth0_testing::{FakeTenant, Fault};
use common::{api, client, get, mgmt_token, post_form};
use serde_json::json;

#[tokio::test]
async fn journal_records_every_request() {
    let t = FakeTenant::start().await.unwrap();
    get(&format!("{}/.well-known/jwks.json?x=1&y=two", t.base_url())).await;
    post_form(
        &format!("{}/oauth/token", t.base_url()),
        &[("grant_type", "client_credentials"), ("client_id", "a b")],
    )
    .await;
    let journal = t.journal();
    assert_eq!(journal.len(), 2);
    assert_eq!(journal[0].method, http::Method::GET);
    assert_eq!(journal[0].path, "/.well-known/jwks.json");
    assert_eq!(journal[0].query_value("y"), Some("two"));
    assert_eq!(journal[1].path, "/oauth/token");
    assert_eq!(journal[1].form_value("client_id").as_deref(), Some("a b"));
    assert_eq!(
        journal[1].header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert!(journal[1].json().is_none());
    t.clear_journal();
    assert!(t.journal().is_empty());
}

#[tokio::test]
async fn every_response_carries_rate_limit_headers() {
    let t = FakeTenant::start().await.unwrap();
    let first = get(&t.jwks_url()).await;
    let second = get(&format!("{}/nowhere", t.base_url())).await;
    for reply in [&first, &second] {
        assert_eq!(reply.header("x-ratelimit-limit"), Some("1000"));
        assert!(
            reply
                .header("x-ratelimit-reset")
                .unwrap()
                .parse::<i64>()
                .unwrap()
                > t.now() - 1
        );
    }
    let remaining = |r: &common::Reply| {
        r.header("x-ratelimit-remaining")
            .unwrap()
            .parse::<u64>()
            .unwrap()
    };
    assert_eq!(remaining(&first), 999);
    assert_eq!(remaining(&second), 998);
    assert_eq!(second.status, 404);
}

#[tokio::test]
async fn injected_429_carries_reset_and_retry_after_then_clears() {
    let t = FakeTenant::start().await.unwrap();
    t.inject(
        Fault::new("/.well-known/*")
            .times(2)
            .status_429(1_900_000_000, Some(7)),
    );
    for _ in 0..2 {
        let reply = get(&t.jwks_url()).await;
        assert_eq!(reply.status, 429);
        assert_eq!(reply.header("x-ratelimit-reset"), Some("1900000000"));
        assert_eq!(reply.header("x-ratelimit-remaining"), Some("0"));
        assert_eq!(reply.header("retry-after"), Some("7"));
        insta::assert_json_snapshot!("fault_429", reply.json);
    }
    assert_eq!(get(&t.jwks_url()).await.status, 200);
    assert_eq!(t.jwks_fetch_count(), 1, "faulted requests are not served");
}

#[tokio::test]
async fn injected_status_and_method_filter() {
    let t = FakeTenant::start().await.unwrap();
    t.inject(
        Fault::new("/oauth/token")
            .method(http::Method::POST)
            .status(503),
    );
    t.inject(
        Fault::new("/.well-known/jwks.json")
            .method(http::Method::POST)
            .status(500),
    );
    let token = post_form(&format!("{}/oauth/token", t.base_url()), &[]).await;
    assert_eq!(token.status, 503);
    assert_eq!(token.json["statusCode"], 503);
    // The POST-only fault does not touch a GET.
    assert_eq!(get(&t.jwks_url()).await.status, 200);
    t.clear_faults();
    let token = post_form(&format!("{}/oauth/token", t.base_url()), &[]).await;
    assert_eq!(token.status, 400);
}

#[tokio::test]
async fn delayed_responses_still_arrive() {
    let t = FakeTenant::start().await.unwrap();
    t.inject(Fault::new("/.well-known/jwks.json").delay(Duration::from_millis(50)));
    assert_eq!(get(&t.jwks_url()).await.status, 200);
}

#[tokio::test]
async fn reset_truncate_and_non_json_bodies() {
    let t = FakeTenant::start().await.unwrap();
    let request = || {
        http::Request::get(t.jwks_url())
            .body(bytes::Bytes::new())
            .unwrap()
    };

    t.inject(Fault::new("/.well-known/jwks.json").reset_connection());
    let err = client().send(request()).await.unwrap_err();
    assert!(
        matches!(err, auth0_core::Error::Transport { .. }),
        "{err:?}"
    );

    t.inject(Fault::new("/.well-known/jwks.json").truncate_body());
    let err = client().send(request()).await.unwrap_err();
    assert!(
        matches!(err, auth0_core::Error::Transport { .. }),
        "{err:?}"
    );

    t.inject(Fault::new("/.well-known/jwks.json").non_json_body());
    let reply = get(&t.jwks_url()).await;
    assert_eq!(reply.status, 200);
    assert!(
        reply
            .header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert!(serde_json::from_slice::<serde_json::Value>(&reply.body).is_err());

    t.inject(
        Fault::new("/.well-known/jwks.json")
            .status(502)
            .non_json_body(),
    );
    let reply = get(&t.jwks_url()).await;
    assert_eq!(reply.status, 502);
    assert!(reply.body.starts_with(b"<html>"));

    assert_eq!(get(&t.jwks_url()).await.status, 200);
}

#[tokio::test]
async fn unmodelled_operations_answer_registered_responses() {
    let t = FakeTenant::start().await.unwrap();
    let token = mgmt_token(&t).await;
    let url = format!("{}/api/v2/branding/themes/default", t.base_url());
    let missing = api("GET", &url, &token, None).await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json["errorCode"], "inexistent_route");
    t.register_response(
        http::Method::GET,
        "/api/v2/branding/themes/*",
        200,
        json!({ "themeId": "abc", "displayName": "Default" }),
    );
    let found = api("GET", &url, &token, None).await;
    assert_eq!(found.status, 200);
    assert_eq!(found.json["themeId"], "abc");
    t.register_response(
        http::Method::GET,
        "/api/v2/branding/themes/*",
        204,
        serde_json::Value::Null,
    );
    let latest = api("GET", &url, &token, None).await;
    assert_eq!(latest.status, 204);
    assert!(latest.body.is_empty());
}

#[tokio::test]
async fn dropping_the_tenant_stops_the_server() {
    let t = FakeTenant::start().await.unwrap();
    let url = t.jwks_url();
    assert_eq!(get(&url).await.status, 200);
    drop(t);
    tokio::time::sleep(Duration::from_millis(20)).await;
    let fresh = client();
    let result = fresh
        .send(http::Request::get(&url).body(bytes::Bytes::new()).unwrap())
        .await;
    assert!(result.is_err(), "the server still answers after drop");
}

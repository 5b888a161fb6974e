//! /authorize (non-interactive), /oauth/par and the authorization-code grant with PKCE and
//! organizations, over HTTP.

mod common;

use std::collections::HashMap;
use std::time::Duration;

use auth0_testing::{FakeTenant, seed};
use base64::Engine as _;
use common::{Reply, get, post_form, verify};

fn location_query(reply: &Reply) -> HashMap<String, String> {
    assert_eq!(reply.status, 302, "{}", reply.json);
    let location = reply.header("location").unwrap();
    let (_, query) = location.split_once('?').unwrap();
    serde_urlencoded::from_str(query).unwrap()
}

fn authorize_url(t: &FakeTenant, pairs: &[(&str, &str)]) -> String {
    format!(
        "{}/authorize?{}",
        t.base_url(),
        serde_urlencoded::to_string(pairs).unwrap()
    )
}

async fn exchange(t: &FakeTenant, pairs: &[(&str, &str)]) -> Reply {
    let mut all = vec![("grant_type", "authorization_code")];
    all.extend_from_slice(pairs);
    post_form(&format!("{}/oauth/token", t.base_url()), &all).await
}

#[tokio::test]
async fn code_flow_for_a_confidential_client() {
    let t = FakeTenant::start().await.unwrap();
    let redirect = get(&authorize_url(
        &t,
        &[
            ("response_type", "code"),
            ("client_id", seed::WEB_CLIENT_ID),
            ("redirect_uri", seed::WEB_CALLBACK_URL),
            ("state", "xyz"),
            ("scope", "openid profile email offline_access read:messages"),
            ("audience", seed::API_IDENTIFIER),
            ("nonce", "nonce-1"),
        ],
    ))
    .await;
    assert!(
        redirect
            .header("location")
            .unwrap()
            .starts_with(seed::WEB_CALLBACK_URL)
    );
    let q = location_query(&redirect);
    assert_eq!(q["state"], "xyz");
    let code = q["code"].clone();
    let pairs = [
        ("client_id", seed::WEB_CLIENT_ID),
        ("client_secret", seed::WEB_CLIENT_SECRET),
        ("code", code.as_str()),
        ("redirect_uri", seed::WEB_CALLBACK_URL),
    ];
    let tokens = exchange(&t, &pairs).await;
    assert_eq!(tokens.status, 200, "{}", tokens.json);
    let jwks = get(&t.jwks_url()).await.json;
    let id = verify(tokens.str("id_token"), &jwks).unwrap();
    assert_eq!(id["nonce"], "nonce-1");
    assert_eq!(id["sub"], seed::USER_ID);
    assert_eq!(id["azp"], seed::WEB_CLIENT_ID);
    assert!(id["auth_time"].as_i64().unwrap() <= id["iat"].as_i64().unwrap());
    let access = verify(tokens.str("access_token"), &jwks).unwrap();
    assert_eq!(
        access["scope"],
        "openid profile email offline_access read:messages"
    );
    assert!(tokens.json["refresh_token"].is_string());

    let reused = exchange(&t, &pairs).await;
    assert_eq!(reused.status, 403);
    insta::assert_json_snapshot!("code_reused", reused.json);
}

#[tokio::test]
async fn pkce_for_a_public_client() {
    let t = FakeTenant::start().await.unwrap();
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(ring::digest::digest(
        &ring::digest::SHA256,
        verifier.as_bytes(),
    ));
    let start = |t: &FakeTenant| {
        authorize_url(
            t,
            &[
                ("response_type", "code"),
                ("client_id", seed::PUBLIC_CLIENT_ID),
                ("redirect_uri", seed::WEB_CALLBACK_URL),
                ("code_challenge", &challenge),
                ("code_challenge_method", "S256"),
                ("scope", "openid"),
            ],
        )
    };
    let code = location_query(&get(&start(&t)).await)["code"].clone();
    let wrong = exchange(
        &t,
        &[
            ("client_id", seed::PUBLIC_CLIENT_ID),
            ("code", &code),
            ("redirect_uri", seed::WEB_CALLBACK_URL),
            ("code_verifier", "wrong"),
        ],
    )
    .await;
    assert_eq!(wrong.status, 403);
    assert_eq!(
        wrong.json["error_description"],
        "Failed to verify code verifier"
    );

    let code = location_query(&get(&start(&t)).await)["code"].clone();
    let ok = exchange(
        &t,
        &[
            ("client_id", seed::PUBLIC_CLIENT_ID),
            ("code", &code),
            ("redirect_uri", seed::WEB_CALLBACK_URL),
            ("code_verifier", verifier),
        ],
    )
    .await;
    assert_eq!(ok.status, 200, "{}", ok.json);

    let no_pkce = location_query(
        &get(&authorize_url(
            &t,
            &[
                ("response_type", "code"),
                ("client_id", seed::PUBLIC_CLIENT_ID),
                ("scope", "openid"),
            ],
        ))
        .await,
    )["code"]
        .clone();
    let refused = exchange(
        &t,
        &[("client_id", seed::PUBLIC_CLIENT_ID), ("code", &no_pkce)],
    )
    .await;
    assert_eq!(refused.status, 403);

    let code = location_query(&get(&start(&t)).await)["code"].clone();
    t.advance_clock(Duration::from_secs(601));
    let expired = exchange(
        &t,
        &[
            ("client_id", seed::PUBLIC_CLIENT_ID),
            ("code", &code),
            ("redirect_uri", seed::WEB_CALLBACK_URL),
            ("code_verifier", verifier),
        ],
    )
    .await;
    assert_eq!(expired.status, 403);
}

#[tokio::test]
async fn organizations_put_org_claims_in_tokens() {
    let t = FakeTenant::start().await.unwrap();
    let url = authorize_url(
        &t,
        &[
            ("response_type", "code"),
            ("client_id", seed::WEB_CLIENT_ID),
            ("organization", seed::ORG_NAME),
            ("scope", "openid"),
        ],
    );
    let code = location_query(&get(&url).await)["code"].clone();
    let tokens = exchange(
        &t,
        &[
            ("client_id", seed::WEB_CLIENT_ID),
            ("client_secret", seed::WEB_CLIENT_SECRET),
            ("code", &code),
        ],
    )
    .await;
    assert_eq!(tokens.status, 200, "{}", tokens.json);
    let jwks = get(&t.jwks_url()).await.json;
    let id = verify(tokens.str("id_token"), &jwks).unwrap();
    assert_eq!(id["org_id"], seed::ORG_ID);
    assert_eq!(id["org_name"], seed::ORG_NAME);
    assert_eq!(
        verify(tokens.str("access_token"), &jwks).unwrap()["org_id"],
        seed::ORG_ID
    );

    t.set_authorize_user(seed::MFA_USER_ID);
    let q = location_query(&get(&url).await);
    assert_eq!(q["error"], "access_denied");
}

#[tokio::test]
async fn pushed_authorization_requests() {
    let t = FakeTenant::start().await.unwrap();
    let pushed = post_form(
        &format!("{}/oauth/par", t.base_url()),
        &[
            ("client_id", seed::WEB_CLIENT_ID),
            ("client_secret", seed::WEB_CLIENT_SECRET),
            ("response_type", "code"),
            ("redirect_uri", seed::WEB_CALLBACK_URL),
            ("state", "from-par"),
            ("scope", "openid"),
        ],
    )
    .await;
    assert_eq!(pushed.status, 201, "{}", pushed.json);
    assert_eq!(pushed.json["expires_in"], 60);
    let uri = pushed.str("request_uri").to_owned();
    assert!(uri.starts_with("urn:ietf:params:oauth:request_uri:"));
    let url = authorize_url(
        &t,
        &[("client_id", seed::WEB_CLIENT_ID), ("request_uri", &uri)],
    );
    let q = location_query(&get(&url).await);
    assert_eq!(q["state"], "from-par");
    assert!(q.contains_key("code"));
    let again = get(&url).await;
    assert_eq!(again.status, 400, "a request_uri is single-use");

    let bad_redirect = post_form(
        &format!("{}/oauth/par", t.base_url()),
        &[
            ("client_id", seed::WEB_CLIENT_ID),
            ("client_secret", seed::WEB_CLIENT_SECRET),
            ("response_type", "code"),
            ("redirect_uri", "https://evil.example/cb"),
        ],
    )
    .await;
    assert_eq!(bad_redirect.status, 400);
}

#[tokio::test]
async fn authorize_errors() {
    let t = FakeTenant::start().await.unwrap();
    let bad_callback = get(&authorize_url(
        &t,
        &[
            ("response_type", "code"),
            ("client_id", seed::WEB_CLIENT_ID),
            ("redirect_uri", "https://evil.example/"),
        ],
    ))
    .await;
    assert_eq!(bad_callback.status, 400);
    insta::assert_json_snapshot!("authorize_bad_callback", bad_callback.json);
    let unknown = get(&authorize_url(
        &t,
        &[("response_type", "code"), ("client_id", "nope")],
    ))
    .await;
    assert_eq!(unknown.status, 400);
    let implicit = location_query(
        &get(&authorize_url(
            &t,
            &[
                ("response_type", "token"),
                ("client_id", seed::WEB_CLIENT_ID),
                ("state", "s"),
            ],
        ))
        .await,
    );
    assert_eq!(implicit["error"], "unsupported_response_type");
    assert_eq!(implicit["state"], "s");
}

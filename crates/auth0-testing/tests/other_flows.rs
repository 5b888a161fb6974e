//! Passwordless, signup, change_password, CIBA, device code, token exchange and SAML /
//! WS-Federation metadata, over HTTP.

mod common;

use std::time::Duration;

use auth0_testing::{FakeTenant, seed};
use common::{Reply, api, decode, get, mgmt_token, post_form, post_json};
use serde_json::json;

fn token_url(t: &FakeTenant) -> String {
    format!("{}/oauth/token", t.base_url())
}

#[tokio::test]
async fn passwordless_email_and_sms() {
    let t = FakeTenant::start().await.unwrap();
    let started = post_json(
        &format!("{}/passwordless/start", t.base_url()),
        &json!({ "client_id": seed::WEB_CLIENT_ID, "client_secret": seed::WEB_CLIENT_SECRET, "connection": "email", "email": "dave@example.test", "send": "code" }),
    )
    .await;
    assert_eq!(started.status, 200, "{}", started.json);
    assert_eq!(started.json["email"], "dave@example.test");
    assert_eq!(started.json["email_verified"], false);
    let code = t.passwordless_code("dave@example.test").unwrap();
    assert_eq!(code.len(), 6);
    let grant = |otp: String| {
        let url = token_url(&t);
        async move {
            post_form(
                &url,
                &[
                    (
                        "grant_type",
                        "http://auth0.com/oauth/grant-type/passwordless/otp",
                    ),
                    ("client_id", seed::WEB_CLIENT_ID),
                    ("client_secret", seed::WEB_CLIENT_SECRET),
                    ("username", "dave@example.test"),
                    ("otp", &otp),
                    ("realm", "email"),
                    ("scope", "openid email"),
                ],
            )
            .await
        }
    };
    let wrong = grant("999999x".to_owned()).await;
    assert_eq!(wrong.status, 403);
    let ok = grant(code.clone()).await;
    assert_eq!(ok.status, 200, "{}", ok.json);
    let (_, id) = decode(ok.str("id_token"));
    assert!(id["sub"].as_str().unwrap().starts_with("email|"));
    assert_eq!(id["email"], "dave@example.test");
    assert_eq!(grant(code).await.status, 403, "a code is single-use");
    let token = mgmt_token(&t).await;
    let users = api(
        "GET",
        &format!(
            "{}/api/v2/users-by-email?email=dave@example.test",
            t.base_url()
        ),
        &token,
        None,
    )
    .await;
    assert_eq!(users.json[0]["identities"][0]["connection"], "email");

    let sms = post_form(
        &format!("{}/passwordless/start", t.base_url()),
        &[
            ("client_id", seed::PUBLIC_CLIENT_ID),
            ("connection", "sms"),
            ("phone_number", "+15555550100"),
        ],
    )
    .await;
    assert_eq!(sms.status, 200, "{}", sms.json);
    assert_eq!(sms.json["phone_number"], "+15555550100");
    assert!(t.passwordless_code("+15555550100").is_some());
    let bad = post_form(
        &format!("{}/passwordless/start", t.base_url()),
        &[
            ("client_id", seed::PUBLIC_CLIENT_ID),
            ("connection", seed::DATABASE_CONNECTION),
            ("email", "x@example.test"),
        ],
    )
    .await;
    assert_eq!(bad.status, 400);
}

#[tokio::test]
async fn signup_then_login_and_change_password() {
    let t = FakeTenant::start().await.unwrap();
    let url = format!("{}/dbconnections/signup", t.base_url());
    let body = json!({
        "client_id": seed::WEB_CLIENT_ID,
        "email": "erin@example.test",
        "password": "Long-enough-1",
        "connection": seed::DATABASE_CONNECTION,
        "given_name": "Erin",
    });
    let created = post_json(&url, &body).await;
    assert_eq!(created.status, 200, "{}", created.json);
    let mut shape = created.json.clone();
    shape["_id"] = json!("[id]");
    insta::assert_json_snapshot!("signup", shape);
    let duplicate = post_json(&url, &body).await;
    assert_eq!(duplicate.status, 400);
    insta::assert_json_snapshot!("signup_duplicate", duplicate.json);
    let weak = post_json(&url, &json!({ "client_id": seed::WEB_CLIENT_ID, "email": "f@example.test", "password": "short", "connection": seed::DATABASE_CONNECTION })).await;
    assert_eq!(weak.status, 400);
    assert_eq!(weak.json["code"], "invalid_password");

    let login = post_form(
        &token_url(&t),
        &[
            ("grant_type", "password"),
            ("client_id", seed::WEB_CLIENT_ID),
            ("client_secret", seed::WEB_CLIENT_SECRET),
            ("username", "erin@example.test"),
            ("password", "Long-enough-1"),
            ("scope", "openid profile"),
        ],
    )
    .await;
    assert_eq!(login.status, 200, "{}", login.json);
    assert_eq!(decode(login.str("id_token")).1["given_name"], "Erin");

    let reset = post_json(
        &format!("{}/dbconnections/change_password", t.base_url()),
        &json!({ "client_id": seed::WEB_CLIENT_ID, "email": "erin@example.test", "connection": seed::DATABASE_CONNECTION }),
    )
    .await;
    assert_eq!(reset.status, 200);
    assert_eq!(
        &reset.body[..],
        b"We've just sent you an email to reset your password."
    );
    assert!(t.logs().iter().any(|l| l["type"] == "scpr"));
}

async fn ciba_start(t: &FakeTenant) -> Reply {
    let hint = json!({ "format": "iss_sub", "iss": t.issuer(), "sub": seed::USER_ID }).to_string();
    post_form(
        &format!("{}/bc-authorize", t.base_url()),
        &[
            ("client_id", seed::WEB_CLIENT_ID),
            ("client_secret", seed::WEB_CLIENT_SECRET),
            ("login_hint", &hint),
            ("scope", "openid"),
            ("binding_message", "ABC-123"),
        ],
    )
    .await
}

#[tokio::test]
async fn ciba_pending_slow_down_then_tokens_or_denied() {
    let t = FakeTenant::start().await.unwrap();
    let started = ciba_start(&t).await;
    assert_eq!(started.status, 200, "{}", started.json);
    assert_eq!(started.json["interval"], 5);
    let id = started.str("auth_req_id").to_owned();
    let poll = |id: String| {
        let url = token_url(&t);
        async move {
            post_form(
                &url,
                &[
                    ("grant_type", "urn:openid:params:grant-type:ciba"),
                    ("client_id", seed::WEB_CLIENT_ID),
                    ("client_secret", seed::WEB_CLIENT_SECRET),
                    ("auth_req_id", &id),
                ],
            )
            .await
        }
    };
    let pending = poll(id.clone()).await;
    assert_eq!(pending.status, 400);
    assert_eq!(pending.json["error"], "authorization_pending");
    let fast = poll(id.clone()).await;
    assert_eq!(fast.status, 429);
    assert_eq!(fast.json["error"], "slow_down");
    assert!(t.approve_backchannel(&id));
    t.advance_clock(Duration::from_secs(5));
    let done = poll(id.clone()).await;
    assert_eq!(done.status, 200, "{}", done.json);
    assert_eq!(decode(done.str("id_token")).1["sub"], seed::USER_ID);
    assert!(
        !t.approve_backchannel(&id),
        "finished requests cannot be approved again"
    );

    let denied_id = ciba_start(&t).await.str("auth_req_id").to_owned();
    assert!(t.deny_backchannel(&denied_id));
    let denied = poll(denied_id).await;
    assert_eq!(denied.status, 403);
    assert_eq!(denied.json["error"], "access_denied");

    let bad_hint = post_form(
        &format!("{}/bc-authorize", t.base_url()),
        &[
            ("client_id", seed::WEB_CLIENT_ID),
            ("client_secret", seed::WEB_CLIENT_SECRET),
            ("login_hint", "alice"),
            ("scope", "openid"),
            ("binding_message", "x"),
        ],
    )
    .await;
    assert_eq!(bad_hint.status, 400);
}

#[tokio::test]
async fn device_code_flow() {
    let t = FakeTenant::start().await.unwrap();
    let started = post_form(
        &format!("{}/oauth/device/code", t.base_url()),
        &[
            ("client_id", seed::PUBLIC_CLIENT_ID),
            ("scope", "openid offline_access"),
            ("audience", seed::API_IDENTIFIER),
        ],
    )
    .await;
    assert_eq!(started.status, 200, "{}", started.json);
    let device_code = started.str("device_code").to_owned();
    let user_code = started.str("user_code").to_owned();
    assert_eq!(user_code.len(), 9);
    assert!(
        started
            .str("verification_uri_complete")
            .ends_with(&user_code)
    );
    let poll = |code: String| {
        let url = token_url(&t);
        async move {
            post_form(
                &url,
                &[
                    ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                    ("client_id", seed::PUBLIC_CLIENT_ID),
                    ("device_code", &code),
                ],
            )
            .await
        }
    };
    let pending = poll(device_code.clone()).await;
    assert_eq!(pending.status, 403);
    assert_eq!(pending.json["error"], "authorization_pending");
    assert!(t.approve_device(&user_code, None));
    t.advance_clock(Duration::from_secs(5));
    let done = poll(device_code.clone()).await;
    assert_eq!(done.status, 200, "{}", done.json);
    assert!(done.json["refresh_token"].is_string());
    assert_eq!(decode(done.str("access_token")).1["sub"], seed::USER_ID);

    let again = post_form(
        &format!("{}/oauth/device/code", t.base_url()),
        &[("client_id", seed::PUBLIC_CLIENT_ID), ("scope", "openid")],
    )
    .await;
    let code = again.str("device_code").to_owned();
    t.advance_clock(Duration::from_secs(901));
    let expired = poll(code).await;
    assert_eq!(expired.status, 403);
    assert_eq!(expired.json["error"], "expired_token");
}

#[tokio::test]
async fn token_exchange_of_a_tenant_issued_token() {
    let t = FakeTenant::start().await.unwrap();
    let id_token = t
        .issue_id_token(seed::USER_ID, seed::WEB_CLIENT_ID, None)
        .unwrap();
    let exchange = |token: String, kind: &'static str| {
        let url = token_url(&t);
        async move {
            post_form(
                &url,
                &[
                    (
                        "grant_type",
                        "urn:ietf:params:oauth:grant-type:token-exchange",
                    ),
                    ("client_id", seed::WEB_CLIENT_ID),
                    ("client_secret", seed::WEB_CLIENT_SECRET),
                    ("subject_token", &token),
                    ("subject_token_type", kind),
                    ("audience", seed::API_IDENTIFIER),
                    ("scope", "openid read:messages"),
                ],
            )
            .await
        }
    };
    let ok = exchange(
        id_token.clone(),
        "urn:ietf:params:oauth:token-type:id_token",
    )
    .await;
    assert_eq!(ok.status, 200, "{}", ok.json);
    let (_, access) = decode(ok.str("access_token"));
    assert_eq!(access["sub"], seed::USER_ID);
    assert_eq!(access["scope"], "openid read:messages");
    let forged = exchange(
        format!("{id_token}x"),
        "urn:ietf:params:oauth:token-type:id_token",
    )
    .await;
    assert_eq!(forged.status, 403);
    let unsupported = exchange(id_token, "urn:acme:legacy").await;
    assert_eq!(unsupported.status, 400);
}

#[tokio::test]
async fn saml_and_wsfed_metadata_carry_the_signing_certificate() {
    let t = FakeTenant::start().await.unwrap();
    let jwks = get(&t.jwks_url()).await.json;
    let cert = jwks["keys"][0]["x5c"][0].as_str().unwrap().to_owned();
    for url in [
        format!("{}/samlp/metadata/{}", t.base_url(), seed::WEB_CLIENT_ID),
        format!(
            "{}/samlp/metadata?client={}",
            t.base_url(),
            seed::WEB_CLIENT_ID
        ),
        format!(
            "{}/wsfed/FederationMetadata/2007-06/FederationMetadata.xml",
            t.base_url()
        ),
        format!(
            "{}/wsfed/{}/FederationMetadata/2007-06/FederationMetadata.xml",
            t.base_url(),
            seed::WEB_CLIENT_ID
        ),
    ] {
        let reply = get(&url).await;
        assert_eq!(reply.status, 200, "{url}");
        assert!(
            reply
                .header("content-type")
                .unwrap()
                .starts_with("application/xml")
        );
        let text = String::from_utf8(reply.body.to_vec()).unwrap();
        assert!(
            text.contains(&format!("<X509Certificate>{cert}</X509Certificate>")),
            "{url}"
        );
        assert!(text.starts_with("<?xml"));
    }
    let saml = String::from_utf8(
        get(&format!(
            "{}/samlp/metadata/{}",
            t.base_url(),
            seed::WEB_CLIENT_ID
        ))
        .await
        .body
        .to_vec(),
    )
    .unwrap();
    assert!(saml.contains(&format!(
        "Location=\"{}/samlp/{}\"",
        t.base_url(),
        seed::WEB_CLIENT_ID
    )));
    assert_eq!(
        get(&format!("{}/samlp/metadata/unknown", t.base_url()))
            .await
            .status,
        404
    );
}

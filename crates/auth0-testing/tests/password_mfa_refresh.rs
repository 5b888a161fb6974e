//! Password and password-realm grants, brute-force blocking, MFA (mfa_required, challenge,
//! associate, authenticators, otp/oob/recovery grants), refresh rotation, /userinfo,
//! /oauth/revoke and /v2/logout, over HTTP.

mod common;

use auth0_testing::{FakeTenant, seed};
use common::{Reply, api, decode, get, mgmt_token, post_form, post_json, send, verify};
use serde_json::json;

fn token_url(t: &FakeTenant) -> String {
    format!("{}/oauth/token", t.base_url())
}

async fn password_login(t: &FakeTenant, username: &str, password: &str, scope: &str) -> Reply {
    post_form(
        &token_url(t),
        &[
            ("grant_type", "password"),
            ("client_id", seed::WEB_CLIENT_ID),
            ("client_secret", seed::WEB_CLIENT_SECRET),
            ("username", username),
            ("password", password),
            ("scope", scope),
            ("audience", seed::API_IDENTIFIER),
        ],
    )
    .await
}

#[tokio::test]
async fn password_grant_issues_access_id_and_refresh_tokens() {
    let t = FakeTenant::start().await.unwrap();
    let reply = password_login(
        &t,
        seed::USER_EMAIL,
        seed::USER_PASSWORD,
        "openid profile email offline_access read:messages bogus:scope",
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.json);
    let jwks = get(&t.jwks_url()).await.json;
    let access = verify(reply.str("access_token"), &jwks).unwrap();
    assert_eq!(access["sub"], seed::USER_ID);
    assert_eq!(
        access["aud"],
        json!([seed::API_IDENTIFIER, format!("{}userinfo", t.issuer())])
    );
    assert_eq!(
        access["scope"],
        "openid profile email offline_access read:messages"
    );
    assert_eq!(access["azp"], seed::WEB_CLIENT_ID);
    let id = verify(reply.str("id_token"), &jwks).unwrap();
    assert_eq!(id["aud"], seed::WEB_CLIENT_ID);
    assert_eq!(id["iss"], t.issuer());
    assert_eq!(id["email"], seed::USER_EMAIL);
    assert!(reply.json["refresh_token"].is_string());
    let mut shape = reply.json.clone();
    for f in ["access_token", "id_token", "refresh_token"] {
        shape[f] = json!("[token]");
    }
    insta::assert_json_snapshot!("password_grant_body", shape);
}

#[tokio::test]
async fn password_realm_uses_the_named_connection() {
    let t = FakeTenant::start().await.unwrap();
    let reply = post_json(
        &token_url(&t),
        &json!({
            "grant_type": "http://auth0.com/oauth/grant-type/password-realm",
            "client_id": seed::WEB_CLIENT_ID,
            "client_secret": seed::WEB_CLIENT_SECRET,
            "username": seed::USER_EMAIL,
            "password": seed::USER_PASSWORD,
            "realm": seed::DATABASE_CONNECTION,
            "scope": "openid",
        }),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.json);
    let (_, access) = decode(reply.str("access_token"));
    assert_eq!(access["aud"], format!("{}userinfo", t.issuer()));
    let wrong_realm = post_json(
        &token_url(&t),
        &json!({
            "grant_type": "http://auth0.com/oauth/grant-type/password-realm",
            "client_id": seed::WEB_CLIENT_ID,
            "client_secret": seed::WEB_CLIENT_SECRET,
            "username": seed::USER_EMAIL,
            "password": seed::USER_PASSWORD,
            "realm": seed::EMAIL_CONNECTION,
        }),
    )
    .await;
    assert_eq!(wrong_realm.status, 403);
}

#[tokio::test]
async fn wrong_passwords_fail_then_block_and_unblocking_works() {
    let t = FakeTenant::start().await.unwrap();
    let wrong = password_login(&t, seed::USER_EMAIL, "nope", "openid").await;
    assert_eq!(wrong.status, 403);
    insta::assert_json_snapshot!("wrong_password", wrong.json);
    let unknown = password_login(&t, "nobody@example.test", "nope", "openid").await;
    assert_eq!(unknown.json, wrong.json);
    for _ in 0..9 {
        password_login(&t, seed::USER_EMAIL, "nope", "openid").await;
    }
    let blocked = password_login(&t, seed::USER_EMAIL, seed::USER_PASSWORD, "openid").await;
    assert_eq!(blocked.status, 429);
    assert_eq!(blocked.json["error"], "too_many_attempts");
    let token = mgmt_token(&t).await;
    let blocks_url = format!(
        "{}/api/v2/user-blocks?identifier={}",
        t.base_url(),
        seed::USER_EMAIL
    );
    let blocks = api("GET", &blocks_url, &token, None).await;
    assert_eq!(
        blocks.json["blocked_for"][0]["identifier"],
        seed::USER_EMAIL
    );
    assert_eq!(api("DELETE", &blocks_url, &token, None).await.status, 204);
    let ok = password_login(&t, seed::USER_EMAIL, seed::USER_PASSWORD, "openid").await;
    assert_eq!(ok.status, 200, "{}", ok.json);
    let types: Vec<String> = t
        .logs()
        .iter()
        .map(|l| l["type"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        types.contains(&"fp".to_owned())
            && types.contains(&"fu".to_owned())
            && types.contains(&"limit_wc".to_owned()),
        "{types:?}"
    );

    let user_url = format!(
        "{}/api/v2/users/{}",
        t.base_url(),
        seed::USER_ID.replace('|', "%7C")
    );
    api(
        "PATCH",
        &user_url,
        &token,
        Some(&json!({ "blocked": true })),
    )
    .await;
    let admin_blocked = password_login(&t, seed::USER_EMAIL, seed::USER_PASSWORD, "openid").await;
    assert_eq!(admin_blocked.status, 401);
    assert_eq!(admin_blocked.json["error"], "unauthorized");
}

async fn mfa_token(t: &FakeTenant) -> String {
    let reply = password_login(
        t,
        seed::MFA_USER_EMAIL,
        seed::MFA_USER_PASSWORD,
        "openid offline_access",
    )
    .await;
    assert_eq!(reply.status, 403, "{}", reply.json);
    assert_eq!(reply.json["error"], "mfa_required");
    let err = auth0_core::Error::from_response(
        http::StatusCode::FORBIDDEN,
        reply.headers.clone(),
        &reply.body,
    );
    let auth0_core::Error::Api(api_error) = err else {
        panic!("not an API error")
    };
    assert!(api_error.is_mfa_required());
    api_error.mfa_token().unwrap().to_owned()
}

#[tokio::test]
async fn mfa_otp_flow() {
    let t = FakeTenant::start().await.unwrap();
    let token = mfa_token(&t).await;
    let authenticators = send(
        http::Request::get(format!("{}/mfa/authenticators", t.base_url()))
            .header("authorization", format!("Bearer {token}"))
            .body(bytes::Bytes::new())
            .unwrap(),
    )
    .await;
    assert_eq!(authenticators.status, 200);
    assert_eq!(authenticators.json[0]["authenticator_type"], "otp");
    let challenge = post_json(
        &format!("{}/mfa/challenge", t.base_url()),
        &json!({ "client_id": seed::WEB_CLIENT_ID, "client_secret": seed::WEB_CLIENT_SECRET, "mfa_token": token, "challenge_type": "otp" }),
    )
    .await;
    assert_eq!(challenge.json, json!({ "challenge_type": "otp" }));
    let grant = |otp: &'static str| {
        let url = token_url(&t);
        let token = token.clone();
        async move {
            post_form(
                &url,
                &[
                    ("grant_type", "http://auth0.com/oauth/grant-type/mfa-otp"),
                    ("client_id", seed::WEB_CLIENT_ID),
                    ("client_secret", seed::WEB_CLIENT_SECRET),
                    ("mfa_token", &token),
                    ("otp", otp),
                ],
            )
            .await
        }
    };
    let bad = grant("000000").await;
    assert_eq!(bad.status, 403);
    assert_eq!(bad.json["error"], "invalid_grant");
    let ok = grant(seed::MFA_OTP_CODE).await;
    assert_eq!(ok.status, 200, "{}", ok.json);
    assert_eq!(decode(ok.str("id_token")).1["sub"], seed::MFA_USER_ID);
    assert!(ok.json["refresh_token"].is_string());
    let reused = grant(seed::MFA_OTP_CODE).await;
    assert_eq!(reused.status, 403, "an mfa_token is single-use");
}

#[tokio::test]
async fn mfa_oob_flow_polls_then_succeeds() {
    let t = FakeTenant::start().await.unwrap();
    let token = mfa_token(&t).await;
    let challenge = post_form(
        &format!("{}/mfa/challenge", t.base_url()),
        &[
            ("client_id", seed::WEB_CLIENT_ID),
            ("client_secret", seed::WEB_CLIENT_SECRET),
            ("mfa_token", &token),
            ("challenge_type", "oob"),
        ],
    )
    .await;
    assert_eq!(challenge.json["challenge_type"], "oob");
    let oob_code = challenge.str("oob_code").to_owned();
    let url = token_url(&t);
    let pairs = [
        ("grant_type", "http://auth0.com/oauth/grant-type/mfa-oob"),
        ("client_id", seed::WEB_CLIENT_ID),
        ("client_secret", seed::WEB_CLIENT_SECRET),
        ("mfa_token", &token),
        ("oob_code", &oob_code),
    ];
    let poll = || post_form(&url, &pairs);
    let pending = poll().await;
    assert_eq!(pending.status, 400);
    assert_eq!(pending.json["error"], "authorization_pending");
    let done = poll().await;
    assert_eq!(done.status, 200, "{}", done.json);
}

#[tokio::test]
async fn mfa_recovery_code_rotates_and_associate_enrolls() {
    let t = FakeTenant::start().await.unwrap();
    let token = mfa_token(&t).await;
    let recover = |token: String, code: String| {
        let url = token_url(&t);
        async move {
            post_form(
                &url,
                &[
                    (
                        "grant_type",
                        "http://auth0.com/oauth/grant-type/mfa-recovery-code",
                    ),
                    ("client_id", seed::WEB_CLIENT_ID),
                    ("client_secret", seed::WEB_CLIENT_SECRET),
                    ("mfa_token", &token),
                    ("recovery_code", &code),
                ],
            )
            .await
        }
    };
    let ok = recover(token, seed::MFA_RECOVERY_CODE.to_owned()).await;
    assert_eq!(ok.status, 200, "{}", ok.json);
    let fresh = ok.str("recovery_code").to_owned();
    assert_ne!(fresh, seed::MFA_RECOVERY_CODE);
    let old = recover(mfa_token(&t).await, seed::MFA_RECOVERY_CODE.to_owned()).await;
    assert_eq!(old.status, 403);
    let new = recover(mfa_token(&t).await, fresh).await;
    assert_eq!(new.status, 200);

    let token = mfa_token(&t).await;
    let associated = send(
        http::Request::post(format!("{}/mfa/associate", t.base_url()))
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/json")
            .body(bytes::Bytes::from(
                json!({ "authenticator_types": ["otp"] }).to_string(),
            ))
            .unwrap(),
    )
    .await;
    assert_eq!(associated.status, 200, "{}", associated.json);
    assert_eq!(associated.json["authenticator_type"], "otp");
    assert!(associated.str("barcode_uri").starts_with("otpauth://totp/"));
    assert_eq!(
        associated.json["recovery_codes"].as_array().unwrap().len(),
        1
    );
}

#[tokio::test]
async fn refresh_tokens_rotate_and_reuse_revokes_the_family() {
    let t = FakeTenant::start().await.unwrap();
    let login = password_login(
        &t,
        seed::USER_EMAIL,
        seed::USER_PASSWORD,
        "openid offline_access read:messages",
    )
    .await;
    let first = login.str("refresh_token").to_owned();
    let refresh = |rt: String| {
        let url = token_url(&t);
        async move {
            post_form(
                &url,
                &[
                    ("grant_type", "refresh_token"),
                    ("client_id", seed::WEB_CLIENT_ID),
                    ("client_secret", seed::WEB_CLIENT_SECRET),
                    ("refresh_token", &rt),
                ],
            )
            .await
        }
    };
    let second = refresh(first.clone()).await;
    assert_eq!(second.status, 200, "{}", second.json);
    let second_rt = second.str("refresh_token").to_owned();
    assert_ne!(second_rt, first);
    let (_, claims) = decode(second.str("access_token"));
    assert_eq!(claims["scope"], "openid offline_access read:messages");
    let reuse = refresh(first).await;
    assert_eq!(reuse.status, 403);
    insta::assert_json_snapshot!("refresh_reuse", reuse.json);
    let revoked = refresh(second_rt).await;
    assert_eq!(revoked.status, 403, "reuse revoked the whole family");
}

#[tokio::test]
async fn revoke_userinfo_and_logout() {
    let t = FakeTenant::start().await.unwrap();
    let login = password_login(
        &t,
        seed::USER_EMAIL,
        seed::USER_PASSWORD,
        "openid profile email offline_access",
    )
    .await;
    let access = login.str("access_token").to_owned();
    let userinfo = |token: String| {
        let url = format!("{}/userinfo", t.base_url());
        async move {
            send(
                http::Request::get(url)
                    .header("authorization", format!("Bearer {token}"))
                    .body(bytes::Bytes::new())
                    .unwrap(),
            )
            .await
        }
    };
    let info = userinfo(access).await;
    assert_eq!(info.status, 200, "{}", info.json);
    assert_eq!(info.json["sub"], seed::USER_ID);
    assert_eq!(info.json["email"], seed::USER_EMAIL);
    assert_eq!(info.json["name"], "Alice Example");
    let m2m = userinfo(t.management_token()).await;
    assert_eq!(m2m.status, 401);
    assert!(
        m2m.header("www-authenticate")
            .unwrap()
            .starts_with("Bearer")
    );

    let rt = login.str("refresh_token").to_owned();
    let revoke = post_form(
        &format!("{}/oauth/revoke", t.base_url()),
        &[
            ("client_id", seed::WEB_CLIENT_ID),
            ("client_secret", seed::WEB_CLIENT_SECRET),
            ("token", &rt),
        ],
    )
    .await;
    assert_eq!(revoke.status, 200);
    assert!(revoke.body.is_empty());
    let after = post_form(
        &token_url(&t),
        &[
            ("grant_type", "refresh_token"),
            ("client_id", seed::WEB_CLIENT_ID),
            ("client_secret", seed::WEB_CLIENT_SECRET),
            ("refresh_token", &rt),
        ],
    )
    .await;
    assert_eq!(after.status, 403);

    let base = t.base_url();
    let redirect = get(&format!(
        "{base}/v2/logout?client_id={}&returnTo={}",
        seed::WEB_CLIENT_ID,
        seed::WEB_LOGOUT_URL
    ))
    .await;
    assert_eq!(redirect.status, 302);
    assert_eq!(redirect.header("location"), Some(seed::WEB_LOGOUT_URL));
    let refused = get(&format!("{base}/v2/logout?returnTo=https://evil.example/")).await;
    assert_eq!(refused.status, 400);
    let plain = get(&format!("{base}/v2/logout")).await;
    assert_eq!(plain.status, 200);
    assert_eq!(&plain.body[..], b"OK");
}

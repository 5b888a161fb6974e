//! The client against the `auth0-testing` fake tenant over loopback: what was sent (the
//! tenant's journal) and what came back, including the error paths.
//!
//! Endpoints the fake tenant models (client authentication and the client-credentials grant)
//! are exercised for real. For endpoints it does not model yet, the tenant is told what to
//! answer with `register_response`; those tests still cross real HTTP and check the request
//! the tenant received and the typed answer the client decoded.

use std::time::Duration;

use auth0_authentication::*;
use auth0_testing::{FakeTenant, Fault, RecordedRequest, seed};
use base64::Engine as _;
use http::Method;
use serde_json::{Value, json};

fn builder(t: &FakeTenant) -> AuthenticationClientBuilder {
    AuthenticationClient::builder(t.domain()).allow_insecure_http(true)
}

fn m2m(t: &FakeTenant) -> AuthenticationClient {
    builder(t)
        .client_id(seed::M2M_CLIENT_ID)
        .client_secret(seed::M2M_CLIENT_SECRET)
        .build()
        .unwrap()
}

fn web(t: &FakeTenant) -> AuthenticationClient {
    builder(t)
        .client_id(seed::WEB_CLIENT_ID)
        .client_secret(seed::WEB_CLIENT_SECRET)
        .build()
        .unwrap()
}

fn pkjwt_signer() -> ClientAssertionSigner {
    ClientAssertionSigner::from_pem(seed::PKJWT_PRIVATE_KEY_PEM, SigningAlgorithm::RS256)
        .expect("the seed key parses")
}

fn last(t: &FakeTenant, path: &str) -> RecordedRequest {
    t.journal()
        .into_iter()
        .rev()
        .find(|r| r.path == path)
        .unwrap_or_else(|| panic!("no request to {path} in the journal"))
}

fn claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).expect("a JWT");
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap()
}

fn code(e: &Error) -> &str {
    e.api_error().map_or("<none>", |a| a.code.as_str())
}

// ---------------------------------------------------------------- modelled by the tenant

#[tokio::test]
async fn client_credentials_with_secret_post() {
    let t = FakeTenant::start().await.unwrap();
    let tokens = m2m(&t)
        .token()
        .client_credentials(ClientCredentials::new(seed::API_IDENTIFIER).scope("read:messages"))
        .await
        .unwrap();
    let sent = last(&t, "/oauth/token");
    assert_eq!(sent.method, Method::POST);
    assert_eq!(
        sent.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        sent.form_value("grant_type").as_deref(),
        Some("client_credentials")
    );
    assert_eq!(
        sent.form_value("client_id").as_deref(),
        Some(seed::M2M_CLIENT_ID)
    );
    assert_eq!(
        sent.form_value("client_secret").as_deref(),
        Some(seed::M2M_CLIENT_SECRET)
    );
    assert_eq!(
        sent.form_value("audience").as_deref(),
        Some(seed::API_IDENTIFIER)
    );
    assert!(sent.header("auth0-client").is_some());
    assert!(sent.header("user-agent").unwrap().starts_with("auth0-rs/"));

    assert_eq!(tokens.token_type.as_deref(), Some("Bearer"));
    assert_eq!(tokens.expires_in, Some(86_400));
    assert_eq!(tokens.scope.as_deref(), Some("read:messages"));
    let c = claims(tokens.access_token.expose_secret());
    assert_eq!(c["aud"], seed::API_IDENTIFIER);
    assert_eq!(c["sub"], format!("{}@clients", seed::M2M_CLIENT_ID));
    assert_eq!(c["iss"], t.issuer());
}

#[tokio::test]
async fn client_credentials_with_secret_basic() {
    let t = FakeTenant::start().await.unwrap();
    let client = builder(&t)
        .client_id(seed::M2M_CLIENT_ID)
        .client_auth(ClientAuth::SecretBasic(seed::M2M_CLIENT_SECRET.into()))
        .build()
        .unwrap();
    let tokens = client
        .token()
        .client_credentials(ClientCredentials::new(t.management_audience()))
        .await
        .unwrap();
    let sent = last(&t, "/oauth/token");
    assert!(sent.header("authorization").unwrap().starts_with("Basic "));
    assert_eq!(sent.form_value("client_secret"), None);
    assert_eq!(
        claims(tokens.access_token.expose_secret())["aud"],
        t.management_audience()
    );
}

#[tokio::test]
async fn client_credentials_with_private_key_jwt() {
    let t = FakeTenant::start().await.unwrap();
    for signer in [pkjwt_signer(), pkjwt_signer().with_kid(seed::PKJWT_KID)] {
        let client = builder(&t)
            .client_id(seed::PKJWT_CLIENT_ID)
            .private_key_jwt(signer)
            .build()
            .unwrap();
        // Twice: every call carries a fresh jti, which the tenant refuses to see twice.
        for _ in 0..2 {
            client
                .token()
                .client_credentials(ClientCredentials::new(seed::API_IDENTIFIER))
                .await
                .unwrap();
        }
    }
    let sent = last(&t, "/oauth/token");
    assert_eq!(
        sent.form_value("client_assertion_type").as_deref(),
        Some(CLIENT_ASSERTION_TYPE)
    );
    assert_eq!(sent.form_value("client_secret"), None);
    let assertion = claims(&sent.form_value("client_assertion").unwrap());
    assert_eq!(assertion["iss"], seed::PKJWT_CLIENT_ID);
    assert_eq!(assertion["aud"], t.issuer());
}

#[tokio::test]
async fn bad_secret_is_invalid_client() {
    let t = FakeTenant::start().await.unwrap();
    let client = builder(&t)
        .client_id(seed::M2M_CLIENT_ID)
        .client_secret("wrong-secret")
        .build()
        .unwrap();
    let err = client
        .token()
        .client_credentials(ClientCredentials::new(seed::API_IDENTIFIER))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(code(&err), "invalid_client");
    assert!(!err.to_string().contains("wrong-secret"));
    assert!(!format!("{err:?}").contains("wrong-secret"));
}

#[tokio::test]
async fn bad_assertion_is_invalid_client() {
    let t = FakeTenant::start().await.unwrap();
    // A key the tenant does not know, claiming the registered kid.
    let wrong = ClientAssertionSigner::from_pem(
        include_str!("keys/rsa2048_pkcs1.pem"),
        SigningAlgorithm::RS256,
    )
    .unwrap()
    .with_kid(seed::PKJWT_KID);
    let client = builder(&t)
        .client_id(seed::PKJWT_CLIENT_ID)
        .private_key_jwt(wrong)
        .build()
        .unwrap();
    let err = client
        .token()
        .client_credentials(ClientCredentials::new(seed::API_IDENTIFIER))
        .await
        .unwrap_err();
    assert_eq!(code(&err), "invalid_client");
    insta::assert_snapshot!("fake_bad_assertion", err.to_string());

    // The right key with an unknown kid.
    let client = builder(&t)
        .client_id(seed::PKJWT_CLIENT_ID)
        .private_key_jwt(pkjwt_signer().with_kid("no-such-kid"))
        .build()
        .unwrap();
    let err = client
        .token()
        .client_credentials(ClientCredentials::new(seed::API_IDENTIFIER))
        .await
        .unwrap_err();
    assert_eq!(code(&err), "invalid_client");
}

#[tokio::test]
async fn unknown_audience_is_access_denied() {
    let t = FakeTenant::start().await.unwrap();
    let err = m2m(&t)
        .token()
        .client_credentials(ClientCredentials::new("https://nope.example/"))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(code(&err), "access_denied");
}

#[tokio::test]
async fn rate_limited_without_and_with_retries() {
    let t = FakeTenant::start().await.unwrap();
    t.inject(Fault::new("/oauth/token").status_429(1_900_000_000, None));
    let err = m2m(&t)
        .token()
        .client_credentials(ClientCredentials::new(seed::API_IDENTIFIER))
        .await
        .unwrap_err();
    match &err {
        Error::RateLimited(rl) => assert_eq!(rl.reset_at(), Some(1_900_000_000)),
        other => panic!("{other:?}"),
    }
    assert_eq!(t.journal().len(), 1, "retries are off by default");

    t.clear_journal();
    t.inject(
        Fault::new("/oauth/token")
            .status_429(1_900_000_000, Some(0))
            .times(2),
    );
    let client = builder(&t)
        .client_id(seed::M2M_CLIENT_ID)
        .client_secret(seed::M2M_CLIENT_SECRET)
        .retries(3)
        .build()
        .unwrap();
    client
        .token()
        .client_credentials(ClientCredentials::new(seed::API_IDENTIFIER))
        .await
        .unwrap();
    assert_eq!(t.journal().len(), 3);
}

#[tokio::test]
async fn transport_failures_timeouts_and_html_errors() {
    let t = FakeTenant::start().await.unwrap();
    let client = m2m(&t);
    t.inject(Fault::new("/oauth/token").delay(Duration::from_secs(5)));
    let err = client
        .with_timeout(Duration::from_millis(200))
        .token()
        .client_credentials(ClientCredentials::new(seed::API_IDENTIFIER))
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");

    t.inject(Fault::new("/oauth/token").reset_connection());
    let err = client
        .token()
        .client_credentials(ClientCredentials::new(seed::API_IDENTIFIER))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");

    t.inject(Fault::new("/oauth/token").status(502).non_json_body());
    let err = client
        .token()
        .client_credentials(ClientCredentials::new(seed::API_IDENTIFIER))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(err.api_error().unwrap().code, "a0.sdk.internal.unknown");

    t.inject(Fault::new("/oauth/token").truncate_body());
    let err = client
        .token()
        .client_credentials(ClientCredentials::new(seed::API_IDENTIFIER))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
}

// ------------------------------------------------- answered through register_response

fn token_answer() -> Value {
    json!({
        "access_token": "at-registered",
        "id_token": "idt-registered",
        "refresh_token": "rt-registered",
        "token_type": "Bearer",
        "expires_in": 3600,
        "scope": "openid profile offline_access",
        "unknown_field": 7
    })
}

#[tokio::test]
async fn every_grant_sends_what_auth0_expects() {
    let t = FakeTenant::start().await.unwrap();
    t.register_response(Method::POST, "/oauth/token", 200, token_answer());
    let c = web(&t);
    let tok = c.token();
    let cases: Vec<(&str, Vec<(&str, &str)>)> = vec![
        (
            "authorization_code",
            vec![("code", "code-1"), ("redirect_uri", seed::WEB_CALLBACK_URL)],
        ),
        ("pkce", vec![("code_verifier", "verifier-1")]),
        ("password", vec![("realm", seed::DATABASE_CONNECTION)]),
        ("refresh_token", vec![("refresh_token", "rt-0")]),
        (
            "passwordless_otp",
            vec![("otp", "123456"), ("realm", "email")],
        ),
        (
            "mfa_otp",
            vec![("mfa_token", "mfa-1"), ("otp", seed::MFA_OTP_CODE)],
        ),
        (
            "mfa_oob",
            vec![("oob_code", "oob-1"), ("binding_code", "B1")],
        ),
        (
            "mfa_recovery",
            vec![("recovery_code", seed::MFA_RECOVERY_CODE)],
        ),
        ("ciba", vec![("auth_req_id", "req-1")]),
        ("device", vec![("device_code", "dc-1")]),
        (
            "token_exchange",
            vec![("subject_token_type", "urn:acme:legacy")],
        ),
        (
            "connection_token",
            vec![("connection", "google-oauth2"), ("subject_token", "at-0")],
        ),
    ];
    for (name, expected) in cases {
        let result = match name {
            "authorization_code" => {
                tok.authorization_code(
                    AuthorizationCode::new("code-1").redirect_uri(seed::WEB_CALLBACK_URL),
                )
                .await
            }
            "pkce" => {
                tok.authorization_code_pkce("code-1", "verifier-1", seed::WEB_CALLBACK_URL)
                    .await
            }
            "password" => {
                tok.password(
                    PasswordGrant::new(seed::USER_EMAIL, seed::USER_PASSWORD)
                        .realm(seed::DATABASE_CONNECTION)
                        .forwarded_for("198.51.100.7"),
                )
                .await
            }
            "refresh_token" => tok.refresh_token(RefreshToken::new("rt-0")).await,
            "passwordless_otp" => {
                tok.passwordless_otp(PasswordlessOtp::email(seed::USER_EMAIL, "123456"))
                    .await
            }
            "mfa_otp" => tok.mfa_otp("mfa-1", seed::MFA_OTP_CODE).await,
            "mfa_oob" => tok.mfa_oob("mfa-1", "oob-1", Some("B1")).await,
            "mfa_recovery" => {
                tok.mfa_recovery_code("mfa-1", seed::MFA_RECOVERY_CODE)
                    .await
            }
            "ciba" => tok.ciba("req-1").await,
            "device" => tok.device_code("dc-1").await,
            "token_exchange" => {
                tok.token_exchange(TokenExchange::new("ext", "urn:acme:legacy"))
                    .await
            }
            "connection_token" => {
                tok.connection_token(ConnectionToken::from_access_token("at-0", "google-oauth2"))
                    .await
            }
            _ => unreachable!(),
        };
        let tokens = result.unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(tokens.access_token.expose_secret(), "at-registered");
        assert_eq!(tokens.extra["unknown_field"], 7);
        let sent = last(&t, "/oauth/token");
        assert_eq!(
            sent.form_value("client_secret").as_deref(),
            Some(seed::WEB_CLIENT_SECRET),
            "{name}"
        );
        for (k, v) in expected {
            assert_eq!(sent.form_value(k).as_deref(), Some(v), "{name}: {k}");
        }
        if name == "password" {
            assert_eq!(sent.header("auth0-forwarded-for"), Some("198.51.100.7"));
        }
    }
}

#[tokio::test]
async fn expired_code_mfa_required_and_pending_errors() {
    let t = FakeTenant::start().await.unwrap();
    let c = web(&t);
    t.register_response(
        Method::POST,
        "/oauth/token",
        403,
        json!({"error":"invalid_grant","error_description":"Invalid authorization code"}),
    );
    let err = c
        .token()
        .authorization_code(AuthorizationCode::new("expired"))
        .await
        .unwrap_err();
    assert_eq!(code(&err), "invalid_grant");
    insta::assert_snapshot!("fake_expired_code", err.to_string());

    t.register_response(
        Method::POST,
        "/oauth/token",
        403,
        json!({"error":"mfa_required","error_description":"Multifactor authentication required","mfa_token":"mfa-token-1"}),
    );
    let err = c
        .token()
        .password(PasswordGrant::new(
            seed::MFA_USER_EMAIL,
            seed::MFA_USER_PASSWORD,
        ))
        .await
        .unwrap_err();
    assert_eq!(err.api_error().unwrap().mfa_token(), Some("mfa-token-1"));

    t.register_response(
        Method::POST,
        "/oauth/token",
        400,
        json!({"error":"authorization_pending","error_description":"The end-user authorization is pending"}),
    );
    let err = c.token().ciba("req-1").await.unwrap_err();
    assert_eq!(code(&err), "authorization_pending");
}

#[tokio::test]
async fn ciba_start_and_wait_over_http() {
    let t = FakeTenant::start().await.unwrap();
    let c = web(&t);
    t.register_response(
        Method::POST,
        "/bc-authorize",
        200,
        json!({"auth_req_id":"req-9","expires_in":60,"interval":1}),
    );
    let started = c
        .back_channel()
        .authorize(
            BackChannelAuthorize::for_user(&c, seed::USER_ID, "openid")
                .binding_message("Approve 42"),
        )
        .await
        .unwrap();
    let sent = last(&t, "/bc-authorize");
    let hint: Value = serde_json::from_str(&sent.form_value("login_hint").unwrap()).unwrap();
    assert_eq!(hint["sub"], seed::USER_ID);
    assert_eq!(hint["iss"], t.issuer());
    assert_eq!(
        sent.form_value("binding_message").as_deref(),
        Some("Approve 42")
    );
    assert_eq!(
        sent.form_value("client_secret").as_deref(),
        Some(seed::WEB_CLIENT_SECRET)
    );

    t.register_response(Method::POST, "/oauth/token", 200, token_answer());
    let tokens = c
        .back_channel()
        .wait_for_tokens(
            &started,
            PollOptions::default().with_interval(Duration::from_millis(20)),
        )
        .await
        .unwrap();
    assert_eq!(tokens.access_token.expose_secret(), "at-registered");
    assert_eq!(
        last(&t, "/oauth/token")
            .form_value("auth_req_id")
            .as_deref(),
        Some("req-9")
    );
}

#[tokio::test]
async fn database_passwordless_userinfo_and_revoke() {
    let t = FakeTenant::start().await.unwrap();
    let c = web(&t);
    t.register_response(
        Method::POST,
        "/dbconnections/signup",
        200,
        json!({"_id":"new1","email":"new@example.test","email_verified":false}),
    );
    let user = c
        .database()
        .signup(
            Signup::new(
                "new@example.test",
                "Pw-123456789!",
                seed::DATABASE_CONNECTION,
            )
            .nickname("newbie"),
        )
        .await
        .unwrap();
    assert_eq!(user.id.as_deref(), Some("new1"));
    let sent = last(&t, "/dbconnections/signup").json().unwrap();
    assert_eq!(sent["client_id"], seed::WEB_CLIENT_ID);
    assert_eq!(sent["nickname"], "newbie");
    assert!(
        sent.get("client_secret").is_none(),
        "signup is a public call"
    );

    t.register_response(
        Method::POST,
        "/dbconnections/change_password",
        200,
        json!("sent"),
    );
    c.database()
        .change_password(ChangePassword::new(
            seed::USER_EMAIL,
            seed::DATABASE_CONNECTION,
        ))
        .await
        .unwrap();
    assert_eq!(
        last(&t, "/dbconnections/change_password").json().unwrap()["email"],
        seed::USER_EMAIL
    );

    t.register_response(
        Method::POST,
        "/passwordless/start",
        200,
        json!({"_id":"pl1","email":seed::USER_EMAIL,"email_verified":true}),
    );
    let started = c
        .passwordless()
        .email(PasswordlessEmail::new(seed::USER_EMAIL).send(PasswordlessSend::Code))
        .await
        .unwrap();
    assert_eq!(started.email.as_deref(), Some(seed::USER_EMAIL));
    let sent = last(&t, "/passwordless/start").json().unwrap();
    assert_eq!(sent["connection"], seed::EMAIL_CONNECTION);
    assert_eq!(sent["send"], "code");
    assert_eq!(sent["client_secret"], seed::WEB_CLIENT_SECRET);
    c.passwordless()
        .sms(PasswordlessSms::new("+15555550100"))
        .await
        .unwrap();
    assert_eq!(
        last(&t, "/passwordless/start").json().unwrap()["connection"],
        seed::SMS_CONNECTION
    );

    t.register_response(
        Method::GET,
        "/userinfo",
        200,
        json!({"sub":seed::USER_ID,"email":seed::USER_EMAIL,"https://example.test/tier":"gold"}),
    );
    let access = t.issue_access_token(seed::USER_ID, seed::API_IDENTIFIER, &["openid"]);
    let info = c.users().userinfo(access.clone()).await.unwrap();
    assert_eq!(info.sub, seed::USER_ID);
    assert_eq!(info.extra["https://example.test/tier"], "gold");
    assert_eq!(
        last(&t, "/userinfo").header("authorization"),
        Some(format!("Bearer {access}").as_str())
    );

    t.register_response(Method::POST, "/oauth/revoke", 200, Value::Null);
    c.revoke_refresh_token("rt-to-revoke").await.unwrap();
    let sent = last(&t, "/oauth/revoke");
    assert_eq!(sent.form_value("token").as_deref(), Some("rt-to-revoke"));
    assert_eq!(
        sent.form_value("client_id").as_deref(),
        Some(seed::WEB_CLIENT_ID)
    );
}

#[tokio::test]
async fn mfa_par_device_metadata_and_legacy() {
    let t = FakeTenant::start().await.unwrap();
    let c = web(&t);

    t.register_response(
        Method::POST,
        "/mfa/challenge",
        200,
        json!({"challenge_type":"otp"}),
    );
    let ch = c
        .mfa()
        .challenge(MfaChallenge::new("mfa-1").challenge_type("otp"))
        .await
        .unwrap();
    assert_eq!(ch.challenge_type, "otp");
    assert_eq!(
        last(&t, "/mfa/challenge").json().unwrap()["mfa_token"],
        "mfa-1"
    );

    t.register_response(
        Method::POST,
        "/mfa/associate",
        200,
        json!({"authenticator_type":"otp","secret":"JBSWY3DPEHPK3PXP","barcode_uri":"otpauth://totp/x"}),
    );
    let assoc = c.mfa().associate("mfa-1", MfaAssociate::Otp).await.unwrap();
    assert_eq!(assoc.secret.unwrap().expose_secret(), "JBSWY3DPEHPK3PXP");
    assert_eq!(
        last(&t, "/mfa/associate").header("authorization"),
        Some("Bearer mfa-1")
    );

    t.register_response(
        Method::GET,
        "/mfa/authenticators",
        200,
        json!([{"id":"totp|dev_1","authenticator_type":"otp","active":true}]),
    );
    let list = c.mfa().authenticators("mfa-1").await.unwrap();
    assert_eq!(list.len(), 1);
    t.register_response(Method::DELETE, "/mfa/authenticators/*", 204, Value::Null);
    c.mfa()
        .delete_authenticator("mfa-1", "totp|dev_1")
        .await
        .unwrap();
    let del = t
        .journal()
        .into_iter()
        .rev()
        .find(|r| r.method == Method::DELETE)
        .unwrap();
    assert!(
        del.path == "/mfa/authenticators/totp%7Cdev_1"
            || del.path == "/mfa/authenticators/totp|dev_1",
        "{}",
        del.path
    );

    t.register_response(
        Method::POST,
        "/oauth/par",
        201,
        json!({"request_uri":"urn:ietf:params:oauth:request_uri:xyz","expires_in":30}),
    );
    let par = c
        .par()
        .push(
            &AuthorizeParams::new(seed::WEB_CALLBACK_URL)
                .scope("openid")
                .authorization_details(json!([{"type":"payment_initiation"}])),
        )
        .await
        .unwrap();
    let sent = last(&t, "/oauth/par");
    assert_eq!(
        sent.form_value("redirect_uri").as_deref(),
        Some(seed::WEB_CALLBACK_URL)
    );
    assert_eq!(
        sent.form_value("authorization_details").as_deref(),
        Some(r#"[{"type":"payment_initiation"}]"#)
    );
    let url = c.authorize_url_for_request_uri(&par.request_uri).unwrap();
    assert!(url.starts_with(&format!("{}/authorize?client_id=", t.base_url())));

    t.register_response(
        Method::POST,
        "/oauth/device/code",
        200,
        json!({"device_code":"dc","user_code":"WXYZ","verification_uri":"http://x/activate","expires_in":600,"interval":5}),
    );
    let dc = c
        .device()
        .code(DeviceCodeRequest::new().scope("openid"))
        .await
        .unwrap();
    assert_eq!(dc.user_code, "WXYZ");

    t.register_response(Method::GET, "/samlp/metadata/*", 200, json!("<xml/>"));
    assert_eq!(c.enterprise().saml_metadata().await.unwrap(), "\"<xml/>\"");
    assert_eq!(
        last(&t, &format!("/samlp/metadata/{}", seed::WEB_CLIENT_ID)).method,
        Method::GET
    );
    t.register_response(
        Method::GET,
        "/wsfed/FederationMetadata/2007-06/FederationMetadata.xml",
        200,
        json!("<xml/>"),
    );
    c.enterprise().wsfed_metadata().await.unwrap();

    t.register_response(Method::POST, "/oauth/access_token", 200, token_answer());
    c.legacy()
        .social_login("fb-at", "facebook", Some("openid email"))
        .await
        .unwrap();
    assert_eq!(
        last(&t, "/oauth/access_token").json().unwrap()["connection"],
        "facebook"
    );
    t.register_response(
        Method::POST,
        "/delegation",
        200,
        json!({"id_token":"del","token_type":"Bearer","expires_in":60}),
    );
    c.legacy()
        .delegation(Delegation::new(
            "target",
            "app",
            "urn:ietf:params:oauth:grant-type:jwt-bearer",
            DelegationToken::RefreshToken("rt".into()),
        ))
        .await
        .unwrap();
    assert_eq!(
        last(&t, "/delegation").json().unwrap()["refresh_token"],
        "rt"
    );
}

#[cfg(feature = "jwt")]
#[tokio::test]
async fn id_token_verified_in_one_step() {
    use auth0_authentication::auth0_jwt::VerifyOptions;

    let t = FakeTenant::start().await.unwrap();
    let c = web(&t);
    let id_token = t
        .issue_id_token(seed::USER_ID, seed::WEB_CLIENT_ID, Some("n-123"))
        .expect("the seed user exists");
    let mut answer = token_answer();
    answer["id_token"] = Value::String(id_token);
    t.register_response(Method::POST, "/oauth/token", 200, answer);

    let verified = c
        .token()
        .authorization_code_verified(
            AuthorizationCode::new("code-1").redirect_uri(seed::WEB_CALLBACK_URL),
            &VerifyOptions::new().nonce("n-123"),
        )
        .await
        .unwrap();
    assert_eq!(verified.claims.sub, seed::USER_ID);
    assert_eq!(
        verified.tokens.access_token.expose_secret(),
        "at-registered"
    );
    assert!(
        t.journal()
            .iter()
            .any(|r| r.path == "/.well-known/jwks.json")
    );

    let err = c
        .token()
        .password_verified(
            PasswordGrant::new(seed::USER_EMAIL, seed::USER_PASSWORD),
            &VerifyOptions::new().nonce("another"),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, VerifiedGrantError::IdToken(_)), "{err:?}");
    insta::assert_snapshot!("fake_id_token_wrong_nonce", err.to_string());

    t.register_response(
        Method::POST,
        "/oauth/token",
        200,
        json!({"access_token":"a"}),
    );
    let err = c
        .token()
        .authorization_code_verified(AuthorizationCode::new("c"), &VerifyOptions::new())
        .await
        .unwrap_err();
    assert!(matches!(err, VerifiedGrantError::MissingIdToken));
}

#[tokio::test]
async fn openid_configuration_is_read() {
    let t = FakeTenant::start().await.unwrap();
    let config = web(&t).openid_configuration().await.unwrap();
    assert_eq!(config.issuer, t.issuer());
    assert_eq!(
        config.token_endpoint,
        Some(format!("{}/oauth/token", t.base_url()))
    );
    assert!(
        config
            .token_endpoint_auth_methods_supported
            .iter()
            .any(|m| m == "private_key_jwt")
    );
    // Fields this SDK does not model are kept.
    assert!(config.extra.contains_key("registration_endpoint"));
    let sent = last(&t, "/.well-known/openid-configuration");
    assert!(sent.header("authorization").is_none());
}

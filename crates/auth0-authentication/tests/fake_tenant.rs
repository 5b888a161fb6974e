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

fn code_of(e: &Error) -> &str {
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
    assert_eq!(code_of(&err), "invalid_client");
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
    assert_eq!(code_of(&err), "invalid_client");
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
    assert_eq!(code_of(&err), "invalid_client");
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
    assert_eq!(code_of(&err), "access_denied");
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

// ------------------------------------------------------------- flows the tenant models

/// Follows `/authorize` (the tenant logs the configured user in without a page) and returns
/// the query of the redirect.
async fn authorize(t: &FakeTenant, url: &str) -> Vec<(String, String)> {
    let http = auth0_core::http_client::HttpClient::builder()
        .allow_insecure_http(true)
        .build()
        .unwrap();
    let response = http
        .send(http::Request::get(url).body(bytes::Bytes::new()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 302, "{url}");
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with(seed::WEB_CALLBACK_URL),
        "{location} ({})",
        t.base_url()
    );
    let query = location.split_once('?').map_or("", |(_, q)| q);
    serde_urlencoded::from_str(query).unwrap()
}

fn param(pairs: &[(String, String)], name: &str) -> String {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map_or_else(|| panic!("no {name} in {pairs:?}"), |(_, v)| v.clone())
}

#[tokio::test]
async fn authorization_code_with_pkce_confidential_and_public() {
    let t = FakeTenant::start().await.unwrap();
    t.set_authorize_user(seed::USER_ID);
    let c = web(&t);
    let pkce = Pkce::generate();
    let state = random_state();
    let nonce = random_nonce();
    let url = c
        .authorize_url(
            &AuthorizeParams::new(seed::WEB_CALLBACK_URL)
                .scope("openid profile email offline_access")
                .state(state.clone())
                .nonce(nonce.clone())
                .pkce(&pkce),
        )
        .unwrap();
    let back = authorize(&t, &url).await;
    assert_eq!(param(&back, "state"), state);
    let code = param(&back, "code");
    let tokens = c
        .token()
        .authorization_code(
            AuthorizationCode::new(code.clone())
                .redirect_uri(seed::WEB_CALLBACK_URL)
                .code_verifier(pkce.verifier().clone()),
        )
        .await
        .unwrap();
    let id = claims(tokens.id_token.as_ref().unwrap().expose_secret());
    assert_eq!(id["sub"], seed::USER_ID);
    assert_eq!(id["nonce"], nonce.as_str());
    assert_eq!(id["aud"], seed::WEB_CLIENT_ID);
    assert!(tokens.refresh_token.is_some());
    let sent = last(&t, "/oauth/token");
    assert_eq!(
        sent.form_value("client_secret").as_deref(),
        Some(seed::WEB_CLIENT_SECRET),
        "PKCE with client authentication too"
    );

    // A code is single use.
    let err = c
        .token()
        .authorization_code(
            AuthorizationCode::new(code)
                .redirect_uri(seed::WEB_CALLBACK_URL)
                .code_verifier(pkce.verifier().clone()),
        )
        .await
        .unwrap_err();
    assert_eq!(code_of(&err), "invalid_grant");

    // A public client: PKCE, no secret.
    let public = builder(&t)
        .client_id(seed::PUBLIC_CLIENT_ID)
        .build()
        .unwrap();
    let pkce = Pkce::generate();
    let url = public
        .authorize_url(
            &AuthorizeParams::new(seed::WEB_CALLBACK_URL)
                .scope("openid")
                .pkce(&pkce),
        )
        .unwrap();
    let code = param(&authorize(&t, &url).await, "code");
    public
        .token()
        .authorization_code_pkce(code, pkce.verifier().clone(), seed::WEB_CALLBACK_URL)
        .await
        .unwrap();
    let sent = last(&t, "/oauth/token");
    assert_eq!(sent.form_value("client_secret"), None);
    assert_eq!(
        sent.form_value("code_verifier").as_deref(),
        Some(pkce.verifier().expose_secret())
    );

    // A wrong verifier, then an expired code.
    let pkce = Pkce::generate();
    let url = c
        .authorize_url(&AuthorizeParams::new(seed::WEB_CALLBACK_URL).pkce(&pkce))
        .unwrap();
    let code = param(&authorize(&t, &url).await, "code");
    let err = c
        .token()
        .authorization_code(AuthorizationCode::new(code.clone()).code_verifier("not-the-verifier"))
        .await
        .unwrap_err();
    assert_eq!(code_of(&err), "invalid_grant");
    let url = c
        .authorize_url(&AuthorizeParams::new(seed::WEB_CALLBACK_URL))
        .unwrap();
    let code = param(&authorize(&t, &url).await, "code");
    t.advance_clock(Duration::from_secs(601));
    let err = c
        .token()
        .authorization_code(AuthorizationCode::new(code).redirect_uri(seed::WEB_CALLBACK_URL))
        .await
        .unwrap_err();
    assert_eq!(code_of(&err), "invalid_grant");
    insta::assert_snapshot!("fake_expired_code", err.to_string());
}

#[tokio::test]
async fn pushed_authorization_requests_plain_and_signed() {
    let t = FakeTenant::start().await.unwrap();
    t.set_authorize_user(seed::USER_ID);
    let c = web(&t);
    let params = AuthorizeParams::new(seed::WEB_CALLBACK_URL)
        .scope("openid")
        .state("st-1")
        .authorization_details(json!([{"type":"payment_initiation","amount":"10"}]));
    let par = c.par().push(&params).await.unwrap();
    assert!(
        par.request_uri
            .starts_with("urn:ietf:params:oauth:request_uri:")
    );
    assert!(par.expires_in > 0);
    let sent = last(&t, "/oauth/par");
    assert_eq!(
        sent.form_value("authorization_details").as_deref(),
        Some(r#"[{"amount":"10","type":"payment_initiation"}]"#)
    );
    let back = authorize(
        &t,
        &c.authorize_url_for_request_uri(&par.request_uri).unwrap(),
    )
    .await;
    assert_eq!(param(&back, "state"), "st-1");
    c.token()
        .authorization_code(
            AuthorizationCode::new(param(&back, "code")).redirect_uri(seed::WEB_CALLBACK_URL),
        )
        .await
        .unwrap();

    // JAR: the parameters travel signed.
    let signer = ClientAssertionSigner::from_pem(
        include_str!("keys/p256_sec1.pem"),
        SigningAlgorithm::ES256,
    )
    .unwrap();
    let par = c.par().push_signed(&params, &signer).await.unwrap();
    let sent = last(&t, "/oauth/par");
    let request = claims(&sent.form_value("request").unwrap());
    assert_eq!(request["redirect_uri"], seed::WEB_CALLBACK_URL);
    assert_eq!(request["aud"], t.issuer());
    assert_eq!(sent.form_value("response_type").as_deref(), Some("code"));
    assert!(
        par.request_uri
            .starts_with("urn:ietf:params:oauth:request_uri:")
    );

    // A redirect_uri the client does not allow.
    let err = c
        .par()
        .push(&AuthorizeParams::new("https://evil.example/cb"))
        .await
        .unwrap_err();
    assert_eq!(code_of(&err), "invalid_request");
}

#[tokio::test]
async fn password_realm_refresh_rotation_userinfo_and_revoke() {
    let t = FakeTenant::start().await.unwrap();
    let c = web(&t);
    let tokens = c
        .token()
        .password(
            PasswordGrant::new(seed::USER_EMAIL, seed::USER_PASSWORD)
                .realm(seed::DATABASE_CONNECTION)
                .scope("openid profile email offline_access")
                .forwarded_for("198.51.100.7"),
        )
        .await
        .unwrap();
    let sent = last(&t, "/oauth/token");
    assert_eq!(sent.header("auth0-forwarded-for"), Some("198.51.100.7"));
    assert_eq!(
        sent.form_value("grant_type").as_deref(),
        Some("http://auth0.com/oauth/grant-type/password-realm")
    );
    let refresh = tokens
        .refresh_token
        .clone()
        .expect("offline_access gives a refresh token");

    let info = c
        .users()
        .userinfo(tokens.access_token.clone())
        .await
        .unwrap();
    assert_eq!(info.sub, seed::USER_ID);
    assert_eq!(info.email.as_deref(), Some(seed::USER_EMAIL));

    let refreshed = c
        .token()
        .refresh_token(RefreshToken::new(refresh.clone()))
        .await
        .unwrap();
    assert_ne!(
        refreshed.access_token.expose_secret(),
        tokens.access_token.expose_secret()
    );
    let rotated = refreshed.refresh_token.clone().expect("rotation");
    c.revoke_refresh_token(rotated.clone()).await.unwrap();
    assert_eq!(
        last(&t, "/oauth/revoke").form_value("token").as_deref(),
        Some(rotated.expose_secret())
    );
    let err = c
        .token()
        .refresh_token(RefreshToken::new(rotated))
        .await
        .unwrap_err();
    assert_eq!(code_of(&err), "invalid_grant");

    // Wrong password.
    let err = c
        .token()
        .password(PasswordGrant::new(seed::USER_EMAIL, "wrong").realm(seed::DATABASE_CONNECTION))
        .await
        .unwrap_err();
    assert_eq!(code_of(&err), "invalid_grant");
    insta::assert_snapshot!("fake_wrong_password", err.to_string());

    // An access token the tenant did not sign is refused by /userinfo.
    let err = c.users().userinfo("not-a-token").await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
}

#[tokio::test]
async fn mfa_required_then_challenge_and_every_factor() {
    let t = FakeTenant::start().await.unwrap();
    let c = web(&t);
    let login = || {
        c.token().password(
            PasswordGrant::new(seed::MFA_USER_EMAIL, seed::MFA_USER_PASSWORD)
                .realm(seed::DATABASE_CONNECTION)
                .scope("openid"),
        )
    };
    let mfa_token = |e: Error| -> String {
        let api = e.api_error().expect("an API error");
        assert!(api.is_mfa_required(), "{e}");
        api.mfa_token().expect("mfa_token").to_owned()
    };

    // OTP.
    let token = mfa_token(login().await.unwrap_err());
    let list = c.mfa().authenticators(token.clone()).await.unwrap();
    assert!(
        list.iter().any(|a| a.authenticator_type == "otp"),
        "{list:?}"
    );
    assert_eq!(
        last(&t, "/mfa/authenticators").header("authorization"),
        Some(format!("Bearer {token}").as_str())
    );
    let ch = c
        .mfa()
        .challenge(MfaChallenge::new(token.clone()).challenge_type("otp"))
        .await
        .unwrap();
    assert_eq!(ch.challenge_type, "otp");
    let err = c
        .token()
        .mfa_otp(token.clone(), "000000")
        .await
        .unwrap_err();
    assert_eq!(code_of(&err), "invalid_grant");
    let tokens = c.token().mfa_otp(token, seed::MFA_OTP_CODE).await.unwrap();
    assert_eq!(
        claims(tokens.id_token.unwrap().expose_secret())["sub"],
        seed::MFA_USER_ID
    );

    // OOB with a binding code.
    let token = mfa_token(login().await.unwrap_err());
    let ch = c
        .mfa()
        .challenge(MfaChallenge::new(token.clone()).challenge_type("oob"))
        .await
        .unwrap();
    assert_eq!(ch.binding_method.as_deref(), Some("prompt"));
    let oob = ch.oob_code.expect("an oob_code");
    c.token()
        .mfa_oob(token, oob, Some(seed::MFA_OTP_CODE))
        .await
        .unwrap();

    // Recovery code.
    let token = mfa_token(login().await.unwrap_err());
    c.token()
        .mfa_recovery_code(token, seed::MFA_RECOVERY_CODE)
        .await
        .unwrap();

    // Enrol another authenticator.
    let token = mfa_token(login().await.unwrap_err());
    let assoc = c
        .mfa()
        .associate(token.clone(), MfaAssociate::Otp)
        .await
        .unwrap();
    assert_eq!(assoc.authenticator_type, "otp");
    assert!(assoc.secret.is_some());
    assert_eq!(
        last(&t, "/mfa/associate").json().unwrap()["authenticator_types"],
        json!(["otp"])
    );
    let assoc = c
        .mfa()
        .associate(token.clone(), MfaAssociate::sms("+15555550100"))
        .await
        .unwrap();
    assert_eq!(assoc.oob_channel.as_deref(), Some("sms"));

    // A bogus mfa_token.
    let err = c
        .token()
        .mfa_otp("bogus", seed::MFA_OTP_CODE)
        .await
        .unwrap_err();
    assert_eq!(code_of(&err), "invalid_grant");
}

#[tokio::test]
async fn passwordless_email_and_sms_then_otp() {
    let t = FakeTenant::start().await.unwrap();
    let c = web(&t);
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
    let code = t
        .passwordless_code(seed::USER_EMAIL)
        .expect("a code was sent");
    let err = c
        .token()
        .passwordless_otp(PasswordlessOtp::email(seed::USER_EMAIL, "999999x"))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
    c.token()
        .passwordless_otp(PasswordlessOtp::email(seed::USER_EMAIL, code).scope("openid"))
        .await
        .unwrap();

    let phone = "+15555550123";
    c.passwordless()
        .sms(PasswordlessSms::new(phone))
        .await
        .unwrap();
    let code = t.passwordless_code(phone).expect("an SMS code");
    let tokens = c
        .token()
        .passwordless_otp(PasswordlessOtp::sms(phone, code).scope("openid"))
        .await
        .unwrap();
    assert!(tokens.id_token.is_some());
}

#[tokio::test]
async fn signup_and_change_password() {
    let t = FakeTenant::start().await.unwrap();
    let c = web(&t);
    let user = c
        .database()
        .signup(
            Signup::new(
                "new@example.test",
                "Pw-1234567890!",
                seed::DATABASE_CONNECTION,
            )
            .nickname("newbie")
            .given_name("New"),
        )
        .await
        .unwrap();
    assert_eq!(user.email.as_deref(), Some("new@example.test"));
    let sent = last(&t, "/dbconnections/signup").json().unwrap();
    assert_eq!(sent["client_id"], seed::WEB_CLIENT_ID);
    assert!(
        sent.get("client_secret").is_none(),
        "signup is a public call"
    );
    // The new user can log in.
    c.token()
        .password(
            PasswordGrant::new("new@example.test", "Pw-1234567890!")
                .realm(seed::DATABASE_CONNECTION),
        )
        .await
        .unwrap();
    // The same e-mail again.
    let err = c
        .database()
        .signup(Signup::new(
            "new@example.test",
            "Pw-1234567890!",
            seed::DATABASE_CONNECTION,
        ))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(code_of(&err), "invalid_signup");
    // Auth0's /dbconnections errors put the text in `description`, which auth0-core's
    // message rules (Python's) do not read; the body keeps it.
    assert_eq!(
        err.api_error().unwrap().field("description"),
        Some(&json!("Invalid sign up"))
    );
    insta::assert_snapshot!("fake_signup_duplicate", err.to_string());

    let text = c
        .database()
        .change_password(ChangePassword::new(
            seed::USER_EMAIL,
            seed::DATABASE_CONNECTION,
        ))
        .await
        .unwrap();
    assert!(!text.is_empty());
    assert_eq!(
        last(&t, "/dbconnections/change_password").json().unwrap()["email"],
        seed::USER_EMAIL
    );
}

#[tokio::test]
async fn ciba_polls_through_pending_and_slow_down_until_approved() {
    let t = FakeTenant::start().await.unwrap();
    let c = web(&t);
    let started = c
        .back_channel()
        .authorize(BackChannelAuthorize::for_user(
            &c,
            seed::USER_ID,
            "openid",
            "Approve 42",
        ))
        .await
        .unwrap();
    let sent = last(&t, "/bc-authorize");
    let hint: Value = serde_json::from_str(&sent.form_value("login_hint").unwrap()).unwrap();
    assert_eq!(hint["sub"], seed::USER_ID);
    assert_eq!(hint["iss"], t.issuer());
    assert_eq!(
        sent.form_value("client_secret").as_deref(),
        Some(seed::WEB_CLIENT_SECRET)
    );
    let polls = || {
        t.journal()
            .iter()
            .filter(|r| r.path == "/oauth/token")
            .count()
    };
    let opts = PollOptions::default()
        .with_interval(Duration::from_millis(20))
        .with_slow_down_increment(Duration::from_millis(5));
    let approve = async {
        // Bounded: at most 500 × 10 ms.
        for _ in 0..500 {
            if polls() >= 2 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert!(t.approve_backchannel(&started.auth_req_id));
    };
    let (tokens, ()) = tokio::time::timeout(Duration::from_secs(20), async {
        tokio::join!(c.back_channel().wait_for_tokens(&started, opts), approve)
    })
    .await
    .expect("bounded");
    let tokens = tokens.unwrap();
    assert_eq!(
        claims(tokens.id_token.unwrap().expose_secret())["sub"],
        seed::USER_ID
    );
    assert!(polls() >= 3);

    // A denied request ends the wait with access_denied.
    let started = c
        .back_channel()
        .authorize(BackChannelAuthorize::for_user(
            &c,
            seed::USER_ID,
            "openid",
            "Approve 43",
        ))
        .await
        .unwrap();
    assert!(t.deny_backchannel(&started.auth_req_id));
    let err = c
        .back_channel()
        .wait_for_tokens(&started, opts)
        .await
        .unwrap_err();
    assert_eq!(code_of(&err), "access_denied");

    // One poll while pending.
    let started = c
        .back_channel()
        .authorize(BackChannelAuthorize::for_user(
            &c,
            seed::USER_ID,
            "openid",
            "Approve 43",
        ))
        .await
        .unwrap();
    let err = c
        .back_channel()
        .poll(&started.auth_req_id)
        .await
        .unwrap_err();
    assert_eq!(code_of(&err), "authorization_pending");
}

#[tokio::test]
async fn device_flow_approved_and_denied() {
    let t = FakeTenant::start().await.unwrap();
    let c = web(&t);
    let code = c
        .device()
        .code(DeviceCodeRequest::new().scope("openid offline_access"))
        .await
        .unwrap();
    assert!(!code.user_code.is_empty());
    assert!(code.verification_uri.starts_with("http"));
    assert!(t.approve_device(&code.user_code, Some(seed::USER_ID)));
    let tokens = c
        .device()
        .wait_for_tokens(
            &code,
            PollOptions::default().with_interval(Duration::from_millis(10)),
        )
        .await
        .unwrap();
    assert_eq!(
        claims(tokens.id_token.unwrap().expose_secret())["sub"],
        seed::USER_ID
    );
    assert_eq!(
        last(&t, "/oauth/token")
            .form_value("device_code")
            .as_deref(),
        Some(code.device_code.expose_secret())
    );

    let code = c.device().code(DeviceCodeRequest::new()).await.unwrap();
    assert!(t.deny_device(&code.user_code));
    let err = c
        .device()
        .wait_for_tokens(
            &code,
            PollOptions::default().with_interval(Duration::from_millis(10)),
        )
        .await
        .unwrap_err();
    assert_eq!(code_of(&err), "access_denied");
}

#[tokio::test]
async fn token_exchange_of_a_tenant_token() {
    let t = FakeTenant::start().await.unwrap();
    let c = web(&t);
    let subject = t.issue_access_token(seed::USER_ID, seed::API_IDENTIFIER, &["read:messages"]);
    let tokens = c
        .token()
        .token_exchange(
            TokenExchange::new(subject, token_type::ACCESS_TOKEN)
                .audience(seed::API_IDENTIFIER)
                .scope("read:messages"),
        )
        .await
        .unwrap();
    let access = claims(tokens.access_token.expose_secret());
    assert_eq!(access["sub"], seed::USER_ID);
    assert_eq!(access["aud"], seed::API_IDENTIFIER);
    let err = c
        .token()
        .token_exchange(TokenExchange::new("x", "urn:acme:legacy-token"))
        .await
        .unwrap_err();
    assert_eq!(code_of(&err), "invalid_request");
}

#[tokio::test]
async fn metadata_and_logout() {
    let t = FakeTenant::start().await.unwrap();
    let c = web(&t);
    let saml = c.enterprise().saml_metadata().await.unwrap();
    assert!(saml.contains("EntityDescriptor"), "{saml}");
    assert_eq!(
        last(&t, &format!("/samlp/metadata/{}", seed::WEB_CLIENT_ID)).method,
        Method::GET
    );
    let wsfed = c.enterprise().wsfed_metadata().await.unwrap();
    assert!(wsfed.contains("EntityDescriptor"), "{wsfed}");

    let http = auth0_core::http_client::HttpClient::builder()
        .allow_insecure_http(true)
        .build()
        .unwrap();
    let url = c.logout_url(&LogoutParams::new(seed::WEB_LOGOUT_URL));
    let response = http
        .send(http::Request::get(url).body(bytes::Bytes::new()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 302);
    assert!(
        response.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with(seed::WEB_LOGOUT_URL)
    );
}

// --------------------------------------- answered through register_response (not modelled)

fn token_answer() -> Value {
    json!({
        "access_token": "at-registered",
        "id_token": "idt-registered",
        "token_type": "Bearer",
        "expires_in": 3600,
        "scope": "openid",
        "issued_token_type": "http://auth0.com/oauth/token-type/federated-connection-access-token",
        "unknown_field": 7
    })
}

#[tokio::test]
async fn token_vault_social_delegation_and_authenticator_delete() {
    let t = FakeTenant::start().await.unwrap();
    let c = web(&t);

    t.register_response(Method::POST, "/oauth/token", 200, token_answer());
    let tokens = c
        .token()
        .connection_token(
            ConnectionToken::from_refresh_token("rt-0", "google-oauth2").login_hint("u@gmail.com"),
        )
        .await
        .unwrap();
    assert_eq!(tokens.extra["unknown_field"], 7);
    assert!(tokens.issued_token_type.is_some());
    let sent = last(&t, "/oauth/token");
    assert_eq!(
        sent.form_value("grant_type").as_deref(),
        Some(grant_type::FEDERATED_CONNECTION_ACCESS_TOKEN)
    );
    assert_eq!(
        sent.form_value("subject_token_type").as_deref(),
        Some(token_type::REFRESH_TOKEN)
    );
    assert_eq!(
        sent.form_value("connection").as_deref(),
        Some("google-oauth2")
    );
    assert_eq!(
        sent.form_value("login_hint").as_deref(),
        Some("u@gmail.com")
    );

    t.register_response(Method::POST, "/oauth/access_token", 200, token_answer());
    c.legacy()
        .social_login("fb-at", "facebook", Some("openid email"))
        .await
        .unwrap();
    let sent = last(&t, "/oauth/access_token").json().unwrap();
    assert_eq!(sent["connection"], "facebook");
    assert_eq!(sent["scope"], "openid email");

    t.register_response(
        Method::POST,
        "/delegation",
        200,
        json!({"id_token":"del","token_type":"Bearer","expires_in":60}),
    );
    let d = c
        .legacy()
        .delegation(Delegation::new(
            "target",
            "app",
            "urn:ietf:params:oauth:grant-type:jwt-bearer",
            DelegationToken::RefreshToken("rt".into()),
        ))
        .await
        .unwrap();
    assert_eq!(d.expires_in, Some(60));
    let sent = last(&t, "/delegation").json().unwrap();
    assert_eq!(sent["refresh_token"], "rt");
    assert!(sent.get("id_token").is_none());

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
        del.path.starts_with("/mfa/authenticators/totp"),
        "{}",
        del.path
    );
    assert_eq!(del.header("authorization"), Some("Bearer mfa-1"));
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
    assert_eq!(verified.claims.sub(), seed::USER_ID);
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

//! What every call puts on the wire, pinned with insta, and how answers and errors are read.
//!
//! The transport here is an in-process tower service that records each `http::Request` and
//! answers with canned responses: these tests pin the request bytes the client builds. The
//! same calls run against the fake tenant over loopback in `tests/fake_tenant.rs`.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::fmt::Write as _;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use auth0_authentication::*;
use base64::Engine as _;
use bytes::Bytes;
use http::{Request, Response};
use serde_json::{Value, json};

const PKCS1: &str = include_str!("keys/rsa2048_pkcs1.pem");

#[derive(Clone, Default)]
struct Recorder {
    seen: Arc<Mutex<Vec<Request<Bytes>>>>,
    replies: Arc<Mutex<VecDeque<Response<Bytes>>>>,
}

impl Recorder {
    fn reply(&self, status: u16, headers: &[(&str, &str)], body: &str) {
        let mut b = Response::builder().status(status);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        self.replies
            .lock()
            .unwrap()
            .push_back(b.body(Bytes::from(body.to_owned())).unwrap());
    }

    fn requests(&self) -> Vec<Request<Bytes>> {
        self.seen.lock().unwrap().drain(..).collect()
    }

    fn last(&self) -> Request<Bytes> {
        let mut all = self.requests();
        assert!(!all.is_empty(), "no request was sent");
        all.pop().unwrap()
    }

    fn service(
        &self,
    ) -> impl tower::Service<
        Request<Bytes>,
        Response = Response<Bytes>,
        Error = Infallible,
        Future = std::future::Ready<Result<Response<Bytes>, Infallible>>,
    > + Clone
    + Send
    + Sync
    + 'static {
        let this = self.clone();
        tower::service_fn(move |req: Request<Bytes>| {
            let path = req.uri().path().to_owned();
            this.seen.lock().unwrap().push(req);
            let canned = this.replies.lock().unwrap().pop_front();
            std::future::ready(Ok(canned.unwrap_or_else(|| default_reply(&path))))
        })
    }
}

fn default_reply(path: &str) -> Response<Bytes> {
    let (ctype, body) = match path {
        "/oauth/token" | "/oauth/access_token" => (
            "application/json",
            json!({"access_token":"at-1","token_type":"Bearer","expires_in":86400,"scope":"openid profile","id_token":"idt-1","refresh_token":"rt-1","custom_field":"kept"}).to_string(),
        ),
        "/userinfo" => (
            "application/json",
            json!({"sub":"auth0|u1","email":"a@example.com","email_verified":true,"updated_at":"2024-01-01T00:00:00.000Z","https://example.com/roles":["admin"]}).to_string(),
        ),
        "/dbconnections/signup" => (
            "application/json",
            json!({"_id":"u1","email":"a@example.com","email_verified":false,"extra":1}).to_string(),
        ),
        "/dbconnections/change_password" => (
            "text/plain",
            "We've just sent you an email to reset your password.".to_owned(),
        ),
        "/passwordless/start" => (
            "application/json",
            json!({"_id":"p1","email":"a@example.com","email_verified":false}).to_string(),
        ),
        "/bc-authorize" => (
            "application/json",
            json!({"auth_req_id":"req-1","expires_in":300,"interval":5}).to_string(),
        ),
        "/oauth/par" => (
            "application/json",
            json!({"request_uri":"urn:ietf:params:oauth:request_uri:abc","expires_in":30}).to_string(),
        ),
        "/oauth/device/code" => (
            "application/json",
            json!({"device_code":"dc-1","user_code":"ABCD-EFGH","verification_uri":"https://t/activate","verification_uri_complete":"https://t/activate?user_code=ABCD-EFGH","expires_in":900,"interval":5}).to_string(),
        ),
        "/mfa/challenge" => (
            "application/json",
            json!({"challenge_type":"oob","oob_code":"oob-1","binding_method":"prompt"}).to_string(),
        ),
        "/mfa/associate" => (
            "application/json",
            json!({"authenticator_type":"otp","secret":"S3CR3T","barcode_uri":"otpauth://totp/x?secret=S3CR3T","recovery_codes":["RC1"]}).to_string(),
        ),
        "/mfa/authenticators" => (
            "application/json",
            json!([{"id":"totp|dev_1","authenticator_type":"otp","active":true,"name":null,"created_at":"2024"}]).to_string(),
        ),
        "/delegation" => (
            "application/json",
            json!({"id_token":"del-1","token_type":"Bearer","expires_in":36000}).to_string(),
        ),
        p if p.starts_with("/mfa/authenticators/") || p == "/oauth/revoke" => {
            ("text/plain", String::new())
        }
        _ => ("text/xml", "<EntityDescriptor/>".to_owned()),
    };
    Response::builder()
        .status(200)
        .header("content-type", ctype)
        .body(Bytes::from(body))
        .unwrap()
}

fn builder(rec: &Recorder) -> AuthenticationClientBuilder {
    AuthenticationClient::builder("tenant.example.com")
        .client_id("client-1")
        .service(rec.service())
}

fn secret_client(rec: &Recorder) -> AuthenticationClient {
    builder(rec).client_secret("s3cr3t").build().unwrap()
}

/// Method, URL, headers (telemetry shown as present) and body, one field per line.
fn render(req: &Request<Bytes>) -> String {
    let mut out = format!("{} {}\n", req.method(), req.uri());
    let mut headers: Vec<(String, String)> = req
        .headers()
        .iter()
        .map(|(k, v)| {
            let v = match k.as_str() {
                "user-agent" | "auth0-client" => "<present>".to_owned(),
                _ => v.to_str().unwrap().to_owned(),
            };
            (k.as_str().to_owned(), v)
        })
        .collect();
    headers.sort();
    for (k, v) in headers {
        writeln!(out, "{k}: {v}").unwrap();
    }
    let ctype = req
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned());
    let body = req.body();
    match ctype.as_deref() {
        Some("application/x-www-form-urlencoded") => {
            out.push_str("--- form\n");
            let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap();
            for (k, v) in pairs {
                let v = if k == "client_assertion" || k == "request" {
                    "<jwt>".to_owned()
                } else {
                    v
                };
                writeln!(out, "{k}={v}").unwrap();
            }
        }
        Some("application/json") => {
            let mut v: Value = serde_json::from_slice(body).unwrap();
            if let Some(a) = v.get_mut("client_assertion") {
                *a = "<jwt>".into();
            }
            out.push_str("--- json\n");
            out.push_str(&serde_json::to_string_pretty(&v).unwrap());
            out.push('\n');
        }
        _ => assert!(body.is_empty(), "unexpected body"),
    }
    out
}

fn form(req: &Request<Bytes>) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes(req.body()).unwrap()
}

fn field(req: &Request<Bytes>, name: &str) -> String {
    form(req)
        .into_iter()
        .find(|(k, _)| k == name)
        .map_or_else(|| panic!("no field {name}"), |(_, v)| v)
}

fn jwt_parts(jwt: &str) -> (Value, Value) {
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3);
    let d = |p: &str| -> Value {
        serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(p)
                .unwrap(),
        )
        .unwrap()
    };
    (d(parts[0]), d(parts[1]))
}

#[tokio::test]
async fn client_credentials_secret_post() {
    let rec = Recorder::default();
    let c = secret_client(&rec);
    let tokens = c
        .token()
        .client_credentials(
            ClientCredentials::new("https://api.example.com/").organization("org_1"),
        )
        .await
        .unwrap();
    insta::assert_snapshot!(render(&rec.last()));
    assert_eq!(tokens.access_token.expose_secret(), "at-1");
    assert_eq!(tokens.expires_in, Some(86400));
    assert_eq!(tokens.token_type.as_deref(), Some("Bearer"));
    assert_eq!(tokens.extra["custom_field"], "kept");
    assert_eq!(tokens.scopes().collect::<Vec<_>>(), ["openid", "profile"]);
    assert!(tokens.expires_at().is_some());
    let debug = format!("{tokens:?}");
    for secret in ["at-1", "idt-1", "rt-1"] {
        assert!(!debug.contains(secret), "{debug}");
    }
    assert!(debug.contains("custom_field"), "{debug}");
}

#[tokio::test]
async fn client_credentials_secret_basic() {
    let rec = Recorder::default();
    let c = builder(&rec)
        .client_auth(ClientAuth::SecretBasic("s3:cr/et".into()))
        .build()
        .unwrap();
    c.token()
        .client_credentials(ClientCredentials::new("https://api.example.com/"))
        .await
        .unwrap();
    let req = rec.last();
    let auth = req.headers()["authorization"].to_str().unwrap().to_owned();
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(auth.strip_prefix("Basic ").unwrap())
        .unwrap();
    // Both parts form-url-encoded before base64 (RFC 6749 §2.3.1).
    assert_eq!(String::from_utf8(decoded).unwrap(), "client-1:s3%3Acr%2Fet");
    assert!(req.headers()["authorization"].is_sensitive());
    insta::assert_snapshot!(render(&req));
}

#[tokio::test]
async fn client_credentials_private_key_jwt() {
    let rec = Recorder::default();
    let signer = ClientAssertionSigner::from_pem(PKCS1, SigningAlgorithm::RS256)
        .unwrap()
        .with_kid("k1");
    let c = builder(&rec).private_key_jwt(signer).build().unwrap();
    c.token()
        .client_credentials(ClientCredentials::new("https://api.example.com/"))
        .await
        .unwrap();
    c.token()
        .client_credentials(ClientCredentials::new("https://api.example.com/"))
        .await
        .unwrap();
    let reqs = rec.requests();
    insta::assert_snapshot!(render(&reqs[0]));
    let (h, claims) = jwt_parts(&field(&reqs[0], "client_assertion"));
    assert_eq!(h, json!({"alg":"RS256","typ":"JWT","kid":"k1"}));
    assert_eq!(claims["iss"], "client-1");
    assert_eq!(claims["sub"], "client-1");
    assert_eq!(claims["aud"], "https://tenant.example.com/");
    assert_eq!(
        claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap(),
        60
    );
    // A fresh assertion each call.
    let (_, second) = jwt_parts(&field(&reqs[1], "client_assertion"));
    assert_ne!(claims["jti"], second["jti"]);
    assert!(!format!("{c:?}").contains("BEGIN"));
}

#[tokio::test]
async fn authorization_code_grants() {
    let rec = Recorder::default();
    let c = secret_client(&rec);
    c.token()
        .authorization_code(AuthorizationCode::new("code-1").redirect_uri("https://app/cb"))
        .await
        .unwrap();
    insta::assert_snapshot!("authorization_code", render(&rec.last()));
    c.token()
        .authorization_code_pkce("code-2", "verifier-2", "https://app/cb")
        .await
        .unwrap();
    insta::assert_snapshot!("authorization_code_pkce_confidential", render(&rec.last()));
    let public = builder(&rec).build().unwrap();
    public
        .token()
        .authorization_code_pkce("code-3", "verifier-3", "https://app/cb")
        .await
        .unwrap();
    insta::assert_snapshot!("authorization_code_pkce_public", render(&rec.last()));
}

#[tokio::test]
async fn password_grants() {
    let rec = Recorder::default();
    let c = secret_client(&rec);
    c.token()
        .password(
            PasswordGrant::new("user@example.com", "p4ss")
                .realm("Username-Password-Authentication")
                .scope("openid")
                .audience("https://api/")
                .forwarded_for("203.0.113.9"),
        )
        .await
        .unwrap();
    insta::assert_snapshot!("password_realm", render(&rec.last()));
    c.token()
        .password(PasswordGrant::new("user@example.com", "p4ss"))
        .await
        .unwrap();
    insta::assert_snapshot!("password", render(&rec.last()));
}

#[tokio::test]
async fn other_grants() {
    let rec = Recorder::default();
    let c = secret_client(&rec);
    let t = c.token();
    t.refresh_token(RefreshToken::new("rt-0").scope("openid"))
        .await
        .unwrap();
    insta::assert_snapshot!("refresh_token", render(&rec.last()));
    t.passwordless_otp(PasswordlessOtp::email("a@example.com", "123456").scope("openid"))
        .await
        .unwrap();
    insta::assert_snapshot!("passwordless_otp", render(&rec.last()));
    t.mfa_otp("mfa-tok", "654321").await.unwrap();
    insta::assert_snapshot!("mfa_otp", render(&rec.last()));
    t.mfa_oob("mfa-tok", "oob-1", Some("BIND")).await.unwrap();
    insta::assert_snapshot!("mfa_oob", render(&rec.last()));
    t.mfa_recovery_code("mfa-tok", "RC-1").await.unwrap();
    insta::assert_snapshot!("mfa_recovery_code", render(&rec.last()));
    t.ciba("req-1").await.unwrap();
    insta::assert_snapshot!("ciba", render(&rec.last()));
    t.device_code("dc-1").await.unwrap();
    insta::assert_snapshot!("device_code", render(&rec.last()));
    t.token_exchange(
        TokenExchange::new("ext-token", "urn:acme:legacy-token")
            .audience("https://api/")
            .scope("openid")
            .organization("org_1"),
    )
    .await
    .unwrap();
    insta::assert_snapshot!("token_exchange", render(&rec.last()));
    t.connection_token(
        ConnectionToken::from_refresh_token("rt-9", "google-oauth2").login_hint("u@gmail.com"),
    )
    .await
    .unwrap();
    insta::assert_snapshot!("connection_token", render(&rec.last()));
    t.custom(CustomGrant::new("urn:example:grant").field("x", "1"))
        .await
        .unwrap();
    insta::assert_snapshot!("custom_grant", render(&rec.last()));
}

#[tokio::test]
async fn database_passwordless_userinfo_revoke() {
    let rec = Recorder::default();
    let c = secret_client(&rec);
    let mut meta = serde_json::Map::new();
    meta.insert("plan".into(), "gold".into());
    let user = c
        .database()
        .signup(
            Signup::new("a@example.com", "p4ss", "Username-Password-Authentication")
                .given_name("Ada")
                .user_metadata(meta),
        )
        .await
        .unwrap();
    insta::assert_snapshot!("signup", render(&rec.last()));
    assert_eq!(user.id.as_deref(), Some("u1"));
    assert_eq!(user.extra["extra"], 1);

    let text = c
        .database()
        .change_password(
            ChangePassword::new("a@example.com", "Username-Password-Authentication")
                .organization("org_1"),
        )
        .await
        .unwrap();
    insta::assert_snapshot!("change_password", render(&rec.last()));
    assert_eq!(text, "We've just sent you an email to reset your password.");

    let mut auth_params = serde_json::Map::new();
    auth_params.insert("scope".into(), "openid".into());
    c.passwordless()
        .email(
            PasswordlessEmail::new("a@example.com")
                .send(PasswordlessSend::Code)
                .auth_params(auth_params),
        )
        .await
        .unwrap();
    insta::assert_snapshot!("passwordless_email", render(&rec.last()));
    c.passwordless()
        .sms(PasswordlessSms::new("+15555550100"))
        .await
        .unwrap();
    insta::assert_snapshot!("passwordless_sms", render(&rec.last()));

    let info = c.users().userinfo("at-user").await.unwrap();
    insta::assert_snapshot!("userinfo", render(&rec.last()));
    assert_eq!(info.sub, "auth0|u1");
    assert_eq!(info.email_verified, Some(true));
    assert_eq!(info.extra["https://example.com/roles"], json!(["admin"]));

    c.revoke_refresh_token("rt-1").await.unwrap();
    insta::assert_snapshot!("revoke", render(&rec.last()));
}

#[tokio::test]
async fn ciba_device_par() {
    let rec = Recorder::default();
    let c = secret_client(&rec);
    let started = c
        .back_channel()
        .authorize(
            BackChannelAuthorize::for_user(&c, "auth0|u1", "openid", "ABC-123")
                .requested_expiry(NonZeroU32::new(120).unwrap())
                .authorization_details(json!([{"type":"payment","amount":"10"}])),
        )
        .await
        .unwrap();
    insta::assert_snapshot!("bc_authorize", render(&rec.last()));
    assert_eq!(started.auth_req_id, "req-1");
    assert_eq!(started.interval, Some(5));

    let code = c
        .device()
        .code(
            DeviceCodeRequest::new()
                .scope("openid offline_access")
                .audience("https://api/"),
        )
        .await
        .unwrap();
    insta::assert_snapshot!("device_authorization", render(&rec.last()));
    assert_eq!(code.user_code, "ABCD-EFGH");
    assert!(!format!("{code:?}").contains("dc-1"));

    let pkce = Pkce::from_verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
    let params = AuthorizeParams::new("https://app/cb")
        .scope("openid")
        .state("st")
        .pkce(&pkce)
        .authorization_details(json!([{"type":"account_information"}]));
    let par = c.par().push(&params).await.unwrap();
    insta::assert_snapshot!("par", render(&rec.last()));
    assert_eq!(par.expires_in, 30);

    let signer = ClientAssertionSigner::from_pem(PKCS1, SigningAlgorithm::PS256).unwrap();
    c.par().push_signed(&params, &signer).await.unwrap();
    let req = rec.last();
    insta::assert_snapshot!("par_signed", render(&req));
    let (h, claims) = jwt_parts(&field(&req, "request"));
    assert_eq!(h["typ"], "oauth-authz-req+jwt");
    assert_eq!(h["alg"], "PS256");
    assert_eq!(claims["iss"], "client-1");
    assert_eq!(claims["client_id"], "client-1");
    assert_eq!(claims["aud"], "https://tenant.example.com/");
    assert_eq!(
        claims["authorization_details"],
        json!([{"type":"account_information"}])
    );
    assert_eq!(
        claims["code_challenge"],
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    );
}

#[tokio::test]
async fn mfa_calls() {
    let rec = Recorder::default();
    let c = secret_client(&rec);
    let ch = c
        .mfa()
        .challenge(
            MfaChallenge::new("mfa-tok")
                .challenge_type("oob")
                .authenticator_id("sms|dev_1"),
        )
        .await
        .unwrap();
    insta::assert_snapshot!("mfa_challenge", render(&rec.last()));
    assert_eq!(ch.binding_method.as_deref(), Some("prompt"));
    assert!(!format!("{ch:?}").contains("oob-1"));

    let a = c
        .mfa()
        .associate("mfa-tok", MfaAssociate::Otp)
        .await
        .unwrap();
    insta::assert_snapshot!("mfa_associate_otp", render(&rec.last()));
    let debug = format!("{a:?}");
    assert!(
        !debug.contains("S3CR3T") && !debug.contains("RC1"),
        "{debug}"
    );
    c.mfa()
        .associate("mfa-tok", MfaAssociate::sms("+15555550100"))
        .await
        .unwrap();
    insta::assert_snapshot!("mfa_associate_sms", render(&rec.last()));

    let list = c.mfa().authenticators("mfa-tok").await.unwrap();
    insta::assert_snapshot!("mfa_authenticators", render(&rec.last()));
    assert_eq!(list[0].id, "totp|dev_1");
    assert_eq!(list[0].extra["created_at"], "2024");

    c.mfa()
        .delete_authenticator("mfa-tok", "totp|dev_1")
        .await
        .unwrap();
    insta::assert_snapshot!("mfa_delete", render(&rec.last()));
}

#[tokio::test]
async fn metadata_and_legacy() {
    let rec = Recorder::default();
    let c = secret_client(&rec);
    let xml = c.enterprise().saml_metadata().await.unwrap();
    assert_eq!(xml, "<EntityDescriptor/>");
    insta::assert_snapshot!("saml_metadata", render(&rec.last()));
    c.enterprise().wsfed_metadata().await.unwrap();
    insta::assert_snapshot!("wsfed_metadata", render(&rec.last()));
    c.legacy()
        .social_login("fb-token", "facebook", None)
        .await
        .unwrap();
    insta::assert_snapshot!("social_login", render(&rec.last()));
    let d = c
        .legacy()
        .delegation(Delegation::new(
            "target-client",
            "app",
            "urn:ietf:params:oauth:grant-type:jwt-bearer",
            DelegationToken::IdToken("idt".into()),
        ))
        .await
        .unwrap();
    insta::assert_snapshot!("delegation", render(&rec.last()));
    assert_eq!(d.expires_in, Some(36000));
}

#[test]
fn urls() {
    let rec = Recorder::default();
    let c = secret_client(&rec);
    let pkce = Pkce::from_verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
    assert_eq!(
        pkce.challenge(),
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    );
    let url = c
        .authorize_url(
            &AuthorizeParams::new("https://app/cb?x=1")
                .scope("openid profile")
                .audience("https://api/")
                .state("st")
                .nonce("nn")
                .organization("org_1")
                .invitation("inv_1")
                .max_age(60)
                .pkce(&pkce)
                .param("ext-foo", "bar"),
        )
        .unwrap();
    insta::assert_snapshot!(url, @"https://tenant.example.com/authorize?client_id=client-1&response_type=code&redirect_uri=https%3A%2F%2Fapp%2Fcb%3Fx%3D1&scope=openid+profile&audience=https%3A%2F%2Fapi%2F&state=st&nonce=nn&organization=org_1&invitation=inv_1&max_age=60&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&ext-foo=bar");
    insta::assert_snapshot!(
        c.authorize_url_for_request_uri("urn:ietf:params:oauth:request_uri:abc").unwrap(),
        @"https://tenant.example.com/authorize?client_id=client-1&request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3Aabc"
    );
    insta::assert_snapshot!(
        c.logout_url(&LogoutParams::new("https://app/bye").federated()),
        @"https://tenant.example.com/v2/logout?client_id=client-1&returnTo=https%3A%2F%2Fapp%2Fbye&federated="
    );
    insta::assert_snapshot!(
        c.oidc_logout_url(&OidcLogoutParams::new().id_token_hint("idt").post_logout_redirect_uri("https://app/bye").state("s")),
        @"https://tenant.example.com/oidc/logout?client_id=client-1&id_token_hint=idt&post_logout_redirect_uri=https%3A%2F%2Fapp%2Fbye&state=s"
    );
    let signer = ClientAssertionSigner::from_pem(PKCS1, SigningAlgorithm::RS256).unwrap();
    let url = c
        .authorize_url_signed(&AuthorizeParams::new("https://app/cb"), &signer)
        .unwrap();
    assert!(
        url.starts_with(
            "https://tenant.example.com/authorize?client_id=client-1&response_type=code&request=ey"
        ),
        "{url}"
    );
    let generated = Pkce::generate();
    assert_eq!(generated.verifier().expose_secret().len(), 43);
    assert_ne!(random_state(), random_state());
    assert_eq!(random_nonce().len(), 43);
}

#[tokio::test]
async fn mfa_required_exposes_the_token() {
    let rec = Recorder::default();
    let c = secret_client(&rec);
    rec.reply(
        403,
        &[("content-type", "application/json")],
        r#"{"error":"mfa_required","error_description":"Multifactor authentication required","mfa_token":"Fe26.2*mfa"}"#,
    );
    let err = c
        .token()
        .password(PasswordGrant::new("u", "p").realm("db"))
        .await
        .unwrap_err();
    let api = err.api_error().unwrap();
    assert!(api.is_mfa_required());
    assert_eq!(api.mfa_token(), Some("Fe26.2*mfa"));
    insta::assert_snapshot!(err.to_string(), @"403: Multifactor authentication required");
}

#[tokio::test]
async fn rate_limit_without_retries_is_returned_at_once() {
    let rec = Recorder::default();
    let c = secret_client(&rec);
    rec.reply(
        429,
        &[
            ("x-ratelimit-reset", "1700000000"),
            ("x-ratelimit-limit", "10"),
            ("x-ratelimit-remaining", "0"),
        ],
        r#"{"error":"too_many_requests","error_description":"Global limit has been reached"}"#,
    );
    let err = c
        .token()
        .client_credentials(ClientCredentials::new("a"))
        .await
        .unwrap_err();
    assert_eq!(rec.requests().len(), 1);
    match err {
        Error::RateLimited(rl) => {
            assert_eq!(rl.reset_at(), Some(1_700_000_000));
            assert_eq!(rl.api.code, "too_many_requests");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn rate_limit_retries_when_switched_on() {
    let rec = Recorder::default();
    let c = builder(&rec).client_secret("s").retries(2).build().unwrap();
    rec.reply(429, &[("retry-after", "3")], "{}");
    rec.reply(429, &[], "{}");
    let tokens = c
        .token()
        .client_credentials(ClientCredentials::new("a"))
        .await
        .unwrap();
    assert_eq!(tokens.access_token.expose_secret(), "at-1");
    assert_eq!(rec.requests().len(), 3);

    // Retries exhausted: the last 429 is returned.
    for _ in 0..3 {
        rec.reply(429, &[], r#"{"error":"too_many_requests"}"#);
    }
    let err = c
        .token()
        .client_credentials(ClientCredentials::new("a"))
        .await
        .unwrap_err();
    assert!(err.is_rate_limited());
    assert_eq!(rec.requests().len(), 3);

    // Per call: retries off on a copy.
    rec.reply(429, &[], "{}");
    let err = c
        .with_retry(RetryConfig::retries(0))
        .token()
        .client_credentials(ClientCredentials::new("a"))
        .await
        .unwrap_err();
    assert!(err.is_rate_limited());
    assert_eq!(rec.requests().len(), 1);
}

#[test]
fn retry_delays() {
    let now = std::time::UNIX_EPOCH + Duration::from_secs(1_000);
    let cfg = RetryConfig::retries(3).with_max_delay(Duration::from_secs(10));
    let mut h = http::HeaderMap::new();
    for n in 1..=6 {
        let d = cfg.delay(n, &h, now);
        assert!(
            d >= Duration::from_millis(100) && d <= Duration::from_secs(1),
            "{d:?}"
        );
    }
    assert!(cfg.delay(1, &h, now) <= Duration::from_millis(200));
    h.insert("x-ratelimit-reset", "1004".parse().unwrap());
    assert_eq!(cfg.delay(1, &h, now), Duration::from_secs(4));
    h.insert("retry-after", "7".parse().unwrap());
    assert_eq!(cfg.delay(1, &h, now), Duration::from_secs(7));
    h.insert("retry-after", "700".parse().unwrap());
    assert_eq!(cfg.delay(1, &h, now), Duration::from_secs(10));
    assert_eq!(RetryConfig::retries(99).max_retries, MAX_RETRIES);
}

#[tokio::test(start_paused = true)]
async fn timeouts_per_client_and_per_call() {
    let slow = tower::service_fn(|_req: Request<Bytes>| async {
        tokio::time::sleep(Duration::from_secs(30)).await;
        Ok::<_, Infallible>(default_reply("/oauth/token"))
    });
    let c = AuthenticationClient::builder("tenant.example.com")
        .client_id("c")
        .service(slow)
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let err = c.users().userinfo("t").await.unwrap_err();
    assert!(
        matches!(err, Error::Timeout(d) if d == Duration::from_secs(2)),
        "{err:?}"
    );
    let err = c
        .with_timeout(Duration::from_millis(500))
        .users()
        .userinfo("t")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout(d) if d == Duration::from_millis(500)));
}

#[tokio::test(start_paused = true)]
async fn ciba_wait_handles_pending_and_slow_down() {
    let rec = Recorder::default();
    let c = secret_client(&rec);
    let started = c
        .back_channel()
        .authorize(BackChannelAuthorize::new("{}", "openid", "msg"))
        .await
        .unwrap();
    rec.requests();
    rec.reply(400, &[], r#"{"error":"authorization_pending","error_description":"The end-user authorization is pending"}"#);
    rec.reply(
        429,
        &[],
        r#"{"error":"slow_down","error_description":"You are polling faster than allowed"}"#,
    );
    rec.reply(400, &[], r#"{"error":"authorization_pending"}"#);
    let start = tokio::time::Instant::now();
    let tokens = c
        .back_channel()
        .wait_for_tokens(&started, PollOptions::default())
        .await
        .unwrap();
    assert_eq!(tokens.access_token.expose_secret(), "at-1");
    let polls = rec.requests();
    assert_eq!(polls.len(), 4);
    assert!(polls.iter().all(|r| field(r, "auth_req_id") == "req-1"));
    // 5 + 5 + 10 (after slow_down) + 10 seconds of waiting, on the paused clock.
    assert_eq!(start.elapsed(), Duration::from_secs(30));

    // access_denied ends the wait.
    rec.reply(
        400,
        &[],
        r#"{"error":"access_denied","error_description":"User rejected"}"#,
    );
    let err = c
        .back_channel()
        .wait_for_tokens(
            &started,
            PollOptions::default().with_interval(Duration::from_millis(10)),
        )
        .await
        .unwrap_err();
    assert_eq!(err.api_error().unwrap().code, "access_denied");

    // Pending for longer than max_wait: the last pending error comes back.
    for _ in 0..20 {
        rec.reply(400, &[], r#"{"error":"authorization_pending"}"#);
    }
    rec.requests();
    let err = c
        .back_channel()
        .wait_for_tokens(
            &started,
            PollOptions::default()
                .with_interval(Duration::from_secs(1))
                .with_max_wait(Duration::from_secs(5)),
        )
        .await
        .unwrap_err();
    assert_eq!(err.api_error().unwrap().code, "authorization_pending");
    assert_eq!(rec.requests().len(), 5);
}

#[tokio::test(start_paused = true)]
async fn device_wait_is_cancelled_by_dropping_it() {
    let rec = Recorder::default();
    let c = secret_client(&rec);
    let code = c.device().code(DeviceCodeRequest::new()).await.unwrap();
    rec.requests();
    for _ in 0..100 {
        rec.reply(400, &[], r#"{"error":"authorization_pending"}"#);
    }
    let waited = tokio::time::timeout(
        Duration::from_secs(12),
        c.device().wait_for_tokens(&code, PollOptions::default()),
    )
    .await;
    assert!(waited.is_err(), "still pending, so the timeout wins");
    let polls = rec.requests();
    assert_eq!(polls.len(), 2);
    insta::assert_snapshot!("device_poll", render(&polls[0]));
}

#[test]
fn builder_errors_and_debug() {
    let err = AuthenticationClient::builder("http://tenant.example.com")
        .build()
        .unwrap_err();
    insta::assert_snapshot!(err.to_string(), @"invalid configuration: plain http is refused for the Auth0 domain; use https, or Domain::insecure_http for a local test server");
    let err = AuthenticationClient::builder("tenant.example.com")
        .client_secret("x")
        .build()
        .unwrap_err();
    insta::assert_snapshot!(err.to_string(), @"invalid configuration: client authentication is configured but the client id is missing");
    let rec = Recorder::default();
    let c = AuthenticationClient::builder("tenant.example.com")
        .service(rec.service())
        .build()
        .unwrap();
    let err = c.authorize_url(&AuthorizeParams::new("x")).unwrap_err();
    assert!(matches!(err, Error::Config(_)));
    let c = secret_client(&rec);
    let debug = format!("{c:?}");
    assert!(!debug.contains("s3cr3t"), "{debug}");
    insta::assert_snapshot!(debug, @r#"AuthenticationClient { domain: Domain("https://tenant.example.com"), client_id: Some("client-1"), auth: SecretPost([redacted]), timeout: Some(10s), retry: RetryConfig { max_retries: 0, max_delay: 10s }, .. }"#);
}

#[tokio::test]
async fn telemetry_can_be_switched_off_and_non_json_errors_are_kept() {
    let rec = Recorder::default();
    let c = builder(&rec)
        .telemetry(TelemetryConfig::Disabled)
        .build()
        .unwrap();
    rec.reply(502, &[], "<html>Bad Gateway</html>");
    let err = c.users().userinfo("t").await.unwrap_err();
    let req = rec.last();
    assert!(req.headers().get("auth0-client").is_none());
    assert!(req.headers().get("user-agent").is_some());
    assert_eq!(err.api_error().unwrap().message, "<html>Bad Gateway</html>");
    // A success body of the wrong shape is a decode error that quotes no values.
    rec.reply(
        200,
        &[],
        r#"{"token_type":"Bearer","secret_thing":"leak-me"}"#,
    );
    let err = secret_client(&rec)
        .token()
        .client_credentials(ClientCredentials::new("a"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode(_)));
    assert!(!err.to_string().contains("leak-me"));
}

#[tokio::test]
async fn layers_wrap_the_transport() {
    let rec = Recorder::default();
    let seen = Arc::new(Mutex::new(0usize));
    let counter = seen.clone();
    let c = builder(&rec)
        .layer(tower::layer::layer_fn(move |inner: BoxedService| {
            let counter = counter.clone();
            tower::ServiceExt::map_request(inner, move |req: Request<Bytes>| {
                *counter.lock().unwrap() += 1;
                req
            })
        }))
        .build()
        .unwrap();
    c.users().userinfo("t").await.unwrap();
    assert_eq!(*seen.lock().unwrap(), 1);
}

#[tokio::test]
async fn secret_basic_falls_back_to_the_body_when_a_bearer_is_sent() {
    let rec = Recorder::default();
    let c = builder(&rec).client_secret_basic("s3cr3t").build().unwrap();
    c.mfa()
        .associate(
            "mfa-tok",
            MfaAssociate::Email {
                email: "a@example.com".into(),
            },
        )
        .await
        .unwrap();
    let req = rec.last();
    assert_eq!(req.headers()["authorization"], "Bearer mfa-tok");
    insta::assert_snapshot!("mfa_associate_email_basic", render(&req));
    // JSON endpoints get the secret in the body too.
    c.mfa()
        .challenge(MfaChallenge::new("mfa-tok"))
        .await
        .unwrap();
    let req = rec.last();
    assert!(req.headers().get("authorization").is_none());
    let body: Value = serde_json::from_slice(req.body()).unwrap();
    assert_eq!(body["client_secret"], "s3cr3t");
    // OAuth endpoints get the Basic header.
    c.revoke_refresh_token("rt").await.unwrap();
    let req = rec.last();
    assert!(
        req.headers()["authorization"]
            .to_str()
            .unwrap()
            .starts_with("Basic ")
    );
    assert!(!String::from_utf8_lossy(req.body()).contains("s3cr3t"));
    // Bearer tokens with characters a header cannot hold are refused, not sent.
    let err = c.users().userinfo("bad\ntoken").await.unwrap_err();
    assert!(matches!(err, Error::Config(_)));
    assert!(!err.to_string().contains("bad"), "{err}");
}

//! `/authorize` parameters shared by the URL builder and PAR, PKCE, JAR, and the logout URLs.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::rand::{SecureRandom, SystemRandom};
use serde_json::{Map, Value};

use auth0_core::{Error, SecretString};

use crate::assertion::ClientAssertionSigner;
use crate::client::AuthenticationClient;
use crate::request::{Call, Caller, Encoding, Fields, form_value, string_setters};
use crate::types::ParResponse;

/// Lifetime of a signed request object (JAR).
pub const REQUEST_OBJECT_LIFETIME_SECS: u64 = 300;

/// `n` random bytes, base64url without padding.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes.max(1)];
    // SystemRandom only fails if the OS has no randomness; the buffer then stays zero, which
    // a later state/nonce check would still catch. Report loudly instead.
    assert!(
        SystemRandom::new().fill(&mut buf).is_ok(),
        "the system random source failed"
    );
    URL_SAFE_NO_PAD.encode(buf)
}

/// A random `state` (32 bytes, base64url).
pub fn random_state() -> String {
    random_token(32)
}

/// A random `nonce` (32 bytes, base64url).
pub fn random_nonce() -> String {
    random_token(32)
}

/// A PKCE pair (RFC 7636): keep the verifier, send the S256 challenge to `/authorize`.
#[derive(Clone)]
pub struct Pkce {
    verifier: SecretString,
    challenge: String,
}

impl std::fmt::Debug for Pkce {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pkce")
            .field("challenge", &self.challenge)
            .finish_non_exhaustive()
    }
}

impl Pkce {
    /// A fresh verifier (32 random bytes → 43 characters) and its S256 challenge.
    pub fn generate() -> Self {
        Self::from_verifier(random_token(32))
    }

    /// The challenge for a verifier you made yourself (43–128 characters of
    /// `[A-Za-z0-9-._~]`).
    pub fn from_verifier(verifier: impl Into<String>) -> Self {
        let verifier = verifier.into();
        let digest = ring::digest::digest(&ring::digest::SHA256, verifier.as_bytes());
        Self {
            challenge: URL_SAFE_NO_PAD.encode(digest.as_ref()),
            verifier: SecretString::new(verifier),
        }
    }

    /// The `code_verifier` for the code exchange.
    pub fn verifier(&self) -> &SecretString {
        &self.verifier
    }

    /// The `code_challenge` for `/authorize`.
    pub fn challenge(&self) -> &str {
        &self.challenge
    }

    /// Always `S256`.
    pub fn method(&self) -> &'static str {
        "S256"
    }
}

/// Parameters of an authorization request: for [`AuthenticationClient::authorize_url`], and
/// for pushing with [`ParApi::push`] / [`ParApi::push_signed`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AuthorizeParams {
    response_type: String,
    redirect_uri: String,
    scope: Option<String>,
    audience: Option<String>,
    state: Option<String>,
    nonce: Option<String>,
    organization: Option<String>,
    invitation: Option<String>,
    connection: Option<String>,
    prompt: Option<String>,
    max_age: Option<u64>,
    login_hint: Option<String>,
    screen_hint: Option<String>,
    ui_locales: Option<String>,
    response_mode: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
    authorization_details: Option<Value>,
    extra: Vec<(String, String)>,
}

impl AuthorizeParams {
    /// `response_type=code` to this `redirect_uri`.
    pub fn new(redirect_uri: impl Into<String>) -> Self {
        Self {
            response_type: "code".to_owned(),
            redirect_uri: redirect_uri.into(),
            scope: None,
            audience: None,
            state: None,
            nonce: None,
            organization: None,
            invitation: None,
            connection: None,
            prompt: None,
            max_age: None,
            login_hint: None,
            screen_hint: None,
            ui_locales: None,
            response_mode: None,
            code_challenge: None,
            code_challenge_method: None,
            authorization_details: None,
            extra: Vec::new(),
        }
    }

    /// Another `response_type` (`code id_token`, `token`…).
    #[must_use]
    pub fn response_type(mut self, response_type: impl Into<String>) -> Self {
        self.response_type = response_type.into();
        self
    }

    /// Sends the PKCE challenge of `pkce`.
    #[must_use]
    pub fn pkce(mut self, pkce: &Pkce) -> Self {
        self.code_challenge = Some(pkce.challenge().to_owned());
        self.code_challenge_method = Some(pkce.method().to_owned());
        self
    }

    /// `max_age` in seconds.
    #[must_use]
    pub fn max_age(mut self, seconds: u64) -> Self {
        self.max_age = Some(seconds);
        self
    }

    /// Rich authorization request (RFC 9396) details: a JSON array of objects with `type`.
    #[must_use]
    pub fn authorization_details(mut self, details: Value) -> Self {
        self.authorization_details = Some(details);
        self
    }

    /// Any other parameter (custom `ext-*` parameters…).
    #[must_use]
    pub fn param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra.push((name.into(), value.into()));
        self
    }

    /// The parameters as ordered fields, `authorization_details` kept as JSON.
    fn fields(&self) -> Fields {
        Fields::new()
            .put("response_type", self.response_type.as_str())
            .put("redirect_uri", self.redirect_uri.as_str())
            .opt("scope", self.scope.as_deref())
            .opt("audience", self.audience.as_deref())
            .opt("state", self.state.as_deref())
            .opt("nonce", self.nonce.as_deref())
            .opt("organization", self.organization.as_deref())
            .opt("invitation", self.invitation.as_deref())
            .opt("connection", self.connection.as_deref())
            .opt("prompt", self.prompt.as_deref())
            .opt("max_age", self.max_age)
            .opt("login_hint", self.login_hint.as_deref())
            .opt("screen_hint", self.screen_hint.as_deref())
            .opt("ui_locales", self.ui_locales.as_deref())
            .opt("response_mode", self.response_mode.as_deref())
            .opt("code_challenge", self.code_challenge.as_deref())
            .opt(
                "code_challenge_method",
                self.code_challenge_method.as_deref(),
            )
            .opt("authorization_details", self.authorization_details.clone())
            .extra(&self.extra)
    }
}
string_setters!(AuthorizeParams {
    scope,
    audience,
    state,
    nonce,
    organization,
    invitation,
    connection,
    prompt,
    login_hint,
    screen_hint,
    ui_locales,
    response_mode
});

fn query_string(pairs: &[(&str, String)]) -> String {
    serde_urlencoded::to_string(pairs).unwrap_or_default()
}

fn url_with_query(client: &AuthenticationClient, path: &str, pairs: &[(&str, String)]) -> String {
    let mut url = client.domain().url(path);
    if !pairs.is_empty() {
        url.push('?');
        url.push_str(&query_string(pairs));
    }
    url
}

/// Parameters of `/v2/logout`.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct LogoutParams {
    return_to: Option<String>,
    federated: bool,
    include_client_id: bool,
}

impl LogoutParams {
    /// Log out and send the user back to `return_to` (must be an allowed logout URL; the
    /// client id is sent so the application's list is used).
    pub fn new(return_to: impl Into<String>) -> Self {
        Self {
            return_to: Some(return_to.into()),
            federated: false,
            include_client_id: true,
        }
    }

    /// Also log out of the identity provider (`federated`).
    #[must_use]
    pub fn federated(mut self) -> Self {
        self.federated = true;
        self
    }

    /// Leave the client id out (the tenant's allowed logout URLs are used).
    #[must_use]
    pub fn without_client_id(mut self) -> Self {
        self.include_client_id = false;
        self
    }
}

/// Parameters of OIDC RP-initiated logout (`/oidc/logout`).
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct OidcLogoutParams {
    id_token_hint: Option<String>,
    post_logout_redirect_uri: Option<String>,
    logout_hint: Option<String>,
    state: Option<String>,
    ui_locales: Option<String>,
    federated: bool,
}

impl OidcLogoutParams {
    /// No parameters yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Also log out of the identity provider.
    #[must_use]
    pub fn federated(mut self) -> Self {
        self.federated = true;
        self
    }
}
string_setters!(OidcLogoutParams {
    id_token_hint,
    post_logout_redirect_uri,
    logout_hint,
    state,
    ui_locales
});

impl AuthenticationClient {
    /// The `/authorize` URL to send the user to.
    pub fn authorize_url(&self, params: &AuthorizeParams) -> Result<String, Error> {
        let client_id = self.require_client_id()?;
        let fields = Fields::new().put("client_id", client_id);
        let mut pairs: Vec<(&str, String)> = Vec::new();
        let params = params.fields();
        pairs.extend(fields.form_pairs());
        pairs.extend(params.form_pairs());
        Ok(url_with_query(self, "/authorize", &pairs))
    }

    /// The `/authorize` URL for a pushed request's `request_uri` (see [`ParApi::push`]).
    pub fn authorize_url_for_request_uri(&self, request_uri: &str) -> Result<String, Error> {
        let client_id = self.require_client_id()?;
        Ok(url_with_query(
            self,
            "/authorize",
            &[
                ("client_id", client_id.to_owned()),
                ("request_uri", request_uri.to_owned()),
            ],
        ))
    }

    /// The `/authorize` URL with the parameters in a signed request object (JAR, RFC 9101);
    /// `client_id`, `response_type` and `scope` are repeated outside it, as OpenID Connect
    /// requires.
    pub fn authorize_url_signed(
        &self,
        params: &AuthorizeParams,
        signer: &ClientAssertionSigner,
    ) -> Result<String, Error> {
        let client_id = self.require_client_id()?;
        let jwt = self.request_object(params, signer)?;
        let mut pairs = vec![
            ("client_id", client_id.to_owned()),
            ("response_type", params.response_type.clone()),
        ];
        if let Some(scope) = &params.scope {
            pairs.push(("scope", scope.clone()));
        }
        pairs.push(("request", jwt));
        Ok(url_with_query(self, "/authorize", &pairs))
    }

    /// A signed request object (JAR, RFC 9101) holding `params`: header `typ`
    /// `oauth-authz-req+jwt`; claims `iss` = `client_id` = the client id, `aud` = the tenant
    /// issuer, `iat`, `nbf`, `exp` (+300 s), `jti`, and every parameter
    /// (`authorization_details` as JSON).
    pub fn request_object(
        &self,
        params: &AuthorizeParams,
        signer: &ClientAssertionSigner,
    ) -> Result<String, Error> {
        let client_id = self.require_client_id()?;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let mut claims: Map<String, Value> = params.fields().into_map();
        claims.insert("client_id".into(), client_id.into());
        claims.insert("iss".into(), client_id.into());
        claims.insert("aud".into(), self.assertion_audience().into());
        claims.insert("iat".into(), now.into());
        claims.insert("nbf".into(), now.into());
        claims.insert("exp".into(), (now + REQUEST_OBJECT_LIFETIME_SECS).into());
        claims.insert("jti".into(), signer.jti()?.into());
        Ok(signer.sign_jwt("oauth-authz-req+jwt", &claims)?)
    }

    /// The `/v2/logout` URL.
    pub fn logout_url(&self, params: &LogoutParams) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(id) = self.client_id().filter(|_| params.include_client_id) {
            pairs.push(("client_id", id.to_owned()));
        }
        if let Some(r) = &params.return_to {
            pairs.push(("returnTo", r.clone()));
        }
        if params.federated {
            pairs.push(("federated", String::new()));
        }
        url_with_query(self, "/v2/logout", &pairs)
    }

    /// The OIDC logout URL (`/oidc/logout`).
    pub fn oidc_logout_url(&self, params: &OidcLogoutParams) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(id) = self.client_id() {
            pairs.push(("client_id", id.to_owned()));
        }
        for (k, v) in [
            ("id_token_hint", &params.id_token_hint),
            ("post_logout_redirect_uri", &params.post_logout_redirect_uri),
            ("logout_hint", &params.logout_hint),
            ("state", &params.state),
            ("ui_locales", &params.ui_locales),
        ] {
            if let Some(v) = v {
                pairs.push((k, v.clone()));
            }
        }
        if params.federated {
            pairs.push(("federated", String::new()));
        }
        url_with_query(self, "/oidc/logout", &pairs)
    }

    /// Pushed authorization requests (PAR, RFC 9126).
    pub fn par(&self) -> ParApi<'_> {
        ParApi { client: self }
    }
}

/// Pushed authorization requests. Get it with [`AuthenticationClient::par`].
#[derive(Debug, Clone, Copy)]
pub struct ParApi<'a> {
    client: &'a AuthenticationClient,
}

impl ParApi<'_> {
    /// Push the parameters (form-encoded, client-authenticated; `authorization_details` as
    /// JSON text). Then send the user to
    /// [`AuthenticationClient::authorize_url_for_request_uri`]. `auth0-python`:
    /// `PushedAuthorizationRequests.pushed_authorization_request`.
    pub async fn push(self, params: &AuthorizeParams) -> Result<ParResponse, Error> {
        let mut fields = Fields::new();
        for (k, v) in params.fields().0 {
            if let Some(text) = form_value(&v) {
                fields.set(&k, Value::String(text));
            }
        }
        let call = Call::post("/oauth/par", Caller::Client, Encoding::Form, fields);
        self.client.json(&call, "PAR response").await
    }

    /// Push the parameters as a signed request object (JAR). Besides `request` (and the
    /// client id and credentials) the body repeats `response_type` and `scope`, as OpenID
    /// Connect requires; they match the signed values.
    pub async fn push_signed(
        self,
        params: &AuthorizeParams,
        signer: &ClientAssertionSigner,
    ) -> Result<ParResponse, Error> {
        let jwt = self.client.request_object(params, signer)?;
        let fields = Fields::new()
            .put("response_type", params.response_type.as_str())
            .opt("scope", params.scope.as_deref())
            .put("request", jwt);
        let call = Call::post("/oauth/par", Caller::Client, Encoding::Form, fields);
        self.client.json(&call, "PAR response").await
    }
}

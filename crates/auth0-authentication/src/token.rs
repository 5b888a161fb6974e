//! Every grant on `POST /oauth/token`.

use http::{HeaderName, HeaderValue};

use auth0_core::{Error, SecretString};

use crate::client::AuthenticationClient;
use crate::request::{Call, Caller, Encoding, Fields, string_setters};
use crate::types::TokenSet;

/// `grant_type` values Auth0 uses.
pub mod grant_type {
    /// Client credentials.
    pub const CLIENT_CREDENTIALS: &str = "client_credentials";
    /// Authorization code (with or without PKCE).
    pub const AUTHORIZATION_CODE: &str = "authorization_code";
    /// Resource owner password.
    pub const PASSWORD: &str = "password";
    /// Resource owner password with a realm (connection).
    pub const PASSWORD_REALM: &str = "http://auth0.com/oauth/grant-type/password-realm";
    /// Refresh token.
    pub const REFRESH_TOKEN: &str = "refresh_token";
    /// Passwordless one-time password.
    pub const PASSWORDLESS_OTP: &str = "http://auth0.com/oauth/grant-type/passwordless/otp";
    /// MFA with a one-time password.
    pub const MFA_OTP: &str = "http://auth0.com/oauth/grant-type/mfa-otp";
    /// MFA with an out-of-band code.
    pub const MFA_OOB: &str = "http://auth0.com/oauth/grant-type/mfa-oob";
    /// MFA with a recovery code.
    pub const MFA_RECOVERY_CODE: &str = "http://auth0.com/oauth/grant-type/mfa-recovery-code";
    /// Client-initiated backchannel authentication (CIBA).
    pub const CIBA: &str = "urn:openid:params:grant-type:ciba";
    /// Token exchange (RFC 8693; also Auth0's custom token exchange).
    pub const TOKEN_EXCHANGE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
    /// Token Vault: an access token for a connected account.
    pub const FEDERATED_CONNECTION_ACCESS_TOKEN: &str =
        "urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token";
    /// Device authorization.
    pub const DEVICE_CODE: &str = "urn:ietf:params:oauth:grant-type:device_code";
}

/// Token type URNs (RFC 8693 and Auth0).
pub mod token_type {
    /// An OAuth access token.
    pub const ACCESS_TOKEN: &str = "urn:ietf:params:oauth:token-type:access_token";
    /// An OAuth refresh token.
    pub const REFRESH_TOKEN: &str = "urn:ietf:params:oauth:token-type:refresh_token";
    /// An ID token.
    pub const ID_TOKEN: &str = "urn:ietf:params:oauth:token-type:id_token";
    /// A JWT.
    pub const JWT: &str = "urn:ietf:params:oauth:token-type:jwt";
    /// Token Vault: the access token of a connected account.
    pub const FEDERATED_CONNECTION_ACCESS_TOKEN: &str =
        "http://auth0.com/oauth/token-type/federated-connection-access-token";
}

/// `client_credentials` grant.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ClientCredentials {
    audience: String,
    organization: Option<String>,
    scope: Option<String>,
}

impl ClientCredentials {
    /// Tokens for the API with this identifier.
    pub fn new(audience: impl Into<String>) -> Self {
        Self {
            audience: audience.into(),
            organization: None,
            scope: None,
        }
    }
}
string_setters!(ClientCredentials {
    organization,
    scope
});

/// `authorization_code` grant, with or without a PKCE `code_verifier`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AuthorizationCode {
    code: SecretString,
    redirect_uri: Option<String>,
    code_verifier: Option<SecretString>,
}

impl AuthorizationCode {
    /// Exchange this code.
    pub fn new(code: impl Into<SecretString>) -> Self {
        Self {
            code: code.into(),
            redirect_uri: None,
            code_verifier: None,
        }
    }

    /// The `redirect_uri` sent to `/authorize` (required when one was sent there).
    #[must_use]
    pub fn redirect_uri(mut self, uri: impl Into<String>) -> Self {
        self.redirect_uri = Some(uri.into());
        self
    }

    /// The PKCE `code_verifier` (see [`Pkce`](crate::Pkce)).
    #[must_use]
    pub fn code_verifier(mut self, verifier: impl Into<SecretString>) -> Self {
        self.code_verifier = Some(verifier.into());
        self
    }
}

/// Resource owner password grant: `password`, or `password-realm` when a realm is set.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PasswordGrant {
    username: String,
    password: SecretString,
    realm: Option<String>,
    scope: Option<String>,
    audience: Option<String>,
    forwarded_for: Option<String>,
}

impl PasswordGrant {
    /// Log in with these credentials.
    pub fn new(username: impl Into<String>, password: impl Into<SecretString>) -> Self {
        Self {
            username: username.into(),
            password: password.into(),
            realm: None,
            scope: None,
            audience: None,
            forwarded_for: None,
        }
    }

    /// The end user's IP address, sent as `auth0-forwarded-for` so brute-force protection
    /// sees the user, not the server.
    #[must_use]
    pub fn forwarded_for(mut self, ip: impl Into<String>) -> Self {
        self.forwarded_for = Some(ip.into());
        self
    }
}
string_setters!(PasswordGrant {
    realm,
    scope,
    audience
});

/// `refresh_token` grant.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RefreshToken {
    refresh_token: SecretString,
    scope: Option<String>,
}

impl RefreshToken {
    /// Refresh with this token.
    pub fn new(refresh_token: impl Into<SecretString>) -> Self {
        Self {
            refresh_token: refresh_token.into(),
            scope: None,
        }
    }
}
string_setters!(RefreshToken { scope });

/// Passwordless OTP grant: finish a passwordless login with the code the user received.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PasswordlessOtp {
    username: String,
    otp: SecretString,
    realm: String,
    scope: Option<String>,
    audience: Option<String>,
}

impl PasswordlessOtp {
    /// `realm` is `email` or `sms`; `username` the e-mail address or phone number.
    pub fn new(
        realm: impl Into<String>,
        username: impl Into<String>,
        otp: impl Into<SecretString>,
    ) -> Self {
        Self {
            username: username.into(),
            otp: otp.into(),
            realm: realm.into(),
            scope: None,
            audience: None,
        }
    }

    /// An e-mail code.
    pub fn email(email: impl Into<String>, otp: impl Into<SecretString>) -> Self {
        Self::new("email", email, otp)
    }

    /// An SMS code.
    pub fn sms(phone_number: impl Into<String>, otp: impl Into<SecretString>) -> Self {
        Self::new("sms", phone_number, otp)
    }
}
string_setters!(PasswordlessOtp { scope, audience });

/// Token exchange (RFC 8693), which also drives Auth0's Custom Token Exchange: pass your
/// own `subject_token_type` (e.g. `urn:acme:legacy-token`) configured in a profile.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TokenExchange {
    subject_token: SecretString,
    subject_token_type: String,
    audience: Option<String>,
    scope: Option<String>,
    requested_token_type: Option<String>,
    organization: Option<String>,
    resource: Option<String>,
    actor_token: Option<SecretString>,
    actor_token_type: Option<String>,
}

impl TokenExchange {
    /// Exchange `subject_token` of the given type.
    pub fn new(
        subject_token: impl Into<SecretString>,
        subject_token_type: impl Into<String>,
    ) -> Self {
        Self {
            subject_token: subject_token.into(),
            subject_token_type: subject_token_type.into(),
            audience: None,
            scope: None,
            requested_token_type: None,
            organization: None,
            resource: None,
            actor_token: None,
            actor_token_type: None,
        }
    }

    /// The actor token (delegation).
    #[must_use]
    pub fn actor_token(
        mut self,
        token: impl Into<SecretString>,
        token_type: impl Into<String>,
    ) -> Self {
        self.actor_token = Some(token.into());
        self.actor_token_type = Some(token_type.into());
        self
    }
}
string_setters!(TokenExchange {
    audience,
    scope,
    requested_token_type,
    organization,
    resource
});

/// Token Vault: get the access token of a connected account (Google, GitHub…) by exchanging
/// the user's Auth0 access or refresh token.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ConnectionToken {
    subject_token: SecretString,
    subject_token_type: String,
    connection: String,
    login_hint: Option<String>,
    scope: Option<String>,
}

impl ConnectionToken {
    /// Exchange the user's Auth0 access token.
    pub fn from_access_token(
        access_token: impl Into<SecretString>,
        connection: impl Into<String>,
    ) -> Self {
        Self::new(access_token, token_type::ACCESS_TOKEN, connection)
    }

    /// Exchange the user's Auth0 refresh token.
    pub fn from_refresh_token(
        refresh_token: impl Into<SecretString>,
        connection: impl Into<String>,
    ) -> Self {
        Self::new(refresh_token, token_type::REFRESH_TOKEN, connection)
    }

    fn new(token: impl Into<SecretString>, kind: &str, connection: impl Into<String>) -> Self {
        Self {
            subject_token: token.into(),
            subject_token_type: kind.to_owned(),
            connection: connection.into(),
            login_hint: None,
            scope: None,
        }
    }
}
string_setters!(ConnectionToken { login_hint, scope });

/// A grant this SDK does not model: any `grant_type` with any fields.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CustomGrant {
    grant_type: String,
    fields: Vec<(String, String)>,
    authenticate: bool,
}

impl CustomGrant {
    /// A grant of this type; the client id and credentials are added.
    pub fn new(grant_type: impl Into<String>) -> Self {
        Self {
            grant_type: grant_type.into(),
            fields: Vec::new(),
            authenticate: true,
        }
    }

    /// Adds a body field.
    #[must_use]
    pub fn field(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.fields.push((name.into(), value.into()));
        self
    }

    /// Sends only the client id, no credentials.
    #[must_use]
    pub fn public(mut self) -> Self {
        self.authenticate = false;
        self
    }
}

/// The `/oauth/token` grants. Get it with [`AuthenticationClient::token`].
///
/// Bodies are form-encoded (RFC 6749); the client id and the configured client
/// authentication are added to every grant.
#[derive(Debug, Clone, Copy)]
pub struct TokenApi<'a> {
    client: &'a AuthenticationClient,
}

impl AuthenticationClient {
    /// The `/oauth/token` grants.
    pub fn token(&self) -> TokenApi<'_> {
        TokenApi { client: self }
    }
}

pub(crate) fn token_call(fields: Fields, caller: Caller) -> Call {
    Call::post("/oauth/token", caller, Encoding::Form, fields)
}

impl TokenApi<'_> {
    #[cfg(feature = "jwt")]
    pub(crate) fn client(&self) -> &AuthenticationClient {
        self.client
    }

    async fn send(&self, call: Call) -> Result<TokenSet, Error> {
        self.client.json(&call, "token response").await
    }

    async fn grant(&self, fields: Fields) -> Result<TokenSet, Error> {
        self.send(token_call(fields, Caller::Client)).await
    }

    /// Machine-to-machine tokens for an API. `auth0-python`: `GetToken.client_credentials`.
    pub async fn client_credentials(self, req: ClientCredentials) -> Result<TokenSet, Error> {
        self.grant(
            Fields::new()
                .put("grant_type", grant_type::CLIENT_CREDENTIALS)
                .put("audience", req.audience)
                .opt("organization", req.organization)
                .opt("scope", req.scope),
        )
        .await
    }

    /// Exchange an authorization code (with PKCE when a verifier is given; the client still
    /// authenticates when it has credentials). `auth0-python`: `GetToken.authorization_code`
    /// and `authorization_code_pkce`.
    pub async fn authorization_code(self, req: AuthorizationCode) -> Result<TokenSet, Error> {
        self.grant(
            Fields::new()
                .put("grant_type", grant_type::AUTHORIZATION_CODE)
                .put("code", req.code.expose_secret())
                .opt("redirect_uri", req.redirect_uri)
                .opt(
                    "code_verifier",
                    req.code_verifier.as_ref().map(SecretString::expose_secret),
                ),
        )
        .await
    }

    /// Exchange an authorization code with its PKCE verifier (same as
    /// [`authorization_code`](Self::authorization_code) with
    /// [`AuthorizationCode::code_verifier`]).
    pub async fn authorization_code_pkce(
        self,
        code: impl Into<SecretString>,
        code_verifier: impl Into<SecretString>,
        redirect_uri: impl Into<String>,
    ) -> Result<TokenSet, Error> {
        self.authorization_code(
            AuthorizationCode::new(code)
                .code_verifier(code_verifier)
                .redirect_uri(redirect_uri),
        )
        .await
    }

    /// Resource owner password login; `password-realm` when a realm is set. `auth0-python`:
    /// `GetToken.login`.
    pub async fn password(self, req: PasswordGrant) -> Result<TokenSet, Error> {
        let grant = if req.realm.is_some() {
            grant_type::PASSWORD_REALM
        } else {
            grant_type::PASSWORD
        };
        let fields = Fields::new()
            .put("grant_type", grant)
            .put("username", req.username)
            .put("password", req.password.expose_secret())
            .opt("realm", req.realm)
            .opt("scope", req.scope)
            .opt("audience", req.audience);
        let mut call = token_call(fields, Caller::Client);
        if let Some(ip) = req.forwarded_for {
            let value = HeaderValue::from_str(&ip).map_err(|_| {
                Error::Config("auth0-forwarded-for is not a valid header value".to_owned())
            })?;
            call = call.header(HeaderName::from_static("auth0-forwarded-for"), value);
        }
        self.send(call).await
    }

    /// Refresh tokens. `auth0-python`: `GetToken.refresh_token`.
    pub async fn refresh_token(self, req: RefreshToken) -> Result<TokenSet, Error> {
        self.grant(
            Fields::new()
                .put("grant_type", grant_type::REFRESH_TOKEN)
                .put("refresh_token", req.refresh_token.expose_secret())
                .opt("scope", req.scope),
        )
        .await
    }

    /// Finish a passwordless login. `auth0-python`: `GetToken.passwordless_login`.
    pub async fn passwordless_otp(self, req: PasswordlessOtp) -> Result<TokenSet, Error> {
        self.grant(
            Fields::new()
                .put("grant_type", grant_type::PASSWORDLESS_OTP)
                .put("username", req.username)
                .put("otp", req.otp.expose_secret())
                .put("realm", req.realm)
                .opt("scope", req.scope)
                .opt("audience", req.audience),
        )
        .await
    }

    /// Finish an `mfa_required` login with a one-time password.
    pub async fn mfa_otp(
        self,
        mfa_token: impl Into<SecretString>,
        otp: impl Into<SecretString>,
    ) -> Result<TokenSet, Error> {
        let (mfa_token, otp) = (mfa_token.into(), otp.into());
        self.grant(
            Fields::new()
                .put("grant_type", grant_type::MFA_OTP)
                .put("mfa_token", mfa_token.expose_secret())
                .put("otp", otp.expose_secret()),
        )
        .await
    }

    /// Finish an `mfa_required` login with the `oob_code` of a challenge, and the binding code
    /// the user typed when the challenge asked for one.
    pub async fn mfa_oob(
        self,
        mfa_token: impl Into<SecretString>,
        oob_code: impl Into<SecretString>,
        binding_code: Option<&str>,
    ) -> Result<TokenSet, Error> {
        let (mfa_token, oob_code) = (mfa_token.into(), oob_code.into());
        self.grant(
            Fields::new()
                .put("grant_type", grant_type::MFA_OOB)
                .put("mfa_token", mfa_token.expose_secret())
                .put("oob_code", oob_code.expose_secret())
                .opt("binding_code", binding_code),
        )
        .await
    }

    /// Finish an `mfa_required` login with a recovery code. The answer may carry a new
    /// `recovery_code` in [`TokenSet::extra`].
    pub async fn mfa_recovery_code(
        self,
        mfa_token: impl Into<SecretString>,
        recovery_code: impl Into<SecretString>,
    ) -> Result<TokenSet, Error> {
        let (mfa_token, code) = (mfa_token.into(), recovery_code.into());
        self.grant(
            Fields::new()
                .put("grant_type", grant_type::MFA_RECOVERY_CODE)
                .put("mfa_token", mfa_token.expose_secret())
                .put("recovery_code", code.expose_secret()),
        )
        .await
    }

    /// Poll once for the tokens of a CIBA request. Fails with `authorization_pending` or
    /// `slow_down` until the user approves; see
    /// [`BackChannelApi::wait_for_tokens`](crate::BackChannelApi::wait_for_tokens).
    /// `auth0-python`: `GetToken.backchannel_login`.
    pub async fn ciba(self, auth_req_id: &str) -> Result<TokenSet, Error> {
        self.grant(
            Fields::new()
                .put("grant_type", grant_type::CIBA)
                .put("auth_req_id", auth_req_id),
        )
        .await
    }

    /// Poll once for the tokens of a device authorization.
    pub async fn device_code(self, device_code: &str) -> Result<TokenSet, Error> {
        self.grant(
            Fields::new()
                .put("grant_type", grant_type::DEVICE_CODE)
                .put("device_code", device_code),
        )
        .await
    }

    /// Token exchange (RFC 8693 / Auth0 Custom Token Exchange).
    pub async fn token_exchange(self, req: TokenExchange) -> Result<TokenSet, Error> {
        self.grant(
            Fields::new()
                .put("grant_type", grant_type::TOKEN_EXCHANGE)
                .put("subject_token", req.subject_token.expose_secret())
                .put("subject_token_type", req.subject_token_type)
                .opt("audience", req.audience)
                .opt("scope", req.scope)
                .opt("requested_token_type", req.requested_token_type)
                .opt("organization", req.organization)
                .opt("resource", req.resource)
                .opt(
                    "actor_token",
                    req.actor_token.as_ref().map(SecretString::expose_secret),
                )
                .opt("actor_token_type", req.actor_token_type),
        )
        .await
    }

    /// Token Vault: the access token of a connected account. `auth0-python`:
    /// `GetToken.access_token_for_connection`.
    pub async fn connection_token(self, req: ConnectionToken) -> Result<TokenSet, Error> {
        self.grant(
            Fields::new()
                .put("grant_type", grant_type::FEDERATED_CONNECTION_ACCESS_TOKEN)
                .put("subject_token_type", req.subject_token_type)
                .put("subject_token", req.subject_token.expose_secret())
                .put(
                    "requested_token_type",
                    token_type::FEDERATED_CONNECTION_ACCESS_TOKEN,
                )
                .put("connection", req.connection)
                .opt("login_hint", req.login_hint)
                .opt("scope", req.scope),
        )
        .await
    }

    /// Any other grant (go-auth0's `LoginWithGrant`).
    pub async fn custom(self, req: CustomGrant) -> Result<TokenSet, Error> {
        let fields = Fields::new()
            .put("grant_type", req.grant_type)
            .extra(&req.fields);
        let caller = if req.authenticate {
            Caller::Client
        } else {
            Caller::ClientId
        };
        self.send(token_call(fields, caller)).await
    }
}

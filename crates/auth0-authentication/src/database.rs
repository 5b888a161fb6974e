//! Database connections (`/dbconnections/*`), passwordless start, userinfo and revocation.

use serde_json::{Map, Value};

use auth0_core::{Error, SecretString};

use crate::client::AuthenticationClient;
use crate::request::{Call, Caller, Encoding, Fields, string_setters};
use crate::types::{OpenIdConfiguration, PasswordlessStartResponse, SignupResponse, UserInfo};

/// A new user for `/dbconnections/signup`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Signup {
    email: String,
    password: SecretString,
    connection: String,
    username: Option<String>,
    phone_number: Option<String>,
    given_name: Option<String>,
    family_name: Option<String>,
    name: Option<String>,
    nickname: Option<String>,
    picture: Option<String>,
    user_metadata: Option<Map<String, Value>>,
}

impl Signup {
    /// A user with this e-mail and password in this database connection.
    pub fn new(
        email: impl Into<String>,
        password: impl Into<SecretString>,
        connection: impl Into<String>,
    ) -> Self {
        Self {
            email: email.into(),
            password: password.into(),
            connection: connection.into(),
            username: None,
            phone_number: None,
            given_name: None,
            family_name: None,
            name: None,
            nickname: None,
            picture: None,
            user_metadata: None,
        }
    }

    /// Sets `user_metadata`.
    #[must_use]
    pub fn user_metadata(mut self, metadata: Map<String, Value>) -> Self {
        self.user_metadata = Some(metadata);
        self
    }
}
string_setters!(Signup {
    username,
    phone_number,
    given_name,
    family_name,
    name,
    nickname,
    picture
});

/// A password-reset e-mail request for `/dbconnections/change_password`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ChangePassword {
    email: String,
    connection: String,
    organization: Option<String>,
}

impl ChangePassword {
    /// Send the reset e-mail to this user of this connection.
    pub fn new(email: impl Into<String>, connection: impl Into<String>) -> Self {
        Self {
            email: email.into(),
            connection: connection.into(),
            organization: None,
        }
    }
}
string_setters!(ChangePassword { organization });

/// Database connection calls. Get it with [`AuthenticationClient::database`].
#[derive(Debug, Clone, Copy)]
pub struct DatabaseApi<'a> {
    client: &'a AuthenticationClient,
}

impl DatabaseApi<'_> {
    /// Create a user. Public call: only the client id is sent. `auth0-python`:
    /// `Database.signup`.
    pub async fn signup(self, req: Signup) -> Result<SignupResponse, Error> {
        let fields = Fields::new()
            .put("email", req.email)
            .put("password", req.password.expose_secret())
            .put("connection", req.connection)
            .opt("username", req.username)
            .opt("phone_number", req.phone_number)
            .opt("given_name", req.given_name)
            .opt("family_name", req.family_name)
            .opt("name", req.name)
            .opt("nickname", req.nickname)
            .opt("picture", req.picture)
            .opt("user_metadata", req.user_metadata.map(Value::Object));
        let call = Call::post(
            "/dbconnections/signup",
            Caller::ClientId,
            Encoding::Json,
            fields,
        );
        self.client.json(&call, "signup response").await
    }

    /// Send a password-reset e-mail; returns Auth0's plain-text message. `auth0-python`:
    /// `Database.change_password`.
    pub async fn change_password(self, req: ChangePassword) -> Result<String, Error> {
        let fields = Fields::new()
            .put("email", req.email)
            .put("connection", req.connection)
            .opt("organization", req.organization);
        let call = Call::post(
            "/dbconnections/change_password",
            Caller::ClientId,
            Encoding::Json,
            fields,
        );
        self.client.text(&call).await
    }
}

/// What a passwordless e-mail contains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum PasswordlessSend {
    /// A magic link (Auth0's default).
    #[default]
    Link,
    /// A one-time code.
    Code,
}

impl PasswordlessSend {
    fn as_str(self) -> &'static str {
        match self {
            Self::Link => "link",
            Self::Code => "code",
        }
    }
}

/// A passwordless e-mail start.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PasswordlessEmail {
    email: String,
    send: PasswordlessSend,
    auth_params: Option<Map<String, Value>>,
    connection: String,
}

impl PasswordlessEmail {
    /// Send a link (the default) to this address through the `email` connection.
    pub fn new(email: impl Into<String>) -> Self {
        Self {
            email: email.into(),
            send: PasswordlessSend::Link,
            auth_params: None,
            connection: "email".to_owned(),
        }
    }

    /// Link or code.
    #[must_use]
    pub fn send(mut self, send: PasswordlessSend) -> Self {
        self.send = send;
        self
    }

    /// `authParams` for the magic link (scope, state, redirect_uri, response_type…).
    #[must_use]
    pub fn auth_params(mut self, params: Map<String, Value>) -> Self {
        self.auth_params = Some(params);
        self
    }

    /// Another passwordless e-mail connection than `email`.
    #[must_use]
    pub fn connection(mut self, connection: impl Into<String>) -> Self {
        self.connection = connection.into();
        self
    }
}

/// A passwordless SMS start.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PasswordlessSms {
    phone_number: String,
    connection: String,
}

impl PasswordlessSms {
    /// Send a code to this number through the `sms` connection.
    pub fn new(phone_number: impl Into<String>) -> Self {
        Self {
            phone_number: phone_number.into(),
            connection: "sms".to_owned(),
        }
    }

    /// Another passwordless SMS connection than `sms`.
    #[must_use]
    pub fn connection(mut self, connection: impl Into<String>) -> Self {
        self.connection = connection.into();
        self
    }
}

/// Passwordless start. Finish with
/// [`TokenApi::passwordless_otp`](crate::TokenApi::passwordless_otp). Get it with
/// [`AuthenticationClient::passwordless`].
///
/// A login by a one-time code sent by e-mail, then the user's profile from `/userinfo`:
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # use auth0_testing::{FakeTenant, seed};
/// # let tenant = FakeTenant::start().await?;
/// # let (client_id, client_secret) = (seed::WEB_CLIENT_ID, seed::WEB_CLIENT_SECRET);
/// use auth0_authentication::{
///     AuthenticationClient, PasswordlessEmail, PasswordlessOtp, PasswordlessSend,
/// };
/// use auth0_core::Domain;
///
/// let domain = Domain::new("tenant.eu.auth0.com")?;
/// # let domain = tenant.domain();
/// let client = AuthenticationClient::builder(domain)
///     .client_id(client_id)
///     .client_secret(client_secret)
/// #   .allow_insecure_http(true)
///     .build()?;
/// let email = "carol@example.test";
/// client
///     .passwordless()
///     .email(PasswordlessEmail::new(email).send(PasswordlessSend::Code))
///     .await?;
/// # let code = tenant.passwordless_code(email).ok_or("no code sent")?;
/// // `code`: what the user typed from the e-mail.
/// let tokens = client
///     .token()
///     .passwordless_otp(PasswordlessOtp::email(email, code).scope("openid email"))
///     .await?;
/// let me = client.users().userinfo(tokens.access_token).await?;
/// assert_eq!(me.email.as_deref(), Some(email));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct PasswordlessApi<'a> {
    client: &'a AuthenticationClient,
}

impl PasswordlessApi<'_> {
    /// Send a link or code by e-mail. `auth0-python`: `Passwordless.email`.
    pub async fn email(self, req: PasswordlessEmail) -> Result<PasswordlessStartResponse, Error> {
        let fields = Fields::new()
            .put("connection", req.connection)
            .put("email", req.email)
            .put("send", req.send.as_str())
            .opt("authParams", req.auth_params.map(Value::Object));
        self.start(fields).await
    }

    /// Send a code by SMS. `auth0-python`: `Passwordless.sms`.
    pub async fn sms(self, req: PasswordlessSms) -> Result<PasswordlessStartResponse, Error> {
        let fields = Fields::new()
            .put("connection", req.connection)
            .put("phone_number", req.phone_number);
        self.start(fields).await
    }

    async fn start(&self, fields: Fields) -> Result<PasswordlessStartResponse, Error> {
        let call = Call::post(
            "/passwordless/start",
            Caller::Client,
            Encoding::Json,
            fields,
        );
        self.client.json(&call, "passwordless start response").await
    }
}

/// `/userinfo`. Get it with [`AuthenticationClient::users`].
#[derive(Debug, Clone, Copy)]
pub struct UsersApi<'a> {
    client: &'a AuthenticationClient,
}

impl UsersApi<'_> {
    /// The profile of the user an access token was issued to. `auth0-python`:
    /// `Users.userinfo`.
    pub async fn userinfo(self, access_token: impl Into<SecretString>) -> Result<UserInfo, Error> {
        let call = Call::get("/userinfo", Caller::Bearer(access_token.into()));
        self.client.json(&call, "userinfo").await
    }
}

impl AuthenticationClient {
    /// Database connection signup and password change.
    pub fn database(&self) -> DatabaseApi<'_> {
        DatabaseApi { client: self }
    }

    /// Passwordless start (e-mail, SMS).
    pub fn passwordless(&self) -> PasswordlessApi<'_> {
        PasswordlessApi { client: self }
    }

    /// `/userinfo`.
    pub fn users(&self) -> UsersApi<'_> {
        UsersApi { client: self }
    }

    /// The tenant's OpenID Provider metadata (`/.well-known/openid-configuration`).
    pub async fn openid_configuration(&self) -> Result<OpenIdConfiguration, Error> {
        let call = Call::get("/.well-known/openid-configuration", Caller::Anonymous);
        self.json(&call, "OpenID configuration").await
    }

    /// Revoke a refresh token (`/oauth/revoke`). `auth0-python`:
    /// `RevokeToken.revoke_refresh_token`.
    pub async fn revoke_refresh_token(
        &self,
        refresh_token: impl Into<SecretString>,
    ) -> Result<(), Error> {
        let token = refresh_token.into();
        let call = Call::post(
            "/oauth/revoke",
            Caller::Client,
            Encoding::Form,
            Fields::new().put("token", token.expose_secret()),
        );
        self.empty(&call).await
    }
}

//! SAML / WS-Fed metadata, and the legacy social access-token login and delegation calls
//! `auth0-python` still has.

use auth0_core::{Error, SecretString};

use crate::client::{AuthenticationClient, segment};
use crate::request::{Call, Caller, Encoding, Fields};
use crate::types::{DelegationResponse, TokenSet};

/// Enterprise metadata. Get it with [`AuthenticationClient::enterprise`].
#[derive(Debug, Clone, Copy)]
pub struct EnterpriseApi<'a> {
    client: &'a AuthenticationClient,
}

impl EnterpriseApi<'_> {
    /// The SAML IdP metadata XML of this client (`/samlp/metadata/{client_id}`).
    /// `auth0-python`: `Enterprise.saml_metadata`.
    pub async fn saml_metadata(self) -> Result<String, Error> {
        let id = self.client.require_client_id()?;
        let call = Call::get(
            format!("/samlp/metadata/{}", segment(id)),
            Caller::Anonymous,
        );
        self.client.text(&call).await
    }

    /// The WS-Federation metadata XML. `auth0-python`: `Enterprise.wsfed_metadata`.
    pub async fn wsfed_metadata(self) -> Result<String, Error> {
        let call = Call::get(
            "/wsfed/FederationMetadata/2007-06/FederationMetadata.xml",
            Caller::Anonymous,
        );
        self.client.text(&call).await
    }
}

/// Which token a delegation request starts from.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum DelegationToken {
    /// An ID token.
    IdToken(SecretString),
    /// A refresh token.
    RefreshToken(SecretString),
}

/// A legacy delegation request (`/delegation`); exactly one of ID token or refresh token,
/// enforced by [`DelegationToken`] (Python checks it at run time).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Delegation {
    target: String,
    api_type: String,
    grant_type: String,
    token: DelegationToken,
    scope: String,
}

impl Delegation {
    /// Delegate to `target` (a client id) for `api_type` (`app`, `aws`, `firebase`…).
    pub fn new(
        target: impl Into<String>,
        api_type: impl Into<String>,
        grant_type: impl Into<String>,
        token: DelegationToken,
    ) -> Self {
        Self {
            target: target.into(),
            api_type: api_type.into(),
            grant_type: grant_type.into(),
            token,
            scope: "openid".to_owned(),
        }
    }

    /// Scope (default `openid`).
    #[must_use]
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = scope.into();
        self
    }
}

/// Deprecated Auth0 endpoints kept for parity with `auth0-python`. Get it with
/// [`AuthenticationClient::legacy`].
#[derive(Debug, Clone, Copy)]
pub struct LegacyApi<'a> {
    client: &'a AuthenticationClient,
}

impl AuthenticationClient {
    /// SAML / WS-Fed metadata.
    pub fn enterprise(&self) -> EnterpriseApi<'_> {
        EnterpriseApi { client: self }
    }

    /// Deprecated endpoints: social access-token login and delegation.
    pub fn legacy(&self) -> LegacyApi<'_> {
        LegacyApi { client: self }
    }
}

impl LegacyApi<'_> {
    /// Log in with a social provider's access token (`/oauth/access_token`). `auth0-python`:
    /// `Social.login`.
    pub async fn social_login(
        self,
        access_token: impl Into<SecretString>,
        connection: impl Into<String>,
        scope: Option<&str>,
    ) -> Result<TokenSet, Error> {
        let token = access_token.into();
        let fields = Fields::new()
            .put("access_token", token.expose_secret())
            .put("connection", connection.into())
            .put("scope", scope.unwrap_or("openid"));
        let call = Call::post(
            "/oauth/access_token",
            Caller::ClientId,
            Encoding::Json,
            fields,
        );
        self.client.json(&call, "token response").await
    }

    /// Delegation (`/delegation`). `auth0-python`: `Delegated.get_token`.
    pub async fn delegation(self, req: Delegation) -> Result<DelegationResponse, Error> {
        let mut fields = Fields::new()
            .put("grant_type", req.grant_type)
            .put("target", req.target)
            .put("scope", req.scope)
            .put("api_type", req.api_type);
        fields = match &req.token {
            DelegationToken::IdToken(t) => fields.put("id_token", t.expose_secret()),
            DelegationToken::RefreshToken(t) => fields.put("refresh_token", t.expose_secret()),
        };
        let call = Call::post("/delegation", Caller::ClientId, Encoding::Json, fields);
        self.client.json(&call, "delegation response").await
    }
}

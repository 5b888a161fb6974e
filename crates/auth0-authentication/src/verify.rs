//! One-step ID-token verification with `auth0-jwt` (feature `jwt`).

use auth0_core::{Domain, Error};
use auth0_jwt::{
    AsymmetricSignatureVerifier, Claims, HyperJwksFetcher, TokenVerifier, VerifyOptions,
};

use crate::client::AuthenticationClient;
use crate::token::{AuthorizationCode, PasswordGrant, TokenApi};
use crate::types::TokenSet;

/// Tokens whose ID token was verified, with its claims.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct VerifiedTokens {
    /// The token response.
    pub tokens: TokenSet,
    /// The verified ID-token claims.
    pub claims: Claims,
}

/// Why a verified grant failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VerifiedGrantError {
    /// The request itself failed (API error, 429, transport…).
    #[error(transparent)]
    Request(#[from] Error),
    /// The answer had no `id_token` (was `openid` in the scope?).
    #[error("the token response has no id_token; ask for the openid scope")]
    MissingIdToken,
    /// The ID token did not verify; the message is `auth0-python`'s for the same check.
    #[error(transparent)]
    IdToken(#[from] auth0_jwt::Error),
}

/// The default verifier: the tenant's JWKS (fetched lazily), its issuer, the client id.
pub(crate) fn default_verifier(domain: &Domain, client_id: &str) -> Result<TokenVerifier, Error> {
    let fetcher = HyperJwksFetcher::builder(domain.jwks_url())
        .allow_insecure_http(!domain.is_https())
        .build()
        .map_err(|e| Error::Config(format!("ID-token verifier: {e}")))?;
    let keys = AsymmetricSignatureVerifier::builder(fetcher)
        .build()
        .map_err(|e| Error::Config(format!("ID-token verifier: {e}")))?;
    Ok(TokenVerifier::new(keys, domain.issuer(), client_id))
}

impl TokenSet {
    /// Verifies the ID token of this answer.
    pub async fn verify_id_token(
        &self,
        verifier: &TokenVerifier,
        options: &VerifyOptions,
    ) -> Result<Claims, VerifiedGrantError> {
        let id_token = self
            .id_token
            .as_ref()
            .ok_or(VerifiedGrantError::MissingIdToken)?;
        Ok(verifier.verify(id_token.expose_secret(), options).await?)
    }
}

async fn verified(
    client: &AuthenticationClient,
    tokens: TokenSet,
    options: &VerifyOptions,
) -> Result<VerifiedTokens, VerifiedGrantError> {
    let verifier = client.id_token_verifier().ok_or_else(|| {
        Error::Config("ID-token verification needs a client id or a verifier".to_owned())
    })?;
    let claims = tokens.verify_id_token(verifier, options).await?;
    Ok(VerifiedTokens { tokens, claims })
}

impl TokenApi<'_> {
    /// [`authorization_code`](Self::authorization_code), then verify the ID token (nonce,
    /// max_age and organization from `options`).
    ///
    /// A web application's login, both legs:
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # use auth0_testing::{FakeTenant, seed};
    /// # let tenant = FakeTenant::start().await?;
    /// # tenant.set_authorize_user(seed::USER_ID);
    /// # let (client_id, client_secret) = (seed::WEB_CLIENT_ID, seed::WEB_CLIENT_SECRET);
    /// # let callback = seed::WEB_CALLBACK_URL;
    /// use auth0_authentication::auth0_jwt::VerifyOptions;
    /// use auth0_authentication::{
    ///     AuthenticationClient, AuthorizationCode, AuthorizeParams, Pkce, random_nonce, random_state,
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
    ///
    /// // 1. Send the browser to Auth0; keep state, nonce and the PKCE verifier in the session.
    /// let (state, nonce, pkce) = (random_state(), random_nonce(), Pkce::generate());
    /// let url = client.authorize_url(
    ///     &AuthorizeParams::new(callback)
    ///         .scope("openid profile email")
    ///         .state(state.clone())
    ///         .nonce(nonce.clone())
    ///         .pkce(&pkce),
    /// )?;
    /// # // The browser's part: the fake tenant logs its user in and redirects to the callback.
    /// # let http = auth0_core::http_client::HttpClient::builder().allow_insecure_http(true).build()?;
    /// # let back = http.send(http::Request::get(&url).body(bytes::Bytes::new())?).await?;
    /// # let location = back.headers()["location"].to_str()?;
    /// # let query = location.split_once('?').ok_or("no query")?.1;
    /// # let query: std::collections::HashMap<String, String> = serde_urlencoded::from_str(query)?;
    /// # let (code, returned_state) = (query["code"].clone(), query["state"].clone());
    ///
    /// // 2. The callback gets `code` and `state`: check the state, exchange the code, and
    /// //    verify the ID token (signature, issuer, audience, expiry and the nonce).
    /// assert_eq!(returned_state, state);
    /// let login = client
    ///     .token()
    ///     .authorization_code_verified(
    ///         AuthorizationCode::new(code)
    ///             .redirect_uri(callback)
    ///             .code_verifier(pkce.verifier().clone()),
    ///         &VerifyOptions::new().nonce(nonce),
    ///     )
    ///     .await?;
    /// # assert_eq!(login.claims.sub(), seed::USER_ID);
    /// assert!(login.claims.get("email").is_some());
    /// # Ok(()) }
    /// ```
    pub async fn authorization_code_verified(
        self,
        req: AuthorizationCode,
        options: &VerifyOptions,
    ) -> Result<VerifiedTokens, VerifiedGrantError> {
        let tokens = self.authorization_code(req).await?;
        verified(self.client(), tokens, options).await
    }

    /// [`password`](Self::password), then verify the ID token.
    pub async fn password_verified(
        self,
        req: PasswordGrant,
        options: &VerifyOptions,
    ) -> Result<VerifiedTokens, VerifiedGrantError> {
        let tokens = self.password(req).await?;
        verified(self.client(), tokens, options).await
    }
}

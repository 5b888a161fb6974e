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

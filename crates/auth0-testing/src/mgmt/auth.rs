//! Bearer-token authentication and scope checks of the Management API.

use crate::errors;
use crate::jwt;
use crate::tenant::{Shared, lock};
use crate::wire::{Req, Resp};

/// The scopes a verified Management API token grants.
#[derive(Debug, Clone)]
pub(crate) struct Grant {
    pub(crate) scopes: Vec<String>,
    pub(crate) sub: String,
}

impl Grant {
    /// `Ok` if the token holds any of `needed`, else Auth0's 403 `insufficient_scope`.
    pub(crate) fn require(&self, needed: &[&str]) -> Result<(), Resp> {
        if needed.iter().any(|n| self.scopes.iter().any(|s| s == n)) {
            Ok(())
        } else {
            Err(errors::mgmt(
                403,
                &format!("Insufficient scope, expected any of: {}", needed.join(",")),
                "insufficient_scope",
            ))
        }
    }
}

fn unauthorized(message: &str, code: &str) -> Resp {
    errors::mgmt(401, message, code)
}

/// Verifies the bearer token: signature by a published tenant key, issuer, audience, expiry.
pub(crate) fn authorize(shared: &Shared, req: &Req) -> Result<Grant, Resp> {
    let Some(value) = req.header("authorization") else {
        return Err(unauthorized(
            "Missing authentication",
            "missing_authentication",
        ));
    };
    let Some(token) = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
    else {
        return Err(unauthorized(
            "Bad HTTP authentication header format",
            "invalid_authorization_header",
        ));
    };
    let parsed =
        jwt::parse(token.trim()).map_err(|_| unauthorized("Invalid token", "invalid_token"))?;
    let key = parsed
        .header_str("kid")
        .and_then(|kid| lock(&shared.keys).published(kid));
    let Some(key) = key else {
        return Err(unauthorized("Invalid token", "invalid_token"));
    };
    if parsed.header_str("alg") != Some(key.alg.as_str())
        || !key.verify(parsed.signing_input.as_bytes(), &parsed.signature)
    {
        return Err(unauthorized(
            "Invalid token: invalid signature",
            "invalid_token",
        ));
    }
    if parsed.claim_str("iss") != Some(shared.issuer().as_str()) {
        return Err(unauthorized("Invalid token: bad issuer", "invalid_token"));
    }
    if !parsed.has_audience(&shared.management_audience()) {
        return Err(unauthorized(
            &format!(
                "Bad audience: {}",
                parsed
                    .claims
                    .get("aud")
                    .map(ToString::to_string)
                    .unwrap_or_default()
            ),
            "invalid_token",
        ));
    }
    if parsed
        .claim_i64("exp")
        .is_none_or(|exp| exp <= shared.now())
    {
        return Err(unauthorized(
            "Expired token received for JSON Web Token validation",
            "token_expired",
        ));
    }
    if let Some(jti) = parsed.claim_str("jti")
        && lock(&shared.store).revoked_access.iter().any(|r| r == jti)
    {
        return Err(unauthorized("Token has been revoked", "token_revoked"));
    }
    Ok(Grant {
        scopes: parsed
            .claim_str("scope")
            .unwrap_or_default()
            .split(' ')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        sub: parsed.claim_str("sub").unwrap_or_default().to_owned(),
    })
}

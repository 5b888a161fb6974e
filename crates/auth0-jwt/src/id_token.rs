//! ID-token verification, check for check as `auth0-python`'s `TokenVerifier`.

use std::sync::Arc;
use std::time::Duration;

use crate::checks::Common;
use crate::claims::{Audience, Claims, parse};
use crate::clock::Clock;
use crate::error::{Error, TokenKind};
use crate::signature::SignatureVerifier;

const KIND: TokenKind = TokenKind::IdToken;

/// Per-call expectations of [`TokenVerifier::verify`].
///
/// As in `auth0-python`, an empty nonce or organization and a zero `max_age` mean "not given".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifyOptions {
    /// The nonce sent in the authorization request.
    pub nonce: Option<String>,
    /// The `max_age` sent in the authorization request.
    pub max_age: Option<Duration>,
    /// The organization sent in the authorization request: an ID (`org_…`) or a name.
    pub organization: Option<String>,
}

impl VerifyOptions {
    /// No nonce, no max age, no organization.
    pub fn new() -> Self {
        Self::default()
    }

    /// Expect this nonce.
    #[must_use]
    pub fn nonce(mut self, nonce: impl Into<String>) -> Self {
        self.nonce = Some(nonce.into());
        self
    }

    /// Expect an authentication no older than this.
    #[must_use]
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = Some(max_age);
        self
    }

    /// Expect this organization: `org_id` when it starts with `org_`, `org_name` otherwise.
    #[must_use]
    pub fn organization(mut self, organization: impl Into<String>) -> Self {
        self.organization = Some(organization.into());
        self
    }
}

/// Verifies ID tokens: signature, then `iss`, `sub`, `aud`, `exp`, `iat`, `nonce`,
/// organization, `azp` and `auth_time`, with the messages of `auth0-python`.
///
/// Cheap to clone; clones share the JWKS cache.
#[derive(Clone, Debug)]
pub struct TokenVerifier {
    common: Arc<Common>,
    audience: Arc<[String]>,
}

impl TokenVerifier {
    /// A verifier for tokens from `issuer` (e.g. `https://tenant.auth0.com/`, trailing slash
    /// included) issued to `audience` (the client ID). Leeway 60 s.
    pub fn new(
        signature: impl Into<SignatureVerifier>,
        issuer: impl Into<String>,
        audience: impl Into<String>,
    ) -> Self {
        Self {
            common: Arc::new(Common::new(signature.into(), issuer.into())),
            audience: Arc::new([audience.into()]),
        }
    }

    fn common_mut(&mut self) -> &mut Common {
        Arc::make_mut(&mut self.common)
    }

    /// Clock skew tolerance for `exp` and `auth_time` (default 60 s).
    #[must_use]
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.common_mut().leeway = leeway;
        self
    }

    /// The time source (default: the system clock).
    #[must_use]
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.common_mut().clock = clock;
        self
    }

    /// Largest token accepted (default 16 KiB).
    #[must_use]
    pub fn max_token_bytes(mut self, bytes: usize) -> Self {
        self.common_mut().max_token_bytes = bytes;
        self
    }

    /// Verifies `token`; returns its claims.
    pub async fn verify(&self, token: &str, options: &VerifyOptions) -> Result<Claims, Error> {
        let c = &*self.common;
        let token = c.verified(token, KIND, |_| Ok(())).await?;
        let claims = parse(token.payload()?)?;
        let now = c.now();
        c.check_registered(&claims, KIND, &self.audience, &self.audience[0], now)?;
        if claims.iat().is_none() {
            return Err(Error::IssuedAtMissing(KIND));
        }
        if let Some(nonce) = options.nonce.as_deref().filter(|n| !n.is_empty()) {
            let Some(claim) = claims.nonce() else {
                return Err(Error::NonceMissing(KIND));
            };
            if claim != nonce {
                return Err(Error::NonceMismatch {
                    kind: KIND,
                    expected: nonce.to_owned(),
                    found: claim.to_owned(),
                });
            }
        }
        if let Some(org) = options.organization.as_deref().filter(|o| !o.is_empty()) {
            Common::check_organization(&claims, KIND, org)?;
        }
        if let Some(Audience::Many(list)) = claims.aud()
            && list.len() > 1
        {
            let Some(azp) = claims.azp() else {
                return Err(Error::AzpMissing(KIND));
            };
            if azp != self.audience[0] {
                return Err(Error::AzpMismatch {
                    kind: KIND,
                    expected: self.audience[0].clone(),
                    found: azp.to_owned(),
                });
            }
        }
        if let Some(max_age) = options.max_age.filter(|m| !m.is_zero()) {
            let Some(auth_time) = claims.auth_time() else {
                return Err(Error::AuthTimeMissing(KIND));
            };
            let limit = auth_time
                .saturating_add(i64::try_from(max_age.as_secs()).unwrap_or(i64::MAX))
                .saturating_add(c.leeway());
            if now > limit {
                return Err(Error::AuthTimeTooOld {
                    kind: KIND,
                    now,
                    auth_time_limit: limit,
                });
            }
        }
        Ok(claims.into_claims())
    }
}

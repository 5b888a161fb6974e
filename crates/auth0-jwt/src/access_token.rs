//! Access-token verification for APIs (resource servers).

use std::sync::Arc;
use std::time::Duration;

use crate::checks::Common;
use crate::claims::{Claims, parse};
use crate::clock::Clock;
use crate::compact::Header;
use crate::error::{Error, TokenKind};
use crate::signature::SignatureVerifier;

const KIND: TokenKind = TokenKind::AccessToken;

/// The `typ` header values accepted by default: RFC 9068's `at+jwt` (with or without the
/// `application/` prefix) and Auth0's classic `JWT`. Compared case-insensitively.
pub const DEFAULT_ACCEPTED_TYPES: [&str; 3] = ["at+jwt", "application/at+jwt", "JWT"];

#[derive(Clone, Debug)]
struct Config {
    audiences: Vec<String>,
    audience_text: String,
    accepted_types: Vec<String>,
    require_typ: bool,
    scopes: Vec<String>,
    permissions: Vec<String>,
    organization: Option<String>,
}

/// Verifies access tokens issued for an API: signature, `typ`, `iss`, `sub`, `aud` (the API
/// identifier), `exp`, `nbf`, then the required scopes and permissions.
///
/// Failures of the required scopes/permissions are [`Error::is_forbidden`] (HTTP 403); every
/// other failure is [`Error::is_unauthorized`] (HTTP 401). Cheap to clone; clones share the
/// JWKS cache, so one verifier can be cloned per route with different requirements.
///
/// ```
/// # #[cfg(feature = "fetch-hyper")]
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # use auth0_testing::{FakeTenant, seed};
/// # let tenant = FakeTenant::start().await?;
/// # let token = tenant.issue_access_token(seed::USER_ID, "https://api.example.com/", &["read:messages"]);
/// use auth0_core::Domain;
/// use auth0_jwt::{AccessTokenVerifier, AsymmetricSignatureVerifier};
///
/// let domain = Domain::new("tenant.eu.auth0.com")?;
/// # let domain = tenant.domain();
/// let keys = AsymmetricSignatureVerifier::for_domain(&domain)?;
/// let read = AccessTokenVerifier::new(keys, domain.issuer(), "https://api.example.com/")
///     .require_scopes(["read:messages"]);
/// let claims = read.verify(&token).await?;
/// assert!(claims.has_scope("read:messages"));
///
/// // Another route, another requirement, the same JWKS cache.
/// let write = read.clone().require_scopes(["write:messages"]);
/// let refused = write.verify(&token).await.unwrap_err();
/// assert!(refused.is_forbidden()); // 403: a valid token without the scope
/// # Ok(()) }
/// # #[cfg(not(feature = "fetch-hyper"))]
/// # fn main() {}
/// ```
#[derive(Clone, Debug)]
pub struct AccessTokenVerifier {
    common: Arc<Common>,
    config: Arc<Config>,
}

impl AccessTokenVerifier {
    /// A verifier for tokens from `issuer` whose `aud` includes `audience` (the API identifier).
    pub fn new(
        signature: impl Into<SignatureVerifier>,
        issuer: impl Into<String>,
        audience: impl Into<String>,
    ) -> Self {
        let audience = audience.into();
        Self {
            common: Arc::new(Common::new(signature.into(), issuer.into())),
            config: Arc::new(Config {
                audience_text: audience.clone(),
                audiences: vec![audience],
                accepted_types: DEFAULT_ACCEPTED_TYPES.map(str::to_owned).to_vec(),
                require_typ: false,
                scopes: Vec::new(),
                permissions: Vec::new(),
                organization: None,
            }),
        }
    }

    fn config_mut(&mut self) -> &mut Config {
        Arc::make_mut(&mut self.config)
    }

    /// Accept tokens whose `aud` includes any of these identifiers (replaces the audience).
    #[must_use]
    pub fn audiences<I, S>(mut self, audiences: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let list: Vec<String> = audiences.into_iter().map(Into::into).collect();
        let c = self.config_mut();
        c.audience_text = list.join(", ");
        c.audiences = list;
        self
    }

    /// The accepted `typ` header values (default [`DEFAULT_ACCEPTED_TYPES`]).
    #[must_use]
    pub fn accepted_types<I, S>(mut self, types: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.config_mut().accepted_types = types.into_iter().map(Into::into).collect();
        self
    }

    /// Whether a token without `typ` is rejected (default `false`: accepted).
    #[must_use]
    pub fn require_typ(mut self, require: bool) -> Self {
        self.config_mut().require_typ = require;
        self
    }

    /// Require every one of these scopes in the `scope` claim (replaces earlier ones).
    #[must_use]
    pub fn require_scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.config_mut().scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Require every one of these permissions in the `permissions` claim (replaces earlier ones).
    #[must_use]
    pub fn require_permissions<I, S>(mut self, permissions: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.config_mut().permissions = permissions.into_iter().map(Into::into).collect();
        self
    }

    /// Require this organization (`org_id` if it starts with `org_`, else `org_name`).
    #[must_use]
    pub fn organization(mut self, organization: impl Into<String>) -> Self {
        self.config_mut().organization = Some(organization.into());
        self
    }

    /// Clock skew tolerance for `exp` and `nbf` (default 60 s).
    #[must_use]
    pub fn leeway(mut self, leeway: Duration) -> Self {
        Arc::make_mut(&mut self.common).leeway = leeway;
        self
    }

    /// The time source (default: the system clock).
    #[must_use]
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        Arc::make_mut(&mut self.common).clock = clock;
        self
    }

    /// Largest token accepted (default 16 KiB).
    #[must_use]
    pub fn max_token_bytes(mut self, bytes: usize) -> Self {
        Arc::make_mut(&mut self.common).max_token_bytes = bytes;
        self
    }

    fn check_typ(&self, header: &Header<'_>) -> Result<(), Error> {
        let cfg = &*self.config;
        let ok = match header.typ.as_deref() {
            None => !cfg.require_typ,
            Some(t) => cfg.accepted_types.iter().any(|a| a.eq_ignore_ascii_case(t)),
        };
        if ok {
            Ok(())
        } else {
            Err(Error::TypeMismatch {
                kind: KIND,
                found: header.typ.as_deref().unwrap_or("None").to_owned(),
                expected: cfg.accepted_types.join(", "),
            })
        }
    }

    /// Verifies `token` (without the `Bearer ` prefix); returns its claims.
    pub async fn verify(&self, token: &str) -> Result<Claims, Error> {
        let c = &*self.common;
        let cfg = &*self.config;
        let token = c.verified(token, KIND, |h| self.check_typ(h)).await?;
        let parsed = parse(token.payload()?)?;
        let now = c.now();
        c.check_registered(&parsed, KIND, &cfg.audiences, &cfg.audience_text, now)?;
        if let Some(nbf) = parsed.nbf() {
            let nbf_with_leeway = nbf.saturating_sub(c.leeway());
            if now < nbf_with_leeway {
                return Err(Error::NotYetValid {
                    kind: KIND,
                    now,
                    nbf_with_leeway,
                });
            }
        } else if parsed.nbf_ill_typed() {
            return Err(Error::MalformedPayload);
        }
        if let Some(org) = cfg.organization.as_deref().filter(|o| !o.is_empty()) {
            Common::check_organization(&parsed, KIND, org)?;
        }
        if let Some(missing) = cfg.scopes.iter().find(|s| !parsed.has_scope(s)) {
            return Err(Error::MissingScope(missing.clone()));
        }
        if let Some(missing) = cfg.permissions.iter().find(|p| !parsed.has_permission(p)) {
            return Err(Error::MissingPermission(missing.clone()));
        }
        Ok(parsed.into_claims())
    }
}

//! The claim checks shared by ID and access tokens, in `auth0-python`'s order.

use std::sync::Arc;
use std::time::Duration;

use crate::claims::{Audience, Parsed};
use crate::clock::Clock;
use crate::compact::{Compact, DEFAULT_MAX_TOKEN_BYTES, Header};
use crate::error::{Error, TokenKind};
use crate::signature::{SignatureVerifier, verify_after_fetch};

/// Default clock skew tolerance.
pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(60);

/// What both verifiers hold.
#[derive(Clone, Debug)]
pub(crate) struct Common {
    pub(crate) signature: SignatureVerifier,
    pub(crate) issuer: String,
    pub(crate) leeway: Duration,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) max_token_bytes: usize,
}

impl Common {
    pub(crate) fn new(signature: SignatureVerifier, issuer: String) -> Self {
        Self {
            signature,
            issuer,
            leeway: DEFAULT_LEEWAY,
            clock: Arc::new(crate::clock::SystemClock),
            max_token_bytes: DEFAULT_MAX_TOKEN_BYTES,
        }
    }

    pub(crate) fn now(&self) -> i64 {
        i64::try_from(self.clock.now().as_secs()).unwrap_or(i64::MAX)
    }

    pub(crate) fn leeway(&self) -> i64 {
        i64::try_from(self.leeway.as_secs()).unwrap_or(i64::MAX)
    }

    /// Splits, checks the header with `header_check`, verifies the signature; returns the
    /// token, whose payload is then trusted.
    pub(crate) async fn verified<'t>(
        &self,
        token: &'t str,
        kind: TokenKind,
        header_check: impl FnOnce(&Header<'_>) -> Result<(), Error>,
    ) -> Result<Compact<'t>, Error> {
        // Everything up to the signature runs in this block, so that none of its locals is
        // kept in this future's state: across the one `.await` below it holds a pointer.
        let wait_for_keys = {
            let compact = Compact::split(token, kind, self.max_token_bytes)?;
            let pending = {
                let header = compact.header()?;
                let alg = self.signature.check_alg(&header)?;
                header_check(&header)?;
                let key_id = header.kid.as_deref();
                self.signature
                    .verify_now(&compact, key_id, alg)?
                    .map(|fetch| (fetch, key_id.map(str::to_owned), alg))
            };
            let Some((fetch, key_id, alg)) = pending else {
                // Verified without waiting: the usual case.
                return Ok(compact);
            };
            // A JWKS fetch to wait for: the token moves into a boxed future with it.
            Box::pin(async move {
                verify_after_fetch(fetch, &compact, key_id.as_deref(), alg).await?;
                Ok(compact)
            })
        };
        wait_for_keys.await
    }

    /// Checks `iss`, `sub`, `aud` (one of `expected_aud`), `exp` (with leeway).
    pub(crate) fn check_registered(
        &self,
        claims: &Parsed<'_>,
        kind: TokenKind,
        expected_aud: &[String],
        expected_aud_text: &str,
        now: i64,
    ) -> Result<(), Error> {
        let Some(iss) = claims.iss() else {
            return Err(Error::IssuerMissing(kind));
        };
        if iss != self.issuer {
            return Err(Error::IssuerMismatch {
                kind,
                expected: self.issuer.clone(),
                found: iss.to_owned(),
            });
        }
        if !claims.has_sub() {
            return Err(Error::SubjectMissing(kind));
        }
        let Some(aud) = claims.aud() else {
            return Err(Error::AudienceMissing(kind));
        };
        if !expected_aud.iter().any(|e| aud.contains(e)) {
            return Err(match aud {
                Audience::Many(list) => Error::AudienceNotInList {
                    kind,
                    expected: expected_aud_text.to_owned(),
                    found: list.join(", "),
                },
                Audience::One(one) => Error::AudienceMismatch {
                    kind,
                    expected: expected_aud_text.to_owned(),
                    found: one.to_owned(),
                },
            });
        }
        let Some(exp) = claims.exp() else {
            return Err(Error::ExpirationMissing(kind));
        };
        let exp_with_leeway = exp.saturating_add(self.leeway());
        if now > exp_with_leeway {
            return Err(Error::Expired {
                kind,
                now,
                exp_with_leeway,
            });
        }
        Ok(())
    }

    /// Checks `org_id` (expected value starting with `org_`) or `org_name` (otherwise; the
    /// expected value is compared lower-cased, as Auth0 issues names lower-case).
    pub(crate) fn check_organization(
        claims: &Parsed<'_>,
        kind: TokenKind,
        organization: &str,
    ) -> Result<(), Error> {
        if organization.starts_with("org_") {
            let Some(org_id) = claims.org_id() else {
                return Err(Error::OrgIdMissing(kind));
            };
            if org_id != organization {
                return Err(Error::OrgIdMismatch {
                    kind,
                    expected: organization.to_owned(),
                    found: org_id.to_owned(),
                });
            }
        } else {
            let Some(org_name) = claims.org_name() else {
                return Err(Error::OrgNameMissing(kind));
            };
            if !eq_lowercased(org_name, organization) {
                return Err(Error::OrgNameMismatch {
                    kind,
                    expected: organization.to_owned(),
                    found: org_name.to_owned(),
                });
            }
        }
        Ok(())
    }
}

/// `claim == expected.to_lowercase()`, without allocating when `expected` is ASCII.
fn eq_lowercased(claim: &str, expected: &str) -> bool {
    if expected.is_ascii() {
        claim.len() == expected.len()
            && claim
                .bytes()
                .zip(expected.bytes())
                .all(|(c, e)| c == e.to_ascii_lowercase())
    } else {
        claim == expected.to_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::eq_lowercased;

    #[test]
    fn lowercased_comparison_matches_to_lowercase() {
        for (claim, expected) in [
            ("acme", "ACME"),
            ("acme", "acme"),
            ("acme", "Acm"),
            ("acmé", "ACMÉ"),
            ("ACME", "acme"),
            ("acme-x", "ACME"),
            ("σς", "ΣΣ"),
            ("", ""),
        ] {
            assert_eq!(
                eq_lowercased(claim, expected),
                claim == expected.to_lowercase(),
                "{claim:?} vs {expected:?}"
            );
        }
    }
}

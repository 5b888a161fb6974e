//! Header layers: telemetry (`Auth0-Client`, `User-Agent`) and `Auth0-Custom-Domain`.

use std::task::{Context, Poll};

use bytes::Bytes;
use http::Request;
use http::header::{HeaderName, HeaderValue, USER_AGENT};
use tower_layer::Layer;
use tower_service::Service;

use crate::request::API_PREFIX;

/// Name of the header that tells Auth0 which custom domain to use in links and emails.
pub const CUSTOM_DOMAIN_HEADER: HeaderName = HeaderName::from_static("auth0-custom-domain");

const AUTH0_CLIENT: HeaderName = HeaderName::from_static("auth0-client");

/// Sets headers that every request carries; a header already on the request is kept.
#[derive(Debug, Clone)]
pub struct StaticHeadersLayer {
    headers: std::sync::Arc<[(HeaderName, HeaderValue)]>,
}

impl StaticHeadersLayer {
    /// Telemetry headers: `User-Agent` always, `Auth0-Client` when `telemetry` is on.
    pub fn telemetry(config: &auth0_core::TelemetryConfig) -> Self {
        let mut headers = vec![(USER_AGENT, auth0_core::telemetry::user_agent())];
        if let Some(value) = config.header_value() {
            headers.push((AUTH0_CLIENT, value));
        }
        Self {
            headers: headers.into(),
        }
    }
}

impl<S> Layer<S> for StaticHeadersLayer {
    type Service = StaticHeaders<S>;
    fn layer(&self, inner: S) -> StaticHeaders<S> {
        StaticHeaders {
            inner,
            headers: self.headers.clone(),
        }
    }
}

/// See [`StaticHeadersLayer`].
#[derive(Debug, Clone)]
pub struct StaticHeaders<S> {
    inner: S,
    headers: std::sync::Arc<[(HeaderName, HeaderValue)]>,
}

impl<S: Service<Request<Bytes>>> Service<Request<Bytes>> for StaticHeaders<S> {
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<Bytes>) -> S::Future {
        let headers = req.headers_mut();
        for (name, value) in self.headers.iter() {
            headers.entry(name.clone()).or_insert_with(|| value.clone());
        }
        self.inner.call(req)
    }
}

/// Whether Auth0 honours `Auth0-Custom-Domain` on this Management API path (relative to
/// `/api/v2`, without a query). Auth0 allow-lists the endpoints that produce links or
/// emails:
///
/// - `/jobs/verification-email`
/// - `/tickets/email-verification`, `/tickets/password-change`
/// - `/organizations/{id}/invitations`
/// - `/users`, `/users/{id}`
/// - `/guardian/enrollments/ticket`
/// - `/self-service-profiles/{id}/sso-ticket`
///
/// ```
/// use auth0_management::headers::custom_domain_allowed;
/// assert!(custom_domain_allowed("/users/auth0%7C1"));
/// assert!(!custom_domain_allowed("/users/auth0%7C1/roles"));
/// ```
pub fn custom_domain_allowed(path: &str) -> bool {
    let path = path.strip_suffix('/').unwrap_or(path);
    let Some(rest) = path.strip_prefix('/') else {
        return false;
    };
    // At most four segments matter; a fifth means no match (no allocation on this path).
    let mut segments = [""; 5];
    let mut count = 0;
    for segment in rest.split('/') {
        if count == segments.len() {
            return false;
        }
        segments[count] = segment;
        count += 1;
    }
    let id = |s: &str| !s.is_empty();
    match &segments[..count] {
        ["users"]
        | ["jobs", "verification-email"]
        | ["tickets", "email-verification" | "password-change"]
        | ["guardian", "enrollments", "ticket"] => true,
        ["users", user] => id(user),
        ["organizations", org, "invitations"] => id(org),
        ["self-service-profiles", profile, "sso-ticket"] => id(profile),
        _ => false,
    }
}

/// Sends `Auth0-Custom-Domain` on the allow-listed paths only
/// ([`custom_domain_allowed`]); on other paths the header is removed, also when a caller
/// set it per request, since Auth0 rejects it there.
#[derive(Debug, Clone)]
pub struct CustomDomainLayer {
    value: Option<HeaderValue>,
}

impl CustomDomainLayer {
    /// A layer that adds `value` (when `Some`) on allow-listed paths.
    pub fn new(value: Option<HeaderValue>) -> Self {
        Self { value }
    }
}

impl<S> Layer<S> for CustomDomainLayer {
    type Service = CustomDomain<S>;
    fn layer(&self, inner: S) -> CustomDomain<S> {
        CustomDomain {
            inner,
            value: self.value.clone(),
        }
    }
}

/// See [`CustomDomainLayer`].
#[derive(Debug, Clone)]
pub struct CustomDomain<S> {
    inner: S,
    value: Option<HeaderValue>,
}

impl<S: Service<Request<Bytes>>> Service<Request<Bytes>> for CustomDomain<S> {
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<Bytes>) -> S::Future {
        if self.value.is_none() && !req.headers().contains_key(&CUSTOM_DOMAIN_HEADER) {
            // Nothing to add and nothing to remove.
            return self.inner.call(req);
        }
        let allowed = req
            .uri()
            .path()
            .strip_prefix(API_PREFIX)
            .is_some_and(custom_domain_allowed);
        let headers = req.headers_mut();
        if allowed {
            if let Some(value) = self
                .value
                .as_ref()
                .filter(|_| !headers.contains_key(&CUSTOM_DOMAIN_HEADER))
            {
                headers.insert(CUSTOM_DOMAIN_HEADER, value.clone());
            }
        } else {
            headers.remove(&CUSTOM_DOMAIN_HEADER);
        }
        self.inner.call(req)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_list() {
        for p in [
            "/users",
            "/users/",
            "/users/auth0%7C123",
            "/jobs/verification-email",
            "/tickets/email-verification",
            "/tickets/password-change",
            "/organizations/org_1/invitations",
            "/guardian/enrollments/ticket",
            "/self-service-profiles/ssp_1/sso-ticket",
        ] {
            assert!(custom_domain_allowed(p), "{p}");
        }
        for p in [
            "",
            "/",
            "users",
            "/users/x/roles",
            "/users//",
            "/jobs/users-imports",
            "/tickets",
            "/organizations/org_1/invitations/inv_1",
            "/organizations//invitations",
            "/organizations/org_1/members",
            "/guardian/enrollments/ticket/x",
            "/self-service-profiles/ssp_1/sso-ticket/tkt/revoke",
            "/clients",
            "/users-by-email",
        ] {
            assert!(!custom_domain_allowed(p), "{p}");
        }
    }
}

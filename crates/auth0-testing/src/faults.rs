//! Fault injection: answers that replace or spoil the normal one for matching requests.

use std::time::Duration;

use http::Method;

/// A fault to inject into requests whose path matches a pattern.
///
/// A pattern is a path where `*` matches any run of characters (slashes included):
/// `/oauth/token`, `/api/v2/users*`, `*`. The query string is not part of the match.
/// A fault applies to the next `times` matching requests (one by default) and is then
/// used up. Effects compose: a delay happens first, then the status replacement, then
/// the body spoiling.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::Duration;
/// use auth0_testing::{FakeTenant, Fault};
///
/// let rate_limited = Fault::new("/api/v2/*").times(2).status_429(1_700_000_000, Some(3));
/// let flaky = Fault::new("/oauth/token").status(503);
/// let slow = Fault::new("/.well-known/jwks.json").delay(Duration::from_millis(200));
/// let broken = Fault::new("/api/v2/users").truncate_body();
/// let html = Fault::new("/api/v2/users").status(502).non_json_body();
/// let dropped = Fault::new("/userinfo").reset_connection();
/// # let _ = (rate_limited, flaky, slow, broken, html, dropped);
///
/// let tenant = FakeTenant::start().await?;
/// tenant.inject(Fault::new("/.well-known/jwks.json").times(1).status(503));
/// let http = auth0_core::http_client::HttpClient::builder()
///     .allow_insecure_http(true)
///     .build()?;
/// let jwks = || http::Request::get(tenant.jwks_url()).body(bytes::Bytes::new());
/// assert_eq!(http.send(jwks()?).await?.status(), 503); // the fault, used up…
/// assert_eq!(http.send(jwks()?).await?.status(), 200); // …then the normal answer
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Fault {
    pub(crate) pattern: String,
    pub(crate) method: Option<Method>,
    pub(crate) remaining: u32,
    pub(crate) delay: Option<Duration>,
    pub(crate) status: Option<u16>,
    pub(crate) rate_limit: Option<(u64, Option<u64>)>,
    pub(crate) reset: bool,
    pub(crate) truncate: bool,
    pub(crate) non_json: bool,
}

impl Fault {
    /// A fault for requests whose path matches `path_pattern`, applied once, with no
    /// effect yet (add one with the other methods).
    pub fn new(path_pattern: impl Into<String>) -> Self {
        Self {
            pattern: path_pattern.into(),
            method: None,
            remaining: 1,
            delay: None,
            status: None,
            rate_limit: None,
            reset: false,
            truncate: false,
            non_json: false,
        }
    }

    /// Applies to the next `n` matching requests.
    #[must_use]
    pub fn times(mut self, n: u32) -> Self {
        self.remaining = n;
        self
    }

    /// Matches only requests with this method.
    #[must_use]
    pub fn method(mut self, method: Method) -> Self {
        self.method = Some(method);
        self
    }

    /// Answers `429 Too Many Requests` with `x-ratelimit-limit`, `x-ratelimit-remaining: 0`,
    /// `x-ratelimit-reset: reset_at` (Unix seconds) and, when given, `Retry-After`
    /// (seconds), and Auth0's `too_many_requests` body.
    #[must_use]
    pub fn status_429(mut self, reset_at: u64, retry_after: Option<u64>) -> Self {
        self.status = Some(429);
        self.rate_limit = Some((reset_at, retry_after));
        self
    }

    /// Answers with `status` and an Auth0-shaped error body instead of handling the request.
    #[must_use]
    pub fn status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    /// Waits this long before answering.
    #[must_use]
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    /// Closes the connection without sending a response.
    #[must_use]
    pub fn reset_connection(mut self) -> Self {
        self.reset = true;
        self
    }

    /// Declares the full `content-length` but sends only the first half of the body, then
    /// closes the connection.
    #[must_use]
    pub fn truncate_body(mut self) -> Self {
        self.truncate = true;
        self
    }

    /// Replaces the body with an HTML page (`content-type: text/html`), keeping the status.
    #[must_use]
    pub fn non_json_body(mut self) -> Self {
        self.non_json = true;
        self
    }

    pub(crate) fn matches(&self, method: &Method, path: &str) -> bool {
        self.remaining > 0
            && self.method.as_ref().is_none_or(|m| m == method)
            && glob(&self.pattern, path)
    }
}

/// Whether `text` matches `pattern`, where `*` matches any run of characters.
pub(crate) fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    true
}

/// A response a test registered for an operation the tenant does not model.
#[derive(Debug, Clone)]
pub(crate) struct Registered {
    pub(crate) method: Method,
    pub(crate) pattern: String,
    pub(crate) status: u16,
    pub(crate) body: serde_json::Value,
}

#[cfg(test)]
mod tests {
    use super::glob;

    #[test]
    fn globs() {
        assert!(glob("/a", "/a"));
        assert!(!glob("/a", "/ab"));
        assert!(glob("/api/v2/*", "/api/v2/users/x"));
        assert!(glob("*", "/"));
        assert!(glob("/api/*/users", "/api/v2/users"));
        assert!(!glob("/api/*/users", "/api/v2/roles"));
        assert!(!glob("/a*a", "/a"));
    }
}

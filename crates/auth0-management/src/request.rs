//! Describing one Management API call: [`ApiRequest`], its per-request options, multipart
//! bodies, and the [`ApiResponse`] it yields.
//!
//! Generated operation methods and the raw escape hatch ([`ManagementClient::execute`])
//! both build an [`ApiRequest`]; the client turns it into an `http::Request<Bytes>` under
//! `{domain}/api/v2` and sends it through the tower stack.
//!
//! [`ManagementClient::execute`]: crate::ManagementClient::execute

use std::fmt;
use std::time::Duration;

use auth0_core::{Domain, Error, ResponseMeta};
use bytes::{BufMut, Bytes, BytesMut};
use http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use http::{HeaderMap, Method};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Prefix of every Management API path.
pub const API_PREFIX: &str = "/api/v2";

/// Every byte except RFC 3986 "unreserved" characters (`ALPHA / DIGIT / - . _ ~`).
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes one path parameter so that it stays one segment: everything but RFC 3986
/// unreserved characters is encoded (so `auth0|123` becomes `auth0%7C123` and `a/b`
/// becomes `a%2Fb`).
///
/// ```
/// use auth0_management::request::encode_path_segment;
/// assert_eq!(encode_path_segment("auth0|64b7f0"), "auth0%7C64b7f0");
/// assert_eq!(encode_path_segment("a b/c?d"), "a%20b%2Fc%3Fd");
/// assert_eq!(encode_path_segment("rol_A-b.c~d"), "rol_A-b.c~d");
/// ```
pub fn encode_path_segment(segment: &str) -> String {
    utf8_percent_encode(segment, PATH_SEGMENT).to_string()
}

/// Per-request options that the stack's layers read from the request's extensions.
///
/// Set them on an [`ApiRequest`] ([`ApiRequest::max_attempts`], [`ApiRequest::timeout`],
/// [`ApiRequest::retry_non_idempotent`]); values left `None` fall back to the client's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestOptions {
    /// Attempts in total (first try included) for this request.
    pub max_attempts: Option<u32>,
    /// Per-attempt timeout for this request.
    pub timeout: Option<Duration>,
    /// Retry 5xx/408/transport failures even though the method is not idempotent (POST,
    /// PATCH). Only for calls the caller knows to be safe to replay.
    pub retry_non_idempotent: bool,
}

#[derive(Clone, Default)]
enum Body {
    #[default]
    Empty,
    Json(Bytes),
    Multipart {
        content_type: HeaderValue,
        bytes: Bytes,
    },
}

/// One Management API call: method, path under `/api/v2`, query pairs, body and per-request
/// options.
///
/// ```
/// use auth0_management::request::{ApiRequest, encode_path_segment};
/// let req = ApiRequest::new(http::Method::GET, format!("/users/{}", encode_path_segment("auth0|1")))
///     .query("fields", "user_id,email")
///     .query_opt("include_fields", Some(true))
///     .query_opt::<u32>("page", None)
///     .max_attempts(2);
/// assert_eq!(req.path(), "/users/auth0%7C1");
/// assert_eq!(req.query_pairs().len(), 2);
/// ```
#[derive(Clone)]
#[must_use]
pub struct ApiRequest {
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    body: Body,
    headers: HeaderMap,
    options: RequestOptions,
}

impl ApiRequest {
    /// A request for `path`, which is relative to `/api/v2` and starts with `/`
    /// (e.g. `/users`). Path parameters must already be encoded with
    /// [`encode_path_segment`].
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        Self {
            method,
            path: path.into(),
            query: Vec::new(),
            body: Body::Empty,
            headers: HeaderMap::new(),
            options: RequestOptions::default(),
        }
    }

    /// Appends a query pair (repeated names are kept, in order).
    #[allow(clippy::needless_pass_by_value)] // the signature generated code relies on
    pub fn query(mut self, name: &str, value: impl ToString) -> Self {
        self.query.push((name.to_owned(), value.to_string()));
        self
    }

    /// Appends a query pair when `value` is `Some`; `None` sends nothing.
    pub fn query_opt<T: ToString>(self, name: &str, value: Option<T>) -> Self {
        match value {
            Some(v) => self.query(name, v),
            None => self,
        }
    }

    /// Sets a JSON body (and `Content-Type: application/json`).
    pub fn json<T: serde::Serialize>(mut self, body: &T) -> Result<Self, Error> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| Error::Config(format!("could not serialise the request body: {e}")))?;
        self.body = Body::Json(Bytes::from(bytes));
        Ok(self)
    }

    /// Sets a JSON body from bytes that already hold JSON (for the raw escape hatch).
    pub fn json_bytes(mut self, body: impl Into<Bytes>) -> Self {
        self.body = Body::Json(body.into());
        self
    }

    /// Sets a `multipart/form-data` body (used by the users-import job).
    #[allow(clippy::needless_pass_by_value)] // the signature generated code relies on
    pub fn multipart(mut self, form: Multipart) -> Self {
        let (content_type, bytes) = form.encode();
        self.body = Body::Multipart {
            content_type,
            bytes,
        };
        self
    }

    /// Attempts in total for this request (first try included); overrides the client's.
    /// `1` disables retries. `0` is treated as `1`.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.options.max_attempts = Some(attempts.max(1));
        self
    }

    /// Per-attempt timeout for this request; overrides the client's.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// Lets the retry layer replay this request after 5xx/408/transport failures although
    /// its method is not idempotent. 429 is retried for every method regardless.
    pub fn retry_non_idempotent(mut self, allow: bool) -> Self {
        self.options.retry_non_idempotent = allow;
        self
    }

    /// Adds a header to this request (replacing one of the same name). Layers below may
    /// still set `Authorization`, `Auth0-Client` and `User-Agent`.
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.insert(name, value);
        self
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path relative to `/api/v2`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The query pairs, in order.
    pub fn query_pairs(&self) -> &[(String, String)] {
        &self.query
    }

    /// Replaces every pair named `name` with one pair (used by the pagers).
    pub(crate) fn set_query(mut self, name: &str, value: String) -> Self {
        self.query.retain(|(n, _)| n != name);
        self.query.push((name.to_owned(), value));
        self
    }

    /// Removes every pair named `name`.
    pub(crate) fn remove_query(mut self, name: &str) -> Self {
        self.query.retain(|(n, _)| n != name);
        self
    }

    /// The per-request options.
    pub fn options(&self) -> RequestOptions {
        self.options
    }

    /// The body bytes (empty when there is none).
    pub fn body_bytes(&self) -> Bytes {
        match &self.body {
            Body::Empty => Bytes::new(),
            Body::Json(b) | Body::Multipart { bytes: b, .. } => b.clone(),
        }
    }

    fn check_path(&self) -> Result<(), Error> {
        if !self.path.starts_with('/') {
            return Err(Error::Config(format!(
                "a Management API path must start with '/', got {:?}",
                self.path
            )));
        }
        if self.path.bytes().any(|b| b == b'?' || b == b'#') {
            return Err(Error::Config(format!(
                "a Management API path must not hold a query or fragment (use ApiRequest::query), got {:?}",
                self.path
            )));
        }
        Ok(())
    }

    /// `/api/v2{path}?{query}`.
    fn path_and_query(&self) -> Result<String, Error> {
        self.check_path()?;
        self.join_path_and_query()
    }

    /// `/api/v2{path}?{query}`, with the path unchecked.
    fn join_path_and_query(&self) -> Result<String, Error> {
        let mut out =
            String::with_capacity(API_PREFIX.len() + self.path.len() + 24 * self.query.len());
        out.push_str(API_PREFIX);
        out.push_str(&self.path);
        if !self.query.is_empty() {
            out.push('?');
            let encoded = serde_urlencoded::to_string(&self.query)
                .map_err(|e| Error::Config(format!("could not encode the query: {e}")))?;
            out.push_str(&encoded);
        }
        Ok(out)
    }

    /// The full URL of this request on `domain`: `{base}/api/v2{path}?{query}`.
    pub fn url(&self, domain: &Domain) -> Result<String, Error> {
        Ok(format!("{}{}", domain.base_url(), self.path_and_query()?))
    }

    /// Builds the `http::Request` the stack sends, with the options in its extensions.
    pub fn into_http(self, domain: &Domain) -> Result<http::Request<Bytes>, Error> {
        self.into_http_at(&Target::new(domain)?)
    }

    pub(crate) fn into_http_at(self, target: &Target) -> Result<http::Request<Bytes>, Error> {
        if !self.path.starts_with('/') {
            self.check_path()?;
        }
        let path_and_query =
            http::uri::PathAndQuery::from_maybe_shared(Bytes::from(self.join_path_and_query()?))
                .map_err(|e| Error::Config(format!("invalid request path: {e}")))?;
        // A `?` or `#` in the path ends the parsed path early (as a query or a fragment):
        // checked on the parsed result rather than by scanning the path first.
        if path_and_query.path().len() != API_PREFIX.len() + self.path.len() {
            self.check_path()?;
            return Err(Error::Config(format!(
                "invalid request path {:?}",
                self.path
            )));
        }
        let mut parts = http::uri::Parts::default();
        parts.scheme = Some(target.scheme.clone());
        parts.authority = Some(target.authority.clone());
        parts.path_and_query = Some(path_and_query);
        let uri = http::Uri::from_parts(parts)
            .map_err(|e| Error::Config(format!("invalid request URI: {e}")))?;
        let (body, content_type) = match self.body {
            Body::Empty => (Bytes::new(), None),
            Body::Json(b) => (b, Some(HeaderValue::from_static("application/json"))),
            Body::Multipart {
                content_type,
                bytes,
            } => (bytes, Some(content_type)),
        };
        let mut request = http::Request::new(body);
        *request.method_mut() = self.method;
        *request.uri_mut() = uri;
        *request.headers_mut() = self.headers;
        if let Some(ct) = content_type {
            request.headers_mut().insert(CONTENT_TYPE, ct);
        }
        // Only non-default options are stored: an empty extension map costs nothing.
        if self.options != RequestOptions::default() {
            request.extensions_mut().insert(self.options);
        }
        Ok(request)
    }
}

/// The scheme and authority requests are sent to, parsed once per client.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    scheme: http::uri::Scheme,
    authority: http::uri::Authority,
}

impl Target {
    pub(crate) fn new(domain: &Domain) -> Result<Self, Error> {
        let scheme = match domain.scheme() {
            auth0_core::Scheme::Http => http::uri::Scheme::HTTP,
            _ => http::uri::Scheme::HTTPS,
        };
        let authority = http::uri::Authority::try_from(domain.host())
            .map_err(|e| Error::Config(format!("invalid domain {domain}: {e}")))?;
        Ok(Self { scheme, authority })
    }
}

impl fmt::Debug for ApiRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Query values and bodies can hold personal data (emails, search terms); show sizes.
        f.debug_struct("ApiRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field(
                "query",
                &self
                    .query
                    .iter()
                    .map(|(k, _)| k.as_str())
                    .collect::<Vec<_>>(),
            )
            .field("body_bytes", &self.body_bytes().len())
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// A decoded response value with its status, headers and rate-limit information.
#[derive(Debug, Clone)]
pub struct ApiResponse<T> {
    /// The decoded body.
    pub value: T,
    /// Status, headers and `x-ratelimit-*` values.
    pub meta: ResponseMeta,
}

impl<T> ApiResponse<T> {
    /// Wraps a value with its metadata.
    pub fn new(value: T, meta: ResponseMeta) -> Self {
        Self { value, meta }
    }

    /// Maps the value, keeping the metadata.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> ApiResponse<U> {
        ApiResponse {
            value: f(self.value),
            meta: self.meta,
        }
    }

    /// The value, dropping the metadata.
    pub fn into_value(self) -> T {
        self.value
    }
}

/// One part of a [`Multipart`] form.
#[derive(Clone)]
struct Part {
    name: String,
    filename: Option<String>,
    content_type: Option<String>,
    data: Bytes,
}

/// A `multipart/form-data` body: text fields and files (the users-import job sends a
/// `users` file plus `connection_id`, `upsert`, `external_id`, `send_completion_email`).
///
/// ```
/// use auth0_management::request::Multipart;
/// let form = Multipart::new()
///     .file("users", "users.json", "application/json", br#"[{"email":"a@example.com"}]"#.to_vec())
///     .text("connection_id", "con_123")
///     .text("upsert", "true");
/// assert_eq!(form.len(), 3);
/// ```
#[derive(Clone, Default)]
#[must_use]
pub struct Multipart {
    parts: Vec<Part>,
}

impl Multipart {
    /// An empty form.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a text field.
    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.parts.push(Part {
            name: name.into(),
            filename: None,
            content_type: None,
            data: Bytes::from(value.into()),
        });
        self
    }

    /// Adds a file field.
    pub fn file(
        mut self,
        name: impl Into<String>,
        filename: impl Into<String>,
        content_type: impl Into<String>,
        data: impl Into<Bytes>,
    ) -> Self {
        self.parts.push(Part {
            name: name.into(),
            filename: Some(filename.into()),
            content_type: Some(content_type.into()),
            data: data.into(),
        });
        self
    }

    /// Number of parts.
    pub fn len(&self) -> usize {
        self.parts.len()
    }

    /// Whether the form has no parts.
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// Encodes the form: the `Content-Type` header value (with the boundary) and the body.
    pub fn encode(&self) -> (HeaderValue, Bytes) {
        let mut boundary = random_boundary();
        // A boundary must not occur in the content; 32 random hex digits practically never
        // do, but check rather than trust.
        while self
            .parts
            .iter()
            .any(|p| contains(&p.data, boundary.as_bytes()))
        {
            boundary = random_boundary();
        }
        (
            HeaderValue::from_str(&format!("multipart/form-data; boundary={boundary}"))
                .unwrap_or_else(|_| HeaderValue::from_static("multipart/form-data")),
            self.encode_with(&boundary),
        )
    }

    fn encode_with(&self, boundary: &str) -> Bytes {
        let mut out = BytesMut::new();
        for part in &self.parts {
            out.put_slice(b"--");
            out.put_slice(boundary.as_bytes());
            out.put_slice(b"\r\nContent-Disposition: form-data; name=\"");
            out.put_slice(quote(&part.name).as_bytes());
            out.put_slice(b"\"");
            if let Some(filename) = &part.filename {
                out.put_slice(b"; filename=\"");
                out.put_slice(quote(filename).as_bytes());
                out.put_slice(b"\"");
            }
            out.put_slice(b"\r\n");
            if let Some(ct) = &part.content_type {
                out.put_slice(b"Content-Type: ");
                out.put_slice(strip_newlines(ct).as_bytes());
                out.put_slice(b"\r\n");
            }
            out.put_slice(b"\r\n");
            out.put_slice(&part.data);
            out.put_slice(b"\r\n");
        }
        out.put_slice(b"--");
        out.put_slice(boundary.as_bytes());
        out.put_slice(b"--\r\n");
        out.freeze()
    }
}

impl fmt::Debug for Multipart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_list();
        for p in &self.parts {
            list.entry(&format_args!(
                "{}{} ({} bytes)",
                p.name,
                p.filename
                    .as_deref()
                    .map(|n| format!(" [{n}]"))
                    .unwrap_or_default(),
                p.data.len()
            ));
        }
        list.finish()
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Escapes a field or file name for a quoted `Content-Disposition` parameter (the WHATWG
/// form encoding: `"` → `%22`, CR → `%0D`, LF → `%0A`).
fn quote(s: &str) -> String {
    s.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn strip_newlines(s: &str) -> String {
    s.chars().filter(|c| *c != '\r' && *c != '\n').collect()
}

fn random_boundary() -> String {
    use std::fmt::Write as _;
    let bytes = crate::random::bytes::<16>();
    let mut s = String::from("auth0-rs-");
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn domain() -> Domain {
        Domain::new("tenant.auth0.com").unwrap()
    }

    #[test]
    fn url_building() {
        let req = ApiRequest::new(Method::GET, "/users")
            .query("q", "email:\"a b@example.com\"")
            .query("fields", "user_id,email")
            .query_opt("page", Some(2))
            .query_opt::<u32>("per_page", None)
            .query("include_totals", true);
        insta::assert_snapshot!(req.url(&domain()).unwrap(), @"https://tenant.auth0.com/api/v2/users?q=email%3A%22a+b%40example.com%22&fields=user_id%2Cemail&page=2&include_totals=true");
        let req = ApiRequest::new(
            Method::DELETE,
            format!("/users/{}", encode_path_segment("auth0|x/y")),
        );
        assert_eq!(
            req.url(&domain()).unwrap(),
            "https://tenant.auth0.com/api/v2/users/auth0%7Cx%2Fy"
        );
    }

    #[test]
    fn bad_paths_are_config_errors() {
        for path in ["users", "/users?x=1", "/a#b"] {
            let e = ApiRequest::new(Method::GET, path)
                .url(&domain())
                .unwrap_err();
            assert!(matches!(e, Error::Config(_)), "{path}: {e}");
        }
        insta::assert_snapshot!(
            ApiRequest::new(Method::GET, "users").url(&domain()).unwrap_err().to_string(),
            @r#"invalid configuration: a Management API path must start with '/', got "users""#
        );
        // The request the client sends refuses them with the same messages, with a query
        // added or not.
        for path in ["users", "/users?x=1", "/a#b", "/a/b?", "/#", "/a#b?c"] {
            for query in [None, Some(("q", "1"))] {
                let mut req = ApiRequest::new(Method::GET, path);
                if let Some((name, value)) = query {
                    req = req.query(name, value);
                }
                let expected = req.url(&domain()).unwrap_err().to_string();
                let e = req.into_http(&domain()).unwrap_err();
                assert_eq!(e.to_string(), expected, "{path} {query:?}");
            }
        }
    }

    #[test]
    fn pager_query_edits() {
        let req = ApiRequest::new(Method::GET, "/logs")
            .query("page", 0)
            .query("q", "x")
            .set_query("page", "3".to_owned())
            .remove_query("q");
        assert_eq!(req.query_pairs(), &[("page".to_owned(), "3".to_owned())]);
    }

    #[test]
    fn into_http_sets_headers_body_and_options() {
        let req = ApiRequest::new(Method::POST, "/roles")
            .json(&serde_json::json!({"name": "admin"}))
            .unwrap()
            .max_attempts(0)
            .timeout(Duration::from_secs(3))
            .header(
                HeaderName::from_static("x-extra"),
                HeaderValue::from_static("1"),
            );
        let http = req.into_http(&domain()).unwrap();
        assert_eq!(http.method(), Method::POST);
        assert_eq!(http.headers()[CONTENT_TYPE], "application/json");
        assert_eq!(http.headers()["x-extra"], "1");
        assert_eq!(http.body().as_ref(), br#"{"name":"admin"}"#);
        let opts = http.extensions().get::<RequestOptions>().unwrap();
        assert_eq!(opts.max_attempts, Some(1));
        assert_eq!(opts.timeout, Some(Duration::from_secs(3)));
    }

    #[test]
    fn multipart_wire_format() {
        let form = Multipart::new()
            .file(
                "users",
                "us\"ers.json",
                "application/json",
                b"[{\"email\":\"a@example.com\"}]".to_vec(),
            )
            .text("connection_id", "con_1")
            .text("upsert", "true");
        let body = form.encode_with("BOUNDARY");
        insta::assert_snapshot!(String::from_utf8(body.to_vec()).unwrap().replace("\r\n", "⏎\n"), @r#"
        --BOUNDARY⏎
        Content-Disposition: form-data; name="users"; filename="us%22ers.json"⏎
        Content-Type: application/json⏎
        ⏎
        [{"email":"a@example.com"}]⏎
        --BOUNDARY⏎
        Content-Disposition: form-data; name="connection_id"⏎
        ⏎
        con_1⏎
        --BOUNDARY⏎
        Content-Disposition: form-data; name="upsert"⏎
        ⏎
        true⏎
        --BOUNDARY--⏎
        "#);
        let (ct, bytes) = form.encode();
        let ct = ct.to_str().unwrap();
        let boundary = ct.strip_prefix("multipart/form-data; boundary=").unwrap();
        assert!(bytes.starts_with(format!("--{boundary}\r\n").as_bytes()));
        assert_eq!(
            format!("{form:?}"),
            r#"[users [us"ers.json] (27 bytes), connection_id (5 bytes), upsert (4 bytes)]"#
        );
    }

    #[test]
    fn debug_hides_query_values_and_bodies() {
        let req =
            ApiRequest::new(Method::GET, "/users-by-email").query("email", "secret@example.com");
        let text = format!("{req:?}");
        assert!(!text.contains("secret@"), "{text}");
    }
}

//! The error model shared by the Authentication and Management API clients.

use std::fmt;
use std::time::Duration;

use http::{HeaderMap, StatusCode};
use serde_json::Value;

use crate::rate_limit::RateLimit;

/// Error code used when the response names none (same as `auth0-python`).
pub const UNKNOWN_ERROR_CODE: &str = "a0.sdk.internal.unknown";

/// A boxed error from a lower layer (HTTP stack, user layer).
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything an auth0-rs client call can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Auth0 answered with an error status (4xx/5xx other than 429).
    #[error(transparent)]
    Api(Box<ApiError>),
    /// Auth0 answered 429 Too Many Requests (after any retries).
    #[error(transparent)]
    RateLimited(Box<RateLimitError>),
    /// The request did not complete in time.
    #[error("request timed out after {0:?}")]
    Timeout(Duration),
    /// The request could not be sent or its response not read (DNS, TCP, TLS, reset, truncated body).
    #[error("transport error: {0}")]
    Transport(#[source] TransportError),
    /// A success response whose body did not match the expected shape.
    #[error(transparent)]
    Decode(DecodeError),
    /// The client or request was configured with values that cannot work.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// Offset paging reached Auth0's limit of [`MAX_OFFSET_RECORDS`](crate::pagination::MAX_OFFSET_RECORDS)
    /// records; the list goes on but can only be read with checkpoint paging.
    #[error(
        "Auth0 serves at most {limit} records through page/per_page paging and {fetched} have been read; {}",
        offset_limit_advice(*checkpoint)
    )]
    OffsetLimitReached {
        /// The offset limit.
        limit: u64,
        /// How many records were read before it.
        fetched: u64,
        /// The checkpoint (`from`/`take`) variant of the same list, when it has one (e.g.
        /// ``"`client.logs().list().checkpoint_items(..)`"``): what reads on.
        checkpoint: Option<&'static str>,
    },
}

fn offset_limit_advice(checkpoint: Option<&str>) -> String {
    match checkpoint {
        Some(variant) => {
            format!("read the rest with checkpoint (from/take) paging, which has no such limit: {variant}")
        }
        None => "use the checkpoint (from/take) variant of the endpoint where it has one (e.g. logs, organizations), or an export job (users) to read the rest".to_owned(),
    }
}

impl Error {
    /// The HTTP status, for API and rate-limit errors.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api(e) => Some(e.status),
            Self::RateLimited(e) => Some(e.api.status),
            _ => None,
        }
    }

    /// The API error, for API and rate-limit errors.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Self::Api(e) => Some(e),
            Self::RateLimited(e) => Some(&e.api),
            _ => None,
        }
    }

    /// Whether this is a 429.
    pub fn is_rate_limited(&self) -> bool {
        matches!(self, Self::RateLimited(_))
    }

    /// Whether this is a timeout.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Timeout(_))
    }

    /// Builds the error for a response with an error status (>= 400).
    ///
    /// 429 becomes [`Error::RateLimited`], everything else [`Error::Api`].
    ///
    /// ```
    /// use auth0_core::Error;
    /// use http::{HeaderMap, StatusCode};
    ///
    /// let body = br#"{"error":"mfa_required","error_description":"Multifactor authentication required","mfa_token":"Fe26.2*abc"}"#;
    /// let e = Error::from_response(StatusCode::FORBIDDEN, HeaderMap::new(), body);
    /// assert_eq!(e.to_string(), "403: Multifactor authentication required");
    /// let api = e.api_error().unwrap();
    /// assert!(api.is_mfa_required());
    /// assert_eq!(api.mfa_token(), Some("Fe26.2*abc"));
    /// // Debug shows neither the body nor the headers (the mfa_token is a credential).
    /// assert!(!format!("{e:?}").contains("Fe26"));
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.insert("x-ratelimit-remaining", "0".parse().unwrap());
    /// headers.insert("x-ratelimit-reset", "1700000030".parse().unwrap());
    /// let body = br#"{"statusCode":429,"error":"Too Many Requests","message":"Global limit has been reached"}"#;
    /// match Error::from_response(StatusCode::TOO_MANY_REQUESTS, headers, body) {
    ///     Error::RateLimited(e) => {
    ///         assert_eq!(e.reset_at(), Some(1_700_000_030));
    ///         assert_eq!(e.rate_limit.remaining, Some(0));
    ///         assert_eq!(e.api.code, "Too Many Requests");
    ///     }
    ///     other => panic!("expected a rate-limit error, got {other:?}"),
    /// }
    /// ```
    pub fn from_response(status: StatusCode, headers: HeaderMap, body: &[u8]) -> Self {
        let api = ApiError::from_response(status, headers, body);
        if status == StatusCode::TOO_MANY_REQUESTS {
            let rate_limit = RateLimit::from_headers(&api.headers);
            Self::RateLimited(Box::new(RateLimitError { api, rate_limit }))
        } else {
            Self::Api(Box::new(api))
        }
    }

    /// Wraps a lower-layer error as a transport error.
    pub fn transport(message: impl Into<String>, source: impl Into<BoxError>) -> Self {
        Self::Transport(TransportError::new(message, Some(source.into())))
    }
}

/// The body of an error response, as received.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ErrorBody {
    /// No body, or an empty one.
    Empty,
    /// A JSON document.
    Json(Value),
    /// Anything that is not JSON (an HTML page, plain text), decoded lossily as UTF-8.
    Text(String),
}

impl ErrorBody {
    /// Classifies raw bytes the way `auth0-python` does: empty, JSON, or text.
    pub fn parse(body: &[u8]) -> Self {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Self::Empty;
        }
        match serde_json::from_slice::<Value>(body) {
            Ok(v) => Self::Json(v),
            Err(_) => Self::Text(String::from_utf8_lossy(body).into_owned()),
        }
    }

    /// The JSON document, if the body was JSON.
    pub fn json(&self) -> Option<&Value> {
        match self {
            Self::Json(v) => Some(v),
            _ => None,
        }
    }
}

/// An error response from Auth0.
#[derive(Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Auth0's error code: `errorCode`, else `error`, else `code`, else
    /// [`UNKNOWN_ERROR_CODE`].
    pub code: String,
    /// Human-readable message: `error_description`, else a non-empty `message`, else a
    /// non-empty `description` (`/dbconnections` errors), else `error`, else the text body,
    /// else empty.
    pub message: String,
    /// The whole body, kept so nothing Auth0 said is lost (for `mfa_required` it holds the
    /// `mfa_token`).
    pub body: ErrorBody,
    /// Response headers.
    pub headers: HeaderMap,
}

impl ApiError {
    /// Parses an error response.
    pub fn from_response(status: StatusCode, headers: HeaderMap, body: &[u8]) -> Self {
        let body = ErrorBody::parse(body);
        let (code, message) = match &body {
            ErrorBody::Empty => (UNKNOWN_ERROR_CODE.to_owned(), String::new()),
            ErrorBody::Text(t) => (UNKNOWN_ERROR_CODE.to_owned(), t.clone()),
            ErrorBody::Json(v) => (error_code(v), error_message(v)),
        };
        Self {
            status,
            code,
            message,
            body,
            headers,
        }
    }

    /// Whether Auth0 asks for multi-factor authentication (`mfa_required`).
    pub fn is_mfa_required(&self) -> bool {
        self.code == "mfa_required"
    }

    /// The `mfa_token` of an `mfa_required` error, to continue with an MFA grant.
    pub fn mfa_token(&self) -> Option<&str> {
        self.body.json()?.get("mfa_token")?.as_str()
    }

    /// A string field of a JSON error body, e.g. `error_uri`.
    pub fn field(&self, name: &str) -> Option<&Value> {
        self.body.json()?.get(name)
    }
}

fn error_code(v: &Value) -> String {
    ["errorCode", "error", "code"]
        .iter()
        .find_map(|k| v.get(*k).filter(|x| !x.is_null()).map(value_text))
        .unwrap_or_else(|| UNKNOWN_ERROR_CODE.to_owned())
}

fn error_message(v: &Value) -> String {
    if let Some(d) = v.get("error_description").filter(|x| !x.is_null()) {
        return value_text(d);
    }
    if let Some(m) = v.get("message").map(value_text).filter(|m| !m.is_empty()) {
        return m;
    }
    // `/dbconnections/*` errors carry their text in `description` (beyond auth0-python,
    // which shows an empty message for them).
    if let Some(m) = v
        .get("description")
        .map(value_text)
        .filter(|m| !m.is_empty())
    {
        return m;
    }
    v.get("error").map(value_text).unwrap_or_default()
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.message.is_empty() {
            write!(
                f,
                "{}: {}",
                self.status.as_u16(),
                self.status.canonical_reason().unwrap_or("Unknown Status")
            )
        } else {
            write!(f, "{}: {}", self.status.as_u16(), self.message)
        }
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Bodies and headers are shown by field name only where they could carry
        // credentials (an `mfa_token`, cookies); the code and message are Auth0's text.
        f.debug_struct("ApiError")
            .field("status", &self.status.as_u16())
            .field("code", &self.code)
            .field("message", &self.message)
            .field(
                "body",
                &match &self.body {
                    ErrorBody::Empty => "empty",
                    ErrorBody::Json(_) => "json",
                    ErrorBody::Text(_) => "text",
                },
            )
            .field("headers", &self.headers.len())
            .finish()
    }
}

impl std::error::Error for ApiError {}

/// A 429 Too Many Requests answer.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RateLimitError {
    /// The error response itself.
    pub api: ApiError,
    /// The rate-limit headers; `reset_at` tells when to try again.
    pub rate_limit: RateLimit,
}

impl RateLimitError {
    /// UNIX time (seconds) at which the limit resets, from `x-ratelimit-reset`.
    pub fn reset_at(&self) -> Option<u64> {
        self.rate_limit.reset_at
    }
}

impl fmt::Display for RateLimitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.api, f)
    }
}

impl std::error::Error for RateLimitError {}

/// A failure below HTTP: connect, TLS, I/O, a truncated body.
#[derive(Debug)]
pub struct TransportError {
    message: String,
    source: Option<BoxError>,
}

impl TransportError {
    /// A transport error with a message and optional cause.
    pub fn new(message: impl Into<String>, source: Option<BoxError>) -> Self {
        Self {
            message: message.into(),
            source,
        }
    }

    /// The message, without the cause.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(src) = &self.source {
            write!(f, ": {src}")?;
        }
        Ok(())
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// A success body that did not match the expected type.
///
/// The message never quotes string values from the body: a token endpoint's response holds
/// credentials, and a decode error must not leak them into logs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("could not decode {target} from the response body: {detail}")]
pub struct DecodeError {
    /// What was being decoded.
    pub target: &'static str,
    /// What went wrong, with quoted values removed.
    pub detail: String,
}

impl DecodeError {
    /// Builds a decode error from a `serde_json` error, redacting quoted values.
    pub fn from_json(target: &'static str, err: &serde_json::Error) -> Self {
        Self {
            target,
            detail: redact_quoted(&err.to_string()),
        }
    }
}

impl From<DecodeError> for Error {
    fn from(e: DecodeError) -> Self {
        Self::Decode(e)
    }
}

/// Replaces every double-quoted run in `s` with `"…"`.
fn redact_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_quote = false;
    for ch in s.chars() {
        if ch == '"' {
            if in_quote {
                out.push_str("…\"");
            } else {
                out.push('"');
            }
            in_quote = !in_quote;
        } else if !in_quote {
            out.push(ch);
        }
    }
    out
}

/// Decodes a JSON success body into `T`.
pub fn decode_json<T: serde::de::DeserializeOwned>(
    target: &'static str,
    body: &[u8],
) -> Result<T, Error> {
    serde_json::from_slice(body).map_err(|e| Error::Decode(DecodeError::from_json(target, &e)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn err(status: u16, body: &str) -> Error {
        Error::from_response(
            StatusCode::from_u16(status).unwrap(),
            HeaderMap::new(),
            body.as_bytes(),
        )
    }

    fn api(e: &Error) -> &ApiError {
        e.api_error().unwrap()
    }

    #[test]
    fn code_precedence_error_code_then_error_then_code() {
        let e = err(
            400,
            r#"{"errorCode":"ec","error":"er","code":"co","message":"m"}"#,
        );
        assert_eq!(api(&e).code, "ec");
        let e = err(400, r#"{"error":"er","code":"co","message":"m"}"#);
        assert_eq!(api(&e).code, "er");
        let e = err(400, r#"{"code":"co","message":"m"}"#);
        assert_eq!(api(&e).code, "co");
        let e = err(400, r#"{"message":"m"}"#);
        assert_eq!(api(&e).code, UNKNOWN_ERROR_CODE);
    }

    #[test]
    fn message_precedence() {
        let e = err(
            400,
            r#"{"error":"invalid_grant","error_description":"Wrong email or password.","message":"x"}"#,
        );
        assert_eq!(api(&e).message, "Wrong email or password.");
        let e = err(400, r#"{"error":"e","message":"Payload validation error"}"#);
        assert_eq!(api(&e).message, "Payload validation error");
        // An empty message falls through to `error`.
        let e = err(400, r#"{"error":"access_denied","message":""}"#);
        assert_eq!(api(&e).message, "access_denied");
        let e = err(400, r#"{"code":"c"}"#);
        assert_eq!(api(&e).message, "");
        // Database-connection errors put their text in `description`.
        let e = err(
            400,
            r#"{"name":"BadRequestError","code":"invalid_signup","description":"Invalid sign up","statusCode":400}"#,
        );
        assert_eq!(api(&e).code, "invalid_signup");
        assert_eq!(e.to_string(), "400: Invalid sign up");
    }

    #[test]
    fn management_shaped_error() {
        let e = err(
            404,
            r#"{"statusCode":404,"error":"Not Found","message":"The user does not exist.","errorCode":"inexistent_user"}"#,
        );
        let a = api(&e);
        assert_eq!(a.status, StatusCode::NOT_FOUND);
        assert_eq!(a.code, "inexistent_user");
        assert_eq!(a.message, "The user does not exist.");
        assert_eq!(e.to_string(), "404: The user does not exist.");
    }

    #[test]
    fn plain_text_and_empty_bodies() {
        let e = err(502, "<html>Bad Gateway</html>");
        assert_eq!(api(&e).code, UNKNOWN_ERROR_CODE);
        assert_eq!(api(&e).message, "<html>Bad Gateway</html>");
        assert_eq!(
            api(&e).body,
            ErrorBody::Text("<html>Bad Gateway</html>".into())
        );
        let e = err(500, "");
        assert_eq!(api(&e).code, UNKNOWN_ERROR_CODE);
        assert_eq!(api(&e).message, "");
        assert_eq!(api(&e).body, ErrorBody::Empty);
        assert_eq!(e.to_string(), "500: Internal Server Error");
        // Invalid UTF-8 is kept lossily, never a panic.
        let e = Error::from_response(
            StatusCode::BAD_GATEWAY,
            HeaderMap::new(),
            &[0xff, 0xfe, b'x'],
        );
        assert_eq!(api(&e).message, "\u{fffd}\u{fffd}x");
        // JSON that is not an object: no code, message from nothing.
        let e = err(400, "[1,2]");
        assert_eq!(api(&e).code, UNKNOWN_ERROR_CODE);
        let e = err(400, "\"just a string\"");
        assert_eq!(api(&e).code, UNKNOWN_ERROR_CODE);
        // Non-string code values are rendered, not dropped.
        let e = err(400, r#"{"code":42,"message":"numeric code"}"#);
        assert_eq!(api(&e).code, "42");
    }

    #[test]
    fn mfa_required_keeps_the_token() {
        let e = err(
            403,
            r#"{"error":"mfa_required","error_description":"Multifactor authentication required","mfa_token":"Fe26.2*abc"}"#,
        );
        let a = api(&e);
        assert!(a.is_mfa_required());
        assert_eq!(a.mfa_token(), Some("Fe26.2*abc"));
        assert_eq!(e.to_string(), "403: Multifactor authentication required");
        // The token is not in Debug output.
        assert!(!format!("{e:?}").contains("Fe26"));
    }

    #[test]
    fn rate_limit_error_carries_reset() {
        let mut headers = HeaderMap::new();
        headers.insert("x-ratelimit-reset", HeaderValue::from_static("1700000123"));
        headers.insert("x-ratelimit-limit", HeaderValue::from_static("10"));
        headers.insert("x-ratelimit-remaining", HeaderValue::from_static("0"));
        let e = Error::from_response(
            StatusCode::TOO_MANY_REQUESTS,
            headers,
            br#"{"statusCode":429,"error":"Too Many Requests","message":"Global limit has been reached","errorCode":"too_many_requests"}"#,
        );
        let Error::RateLimited(rl) = &e else {
            panic!("expected a rate-limit error, got {e:?}");
        };
        assert_eq!(rl.reset_at(), Some(1_700_000_123));
        assert_eq!(rl.rate_limit.limit, Some(10));
        assert_eq!(rl.rate_limit.remaining, Some(0));
        assert_eq!(rl.api.code, "too_many_requests");
        assert!(e.is_rate_limited());
        assert_eq!(e.status(), Some(StatusCode::TOO_MANY_REQUESTS));
        assert_eq!(e.to_string(), "429: Global limit has been reached");
    }

    #[test]
    fn rate_limit_without_headers_has_no_reset() {
        let e = err(429, "");
        let Error::RateLimited(rl) = &e else {
            panic!("expected a rate-limit error");
        };
        assert_eq!(rl.reset_at(), None);
        assert_eq!(e.to_string(), "429: Too Many Requests");
    }

    #[test]
    fn decode_errors_do_not_quote_values() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct T {
            expires_in: u64,
        }
        let e = decode_json::<T>("token response", br#"{"expires_in":"eyJhbGciOi.secret"}"#)
            .unwrap_err();
        let text = e.to_string();
        assert!(!text.contains("secret"), "{text}");
        insta::assert_snapshot!(text, @r#"could not decode token response from the response body: invalid type: string "…", expected u64 at line 1 column 33"#);
        let e = decode_json::<T>("token response", b"{}").unwrap_err();
        insta::assert_snapshot!(e.to_string(), @"could not decode token response from the response body: missing field `expires_in` at line 1 column 2");
    }

    #[test]
    fn display_snapshots() {
        let e = Error::Timeout(Duration::from_secs(5));
        insta::assert_snapshot!(e.to_string(), @"request timed out after 5s");
        let e = Error::transport("connection reset", std::io::Error::other("peer closed"));
        insta::assert_snapshot!(e.to_string(), @"transport error: connection reset: peer closed");
        let e = err(
            401,
            r#"{"error":"access_denied","error_description":"Unauthorized"}"#,
        );
        insta::assert_debug_snapshot!(e, @r#"
        Api(
            ApiError {
                status: 401,
                code: "access_denied",
                message: "Unauthorized",
                body: "json",
                headers: 0,
            },
        )
        "#);
    }
}

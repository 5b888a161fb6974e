//! Requests as the handlers see them and responses as they build them.

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use serde_json::{Map, Value};

/// A fully read request.
#[derive(Debug, Clone)]
pub(crate) struct Req {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl Req {
    /// The first query parameter named `name`.
    pub(crate) fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A header as text.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Whether the body is declared as JSON.
    fn is_json(&self) -> bool {
        self.header("content-type")
            .is_some_and(|ct| ct.to_ascii_lowercase().contains("json"))
    }

    /// The body as a JSON object, for the Management API.
    pub(crate) fn json_body(&self) -> Result<Map<String, Value>, String> {
        if self.body.is_empty() {
            return Ok(Map::new());
        }
        match serde_json::from_slice(&self.body) {
            Ok(Value::Object(map)) => Ok(map),
            Ok(_) => Err("Payload validation error: 'Expected type object'.".to_owned()),
            Err(e) => Err(format!("Invalid request payload JSON format: {e}")),
        }
    }

    /// Authentication API parameters: a JSON object or a form body, merged over the
    /// query string (body wins).
    pub(crate) fn params(&self) -> Result<Params, String> {
        let mut map = Map::new();
        for (k, v) in &self.query {
            map.insert(k.clone(), Value::String(v.clone()));
        }
        if !self.body.is_empty() {
            if self.is_json() {
                match serde_json::from_slice(&self.body) {
                    Ok(Value::Object(body)) => map.extend(body),
                    _ => return Err("the request body is not a JSON object".to_owned()),
                }
            } else {
                let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&self.body)
                    .map_err(|_| "the request body is not a valid form".to_owned())?;
                for (k, v) in pairs {
                    map.insert(k, Value::String(v));
                }
            }
        }
        Ok(Params(map))
    }
}

/// Authentication API parameters.
#[derive(Debug, Clone, Default)]
pub(crate) struct Params(pub(crate) Map<String, Value>);

impl Params {
    /// A parameter as text (numbers and booleans are rendered; empty strings count as absent).
    pub(crate) fn get(&self, name: &str) -> Option<String> {
        match self.0.get(name)? {
            Value::String(s) if s.is_empty() => None,
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            other => Some(other.to_string()),
        }
    }

    /// A raw parameter.
    pub(crate) fn raw(&self, name: &str) -> Option<&Value> {
        self.0.get(name)
    }
}

/// A response under construction.
#[derive(Debug, Clone)]
pub(crate) struct Resp {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl Resp {
    /// A JSON response.
    pub(crate) fn json(status: StatusCode, body: &Value) -> Self {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        Self {
            status,
            headers,
            body: Bytes::from(serde_json::to_vec(body).expect("JSON value serializes")),
        }
    }

    /// A 200 JSON response.
    pub(crate) fn ok(body: &Value) -> Self {
        Self::json(StatusCode::OK, body)
    }

    /// A response with a body of another type.
    pub(crate) fn text(status: StatusCode, content_type: &'static str, body: String) -> Self {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        Self {
            status,
            headers,
            body: Bytes::from(body),
        }
    }

    /// An empty response.
    pub(crate) fn empty(status: StatusCode) -> Self {
        Self {
            status,
            headers: HeaderMap::new(),
            body: Bytes::new(),
        }
    }

    /// A 302 redirect.
    pub(crate) fn redirect(location: &str) -> Self {
        let mut resp = Self::empty(StatusCode::FOUND);
        if let Ok(v) = HeaderValue::from_str(location) {
            resp.headers.insert(header::LOCATION, v);
        }
        resp
    }

    /// Adds a header (ignored if the value is not a valid header value).
    pub(crate) fn with_header(mut self, name: &'static str, value: &str) -> Self {
        if let Ok(v) = HeaderValue::from_str(value) {
            self.headers.insert(name, v);
        }
        self
    }
}

/// Percent-encodes a query component.
pub(crate) fn encode(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// Decodes a percent-encoded path segment.
pub(crate) fn decode(segment: &str) -> String {
    percent_encoding::percent_decode_str(segment)
        .decode_utf8_lossy()
        .into_owned()
}

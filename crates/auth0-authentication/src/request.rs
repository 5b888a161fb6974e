//! How a call is described before it becomes an `http::Request`: path, body fields, how the
//! client authenticates.

use http::{HeaderName, HeaderValue, Method};
use serde_json::{Map, Value};

use auth0_core::SecretString;

/// Ordered body fields, encoded as a form or as JSON at the end.
#[derive(Debug, Clone, Default)]
pub(crate) struct Fields(pub(crate) Vec<(String, Value)>);

impl Fields {
    pub(crate) fn new() -> Self {
        Self(Vec::new())
    }

    /// Adds a field (replacing an earlier one with the same name).
    pub(crate) fn put(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.set(key, value.into());
        self
    }

    /// Adds a field only when the value is present.
    pub(crate) fn opt<V: Into<Value>>(self, key: &str, value: Option<V>) -> Self {
        match value {
            Some(v) => self.put(key, v),
            None => self,
        }
    }

    pub(crate) fn set(&mut self, key: &str, value: Value) {
        if let Some(slot) = self.0.iter_mut().find(|(k, _)| k == key) {
            slot.1 = value;
        } else {
            self.0.push((key.to_owned(), value));
        }
    }

    /// Adds caller-supplied extra fields; they never replace the ones the SDK set.
    pub(crate) fn extra(mut self, extra: &[(String, String)]) -> Self {
        for (k, v) in extra {
            if !self.0.iter().any(|(existing, _)| existing == k) {
                self.0.push((k.clone(), Value::String(v.clone())));
            }
        }
        self
    }

    pub(crate) fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub(crate) fn into_map(self) -> Map<String, Value> {
        self.0.into_iter().collect()
    }

    /// The fields as form pairs: strings as they are, numbers and booleans as text, arrays
    /// and objects as JSON text, nulls left out.
    pub(crate) fn form_pairs(&self) -> Vec<(&str, String)> {
        self.0
            .iter()
            .filter_map(|(k, v)| form_value(v).map(|v| (k.as_str(), v)))
            .collect()
    }
}

pub(crate) fn form_value(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// How the body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    /// `application/x-www-form-urlencoded` (the OAuth endpoints).
    Form,
    /// `application/json`.
    Json,
}

/// Who the call is made as.
#[derive(Debug, Clone)]
pub(crate) enum Caller {
    /// Nobody: no client id, no credentials.
    Anonymous,
    /// The client id in the body, no credentials (a public call such as signup).
    ClientId,
    /// The client id plus the configured client authentication.
    Client,
    /// `Authorization: Bearer <token>` (userinfo, MFA enrolment); no client fields.
    Bearer(SecretString),
    /// A bearer token plus the client id and the configured credentials, always in the body.
    BearerAndClient(SecretString),
}

/// One Authentication API call.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) body: Option<(Encoding, Fields)>,
    pub(crate) caller: Caller,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
}

impl Call {
    pub(crate) fn new(method: Method, path: impl Into<String>, caller: Caller) -> Self {
        Self {
            method,
            path: path.into(),
            query: Vec::new(),
            body: None,
            caller,
            headers: Vec::new(),
        }
    }

    pub(crate) fn post(path: impl Into<String>, caller: Caller, enc: Encoding, f: Fields) -> Self {
        let mut call = Self::new(Method::POST, path, caller);
        call.body = Some((enc, f));
        call
    }

    pub(crate) fn get(path: impl Into<String>, caller: Caller) -> Self {
        Self::new(Method::GET, path, caller)
    }

    pub(crate) fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }
}

/// Defines consuming setters for `Option<String>` fields of a request struct.
macro_rules! string_setters {
    ($ty:ident { $($field:ident),* $(,)? }) => {
        impl $ty {
            $(
                #[doc = concat!("Sets `", stringify!($field), "`.")]
                #[must_use]
                pub fn $field(mut self, value: impl Into<String>) -> Self {
                    self.$field = Some(value.into());
                    self
                }
            )*
        }
    };
}
pub(crate) use string_setters;

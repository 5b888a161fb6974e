//! Token claims: a borrowed first pass over the payload, then the typed result.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The `aud` claim: one audience or several.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    /// `"aud": "x"`.
    One(String),
    /// `"aud": ["x", "y"]`.
    Many(Vec<String>),
}

impl Audience {
    /// The audiences, in token order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        let (one, many) = match self {
            Self::One(a) => (Some(a.as_str()), &[][..]),
            Self::Many(v) => (None, v.as_slice()),
        };
        one.into_iter().chain(many.iter().map(String::as_str))
    }

    /// Whether `aud` contains `value`.
    pub fn contains(&self, value: &str) -> bool {
        self.iter().any(|a| a == value)
    }
}

/// The verified claims of a token. Claims this type does not name (and named claims of an
/// unexpected type that no check needed) are kept in [`Claims::extra`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Claims {
    /// Issuer.
    pub iss: String,
    /// Subject (user ID, or `<client_id>@clients` for client-credentials tokens).
    pub sub: String,
    /// Audience(s).
    pub aud: Audience,
    /// Expiry, seconds since the epoch.
    pub exp: i64,
    /// Issued-at, seconds since the epoch (always present in a verified ID token).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iat: Option<i64>,
    /// Not-before, seconds since the epoch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    /// Authorized party (the client the token was issued to).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub azp: Option<String>,
    /// OIDC nonce.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    /// Time of the end-user authentication, seconds since the epoch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_time: Option<i64>,
    /// Organization ID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org_id: Option<String>,
    /// Organization name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org_name: Option<String>,
    /// Space-separated OAuth scopes (access tokens).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// RBAC permissions (access tokens of APIs with "Add Permissions in the Access Token").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permissions: Option<Vec<String>>,
    /// Every other claim, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Claims {
    /// The scopes of the `scope` claim.
    pub fn scopes(&self) -> impl Iterator<Item = &str> {
        self.scope.as_deref().unwrap_or("").split_ascii_whitespace()
    }

    /// Whether the `scope` claim contains `scope`.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes().any(|s| s == scope)
    }

    /// Whether the `permissions` claim contains `permission`.
    pub fn has_permission(&self, permission: &str) -> bool {
        self.permissions
            .as_deref()
            .is_some_and(|p| p.iter().any(|x| x == permission))
    }

    /// Any claim by name, typed or not, as JSON.
    pub fn get(&self, name: &str) -> Option<Value> {
        let s = |v: &Option<String>| v.clone().map(Value::String);
        let n = |v: Option<i64>| v.map(Value::from);
        match name {
            "iss" => Some(Value::String(self.iss.clone())),
            "sub" => Some(Value::String(self.sub.clone())),
            "aud" => serde_json::to_value(&self.aud).ok(),
            "exp" => Some(Value::from(self.exp)),
            "iat" => n(self.iat),
            "nbf" => n(self.nbf),
            "auth_time" => n(self.auth_time),
            "azp" => s(&self.azp),
            "nonce" => s(&self.nonce),
            "org_id" => s(&self.org_id),
            "org_name" => s(&self.org_name),
            "scope" => s(&self.scope),
            "permissions" => self.permissions.clone().map(Value::from),
            _ => None,
        }
        .or_else(|| self.extra.get(name).cloned())
    }
}

/// A claim value as first read: strings borrowed when possible.
#[derive(Debug)]
pub(crate) enum Raw<'a> {
    Str(Cow<'a, str>),
    Int(i64),
    List(Vec<Raw<'a>>),
    Other(Value),
}

/// A claim name, borrowed from the payload unless it has escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Key<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Key<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a claim name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'a>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'a>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'a>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V(std::marker::PhantomData))
    }
}

impl Raw<'_> {
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Self::Str(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn as_int(&self) -> Option<i64> {
        match self {
            Self::Int(i) => Some(*i),
            _ => None,
        }
    }

    pub(crate) fn into_value(self) -> Value {
        match self {
            Self::Str(s) => Value::String(s.into_owned()),
            Self::Int(i) => Value::from(i),
            Self::List(items) => Value::Array(items.into_iter().map(Raw::into_value).collect()),
            Self::Other(v) => v,
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Raw<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Raw<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Raw<'a>, E> {
                Ok(Raw::Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Raw<'a>, E> {
                Ok(Raw::Str(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Raw<'a>, E> {
                Ok(Raw::Str(Cow::Owned(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Raw<'a>, E> {
                Ok(Raw::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Raw<'a>, E> {
                Ok(i64::try_from(v).map_or_else(|_| Raw::Other(Value::from(v)), Raw::Int))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Raw<'a>, E> {
                Ok(Raw::Other(Value::from(v)))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Raw<'a>, E> {
                Ok(Raw::Other(Value::Bool(v)))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Raw<'a>, E> {
                Ok(Raw::Other(Value::Null))
            }
            fn visit_none<E: de::Error>(self) -> Result<Raw<'a>, E> {
                Ok(Raw::Other(Value::Null))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw<'a>, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(16));
                while let Some(item) = seq.next_element::<Raw<'a>>()? {
                    items.push(item);
                }
                Ok(Raw::List(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Raw<'a>, A::Error> {
                Value::deserialize(de::value::MapAccessDeserializer::new(map)).map(Raw::Other)
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

macro_rules! raw_claims {
    ($($field:ident),* $(,)?) => {
        /// The payload after one borrowed pass: named claims untyped, the rest as JSON.
        #[derive(Debug, Default)]
        pub(crate) struct RawClaims<'a> {
            $(pub(crate) $field: Option<Raw<'a>>,)*
            pub(crate) extra: Map<String, Value>,
        }

        impl<'de: 'a, 'a> Deserialize<'de> for RawClaims<'a> {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V<'a>(std::marker::PhantomData<&'a ()>);
                impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
                    type Value = RawClaims<'a>;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str("a JSON object of claims")
                    }
                    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawClaims<'a>, A::Error> {
                        let mut out = RawClaims::default();
                        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
                            match &*key {
                                $(stringify!($field) => {
                                    if out.$field.is_some() {
                                        return Err(de::Error::custom("duplicate claim"));
                                    }
                                    out.$field = Some(map.next_value()?);
                                })*
                                _ => {
                                    let value: Value = map.next_value()?;
                                    if out.extra.insert(key.into_owned(), value).is_some() {
                                        return Err(de::Error::custom("duplicate claim"));
                                    }
                                }
                            }
                        }
                        Ok(out)
                    }
                }
                d.deserialize_map(V(std::marker::PhantomData))
            }
        }
    };
}

raw_claims!(
    iss,
    sub,
    aud,
    exp,
    iat,
    nbf,
    azp,
    nonce,
    auth_time,
    org_id,
    org_name,
    scope,
    permissions
);

/// Reads an `aud` claim: a string, or an array of strings.
pub(crate) fn audience(raw: Option<&Raw<'_>>) -> Option<Audience> {
    match raw? {
        Raw::Str(s) => Some(Audience::One(s.clone().into_owned())),
        Raw::List(items) => items
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .map(Audience::Many),
        _ => None,
    }
}

fn permissions(raw: &Raw<'_>) -> Option<Vec<String>> {
    match raw {
        Raw::List(items) => items
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => None,
    }
}

impl RawClaims<'_> {
    /// Builds the typed claims once the checks passed. `iss`, `sub`, `aud` and `exp` must have
    /// been checked present and well-typed. Named claims of an unexpected type go to `extra`.
    pub(crate) fn into_claims(mut self, aud: Audience) -> Claims {
        let mut extra = std::mem::take(&mut self.extra);
        let mut string = |name: &str, raw: Option<Raw<'_>>| -> Option<String> {
            match raw? {
                Raw::Str(s) => Some(s.into_owned()),
                other => {
                    extra.insert(name.to_owned(), other.into_value());
                    None
                }
            }
        };
        let iss = string("iss", self.iss.take()).unwrap_or_default();
        let sub = string("sub", self.sub.take()).unwrap_or_default();
        let azp = string("azp", self.azp.take());
        let nonce = string("nonce", self.nonce.take());
        let org_id = string("org_id", self.org_id.take());
        let org_name = string("org_name", self.org_name.take());
        let scope = string("scope", self.scope.take());
        let mut int = |name: &str, raw: Option<Raw<'_>>| -> Option<i64> {
            match raw? {
                Raw::Int(i) => Some(i),
                other => {
                    extra.insert(name.to_owned(), other.into_value());
                    None
                }
            }
        };
        let exp = int("exp", self.exp.take()).unwrap_or_default();
        let iat = int("iat", self.iat.take());
        let nbf = int("nbf", self.nbf.take());
        let auth_time = int("auth_time", self.auth_time.take());
        let permissions = self.permissions.take().and_then(|raw| {
            let typed = permissions(&raw);
            if typed.is_none() {
                extra.insert("permissions".to_owned(), raw.into_value());
            }
            typed
        });
        Claims {
            iss,
            sub,
            aud,
            exp,
            iat,
            nbf,
            azp,
            nonce,
            auth_time,
            org_id,
            org_name,
            scope,
            permissions,
            extra,
        }
    }
}

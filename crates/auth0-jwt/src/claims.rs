//! Token claims: one pass over the payload straight into the typed fields.

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

/// A claim value as first read, in the shapes the typed fields take; anything else as JSON.
enum Claim {
    Str(String),
    Int(i64),
    StrList(Vec<String>),
    Other(Value),
}

impl Claim {
    fn into_value(self) -> Value {
        match self {
            Self::Str(s) => Value::String(s),
            Self::Int(i) => Value::from(i),
            Self::StrList(items) => Value::Array(items.into_iter().map(Value::String).collect()),
            Self::Other(v) => v,
        }
    }
}

impl<'de> Deserialize<'de> for Claim {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Claim;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Claim, E> {
                Ok(Claim::Str(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Claim, E> {
                Ok(Claim::Str(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Claim, E> {
                Ok(Claim::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Claim, E> {
                Ok(i64::try_from(v).map_or_else(|_| Claim::Other(Value::from(v)), Claim::Int))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Claim, E> {
                Ok(Claim::Other(Value::from(v)))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Claim, E> {
                Ok(Claim::Other(Value::Bool(v)))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Claim, E> {
                Ok(Claim::Other(Value::Null))
            }
            fn visit_none<E: de::Error>(self) -> Result<Claim, E> {
                Ok(Claim::Other(Value::Null))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Claim, A::Error> {
                let mut strings = Vec::new();
                while let Some(item) = seq.next_element::<Claim>()? {
                    match item {
                        Claim::Str(s) => strings.push(s),
                        other => {
                            // Not a list of strings: the rest is plain JSON.
                            let mut values: Vec<Value> =
                                strings.into_iter().map(Value::String).collect();
                            values.push(other.into_value());
                            while let Some(v) = seq.next_element::<Value>()? {
                                values.push(v);
                            }
                            return Ok(Claim::Other(Value::Array(values)));
                        }
                    }
                }
                Ok(Claim::StrList(strings))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Claim, A::Error> {
                Value::deserialize(de::value::MapAccessDeserializer::new(map)).map(Claim::Other)
            }
        }
        d.deserialize_any(V)
    }
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

/// The payload after its one pass: the named claims typed when they have their type, every
/// other claim (and a named claim of another type) as JSON in `extra`. Checks run on this;
/// [`Parsed::into_claims`] then only moves the fields (no copy, no allocation).
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    pub(crate) iss: Option<String>,
    pub(crate) sub: Option<String>,
    pub(crate) aud: Option<Audience>,
    pub(crate) exp: Option<i64>,
    pub(crate) iat: Option<i64>,
    pub(crate) nbf: Option<i64>,
    pub(crate) azp: Option<String>,
    pub(crate) nonce: Option<String>,
    pub(crate) auth_time: Option<i64>,
    pub(crate) org_id: Option<String>,
    pub(crate) org_name: Option<String>,
    pub(crate) scope: Option<String>,
    pub(crate) permissions: Option<Vec<String>>,
    pub(crate) extra: Map<String, Value>,
    /// Named claims present (each bit a [`Named`]), for duplicate detection.
    seen: u16,
}

/// The claims [`Parsed`] types, as bits of `Parsed::seen`.
#[derive(Clone, Copy)]
#[repr(u16)]
enum Named {
    Iss = 1,
    Sub = 1 << 1,
    Aud = 1 << 2,
    Exp = 1 << 3,
    Iat = 1 << 4,
    Nbf = 1 << 5,
    Azp = 1 << 6,
    Nonce = 1 << 7,
    AuthTime = 1 << 8,
    OrgId = 1 << 9,
    OrgName = 1 << 10,
    Scope = 1 << 11,
    Permissions = 1 << 12,
}

impl Named {
    fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "iss" => Self::Iss,
            "sub" => Self::Sub,
            "aud" => Self::Aud,
            "exp" => Self::Exp,
            "iat" => Self::Iat,
            "nbf" => Self::Nbf,
            "azp" => Self::Azp,
            "nonce" => Self::Nonce,
            "auth_time" => Self::AuthTime,
            "org_id" => Self::OrgId,
            "org_name" => Self::OrgName,
            "scope" => Self::Scope,
            "permissions" => Self::Permissions,
            _ => return None,
        })
    }
}

fn string(extra: &mut Map<String, Value>, name: &str, claim: Claim) -> Option<String> {
    match claim {
        Claim::Str(s) => Some(s),
        other => {
            extra.insert(name.to_owned(), other.into_value());
            None
        }
    }
}

fn int(extra: &mut Map<String, Value>, name: &str, claim: Claim) -> Option<i64> {
    match claim {
        Claim::Int(i) => Some(i),
        other => {
            extra.insert(name.to_owned(), other.into_value());
            None
        }
    }
}

impl Parsed {
    /// Stores a named claim: typed when it has its type, in `extra` otherwise. (`aud` of
    /// another type is dropped: every verifier then fails the token on it.)
    fn set(&mut self, which: Named, name: &str, claim: Claim) {
        let extra = &mut self.extra;
        match which {
            Named::Iss => self.iss = string(extra, name, claim),
            Named::Sub => self.sub = string(extra, name, claim),
            Named::Azp => self.azp = string(extra, name, claim),
            Named::Nonce => self.nonce = string(extra, name, claim),
            Named::OrgId => self.org_id = string(extra, name, claim),
            Named::OrgName => self.org_name = string(extra, name, claim),
            Named::Scope => self.scope = string(extra, name, claim),
            Named::Exp => self.exp = int(extra, name, claim),
            Named::Iat => self.iat = int(extra, name, claim),
            Named::Nbf => self.nbf = int(extra, name, claim),
            Named::AuthTime => self.auth_time = int(extra, name, claim),
            Named::Aud => {
                self.aud = match claim {
                    Claim::Str(s) => Some(Audience::One(s)),
                    Claim::StrList(items) => Some(Audience::Many(items)),
                    _ => None,
                };
            }
            Named::Permissions => {
                self.permissions = match claim {
                    Claim::StrList(items) => Some(items),
                    other => {
                        extra.insert(name.to_owned(), other.into_value());
                        None
                    }
                };
            }
        }
    }

    /// Whether `nbf` is present with a type other than an integer.
    pub(crate) fn nbf_ill_typed(&self) -> bool {
        self.seen & Named::Nbf as u16 != 0 && self.nbf.is_none()
    }

    /// The typed claims, once the checks passed (`iss`, `sub`, `aud` and `exp` checked
    /// present and well-typed). Moves every field; allocates nothing.
    pub(crate) fn into_claims(self) -> Claims {
        Claims {
            iss: self.iss.unwrap_or_default(),
            sub: self.sub.unwrap_or_default(),
            aud: self.aud.unwrap_or(Audience::Many(Vec::new())),
            exp: self.exp.unwrap_or_default(),
            iat: self.iat,
            nbf: self.nbf,
            azp: self.azp,
            nonce: self.nonce,
            auth_time: self.auth_time,
            org_id: self.org_id,
            org_name: self.org_name,
            scope: self.scope,
            permissions: self.permissions,
            extra: self.extra,
        }
    }
}

/// Reads the claims object into an existing [`Parsed`] (no move of the result through the
/// deserializer's layers).
struct ParseInto<'p>(&'p mut Parsed);

impl<'de> de::DeserializeSeed<'de> for ParseInto<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ParseInto<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object of claims")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let out = self.0;
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            if let Some(which) = Named::from_name(&key) {
                let bit = which as u16;
                if out.seen & bit != 0 {
                    return Err(de::Error::custom("duplicate claim"));
                }
                out.seen |= bit;
                let claim: Claim = map.next_value()?;
                out.set(which, &key, claim);
            } else {
                let value: Value = map.next_value()?;
                if out.extra.insert(key.into_owned(), value).is_some() {
                    return Err(de::Error::custom("duplicate claim"));
                }
            }
        }
        Ok(())
    }
}

/// Parses a (signature-checked) payload.
///
/// UTF-8 is validated once for the whole payload, so the JSON reader need not validate each
/// string again (`from_slice` would); a byte that is not UTF-8 fails either way.
pub(crate) fn parse(payload: &[u8]) -> Result<Parsed, crate::Error> {
    let Ok(text) = std::str::from_utf8(payload) else {
        return Err(crate::Error::MalformedPayload);
    };
    let mut out = Parsed::default();
    let mut de = serde_json::Deserializer::from_str(text);
    match de::DeserializeSeed::deserialize(ParseInto(&mut out), &mut de).and_then(|()| de.end()) {
        Ok(()) => Ok(out),
        Err(_) => Err(crate::Error::MalformedPayload),
    }
}

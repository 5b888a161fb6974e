//! Hand-written support types of the generated models (this file is not generated).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A field that can be absent, explicitly `null`, or hold a value.
///
/// Auth0 distinguishes the three in `PATCH` bodies: an absent field is left alone, `null`
/// clears it. Responses keep whichever Auth0 sent, so a body serialises back unchanged.
///
/// ```
/// use auth0_core::management::Nullable;
///
/// let cleared: Nullable<String> = Nullable::Null;
/// assert_eq!(serde_json::to_string(&cleared).unwrap(), "null");
/// let set = Nullable::from("blue".to_owned());
/// assert_eq!(set.value().map(String::as_str), Some("blue"));
/// assert!(Nullable::<String>::default().is_absent());
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Nullable<T> {
    /// The field is not in the JSON at all.
    #[default]
    Absent,
    /// The field is `null`.
    Null,
    /// The field has a value.
    Value(T),
}

impl<T> Nullable<T> {
    /// Whether the field is absent (used by `skip_serializing_if`).
    pub fn is_absent(&self) -> bool {
        matches!(self, Self::Absent)
    }

    /// Whether the field is an explicit `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// The value, if there is one.
    pub fn value(&self) -> Option<&T> {
        match self {
            Self::Value(v) => Some(v),
            Self::Absent | Self::Null => None,
        }
    }

    /// The value as a mutable reference, if there is one.
    pub fn value_mut(&mut self) -> Option<&mut T> {
        match self {
            Self::Value(v) => Some(v),
            Self::Absent | Self::Null => None,
        }
    }

    /// The value, dropping the difference between absent and `null`.
    pub fn into_option(self) -> Option<T> {
        match self {
            Self::Value(v) => Some(v),
            Self::Absent | Self::Null => None,
        }
    }

    /// `Null` for `None`, `Value` for `Some` (what a `PATCH` that sets or clears wants).
    pub fn from_option(value: Option<T>) -> Self {
        value.map_or(Self::Null, Self::Value)
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Self::Value(value)
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Value(v) => serializer.serialize_some(v),
            Self::Absent | Self::Null => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Option::<T>::deserialize(deserializer)?.map_or(Self::Null, Self::Value))
    }
}

/// Writes an open string enum: the known values, an `Unknown(String)` arm that keeps any
/// other value as sent, `as_str`, `Display`, `From<&str>`/`From<String>` and serde impls that
/// never fail on a string.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $name:ident {
            $first:ident = $first_value:literal,
            $($variant:ident = $value:literal,)*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum $name {
            #[doc = concat!("`", $first_value, "`")]
            $first,
            $(
                #[doc = concat!("`", $value, "`")]
                $variant,
            )*
            /// A value this version of the SDK does not know, kept as sent.
            Unknown(String),
        }

        impl $name {
            /// The value as Auth0 spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    Self::$first => $first_value,
                    $(Self::$variant => $value,)*
                    Self::Unknown(other) => other,
                }
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::$first
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $first_value => Self::$first,
                    $($value => Self::$variant,)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                match value.as_str() {
                    $first_value => Self::$first,
                    $($value => Self::$variant,)*
                    _ => Self::Unknown(value),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                match deserializer.deserialize_str($crate::management::support::StrVisitor)? {
                    std::borrow::Cow::Borrowed(s) => Ok(Self::from(s)),
                    std::borrow::Cow::Owned(s) => Ok(Self::from(s)),
                }
            }
        }
    };
}

pub(crate) use open_enum;

/// Reads any JSON string without copying it when the input allows.
#[doc(hidden)]
pub struct StrVisitor;

impl<'de> serde::de::Visitor<'de> for StrVisitor {
    type Value = std::borrow::Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(std::borrow::Cow::Borrowed(v))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(std::borrow::Cow::Owned(v.to_owned()))
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(std::borrow::Cow::Owned(v))
    }
}

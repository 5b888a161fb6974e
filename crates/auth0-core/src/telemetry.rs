//! The `Auth0-Client` telemetry header and the `User-Agent`.

use std::collections::BTreeMap;

use base64::Engine as _;
use http::HeaderValue;
use serde::Serialize;

/// Name of the telemetry header Auth0 reads.
pub const AUTH0_CLIENT_HEADER: &str = "auth0-client";

/// Version of this SDK.
pub const SDK_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Version of the compiler that built this SDK.
pub const RUSTC_VERSION: &str = env!("AUTH0_RS_RUSTC_VERSION");

/// The JSON object sent (base64-encoded) in the `Auth0-Client` header.
///
/// ```
/// use auth0_core::Telemetry;
/// let t = Telemetry::new("my-wrapper", "2.0.0").with_env("rust", "1.95.0");
/// assert_eq!(
///     t.to_json(),
///     r#"{"name":"my-wrapper","version":"2.0.0","env":{"rust":"1.95.0"}}"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Telemetry {
    name: String,
    version: String,
    env: BTreeMap<String, String>,
}

impl Telemetry {
    /// A telemetry object with the given name and version and no environment.
    pub fn new(name: impl Into<String>, version: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            version: version.into(),
            env: BTreeMap::new(),
        }
    }

    /// Adds or replaces an environment entry.
    #[must_use]
    pub fn with_env(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.insert(key.into(), value.into());
        self
    }

    /// The SDK name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The SDK version.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The compact JSON text.
    pub fn to_json(&self) -> String {
        // Serialising strings in a BTreeMap cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The header value: standard base64 (with padding) of the compact JSON.
    pub fn header_value(&self) -> HeaderValue {
        let encoded = base64::engine::general_purpose::STANDARD.encode(self.to_json());
        // Base64 output is always a valid header value.
        HeaderValue::from_str(&encoded).unwrap_or_else(|_| HeaderValue::from_static(""))
    }
}

impl Default for Telemetry {
    /// `{"name":"auth0-rs","version":<SDK version>,"env":{"rust":<rustc version>}}`.
    fn default() -> Self {
        Self::new("auth0-rs", SDK_VERSION).with_env("rust", RUSTC_VERSION)
    }
}

/// Whether and what telemetry a client sends.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum TelemetryConfig {
    /// The SDK's own [`Telemetry::default`].
    #[default]
    Default,
    /// A custom object, for SDKs that wrap this one.
    Custom(Telemetry),
    /// No `Auth0-Client` header.
    Disabled,
}

impl TelemetryConfig {
    /// The header value to send, if any.
    pub fn header_value(&self) -> Option<HeaderValue> {
        match self {
            Self::Default => Some(Telemetry::default().header_value()),
            Self::Custom(t) => Some(t.header_value()),
            Self::Disabled => None,
        }
    }
}

/// The `User-Agent` the SDK sends: `auth0-rs/<version> rust/<rustc version>`.
pub fn user_agent() -> HeaderValue {
    HeaderValue::from_str(&format!("auth0-rs/{SDK_VERSION} rust/{RUSTC_VERSION}"))
        .unwrap_or_else(|_| HeaderValue::from_static("auth0-rs"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_object() {
        let t = Telemetry::default();
        assert_eq!(t.name(), "auth0-rs");
        assert_eq!(t.version(), env!("CARGO_PKG_VERSION"));
        let json: serde_json::Value = serde_json::from_str(&t.to_json()).unwrap();
        assert_eq!(json["env"]["rust"], RUSTC_VERSION);
        assert!(
            RUSTC_VERSION.chars().next().unwrap().is_ascii_digit(),
            "{RUSTC_VERSION}"
        );
    }

    #[test]
    fn header_encoding_is_standard_padded_base64() {
        let t = Telemetry::new("auth0-rs", "0.1.0").with_env("rust", "1.95.0");
        let value = t.header_value();
        insta::assert_snapshot!(value.to_str().unwrap(), @"eyJuYW1lIjoiYXV0aDAtcnMiLCJ2ZXJzaW9uIjoiMC4xLjAiLCJlbnYiOnsicnVzdCI6IjEuOTUuMCJ9fQ==");
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(value.as_bytes())
            .unwrap();
        assert_eq!(
            String::from_utf8(decoded).unwrap(),
            r#"{"name":"auth0-rs","version":"0.1.0","env":{"rust":"1.95.0"}}"#
        );
    }

    #[test]
    fn config_variants() {
        assert_eq!(TelemetryConfig::Disabled.header_value(), None);
        let custom = Telemetry::new("wrapper", "9.9.9");
        assert_eq!(
            TelemetryConfig::Custom(custom.clone()).header_value(),
            Some(custom.header_value())
        );
        assert_eq!(
            TelemetryConfig::default().header_value(),
            Some(Telemetry::default().header_value())
        );
    }

    #[test]
    fn user_agent_names_sdk_and_compiler() {
        let ua = user_agent();
        let ua = ua.to_str().unwrap();
        assert!(ua.starts_with("auth0-rs/0."), "{ua}");
        assert!(ua.contains(" rust/"), "{ua}");
    }
}

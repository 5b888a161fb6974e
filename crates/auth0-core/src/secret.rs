//! A string that never shows itself in `Debug` or `Display`.

use std::fmt;

use zeroize::Zeroize;

/// A secret (client secret, token, private key PEM). Its `Debug` and `Display` print
/// `[redacted]`; the value is wiped from memory on drop. Read it with
/// [`SecretString::expose_secret`] only where it is sent.
///
/// ```
/// use auth0_core::SecretString;
/// let s = SecretString::from("hunter2");
/// assert_eq!(format!("{s:?}"), "SecretString([redacted])");
/// assert_eq!(s.to_string(), "[redacted]");
/// assert_eq!(s.expose_secret(), "hunter2");
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SecretString(String);

impl SecretString {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself. Call this only to send it.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// Whether the value is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Drop for SecretString {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl From<String> for SecretString {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for SecretString {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretString([redacted])")
    }
}

impl fmt::Display for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl<'de> serde::Deserialize<'de> for SecretString {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_shows_the_value() {
        let s = SecretString::new("s3cr3t-value");
        for text in [
            format!("{s:?}"),
            format!("{s:#?}"),
            format!("{s}"),
            format!("{:?}", Some(&s)),
            format!("{:?}", vec![s.clone()]),
        ] {
            assert!(!text.contains("s3cr3t"), "{text}");
        }
        assert_eq!(s.expose_secret(), "s3cr3t-value");
        assert!(!s.is_empty());
        assert!(SecretString::default().is_empty());
    }

    #[test]
    fn deserializes_from_a_string() {
        #[derive(serde::Deserialize, Debug)]
        struct Config {
            client_secret: SecretString,
        }
        let c: Config = serde_json::from_str(r#"{"client_secret":"abc"}"#).unwrap();
        assert_eq!(c.client_secret.expose_secret(), "abc");
        assert!(!format!("{c:?}").contains("abc"));
    }
}

//! The tenant's domain and the URLs built from it.

use std::fmt;
use std::str::FromStr;

/// Why a string is not a usable Auth0 domain.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DomainError {
    /// The input was empty or only white space.
    #[error("the Auth0 domain is empty")]
    Empty,
    /// The input used a scheme other than `https` (or `http` with the opt-in).
    #[error("the Auth0 domain has an unsupported scheme {scheme:?}; use https")]
    UnsupportedScheme {
        /// The scheme found in the input.
        scheme: String,
    },
    /// The input asked for plain `http` without the explicit opt-in.
    #[error(
        "plain http is refused for the Auth0 domain; use https, or Domain::insecure_http for a local test server"
    )]
    InsecureScheme,
    /// The host part contains characters a DNS name or IP address cannot hold.
    #[error("the Auth0 domain has an invalid host {host:?}")]
    InvalidHost {
        /// The host found in the input.
        host: String,
    },
    /// The port is not a number between 1 and 65535.
    #[error("the Auth0 domain has an invalid port {port:?}")]
    InvalidPort {
        /// The port found in the input.
        port: String,
    },
    /// The input carried a path, query, fragment or user info, which a domain cannot have.
    #[error("the Auth0 domain must be a bare host, found extra part {part:?}")]
    UnexpectedPart {
        /// The part that was not expected.
        part: String,
    },
}

/// URL scheme used to reach a tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scheme {
    /// TLS, the default and the only scheme Auth0 serves.
    Https,
    /// Plain HTTP: only through [`Domain::insecure_http`], for local test servers.
    Http,
}

impl Scheme {
    /// The scheme as it appears in a URL.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Https => "https",
            Self::Http => "http",
        }
    }
}

/// An Auth0 tenant domain (`tenant.eu.auth0.com`, or a custom domain), validated.
///
/// ```
/// use auth0_core::Domain;
/// let d: Domain = "https://example.eu.auth0.com/".parse().unwrap();
/// assert_eq!(d.host(), "example.eu.auth0.com");
/// assert_eq!(d.issuer(), "https://example.eu.auth0.com/");
/// assert_eq!(d.url("/oauth/token"), "https://example.eu.auth0.com/oauth/token");
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Domain {
    scheme: Scheme,
    /// Host with optional `:port`, lower-cased.
    authority: String,
    /// `scheme://authority` without a trailing slash.
    base: String,
}

impl Domain {
    /// Parses a domain that is reached over HTTPS.
    ///
    /// Accepts `tenant.auth0.com`, `https://tenant.auth0.com`, `https://tenant.auth0.com/`
    /// and custom domains, with an optional port. `http://` is refused.
    pub fn new(input: &str) -> Result<Self, DomainError> {
        Self::parse(input, false)
    }

    /// Parses a domain that is reached over **plain HTTP**.
    ///
    /// Only for local test servers such as the `auth0-testing` fake tenant: tokens and
    /// secrets sent to it travel unencrypted. A bare host gets `http://`; an explicit
    /// `https://` is kept.
    ///
    /// ```
    /// use auth0_core::Domain;
    /// let local = Domain::insecure_http("127.0.0.1:4000").unwrap();
    /// assert!(!local.is_https());
    /// assert_eq!(local.jwks_url(), "http://127.0.0.1:4000/.well-known/jwks.json");
    /// // Without the opt-in, plain http is refused.
    /// assert!(Domain::new("http://127.0.0.1:4000").is_err());
    /// ```
    pub fn insecure_http(input: &str) -> Result<Self, DomainError> {
        Self::parse(input, true)
    }

    fn parse(input: &str, allow_http: bool) -> Result<Self, DomainError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(DomainError::Empty);
        }
        let (scheme, rest) = match trimmed.split_once("://") {
            Some((s, rest)) => {
                let scheme = match s.to_ascii_lowercase().as_str() {
                    "https" => Scheme::Https,
                    "http" if allow_http => Scheme::Http,
                    "http" => return Err(DomainError::InsecureScheme),
                    _ => {
                        return Err(DomainError::UnsupportedScheme {
                            scheme: s.to_owned(),
                        });
                    }
                };
                (scheme, rest)
            }
            None if allow_http => (Scheme::Http, trimmed),
            None => (Scheme::Https, trimmed),
        };
        let authority = rest.strip_suffix('/').unwrap_or(rest);
        if let Some(pos) = authority.find(['/', '?', '#', '@']) {
            return Err(DomainError::UnexpectedPart {
                part: authority[pos..].to_owned(),
            });
        }
        let authority = authority.to_ascii_lowercase();
        validate_authority(&authority)?;
        let base = format!("{}://{}", scheme.as_str(), authority);
        Ok(Self {
            scheme,
            authority,
            base,
        })
    }

    /// The scheme used to reach the tenant.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// Whether requests travel over TLS.
    pub fn is_https(&self) -> bool {
        self.scheme == Scheme::Https
    }

    /// Host and optional port, e.g. `tenant.auth0.com` or `127.0.0.1:4000`.
    pub fn host(&self) -> &str {
        &self.authority
    }

    /// `https://tenant.auth0.com`, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// The issuer Auth0 puts in tokens: `https://tenant.auth0.com/`, with the trailing slash.
    pub fn issuer(&self) -> String {
        format!("{}/", self.base)
    }

    /// The audience of the Management API: `https://tenant.auth0.com/api/v2/`.
    pub fn management_audience(&self) -> String {
        format!("{}/api/v2/", self.base)
    }

    /// The JWKS document URL: `https://tenant.auth0.com/.well-known/jwks.json`.
    pub fn jwks_url(&self) -> String {
        self.url("/.well-known/jwks.json")
    }

    /// Joins a path to the base URL; a missing leading `/` is added.
    pub fn url(&self, path: &str) -> String {
        if path.starts_with('/') {
            format!("{}{}", self.base, path)
        } else {
            format!("{}/{}", self.base, path)
        }
    }
}

fn validate_authority(authority: &str) -> Result<(), DomainError> {
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        // IPv6 literal: [::1]:8080
        let end = rest.find(']').ok_or_else(|| DomainError::InvalidHost {
            host: authority.to_owned(),
        })?;
        let literal = &rest[..end];
        if literal.parse::<std::net::Ipv6Addr>().is_err() {
            return Err(DomainError::InvalidHost {
                host: authority.to_owned(),
            });
        }
        let after = &rest[end + 1..];
        let port = match after.strip_prefix(':') {
            Some(p) => Some(p),
            None if after.is_empty() => None,
            None => {
                return Err(DomainError::InvalidHost {
                    host: authority.to_owned(),
                });
            }
        };
        (None, port)
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (Some(h), Some(p)),
            None => (Some(authority), None),
        }
    };
    if let Some(host) = host {
        let valid_label = |label: &str| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        };
        if host.is_empty() || host.len() > 253 || !host.split('.').all(valid_label) {
            return Err(DomainError::InvalidHost {
                host: host.to_owned(),
            });
        }
    }
    if let Some(port) = port {
        match port.parse::<u16>() {
            Ok(p) if p != 0 && !port.starts_with('+') => {}
            _ => {
                return Err(DomainError::InvalidPort {
                    port: port.to_owned(),
                });
            }
        }
    }
    Ok(())
}

impl FromStr for Domain {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl TryFrom<&str> for Domain {
    type Error = DomainError;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Self::new(s)
    }
}

impl TryFrom<String> for Domain {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::new(&s)
    }
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.base)
    }
}

impl fmt::Debug for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Domain").field(&self.base).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_common_forms() {
        for input in [
            "tenant.auth0.com",
            "https://tenant.auth0.com",
            "https://tenant.auth0.com/",
            "HTTPS://Tenant.Auth0.com/",
            "  tenant.auth0.com  ",
        ] {
            let d = Domain::new(input).unwrap();
            assert_eq!(d.base_url(), "https://tenant.auth0.com", "{input}");
            assert_eq!(d.issuer(), "https://tenant.auth0.com/");
            assert!(d.is_https());
        }
    }

    #[test]
    fn custom_domains_and_ports() {
        let d = Domain::new("login.example.co.uk").unwrap();
        assert_eq!(
            d.url("oauth/token"),
            "https://login.example.co.uk/oauth/token"
        );
        let d = Domain::new("auth.example.com:8443").unwrap();
        assert_eq!(d.host(), "auth.example.com:8443");
        assert_eq!(
            d.management_audience(),
            "https://auth.example.com:8443/api/v2/"
        );
        assert_eq!(
            d.jwks_url(),
            "https://auth.example.com:8443/.well-known/jwks.json"
        );
    }

    #[test]
    fn http_needs_the_opt_in() {
        assert_eq!(
            Domain::new("http://127.0.0.1:4000"),
            Err(DomainError::InsecureScheme)
        );
        let d = Domain::insecure_http("127.0.0.1:4000").unwrap();
        assert_eq!(d.base_url(), "http://127.0.0.1:4000");
        assert_eq!(d.scheme(), Scheme::Http);
        let d = Domain::insecure_http("http://localhost:4000/").unwrap();
        assert_eq!(d.issuer(), "http://localhost:4000/");
        let d = Domain::insecure_http("https://tenant.auth0.com").unwrap();
        assert!(d.is_https());
        let d = Domain::insecure_http("http://[::1]:9000").unwrap();
        assert_eq!(d.base_url(), "http://[::1]:9000");
    }

    #[test]
    fn rejects_bad_input() {
        let cases: &[(&str, DomainError)] = &[
            ("", DomainError::Empty),
            ("   ", DomainError::Empty),
            (
                "ftp://tenant.auth0.com",
                DomainError::UnsupportedScheme {
                    scheme: "ftp".into(),
                },
            ),
            (
                "tenant.auth0.com/path",
                DomainError::UnexpectedPart {
                    part: "/path".into(),
                },
            ),
            (
                "https://tenant.auth0.com/api/v2/",
                DomainError::UnexpectedPart {
                    part: "/api/v2".into(),
                },
            ),
            (
                "tenant.auth0.com?x=1",
                DomainError::UnexpectedPart {
                    part: "?x=1".into(),
                },
            ),
            (
                "user@tenant.auth0.com",
                DomainError::UnexpectedPart {
                    part: "@tenant.auth0.com".into(),
                },
            ),
            (
                "ten ant.auth0.com",
                DomainError::InvalidHost {
                    host: "ten ant.auth0.com".into(),
                },
            ),
            (
                "tenant..auth0.com",
                DomainError::InvalidHost {
                    host: "tenant..auth0.com".into(),
                },
            ),
            (
                "-tenant.auth0.com",
                DomainError::InvalidHost {
                    host: "-tenant.auth0.com".into(),
                },
            ),
            (
                "tenant.auth0.com:0",
                DomainError::InvalidPort { port: "0".into() },
            ),
            (
                "tenant.auth0.com:99999",
                DomainError::InvalidPort {
                    port: "99999".into(),
                },
            ),
            (
                "tenant.auth0.com:",
                DomainError::InvalidPort {
                    port: String::new(),
                },
            ),
            (
                "[::zz]:80",
                DomainError::InvalidHost {
                    host: "[::zz]:80".into(),
                },
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(&Domain::new(input).unwrap_err(), expected, "{input:?}");
        }
    }

    #[test]
    fn error_messages() {
        insta::assert_snapshot!(
            Domain::new("http://x.auth0.com").unwrap_err().to_string(),
            @"plain http is refused for the Auth0 domain; use https, or Domain::insecure_http for a local test server"
        );
        insta::assert_snapshot!(
            Domain::new("a.com/b").unwrap_err().to_string(),
            @r#"the Auth0 domain must be a bare host, found extra part "/b""#
        );
    }

    #[test]
    fn display_and_debug() {
        let d = Domain::new("tenant.auth0.com").unwrap();
        assert_eq!(d.to_string(), "https://tenant.auth0.com");
        assert_eq!(format!("{d:?}"), r#"Domain("https://tenant.auth0.com")"#);
    }
}

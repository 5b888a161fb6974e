//! Typed responses. Every type keeps the fields it does not know in `extra`; none prints a
//! token or secret in `Debug`.

use std::fmt;
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use auth0_core::SecretString;

fn now() -> SystemTime {
    SystemTime::now()
}

/// Field names of an `extra` map, for `Debug` output that cannot leak values.
struct Keys<'a>(&'a Map<String, Value>);

impl fmt::Debug for Keys<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.keys()).finish()
    }
}

/// The answer of `/oauth/token` (and of the legacy `/oauth/access_token`).
#[derive(Clone, Deserialize)]
#[non_exhaustive]
pub struct TokenSet {
    /// The access token.
    pub access_token: SecretString,
    /// Usually `Bearer`.
    #[serde(default)]
    pub token_type: Option<String>,
    /// Lifetime of the access token in seconds.
    #[serde(default)]
    pub expires_in: Option<u64>,
    /// The ID token (OpenID Connect grants with the `openid` scope).
    #[serde(default)]
    pub id_token: Option<SecretString>,
    /// A refresh token (with `offline_access`).
    #[serde(default)]
    pub refresh_token: Option<SecretString>,
    /// Granted scopes, space-separated.
    #[serde(default)]
    pub scope: Option<String>,
    /// Token exchange: the type of the issued token.
    #[serde(default)]
    pub issued_token_type: Option<String>,
    /// Rich authorization requests: the granted `authorization_details`.
    #[serde(default)]
    pub authorization_details: Option<Value>,
    /// Every other field of the answer.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
    /// When the answer was decoded (used by [`TokenSet::expires_at`]).
    #[serde(skip, default = "now")]
    pub received_at: SystemTime,
}

impl TokenSet {
    /// When the access token expires, from `expires_in` and the time it was received.
    pub fn expires_at(&self) -> Option<SystemTime> {
        self.expires_in
            .and_then(|s| self.received_at.checked_add(Duration::from_secs(s)))
    }

    /// The granted scopes.
    pub fn scopes(&self) -> impl Iterator<Item = &str> {
        self.scope.as_deref().unwrap_or("").split_whitespace()
    }
}

impl fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSet")
            .field("access_token", &self.access_token)
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("id_token", &self.id_token)
            .field("refresh_token", &self.refresh_token)
            .field("scope", &self.scope)
            .field("issued_token_type", &self.issued_token_type)
            .field(
                "authorization_details",
                &self.authorization_details.is_some(),
            )
            .field("extra", &Keys(&self.extra))
            .finish_non_exhaustive()
    }
}

/// An OpenID Connect address claim.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Address {
    /// Full address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formatted: Option<String>,
    /// Street.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street_address: Option<String>,
    /// City.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locality: Option<String>,
    /// State or region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Postal code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// Country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Other fields.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The claims `/userinfo` returns: the standard OpenID Connect ones, and every other claim
/// (custom namespaced claims included) in `extra`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UserInfo {
    /// Subject: the user id.
    pub sub: String,
    /// Full name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Given name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    /// Family name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    /// Middle name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub middle_name: Option<String>,
    /// Nickname.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nickname: Option<String>,
    /// Preferred username.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_username: Option<String>,
    /// Profile page URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// Picture URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub picture: Option<String>,
    /// Web site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// E-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Whether the e-mail address is verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_verified: Option<bool>,
    /// Gender.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
    /// Birth date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birthdate: Option<String>,
    /// Time zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zoneinfo: Option<String>,
    /// Locale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// Phone number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    /// Whether the phone number is verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number_verified: Option<bool>,
    /// Postal address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    /// Last profile update: Auth0 sends an ISO 8601 string, OIDC a number; kept as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Value>,
    /// Every other claim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The user `/dbconnections/signup` created.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SignupResponse {
    /// The user id without the `auth0|` prefix (`_id`).
    #[serde(default, rename = "_id", skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// E-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Whether the e-mail address is verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_verified: Option<bool>,
    /// Username, for connections that use one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Given name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    /// Family name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    /// Name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Nickname.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nickname: Option<String>,
    /// Picture URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub picture: Option<String>,
    /// User metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_metadata: Option<Map<String, Value>>,
    /// Every other field.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The answer of `/passwordless/start`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PasswordlessStartResponse {
    /// Id of the (possibly new) passwordless user (`_id`).
    #[serde(default, rename = "_id", skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// E-mail address (e-mail connection).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Phone number (SMS connection).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    /// Whether the e-mail address is verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_verified: Option<bool>,
    /// Every other field.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The answer of `/bc-authorize`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BackChannelAuthorizeResponse {
    /// The id to poll `/oauth/token` with.
    pub auth_req_id: String,
    /// Seconds until the request expires.
    pub expires_in: u64,
    /// Seconds to wait between polls (Auth0's default is 5 when absent).
    #[serde(default)]
    pub interval: Option<u64>,
    /// Every other field.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The answer of `/oauth/par`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ParResponse {
    /// The `request_uri` to send the user to `/authorize` with.
    pub request_uri: String,
    /// Seconds until the `request_uri` expires.
    pub expires_in: u64,
    /// Every other field.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The answer of `/oauth/device/code`.
#[derive(Clone, Deserialize)]
#[non_exhaustive]
pub struct DeviceCode {
    /// The code the device polls with (secret to the device).
    pub device_code: SecretString,
    /// The code the user types.
    pub user_code: String,
    /// Where the user goes.
    pub verification_uri: String,
    /// Where the user goes, with the code filled in.
    #[serde(default)]
    pub verification_uri_complete: Option<String>,
    /// Seconds until the codes expire.
    pub expires_in: u64,
    /// Seconds to wait between polls.
    #[serde(default)]
    pub interval: Option<u64>,
    /// Every other field.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl fmt::Debug for DeviceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceCode")
            .field("device_code", &self.device_code)
            .field("user_code", &self.user_code)
            .field("verification_uri", &self.verification_uri)
            .field("expires_in", &self.expires_in)
            .field("interval", &self.interval)
            .field("extra", &Keys(&self.extra))
            .finish_non_exhaustive()
    }
}

/// The answer of `/mfa/challenge`.
#[derive(Clone, Deserialize)]
#[non_exhaustive]
pub struct ChallengeResponse {
    /// `otp` or `oob`.
    pub challenge_type: String,
    /// For `oob`: the code to exchange with the `mfa-oob` grant.
    #[serde(default)]
    pub oob_code: Option<SecretString>,
    /// For `oob`: `prompt` when the user must type a binding code.
    #[serde(default)]
    pub binding_method: Option<String>,
    /// Every other field.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl fmt::Debug for ChallengeResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChallengeResponse")
            .field("challenge_type", &self.challenge_type)
            .field("oob_code", &self.oob_code)
            .field("binding_method", &self.binding_method)
            .field("extra", &Keys(&self.extra))
            .finish_non_exhaustive()
    }
}

/// The answer of `/mfa/associate`.
#[derive(Clone, Deserialize)]
#[non_exhaustive]
pub struct AssociateResponse {
    /// `otp` or `oob`.
    pub authenticator_type: String,
    /// For `otp`: the TOTP shared secret.
    #[serde(default)]
    pub secret: Option<SecretString>,
    /// For `otp`: the `otpauth://` URI to show as a QR code (contains the secret).
    #[serde(default)]
    pub barcode_uri: Option<SecretString>,
    /// Recovery codes, on the first enrolment.
    #[serde(default)]
    pub recovery_codes: Option<Vec<SecretString>>,
    /// For `oob`: the channel (`sms`, `voice`, `auth0`, `email`).
    #[serde(default)]
    pub oob_channel: Option<String>,
    /// For `oob`: the code to confirm the enrolment with.
    #[serde(default)]
    pub oob_code: Option<SecretString>,
    /// For `oob`: `prompt` when a binding code is needed.
    #[serde(default)]
    pub binding_method: Option<String>,
    /// Every other field.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl fmt::Debug for AssociateResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssociateResponse")
            .field("authenticator_type", &self.authenticator_type)
            .field("secret", &self.secret)
            .field("oob_channel", &self.oob_channel)
            .field("binding_method", &self.binding_method)
            .field("extra", &Keys(&self.extra))
            .finish_non_exhaustive()
    }
}

/// An enrolled MFA authenticator, from `/mfa/authenticators`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Authenticator {
    /// Its id, for deleting it (e.g. `totp|dev_…`).
    pub id: String,
    /// `otp`, `oob` or `recovery-code`.
    pub authenticator_type: String,
    /// Whether the enrolment is confirmed.
    #[serde(default)]
    pub active: bool,
    /// For `oob`: the channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oob_channel: Option<String>,
    /// A display name (e.g. a masked phone number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Every other field.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The answer of the legacy `/delegation` endpoint.
#[derive(Clone, Deserialize)]
#[non_exhaustive]
pub struct DelegationResponse {
    /// The delegated ID token.
    #[serde(default)]
    pub id_token: Option<SecretString>,
    /// Token type.
    #[serde(default)]
    pub token_type: Option<String>,
    /// Lifetime in seconds.
    #[serde(default)]
    pub expires_in: Option<u64>,
    /// Every other field (provider-specific credentials live here; not printed by `Debug`).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl fmt::Debug for DelegationResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DelegationResponse")
            .field("id_token", &self.id_token)
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("extra", &Keys(&self.extra))
            .finish_non_exhaustive()
    }
}

/// The tenant's OpenID Provider metadata (`/.well-known/openid-configuration`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OpenIdConfiguration {
    /// The issuer, `https://{domain}/`.
    pub issuer: String,
    /// `/authorize`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization_endpoint: Option<String>,
    /// `/oauth/token`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_endpoint: Option<String>,
    /// `/oauth/device/code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_authorization_endpoint: Option<String>,
    /// `/userinfo`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub userinfo_endpoint: Option<String>,
    /// `/mfa/challenge`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mfa_challenge_endpoint: Option<String>,
    /// The JWKS document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jwks_uri: Option<String>,
    /// `/oauth/revoke`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation_endpoint: Option<String>,
    /// `/oauth/par`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pushed_authorization_request_endpoint: Option<String>,
    /// `/bc-authorize`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backchannel_authentication_endpoint: Option<String>,
    /// `/oidc/logout`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_session_endpoint: Option<String>,
    /// Supported scopes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes_supported: Vec<String>,
    /// Supported response types.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub response_types_supported: Vec<String>,
    /// Supported PKCE methods.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub code_challenge_methods_supported: Vec<String>,
    /// ID-token signing algorithms.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub id_token_signing_alg_values_supported: Vec<String>,
    /// Client authentication methods at the token endpoint.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub token_endpoint_auth_methods_supported: Vec<String>,
    /// Signing algorithms accepted for client assertions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub token_endpoint_auth_signing_alg_values_supported: Vec<String>,
    /// Supported claims.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub claims_supported: Vec<String>,
    /// Every other field.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

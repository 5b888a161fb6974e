//! CIBA (`/bc-authorize`) and device authorization (`/oauth/device/code`), with helpers that
//! poll `/oauth/token` until the user has answered.

use std::num::NonZeroU32;
use std::time::Duration;

use serde_json::Value;

use auth0_core::Error;

use crate::client::AuthenticationClient;
use crate::request::{Call, Caller, Encoding, Fields, string_setters};
use crate::token::{grant_type, token_call};
use crate::types::{BackChannelAuthorizeResponse, DeviceCode, TokenSet};

/// Auth0's polling interval when the server names none.
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(5);

/// How [`BackChannelApi::wait_for_tokens`] and [`DeviceApi::wait_for_tokens`] poll.
///
/// Polling ends with the tokens, with an error other than `authorization_pending` /
/// `slow_down`, when `max_wait` (default: the request's `expires_in`) has passed, or when the
/// future is dropped: dropping it is how to cancel (e.g. in a `tokio::select!`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PollOptions {
    /// Wait between polls instead of the server's `interval`.
    pub interval: Option<Duration>,
    /// Added to the wait after each `slow_down` (RFC 8628: 5 s).
    pub slow_down_increment: Duration,
    /// Give up after this long instead of the request's `expires_in`.
    pub max_wait: Option<Duration>,
}

impl Default for PollOptions {
    fn default() -> Self {
        Self {
            interval: None,
            slow_down_increment: Duration::from_secs(5),
            max_wait: None,
        }
    }
}

impl PollOptions {
    /// Polls every `interval` regardless of what the server said.
    #[must_use]
    pub fn with_interval(mut self, interval: Duration) -> Self {
        self.interval = Some(interval);
        self
    }

    /// Sets the increment applied on `slow_down`.
    #[must_use]
    pub fn with_slow_down_increment(mut self, increment: Duration) -> Self {
        self.slow_down_increment = increment;
        self
    }

    /// Gives up after this long.
    #[must_use]
    pub fn with_max_wait(mut self, max_wait: Duration) -> Self {
        self.max_wait = Some(max_wait);
        self
    }
}

/// Most polls one wait makes, whatever the timings say.
const MAX_POLLS: u32 = 10_000;

fn error_code(e: &Error) -> Option<&str> {
    e.api_error().map(|a| a.code.as_str())
}

async fn poll_tokens(
    client: &AuthenticationClient,
    fields: Fields,
    server_interval: Option<u64>,
    expires_in: u64,
    opts: PollOptions,
) -> Result<TokenSet, Error> {
    let mut interval = opts
        .interval
        .unwrap_or_else(|| server_interval.map_or(DEFAULT_POLL_INTERVAL, Duration::from_secs));
    let max_wait = opts
        .max_wait
        .unwrap_or_else(|| Duration::from_secs(expires_in));
    let deadline = tokio::time::Instant::now() + max_wait;
    let mut last = None;
    for _ in 0..MAX_POLLS {
        tokio::time::sleep(interval).await;
        let call = token_call(fields.clone(), Caller::Client);
        match client.json::<TokenSet>(&call, "token response").await {
            Ok(tokens) => return Ok(tokens),
            Err(e) => match error_code(&e) {
                Some("authorization_pending") => last = Some(e),
                Some("slow_down") => {
                    interval += opts.slow_down_increment;
                    last = Some(e);
                }
                _ => return Err(e),
            },
        }
        if tokio::time::Instant::now() + interval > deadline {
            break;
        }
    }
    Err(last.unwrap_or_else(|| Error::Config("polling ended without an answer".to_owned())))
}

/// A CIBA authentication request for `/bc-authorize`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct BackChannelAuthorize {
    login_hint: String,
    scope: String,
    binding_message: String,
    audience: Option<String>,
    requested_expiry: Option<NonZeroU32>,
    authorization_details: Option<Value>,
    extra: Vec<(String, String)>,
}

impl BackChannelAuthorize {
    /// Ask the user identified by `login_hint` (Auth0 wants the JSON
    /// `{"format":"iss_sub","iss":"https://{domain}/","sub":"<user id>"}`; see
    /// [`BackChannelAuthorize::for_user`]) to approve `scope` (must contain `openid`), showing
    /// `binding_message` on both devices (Auth0 requires it).
    pub fn new(
        login_hint: impl Into<String>,
        scope: impl Into<String>,
        binding_message: impl Into<String>,
    ) -> Self {
        Self {
            login_hint: login_hint.into(),
            scope: scope.into(),
            binding_message: binding_message.into(),
            audience: None,
            requested_expiry: None,
            authorization_details: None,
            extra: Vec::new(),
        }
    }

    /// A request for the user with this id at this tenant, with the `iss_sub` login hint built.
    pub fn for_user(
        client: &AuthenticationClient,
        user_id: &str,
        scope: impl Into<String>,
        binding_message: impl Into<String>,
    ) -> Self {
        let hint = serde_json::json!({
            "format": "iss_sub",
            "iss": client.domain().issuer(),
            "sub": user_id,
        });
        Self::new(hint.to_string(), scope, binding_message)
    }

    /// Seconds the request stays valid (sent as text, as Auth0 expects).
    #[must_use]
    pub fn requested_expiry(mut self, seconds: NonZeroU32) -> Self {
        self.requested_expiry = Some(seconds);
        self
    }

    /// Rich authorization request details (sent as JSON text).
    #[must_use]
    pub fn authorization_details(mut self, details: Value) -> Self {
        self.authorization_details = Some(details);
        self
    }

    /// Any other parameter.
    #[must_use]
    pub fn param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra.push((name.into(), value.into()));
        self
    }
}
string_setters!(BackChannelAuthorize { audience });

/// CIBA. Get it with [`AuthenticationClient::back_channel`].
#[derive(Debug, Clone, Copy)]
pub struct BackChannelApi<'a> {
    client: &'a AuthenticationClient,
}

impl AuthenticationClient {
    /// Client-initiated backchannel authentication (CIBA).
    pub fn back_channel(&self) -> BackChannelApi<'_> {
        BackChannelApi { client: self }
    }

    /// Device authorization flow.
    pub fn device(&self) -> DeviceApi<'_> {
        DeviceApi { client: self }
    }
}

impl BackChannelApi<'_> {
    /// Start a CIBA request (form-encoded, client-authenticated). `auth0-python`:
    /// `BackChannelLogin.back_channel_login`.
    pub async fn authorize(
        self,
        req: BackChannelAuthorize,
    ) -> Result<BackChannelAuthorizeResponse, Error> {
        let fields = Fields::new()
            .put("login_hint", req.login_hint)
            .put("scope", req.scope)
            .put("binding_message", req.binding_message)
            .opt("audience", req.audience)
            .opt(
                "requested_expiry",
                req.requested_expiry.map(|n| n.get().to_string()),
            )
            .opt(
                "authorization_details",
                req.authorization_details.map(|v| v.to_string()),
            )
            .extra(&req.extra);
        let call = Call::post("/bc-authorize", Caller::Client, Encoding::Form, fields);
        self.client.json(&call, "bc-authorize response").await
    }

    /// Poll once (same as [`TokenApi::ciba`](crate::TokenApi::ciba)).
    pub async fn poll(self, auth_req_id: &str) -> Result<TokenSet, Error> {
        self.client.token().ciba(auth_req_id).await
    }

    /// Poll until the user approves: `authorization_pending` waits, `slow_down` (400 or 429)
    /// lengthens the wait; other errors (`access_denied`, `expired_token`) end it. Drop the
    /// future to cancel.
    pub async fn wait_for_tokens(
        self,
        request: &BackChannelAuthorizeResponse,
        opts: PollOptions,
    ) -> Result<TokenSet, Error> {
        let fields = Fields::new()
            .put("grant_type", grant_type::CIBA)
            .put("auth_req_id", request.auth_req_id.as_str());
        poll_tokens(
            self.client,
            fields,
            request.interval,
            request.expires_in,
            opts,
        )
        .await
    }
}

/// A device authorization request for `/oauth/device/code`.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct DeviceCodeRequest {
    scope: Option<String>,
    audience: Option<String>,
    organization: Option<String>,
}

impl DeviceCodeRequest {
    /// A request with no scope or audience.
    pub fn new() -> Self {
        Self::default()
    }
}
string_setters!(DeviceCodeRequest {
    scope,
    audience,
    organization
});

/// Device authorization. Get it with [`AuthenticationClient::device`].
#[derive(Debug, Clone, Copy)]
pub struct DeviceApi<'a> {
    client: &'a AuthenticationClient,
}

impl DeviceApi<'_> {
    /// Get a device code and user code (with the client's credentials when it has some).
    pub async fn code(self, req: DeviceCodeRequest) -> Result<DeviceCode, Error> {
        let fields = Fields::new()
            .opt("scope", req.scope)
            .opt("audience", req.audience)
            .opt("organization", req.organization);
        let call = Call::post("/oauth/device/code", Caller::Client, Encoding::Form, fields);
        self.client.json(&call, "device code response").await
    }

    /// Poll until the user has entered the code; same rules as
    /// [`BackChannelApi::wait_for_tokens`].
    pub async fn wait_for_tokens(
        self,
        code: &DeviceCode,
        opts: PollOptions,
    ) -> Result<TokenSet, Error> {
        let fields = Fields::new()
            .put("grant_type", grant_type::DEVICE_CODE)
            .put("device_code", code.device_code.expose_secret());
        poll_tokens(self.client, fields, code.interval, code.expires_in, opts).await
    }
}

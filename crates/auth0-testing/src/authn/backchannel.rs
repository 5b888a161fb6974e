//! Polling flows: CIBA (`/bc-authorize` + the ciba grant) and the device authorization flow
//! (`/oauth/device/code` + the device_code grant). Requests stay pending until a test
//! approves or denies them through [`crate::FakeTenant`]; polling faster than `interval`
//! (measured on the tenant's clock) answers `slow_down`.

use serde_json::{Value, json};

use crate::authn::client_auth::{self, Authed};
use crate::authn::login::{self, Login};
use crate::errors;
use crate::ids;
use crate::state::Kind;
use crate::tenant::{Shared, lock};
use crate::wire::{Params, Req, Resp};

/// Seconds a client must wait between polls.
pub(crate) const INTERVAL: i64 = 5;
const CIBA_LIFETIME: i64 = 300;
const DEVICE_LIFETIME: i64 = 900;

/// `POST /bc-authorize`.
pub(crate) fn bc_authorize(shared: &Shared, req: &Req) -> Resp {
    let params = match req.params() {
        Ok(p) => p,
        Err(e) => return errors::invalid_request(&e),
    };
    let client = match client_auth::authenticate(shared, req, &params) {
        Ok(c) if c.method != client_auth::Method::None => c,
        Ok(_) => {
            return errors::authn(401, "invalid_client", "CIBA requires a confidential client");
        }
        Err(resp) => return resp,
    };
    if !client.allows_grant("urn:openid:params:grant-type:ciba") {
        return errors::authn(
            403,
            "unauthorized_client",
            "Grant type 'urn:openid:params:grant-type:ciba' not allowed for the client.",
        );
    }
    let scope = params.get("scope").unwrap_or_default();
    if !scope.split(' ').any(|s| s == "openid") {
        return errors::invalid_request("The scope must contain openid");
    }
    let Some(hint) = params.get("login_hint") else {
        return errors::invalid_request("Missing required parameter: login_hint");
    };
    let hint: Value = serde_json::from_str(&hint).unwrap_or(Value::Null);
    if hint["format"] != "iss_sub" || hint["iss"] != shared.issuer().as_str() {
        return errors::invalid_request(
            "login_hint must be {\"format\":\"iss_sub\",\"iss\":<issuer>,\"sub\":<user id>}",
        );
    }
    let user_id = hint["sub"].as_str().unwrap_or_default().to_owned();
    if lock(&shared.store).get(Kind::Users, &user_id).is_none() {
        return errors::invalid_request("Unknown user in login_hint");
    }
    let Some(binding_message) = params.get("binding_message") else {
        return errors::invalid_request("Missing required parameter: binding_message");
    };
    let expires_in = params
        .get("requested_expiry")
        .and_then(|e| e.parse::<i64>().ok())
        .filter(|e| (1..=CIBA_LIFETIME).contains(e))
        .unwrap_or(CIBA_LIFETIME);
    let id = ids::opaque();
    let now = shared.now();
    lock(&shared.store).flows.insert(
        format!("ciba/{id}"),
        json!({
            "client_id": client.client_id,
            "user_id": user_id,
            "scope": scope,
            "audience": params.get("audience"),
            "binding_message": binding_message,
            "status": "pending",
            "expires_at": now + expires_in,
        }),
    );
    Resp::ok(&json!({ "auth_req_id": id, "expires_in": expires_in, "interval": INTERVAL }))
}

/// `POST /oauth/device/code`.
pub(crate) fn device_code(shared: &Shared, req: &Req) -> Resp {
    let params = match req.params() {
        Ok(p) => p,
        Err(e) => return errors::invalid_request(&e),
    };
    let client = match client_auth::authenticate(shared, req, &params) {
        Ok(c) => c,
        Err(resp) => return resp,
    };
    if !client.allows_grant("urn:ietf:params:oauth:grant-type:device_code") {
        return errors::authn(
            403,
            "unauthorized_client",
            "Grant type 'urn:ietf:params:oauth:grant-type:device_code' not allowed for the client.",
        );
    }
    let device_code = ids::opaque();
    let letters = ids::alnum(16)
        .to_uppercase()
        .chars()
        .filter(char::is_ascii_alphabetic)
        .take(8)
        .collect::<String>();
    let letters = format!("{letters:B<8}");
    let user_code = format!("{}-{}", &letters[..4], &letters[4..8]);
    let now = shared.now();
    lock(&shared.store).flows.insert(
        format!("device/{device_code}"),
        json!({
            "client_id": client.client_id,
            "user_code": user_code,
            "scope": params.get("scope").unwrap_or_default(),
            "audience": params.get("audience"),
            "status": "pending",
            "expires_at": now + DEVICE_LIFETIME,
        }),
    );
    let verification = format!("{}/activate", shared.base_url);
    Resp::ok(&json!({
        "device_code": device_code,
        "user_code": user_code,
        "verification_uri": verification,
        "verification_uri_complete": format!("{verification}?user_code={user_code}"),
        "expires_in": DEVICE_LIFETIME,
        "interval": INTERVAL,
    }))
}

/// Sets the outcome of a pending CIBA request (`Some(user)` approves, `None` denies).
pub(crate) fn decide_ciba(shared: &Shared, auth_req_id: &str, approve: bool) -> bool {
    let mut store = lock(&shared.store);
    match store.flows.get_mut(&format!("ciba/{auth_req_id}")) {
        Some(flow) if flow["status"] == "pending" => {
            flow["status"] = json!(if approve { "approved" } else { "denied" });
            true
        }
        _ => false,
    }
}

/// Approves (for `user_id`) or denies the device request with this user code.
pub(crate) fn decide_device(
    shared: &Shared,
    user_code: &str,
    user_id: Option<&str>,
    approve: bool,
) -> bool {
    let mut store = lock(&shared.store);
    let user = user_id
        .map(str::to_owned)
        .or_else(|| store.authorize_user.clone());
    let Some(flow) = store
        .flows
        .iter_mut()
        .find(|(k, v)| {
            k.starts_with("device/") && v["user_code"] == user_code && v["status"] == "pending"
        })
        .map(|(_, v)| v)
    else {
        return false;
    };
    if approve {
        let Some(user) = user else { return false };
        flow["user_id"] = json!(user);
        flow["status"] = json!("approved");
    } else {
        flow["status"] = json!("denied");
    }
    true
}

/// Shared polling logic; `pending_status` is the HTTP status of `authorization_pending`.
fn poll(shared: &Shared, client: &Authed, key: &str, pending_status: u16) -> Resp {
    let now = shared.now();
    let flow = {
        let mut store = lock(&shared.store);
        let Some(flow) = store.flows.get_mut(key) else {
            return errors::authn(400, "invalid_grant", "Invalid or expired request");
        };
        if flow["client_id"] != client.client_id.as_str() {
            return errors::authn(
                400,
                "invalid_grant",
                "The request was issued to another client",
            );
        }
        if flow["expires_at"].as_i64().unwrap_or(0) <= now {
            store.flows.remove(key);
            return errors::authn(403, "expired_token", "The request has expired");
        }
        let last = flow.get("last_poll").and_then(Value::as_i64);
        flow["last_poll"] = json!(now);
        if flow["status"] == "pending" {
            if last.is_some_and(|l| now - l < INTERVAL) {
                return errors::authn(
                    429,
                    "slow_down",
                    &format!(
                        "You are polling faster than allowed. Try again in {INTERVAL} seconds."
                    ),
                );
            }
            return errors::authn(
                pending_status,
                "authorization_pending",
                "The end-user authorization is pending",
            );
        }
        let flow = flow.clone();
        store.flows.remove(key);
        flow
    };
    if flow["status"] == "denied" {
        return errors::authn(
            403,
            "access_denied",
            "The end-user denied the authorization request or it has been expired",
        );
    }
    let s = |f: &str| flow.get(f).and_then(Value::as_str).map(str::to_owned);
    login::issue_for_user(
        shared,
        client,
        &Login {
            user_id: s("user_id").unwrap_or_default(),
            scope: s("scope").unwrap_or_default(),
            audience: s("audience"),
            auth_time: Some(now),
            log_type: "s",
            ..Login::default()
        },
    )
}

/// `grant_type=urn:openid:params:grant-type:ciba`.
pub(crate) fn ciba_grant(shared: &Shared, client: &Authed, params: &Params) -> Resp {
    let Some(id) = params.get("auth_req_id") else {
        return errors::invalid_request("Missing required parameter: auth_req_id");
    };
    poll(shared, client, &format!("ciba/{id}"), 400)
}

/// `grant_type=urn:ietf:params:oauth:grant-type:device_code`.
pub(crate) fn device_grant(shared: &Shared, client: &Authed, params: &Params) -> Resp {
    let Some(code) = params.get("device_code") else {
        return errors::invalid_request("Missing required parameter: device_code");
    };
    poll(shared, client, &format!("device/{code}"), 403)
}

//! Multi-factor authentication: `mfa_required`, `/mfa/challenge`, `/mfa/associate`,
//! `/mfa/authenticators`, and the mfa-otp, mfa-oob and mfa-recovery-code grants.

use serde_json::{Value, json};

use crate::authn::client_auth::{self, Authed};
use crate::authn::login::{self, Login};
use crate::authn::password::multifactor;
use crate::errors;
use crate::ids;
use crate::seed;
use crate::state::Kind;
use crate::tenant::{Shared, lock};
use crate::wire::{Params, Req, Resp};

/// How long an `mfa_token` is valid.
const MFA_TOKEN_LIFETIME: i64 = 600;

/// Whether the user has an authenticator enrolled.
pub(crate) fn enrolled(shared: &Shared, user_id: &str) -> bool {
    !authenticators(shared, user_id).is_empty()
}

/// The user's authenticators (seeded users with `multifactor` get an OTP and a recovery code).
fn authenticators(shared: &Shared, user_id: &str) -> Vec<Value> {
    let store = lock(&shared.store);
    let linked = store
        .link(&format!("users/{user_id}/authenticators"))
        .to_vec();
    if !linked.is_empty() {
        return linked;
    }
    let Some(user) = store.get(Kind::Users, user_id) else {
        return Vec::new();
    };
    if multifactor(user).is_empty() {
        return Vec::new();
    }
    vec![
        json!({ "id": "totp|dev_fakeOtp000001", "authenticator_type": "otp", "active": true }),
        json!({ "id": "recovery-code|dev_fakeRc0000001", "authenticator_type": "recovery-code", "active": true }),
    ]
}

/// Answers `403 mfa_required` with a fresh `mfa_token` remembering the pending login.
pub(crate) fn required(shared: &Shared, client: &Authed, login: &Login) -> Resp {
    let token = ids::opaque();
    let expires = shared.now() + MFA_TOKEN_LIFETIME;
    lock(&shared.store).flows.insert(
        format!("mfa/{token}"),
        json!({
            "user_id": login.user_id,
            "client_id": client.client_id,
            "scope": login.scope,
            "audience": login.audience,
            "organization": login.organization,
            "expires_at": expires,
        }),
    );
    Resp::json(
        http::StatusCode::FORBIDDEN,
        &json!({
            "error": "mfa_required",
            "error_description": "Multifactor authentication required",
            "mfa_token": token,
        }),
    )
}

/// The pending login of an `mfa_token`.
fn pending(shared: &Shared, token: &str) -> Result<Value, Resp> {
    let now = shared.now();
    let store = lock(&shared.store);
    match store.flows.get(&format!("mfa/{token}")) {
        Some(p) if p["expires_at"].as_i64().unwrap_or(0) > now => Ok(p.clone()),
        Some(_) => Err(errors::authn(403, "expired_token", "mfa_token is expired")),
        None => Err(errors::authn(403, "invalid_grant", "Malformed mfa_token")),
    }
}

fn login_from(p: &Value) -> Login {
    let s = |f: &str| p.get(f).and_then(Value::as_str).map(str::to_owned);
    Login {
        user_id: s("user_id").unwrap_or_default(),
        scope: s("scope").unwrap_or_default(),
        audience: s("audience"),
        organization: s("organization"),
        log_type: "s",
        ..Login::default()
    }
}

fn bearer(req: &Req) -> Option<String> {
    let value = req.header("authorization")?;
    value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .map(|t| t.trim().to_owned())
}

/// `GET /mfa/authenticators` with the `mfa_token` as bearer.
pub(crate) fn list_authenticators(shared: &Shared, req: &Req) -> Resp {
    let Some(token) = bearer(req) else {
        return errors::authn(401, "unauthorized", "Missing mfa_token");
    };
    match pending(shared, &token) {
        Ok(p) => Resp::ok(&Value::Array(authenticators(
            shared,
            p["user_id"].as_str().unwrap_or_default(),
        ))),
        Err(e) => e,
    }
}

/// `POST /mfa/associate` with the `mfa_token` as bearer: enrolls an OTP or OOB authenticator.
pub(crate) fn associate(shared: &Shared, req: &Req) -> Resp {
    let Some(token) = bearer(req) else {
        return errors::authn(401, "unauthorized", "Missing mfa_token");
    };
    let p = match pending(shared, &token) {
        Ok(p) => p,
        Err(e) => return e,
    };
    let params = match req.params() {
        Ok(p) => p,
        Err(e) => return errors::invalid_request(&e),
    };
    let types: Vec<String> = match params.raw("authenticator_types") {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => return errors::invalid_request("Missing required parameter: authenticator_types"),
    };
    let user_id = p["user_id"].as_str().unwrap_or_default().to_owned();
    let recovery = ids::alnum(24).to_uppercase();
    let (authenticator, body) = match types.first().map(String::as_str) {
        Some("otp") => {
            let secret = ids::alnum(32).to_uppercase();
            (
                json!({ "id": format!("totp|dev_{}", ids::alnum(16)), "authenticator_type": "otp", "active": true }),
                json!({
                    "authenticator_type": "otp",
                    "secret": secret,
                    "barcode_uri": format!("otpauth://totp/fake-tenant:{user_id}?secret={secret}&issuer=fake-tenant&algorithm=SHA1&digits=6&period=30"),
                    "recovery_codes": [recovery],
                }),
            )
        }
        Some("oob") => {
            let channel = match params.raw("oob_channels") {
                Some(Value::Array(a)) => a
                    .first()
                    .and_then(Value::as_str)
                    .unwrap_or("sms")
                    .to_owned(),
                Some(Value::String(s)) => s.clone(),
                _ => "sms".to_owned(),
            };
            let oob_code = ids::opaque();
            lock(&shared.store).flows.insert(
                format!("oob/{oob_code}"),
                json!({ "mfa_token": token, "polls": 0 }),
            );
            (
                json!({ "id": format!("{channel}|dev_{}", ids::alnum(16)), "authenticator_type": "oob", "oob_channel": channel, "active": true }),
                json!({
                    "authenticator_type": "oob",
                    "oob_channel": channel,
                    "oob_code": oob_code,
                    "binding_method": "prompt",
                    "recovery_codes": [recovery],
                }),
            )
        }
        other => {
            return errors::invalid_request(&format!(
                "Unsupported authenticator type: {}",
                other.unwrap_or("")
            ));
        }
    };
    let mut store = lock(&shared.store);
    store
        .link_mut(format!("users/{user_id}/authenticators"))
        .push(authenticator);
    store
        .flows
        .insert(format!("recovery/{user_id}"), json!(recovery));
    Resp::ok(&body)
}

/// `POST /mfa/challenge`.
pub(crate) fn challenge(shared: &Shared, req: &Req) -> Resp {
    let params = match req.params() {
        Ok(p) => p,
        Err(e) => return errors::invalid_request(&e),
    };
    if let Err(resp) = client_auth::authenticate(shared, req, &params) {
        return resp;
    }
    let Some(token) = params.get("mfa_token") else {
        return errors::invalid_request("Missing required parameter: mfa_token");
    };
    if let Err(e) = pending(shared, &token) {
        return e;
    }
    let kind = params
        .get("challenge_type")
        .unwrap_or_else(|| "otp".to_owned());
    if kind.split(' ').any(|k| k == "oob") {
        let oob_code = ids::opaque();
        lock(&shared.store).flows.insert(
            format!("oob/{oob_code}"),
            json!({ "mfa_token": token, "polls": 0 }),
        );
        return Resp::ok(
            &json!({ "challenge_type": "oob", "oob_code": oob_code, "binding_method": "prompt" }),
        );
    }
    if kind.split(' ').any(|k| k == "otp") {
        return Resp::ok(&json!({ "challenge_type": "otp" }));
    }
    errors::authn(
        400,
        "unsupported_challenge_type",
        &format!("Unsupported challenge type: {kind}"),
    )
}

/// The `http://auth0.com/oauth/grant-type/mfa-*` grants.
pub(crate) fn grant(shared: &Shared, client: &Authed, params: &Params, kind: &str) -> Resp {
    let Some(token) = params.get("mfa_token") else {
        return errors::invalid_request("Missing required parameter: mfa_token");
    };
    let p = match pending(shared, &token) {
        Ok(p) => p,
        Err(e) => return e,
    };
    if p["client_id"] != client.client_id.as_str() {
        return errors::authn(403, "invalid_grant", "Malformed mfa_token");
    }
    let mut login = login_from(&p);
    let mut recovery = None;
    match kind {
        "mfa-otp" => {
            if params.get("otp").as_deref() != Some(seed::MFA_OTP_CODE) {
                return errors::authn(403, "invalid_grant", "Invalid otp_code.");
            }
        }
        "mfa-oob" => {
            let Some(code) = params.get("oob_code") else {
                return errors::invalid_request("Missing required parameter: oob_code");
            };
            let mut store = lock(&shared.store);
            let Some(state) = store.flows.get_mut(&format!("oob/{code}")) else {
                return errors::authn(403, "invalid_grant", "Invalid oob_code.");
            };
            let binding_ok = params.get("binding_code").as_deref() == Some(seed::MFA_OTP_CODE);
            let polls = state["polls"].as_i64().unwrap_or(0);
            if !binding_ok && polls == 0 {
                state["polls"] = json!(polls + 1);
                return errors::authn(
                    400,
                    "authorization_pending",
                    "Authorization pending: please repeat the request in a few seconds.",
                );
            }
            store.flows.remove(&format!("oob/{code}"));
        }
        _ => {
            let expected = lock(&shared.store)
                .flows
                .get(&format!("recovery/{}", login.user_id))
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_else(|| seed::MFA_RECOVERY_CODE.to_owned());
            if params.get("recovery_code").as_deref() != Some(expected.as_str()) {
                return errors::authn(403, "invalid_grant", "MFA Authorization rejected.");
            }
            let fresh = ids::alnum(24).to_uppercase();
            lock(&shared.store)
                .flows
                .insert(format!("recovery/{}", login.user_id), json!(fresh));
            recovery = Some(fresh);
        }
    }
    lock(&shared.store).flows.remove(&format!("mfa/{token}"));
    login.auth_time = Some(shared.now());
    let mut resp = login::issue_for_user(shared, client, &login);
    if let Some(code) = recovery
        && resp.status.is_success()
        && let Ok(mut body) = serde_json::from_slice::<Value>(&resp.body)
    {
        body["recovery_code"] = json!(code);
        resp = Resp::ok(&body);
    }
    resp
}

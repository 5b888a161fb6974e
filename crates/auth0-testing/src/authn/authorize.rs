//! `/authorize` (non-interactive login of the configured test user), `/oauth/par`, and the
//! authorization-code grant with PKCE.

use http::StatusCode;
use ring::digest;
use serde_json::{Map, Value, json};

use crate::authn::client_auth::{self, Authed};
use crate::authn::login::{self, Login};
use crate::errors;
use crate::ids;
use crate::jwt::b64;
use crate::state::{AuthCode, Kind};
use crate::tenant::{Shared, lock};
use crate::wire::{Params, Req, Resp, encode};

/// How long an authorization code is valid.
const CODE_LIFETIME: i64 = 600;
/// How long a pushed authorization request is valid.
const PAR_LIFETIME: i64 = 60;
/// Prefix of PAR request URIs.
const REQUEST_URI_PREFIX: &str = "urn:ietf:params:oauth:request_uri:";

/// The registered callback to use, or an error if `requested` is not registered.
fn redirect_uri(client: &Value, requested: Option<&str>) -> Result<String, Resp> {
    let callbacks: Vec<&str> = client
        .get("callbacks")
        .and_then(Value::as_array)
        .map(|c| c.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    match requested {
        Some(uri) if callbacks.contains(&uri) => Ok(uri.to_owned()),
        Some(uri) => Err(errors::authn(
            400,
            "invalid_request",
            &format!("The redirect_uri \"{uri}\" is not in the list of allowed callback URLs."),
        )),
        None => callbacks
            .first()
            .map(|c| (*c).to_owned())
            .ok_or_else(|| errors::invalid_request("Missing required parameter: redirect_uri")),
    }
}

fn with_query(uri: &str, pairs: &[(&str, &str)]) -> String {
    let mut out = uri.to_owned();
    for (i, (k, v)) in pairs.iter().enumerate() {
        let sep = if i == 0 && !uri.contains('?') {
            '?'
        } else {
            '&'
        };
        out.push(sep);
        out.push_str(k);
        out.push('=');
        out.push_str(&encode(v));
    }
    out
}

fn redirect_error(uri: &str, state: Option<&str>, error: &str, description: &str) -> Resp {
    let mut pairs = vec![("error", error), ("error_description", description)];
    if let Some(state) = state {
        pairs.push(("state", state));
    }
    Resp::redirect(&with_query(uri, &pairs))
}

/// `GET /authorize`.
pub(crate) fn authorize(shared: &Shared, req: &Req) -> Resp {
    let mut params: Map<String, Value> = req
        .query
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    if let Some(uri) = params
        .get("request_uri")
        .and_then(Value::as_str)
        .map(str::to_owned)
    {
        let now = shared.now();
        let stored = lock(&shared.store).flows.remove(&format!("par/{uri}"));
        let Some(stored) = stored.filter(|s| s["expires_at"].as_i64().unwrap_or(0) > now) else {
            return errors::invalid_request("Invalid or expired request_uri");
        };
        if params.get("client_id") != stored.get("params").and_then(|p| p.get("client_id")) {
            return errors::invalid_request("The client_id does not match the request_uri");
        }
        if let Some(Value::Object(pushed)) = stored.get("params") {
            params.clone_from(pushed);
        }
    }
    let p = Params(params);
    let Some(client_id) = p.get("client_id") else {
        return errors::invalid_request("Missing required parameter: client_id");
    };
    let Some(client) = lock(&shared.store).client(&client_id).cloned() else {
        return errors::invalid_request(&format!("Unknown client: {client_id}"));
    };
    let redirect = match redirect_uri(&client, p.get("redirect_uri").as_deref()) {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    let state = p.get("state");
    let state = state.as_deref();
    if p.get("response_type").as_deref() != Some("code") {
        return redirect_error(
            &redirect,
            state,
            "unsupported_response_type",
            "Only response_type=code is served by the fake tenant",
        );
    }
    let user_id = {
        let store = lock(&shared.store);
        match p.get("login_hint") {
            Some(hint) => store
                .user_by_email(&hint, None)
                .and_then(|u| u["user_id"].as_str().map(str::to_owned)),
            None => store
                .authorize_user
                .clone()
                .filter(|u| store.get(Kind::Users, u).is_some()),
        }
    };
    let Some(user_id) = user_id else {
        return redirect_error(
            &redirect,
            state,
            "login_required",
            "No test user is configured to log in",
        );
    };
    if lock(&shared.store)
        .get(Kind::Users, &user_id)
        .and_then(|u| u.get("blocked"))
        .and_then(Value::as_bool)
        == Some(true)
    {
        return redirect_error(&redirect, state, "unauthorized", "user is blocked");
    }
    let organization = match p.get("organization") {
        Some(org) => match login::organization(shared, &org) {
            Some((id, _)) if login::is_member(shared, &id, &user_id) => Some(id),
            Some(_) => {
                return redirect_error(
                    &redirect,
                    state,
                    "access_denied",
                    "user is not part of the organization",
                );
            }
            None => {
                return redirect_error(
                    &redirect,
                    state,
                    "invalid_request",
                    "parameter organization is invalid",
                );
            }
        },
        None => None,
    };
    let code_challenge = match p.get("code_challenge") {
        Some(challenge) => {
            let method = p
                .get("code_challenge_method")
                .unwrap_or_else(|| "plain".to_owned());
            if method != "S256" && method != "plain" {
                return redirect_error(
                    &redirect,
                    state,
                    "invalid_request",
                    "code_challenge_method must be S256 or plain",
                );
            }
            Some((challenge, method))
        }
        None => None,
    };
    let now = shared.now();
    let code = ids::opaque();
    lock(&shared.store).codes.insert(
        code.clone(),
        AuthCode {
            client_id,
            user_id,
            redirect_uri: p.get("redirect_uri"),
            scope: p.get("scope").unwrap_or_else(|| "openid".to_owned()),
            audience: p.get("audience"),
            nonce: p.get("nonce"),
            code_challenge,
            organization,
            expires_at: now + CODE_LIFETIME,
            auth_time: now,
        },
    );
    let mut pairs = vec![("code", code.as_str())];
    if let Some(state) = state {
        pairs.push(("state", state));
    }
    Resp::redirect(&with_query(&redirect, &pairs))
}

/// `POST /oauth/par`: stores the authorization parameters; 201 with a `request_uri`.
pub(crate) fn par(shared: &Shared, req: &Req) -> Resp {
    let params = match req.params() {
        Ok(p) => p,
        Err(e) => return errors::invalid_request(&e),
    };
    let client = match client_auth::authenticate(shared, req, &params) {
        Ok(c) => c,
        Err(resp) => return resp,
    };
    if params.get("request_uri").is_some() {
        return errors::invalid_request(
            "request_uri is not allowed in a pushed authorization request",
        );
    }
    if let Err(resp) = redirect_uri(&client.client, params.get("redirect_uri").as_deref()) {
        return resp;
    }
    if params.get("response_type").is_none() {
        return errors::invalid_request("Missing required parameter: response_type");
    }
    let mut stored = params.0.clone();
    for secret in ["client_secret", "client_assertion", "client_assertion_type"] {
        stored.remove(secret);
    }
    stored.insert("client_id".into(), json!(client.client_id));
    let uri = format!("{REQUEST_URI_PREFIX}{}", ids::opaque());
    let expires = shared.now() + PAR_LIFETIME;
    lock(&shared.store).flows.insert(
        format!("par/{uri}"),
        json!({ "params": stored, "expires_at": expires }),
    );
    Resp::json(
        StatusCode::CREATED,
        &json!({ "request_uri": uri, "expires_in": PAR_LIFETIME }),
    )
}

/// `grant_type=authorization_code`.
pub(crate) fn code_grant(shared: &Shared, client: &Authed, params: &Params) -> Resp {
    let Some(code) = params.get("code") else {
        return errors::invalid_request("Missing required parameter: code");
    };
    let Some(grant) = lock(&shared.store).codes.remove(&code) else {
        return errors::invalid_grant("Invalid authorization code");
    };
    if grant.expires_at <= shared.now() || grant.client_id != client.client_id {
        return errors::invalid_grant("Invalid authorization code");
    }
    if grant.redirect_uri.is_some() && params.get("redirect_uri") != grant.redirect_uri {
        return errors::invalid_grant(
            "The redirect_uri does not match the one of the authorization request",
        );
    }
    match (&grant.code_challenge, params.get("code_verifier")) {
        (Some((challenge, method)), Some(verifier)) => {
            let computed = if method == "S256" {
                b64(digest::digest(&digest::SHA256, verifier.as_bytes()).as_ref())
            } else {
                verifier
            };
            if &computed != challenge {
                return errors::invalid_grant("Failed to verify code verifier");
            }
        }
        (Some(_), None) => {
            return errors::invalid_grant("Missing required parameter: code_verifier");
        }
        (None, _) if client.is_public() => {
            return errors::invalid_grant("Public clients must use PKCE (code_challenge)");
        }
        (None, _) => {}
    }
    login::issue_for_user(
        shared,
        client,
        &Login {
            user_id: grant.user_id,
            scope: grant.scope,
            audience: grant.audience,
            nonce: grant.nonce,
            organization: grant.organization,
            auth_time: Some(grant.auth_time),
            log_type: "seacft",
            ..Login::default()
        },
    )
}

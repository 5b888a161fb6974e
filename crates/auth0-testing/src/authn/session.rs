//! `/userinfo`, `/oauth/revoke` and `/v2/logout`.

use http::StatusCode;
use serde_json::{Value, json};

use crate::authn::client_auth;
use crate::authn::issue::profile_claims;
use crate::errors;
use crate::jwt;
use crate::state::Kind;
use crate::tenant::{Shared, lock};
use crate::wire::{Req, Resp};

/// Verifies a JWT the tenant issued: signature by a published key, issuer, expiry.
pub(crate) fn verify_own(shared: &Shared, token: &str) -> Result<jwt::Parsed, String> {
    let parsed = jwt::parse(token)?;
    let key = parsed
        .header_str("kid")
        .and_then(|kid| lock(&shared.keys).published(kid))
        .ok_or("unknown signing key")?;
    if parsed.header_str("alg") != Some(key.alg.as_str())
        || !key.verify(parsed.signing_input.as_bytes(), &parsed.signature)
    {
        return Err("invalid signature".to_owned());
    }
    if parsed.claim_str("iss") != Some(shared.issuer().as_str()) {
        return Err("invalid issuer".to_owned());
    }
    if parsed
        .claim_i64("exp")
        .is_none_or(|exp| exp <= shared.now())
    {
        return Err("the token has expired".to_owned());
    }
    Ok(parsed)
}

fn unauthorized(description: &str) -> Resp {
    errors::authn(401, "invalid_token", description).with_header(
        "www-authenticate",
        &format!("Bearer error=\"invalid_token\", error_description=\"{description}\""),
    )
}

/// `GET|POST /userinfo`.
pub(crate) fn userinfo(shared: &Shared, req: &Req) -> Resp {
    let Some(token) = req.header("authorization").and_then(|v| {
        v.strip_prefix("Bearer ")
            .or_else(|| v.strip_prefix("bearer "))
    }) else {
        return unauthorized("Missing access token");
    };
    let parsed = match verify_own(shared, token.trim()) {
        Ok(p) => p,
        Err(e) => return unauthorized(&e),
    };
    if !parsed.has_audience(&format!("{}userinfo", shared.issuer())) {
        return unauthorized("The access token audience does not include /userinfo");
    }
    if parsed
        .claim_str("jti")
        .is_some_and(|jti| lock(&shared.store).revoked_access.iter().any(|r| r == jti))
    {
        return unauthorized("The access token has been revoked");
    }
    let sub = parsed.claim_str("sub").unwrap_or_default();
    let Some(user) = lock(&shared.store).get(Kind::Users, sub).cloned() else {
        return unauthorized("The user no longer exists");
    };
    let scope = parsed.claim_str("scope").unwrap_or_default();
    let has = |s: &str| scope.split(' ').any(|x| x == s);
    let mut claims = profile_claims(&user);
    if !has("email") {
        claims.remove("email");
        claims.remove("email_verified");
    }
    if !has("profile") {
        claims.retain(|k, _| k == "email" || k == "email_verified");
    }
    claims.insert("sub".into(), json!(sub));
    Resp::ok(&Value::Object(claims))
}

/// `POST /oauth/revoke`: revokes a refresh token (and its rotation family).
pub(crate) fn revoke(shared: &Shared, req: &Req) -> Resp {
    let params = match req.params() {
        Ok(p) => p,
        Err(e) => return errors::invalid_request(&e),
    };
    let client = match client_auth::authenticate(shared, req, &params) {
        Ok(c) => c,
        Err(resp) => return resp,
    };
    let Some(token) = params.get("token") else {
        return errors::invalid_request("Missing required parameter: token");
    };
    let mut store = lock(&shared.store);
    if let Some(grant) = store.refresh_tokens.get(&token).cloned() {
        if grant.client_id != client.client_id {
            return errors::authn(
                403,
                "invalid_request",
                "The refresh token was issued to another client.",
            );
        }
        for g in store.refresh_tokens.values_mut() {
            if g.family == grant.family {
                g.revoked = true;
            }
        }
    }
    Resp::empty(StatusCode::OK)
}

/// `GET /v2/logout`: redirects to an allowed `returnTo`, or answers `OK`.
pub(crate) fn logout(shared: &Shared, req: &Req) -> Resp {
    let Some(return_to) = req.query("returnTo") else {
        return Resp::text(StatusCode::OK, "text/plain; charset=utf-8", "OK".to_owned());
    };
    let store = lock(&shared.store);
    let allowed = |list: Option<&Value>| {
        list.and_then(Value::as_array)
            .is_some_and(|urls| urls.iter().any(|u| u.as_str() == Some(return_to)))
    };
    let ok = match req.query("client_id") {
        Some(id) => store
            .client(id)
            .is_some_and(|c| allowed(c.get("allowed_logout_urls"))),
        None => store
            .list(Kind::Clients)
            .iter()
            .any(|c| allowed(c.get("allowed_logout_urls"))),
    };
    if !ok {
        return errors::authn(
            400,
            "invalid_request",
            &format!(
                "The \"returnTo\" querystring parameter \"{return_to}\" is not defined as a valid URL in \"Allowed Logout URLs\"."
            ),
        );
    }
    Resp::redirect(return_to)
}

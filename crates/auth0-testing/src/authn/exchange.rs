//! Token exchange (`urn:ietf:params:oauth:grant-type:token-exchange`).
//!
//! The fake tenant accepts as subject token any unexpired JWT it signed itself (an ID token
//! or access token, `subject_token_type` `…:id_token`, `…:access_token` or `…:jwt`) and
//! issues tokens for its `sub` to the confidential client, for the requested audience and
//! scope. Custom token-exchange profiles backed by Auth0 Actions are not run.

use crate::authn::client_auth::{self, Authed};
use crate::authn::login::{self, Login};
use crate::authn::session::verify_own;
use crate::errors;
use crate::state::Kind;
use crate::tenant::{Shared, lock};
use crate::wire::{Params, Resp};

const ACCEPTED: [&str; 3] = [
    "urn:ietf:params:oauth:token-type:id_token",
    "urn:ietf:params:oauth:token-type:access_token",
    "urn:ietf:params:oauth:token-type:jwt",
];

/// The token-exchange grant.
pub(crate) fn grant(shared: &Shared, client: &Authed, params: &Params) -> Resp {
    if client.method == client_auth::Method::None {
        return errors::authn(
            401,
            "invalid_client",
            "Token exchange requires a confidential client",
        );
    }
    let (Some(token), Some(kind)) = (
        params.get("subject_token"),
        params.get("subject_token_type"),
    ) else {
        return errors::invalid_request(
            "Missing required parameter: subject_token and subject_token_type are required",
        );
    };
    if !ACCEPTED.contains(&kind.as_str()) {
        return errors::invalid_request(&format!("Unsupported subject_token_type: {kind}"));
    }
    let parsed = match verify_own(shared, &token) {
        Ok(p) => p,
        Err(e) => return errors::invalid_grant(&format!("Invalid subject_token: {e}")),
    };
    let sub = parsed.claim_str("sub").unwrap_or_default().to_owned();
    if lock(&shared.store).get(Kind::Users, &sub).is_none() {
        return errors::invalid_grant("The subject_token does not identify a user of this tenant");
    }
    login::issue_for_user(
        shared,
        client,
        &Login {
            user_id: sub,
            scope: params.get("scope").unwrap_or_else(|| "openid".to_owned()),
            audience: params.get("audience"),
            auth_time: parsed.claim_i64("auth_time"),
            log_type: "secte",
            ..Login::default()
        },
    )
}

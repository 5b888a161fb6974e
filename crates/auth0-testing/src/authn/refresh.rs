//! The refresh-token grant with rotation and reuse detection.

use serde_json::Value;

use crate::authn::client_auth::Authed;
use crate::authn::login::{self, Login};
use crate::errors;
use crate::tenant::{Shared, lock};
use crate::wire::{Params, Resp};

fn invalid() -> Resp {
    errors::authn(403, "invalid_grant", "Unknown or invalid refresh token.")
}

/// Whether the client rotates refresh tokens.
fn rotates(client: &Authed) -> bool {
    client
        .client
        .get("refresh_token")
        .and_then(|r| r.get("rotation_type"))
        .and_then(Value::as_str)
        == Some("rotating")
}

/// `grant_type=refresh_token`.
pub(crate) fn grant(shared: &Shared, client: &Authed, params: &Params) -> Resp {
    let Some(token) = params.get("refresh_token") else {
        return errors::invalid_request("Missing required parameter: refresh_token");
    };
    let rotating = rotates(client);
    let grant = {
        let mut store = lock(&shared.store);
        let Some(grant) = store.refresh_tokens.get(&token).cloned() else {
            return invalid();
        };
        if grant.client_id != client.client_id || grant.revoked {
            return invalid();
        }
        if grant.rotated {
            // Reuse of a rotated token: revoke the whole family, as Auth0's reuse detection does.
            for g in store.refresh_tokens.values_mut() {
                if g.family == grant.family {
                    g.revoked = true;
                }
            }
            return invalid();
        }
        if rotating && let Some(g) = store.refresh_tokens.get_mut(&token) {
            g.rotated = true;
        }
        grant
    };
    let scope = match params.get("scope") {
        Some(requested) => {
            let allowed: Vec<&str> = grant.scope.split(' ').collect();
            if let Some(extra) = requested
                .split(' ')
                .find(|s| !s.is_empty() && !allowed.contains(s))
            {
                return errors::authn(
                    403,
                    "invalid_scope",
                    &format!("Scope {extra} was not granted to the refresh token."),
                );
            }
            requested
        }
        None => grant.scope.clone(),
    };
    login::issue_for_user(
        shared,
        client,
        &Login {
            user_id: grant.user_id,
            scope,
            audience: grant.audience,
            organization: grant.organization,
            log_type: "sertft",
            family: Some(grant.family),
            no_refresh: !rotating,
            ..Login::default()
        },
    )
}

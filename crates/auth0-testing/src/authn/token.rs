//! `POST /oauth/token`: grant dispatch and the client-credentials grant.

use serde_json::Value;

use crate::activity::{self, Event};
use crate::authn::client_auth::{self, Authed};
use crate::authn::issue::{self, AccessTokenSpec};
use crate::authn::{authorize, backchannel, exchange, mfa, password, passwordless, refresh};
use crate::errors;

use crate::tenant::{Shared, lock};
use crate::wire::{Params, Req, Resp};

/// Handles a token request.
pub(crate) fn handle(shared: &Shared, req: &Req) -> Resp {
    let params = match req.params() {
        Ok(p) => p,
        Err(e) => return errors::invalid_request(&e),
    };
    let Some(grant_type) = params.get("grant_type") else {
        return errors::invalid_request("Missing required parameter: grant_type");
    };
    let client = match client_auth::authenticate(shared, req, &params) {
        Ok(c) => c,
        Err(resp) => return resp,
    };
    if !client.allows_grant(&grant_type) {
        return errors::authn(
            403,
            "unauthorized_client",
            &format!("Grant type '{grant_type}' not allowed for the client."),
        );
    }
    match grant_type.as_str() {
        "client_credentials" => client_credentials(shared, &client, &params),
        "password" => password::grant(shared, &client, &params, None),
        "http://auth0.com/oauth/grant-type/password-realm" => {
            let Some(realm) = params.get("realm") else {
                return errors::invalid_request("Missing required parameter: realm");
            };
            password::grant(shared, &client, &params, Some(realm))
        }
        "refresh_token" => refresh::grant(shared, &client, &params),
        "authorization_code" => authorize::code_grant(shared, &client, &params),
        "http://auth0.com/oauth/grant-type/passwordless/otp" => {
            passwordless::grant(shared, &client, &params)
        }
        "urn:openid:params:grant-type:ciba" => backchannel::ciba_grant(shared, &client, &params),
        "urn:ietf:params:oauth:grant-type:device_code" => {
            backchannel::device_grant(shared, &client, &params)
        }
        "urn:ietf:params:oauth:grant-type:token-exchange" => {
            exchange::grant(shared, &client, &params)
        }
        "http://auth0.com/oauth/grant-type/mfa-otp" => {
            mfa::grant(shared, &client, &params, "mfa-otp")
        }
        "http://auth0.com/oauth/grant-type/mfa-oob" => {
            mfa::grant(shared, &client, &params, "mfa-oob")
        }
        "http://auth0.com/oauth/grant-type/mfa-recovery-code" => {
            mfa::grant(shared, &client, &params, "mfa-recovery-code")
        }
        other => errors::authn(
            400,
            "unsupported_grant_type",
            &format!("Unsupported grant type: {other}"),
        ),
    }
}

/// Space-separated scopes as a list.
pub(crate) fn split_scopes(scope: &str) -> Vec<&str> {
    scope.split(' ').filter(|s| !s.is_empty()).collect()
}

/// Records a log event.
pub(crate) fn log(
    shared: &Shared,
    kind: &str,
    description: &str,
    client: &str,
    user: Option<&str>,
) {
    let now = shared.now();
    activity::log(
        &mut lock(&shared.store),
        now,
        &Event {
            kind,
            description,
            client_id: Some(client),
            user_id: user,
        },
    );
}

/// Token lifetime of an API (resource server), 86400 s by default.
pub(crate) fn api_lifetime(shared: &Shared, audience: &str) -> i64 {
    lock(&shared.store)
        .resource_server(audience)
        .and_then(|r| r.get("token_lifetime"))
        .and_then(Value::as_i64)
        .unwrap_or(86_400)
}

fn client_credentials(shared: &Shared, client: &Authed, params: &Params) -> Resp {
    if client.method == client_auth::Method::None {
        return errors::authn(
            401,
            "invalid_client",
            "client_credentials requires a confidential client",
        );
    }
    let Some(audience) = params.get("audience") else {
        return errors::authn(
            403,
            "access_denied",
            "No audience parameter was provided, and no default audience has been configured",
        );
    };
    let granted: Vec<String> = {
        let store = lock(&shared.store);
        if store.resource_server(&audience).is_none() {
            drop(store);
            log(
                shared,
                "feccft",
                "Service not found",
                &client.client_id,
                None,
            );
            return errors::authn(
                403,
                "access_denied",
                &format!("Service not found: {audience}"),
            );
        }
        let Some(grant) = store.client_grant(&client.client_id, &audience) else {
            drop(store);
            log(
                shared,
                "feccft",
                "Client is not authorized",
                &client.client_id,
                None,
            );
            return errors::authn(
                403,
                "access_denied",
                &format!(
                    "Client is not authorized to access \"{audience}\". You need to create a \"client-grant\" associated to this API. See: https://auth0.com/docs/api/v2#!/Client_Grants/post_client_grants"
                ),
            );
        };
        grant
            .get("scope")
            .and_then(Value::as_array)
            .map(|s| {
                s.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    let scope = match params.get("scope") {
        Some(requested) => {
            let missing: Vec<&str> = split_scopes(&requested)
                .into_iter()
                .filter(|s| !granted.iter().any(|g| g == s))
                .collect();
            if !missing.is_empty() {
                return errors::authn(
                    403,
                    "access_denied",
                    &format!("Client has not been granted scopes: {}", missing.join(", ")),
                );
            }
            split_scopes(&requested).join(" ")
        }
        None => granted.join(" "),
    };
    let now = shared.now();
    let lifetime = api_lifetime(shared, &audience);
    let sub = format!("{}@clients", client.client_id);
    let token = issue::access_token(
        shared,
        &AccessTokenSpec {
            sub: &sub,
            audience: &audience,
            azp: &client.client_id,
            scope: &scope,
            gty: Some("client-credentials"),
            org: None,
            lifetime,
            now,
        },
    );
    log(
        shared,
        "seccft",
        "Client Credentials for Access Token",
        &client.client_id,
        None,
    );
    Resp::ok(&issue::token_response(
        &token,
        lifetime,
        Some(&scope),
        None,
        None,
    ))
}

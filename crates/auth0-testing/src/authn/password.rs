//! The password and password-realm grants, with brute-force blocking and `mfa_required`.

use serde_json::{Value, json};

use crate::activity::{self, Event};
use crate::authn::client_auth::Authed;
use crate::authn::login::{self, Login};
use crate::authn::mfa;
use crate::errors;
use crate::state::Kind;
use crate::tenant::{Shared, lock};
use crate::wire::{Params, Resp};

/// Consecutive failures after which Auth0's brute-force protection blocks a user.
const MAX_FAILURES: i64 = 10;

/// The connection used by the plain password grant (the tenant's default directory).
fn default_directory(shared: &Shared) -> Option<String> {
    let store = lock(&shared.store);
    let conns = store.list(Kind::Connections);
    conns
        .iter()
        .find(|c| c["name"] == crate::seed::DATABASE_CONNECTION)
        .or_else(|| conns.iter().find(|c| c["strategy"] == "auth0"))
        .and_then(|c| c["name"].as_str().map(str::to_owned))
}

/// Handles `password` (`realm` None) and `password-realm` grants.
pub(crate) fn grant(
    shared: &Shared,
    client: &Authed,
    params: &Params,
    realm: Option<String>,
) -> Resp {
    let Some(username) = params.get("username") else {
        return errors::invalid_request("Missing required parameter: username");
    };
    let Some(password) = params.get("password") else {
        return errors::invalid_request("Missing required parameter: password");
    };
    let Some(connection) = realm.or_else(|| default_directory(shared)) else {
        return errors::authn(
            500,
            "server_error",
            "Authorization server not configured with default connection.",
        );
    };
    if lock(&shared.store)
        .connection_by_name(&connection)
        .is_none()
    {
        return errors::authn(
            400,
            "invalid_request",
            &format!("connection not found: {connection}"),
        );
    }
    let now = shared.now();
    let (user_id, expected) = {
        let store = lock(&shared.store);
        let Some(user) = store.user_by_email(&username, Some(&connection)) else {
            drop(store);
            log_failure(shared, "fu", "Wrong email or password.", client, None);
            return errors::invalid_grant("Wrong email or password.");
        };
        let id = user["user_id"].as_str().unwrap_or_default().to_owned();
        let expected = store.passwords.get(&id).cloned();
        (id, expected)
    };
    if !lock(&shared.store)
        .link(&format!("users/{user_id}/blocks"))
        .is_empty()
    {
        return errors::authn(
            429,
            "too_many_attempts",
            "Your account has been blocked after multiple consecutive login attempts. We've sent you an email with instructions on how to unblock it.",
        );
    }
    if expected.as_deref() != Some(password.as_str()) {
        let failures = {
            let mut store = lock(&shared.store);
            let entry = store
                .flows
                .entry(format!("failures/{user_id}"))
                .or_insert(json!(0));
            *entry = json!(entry.as_i64().unwrap_or(0) + 1);
            let failures = entry.as_i64().unwrap_or(0);
            if failures >= MAX_FAILURES {
                store
                    .link_mut(format!("users/{user_id}/blocks"))
                    .push(json!({
                        "identifier": username,
                        "ip": "127.0.0.1",
                        "connection": connection,
                    }));
            }
            failures
        };
        log_failure(
            shared,
            "fp",
            "Wrong email or password.",
            client,
            Some(&user_id),
        );
        if failures >= MAX_FAILURES {
            activity::log(
                &mut lock(&shared.store),
                now,
                &Event {
                    kind: "limit_wc",
                    description: "Blocked Account",
                    client_id: Some(&client.client_id),
                    user_id: Some(&user_id),
                },
            );
        }
        return errors::invalid_grant("Wrong email or password.");
    }
    lock(&shared.store)
        .flows
        .remove(&format!("failures/{user_id}"));
    let login = Login {
        user_id,
        scope: params.get("scope").unwrap_or_default(),
        audience: params.get("audience"),
        nonce: None,
        organization: params.get("organization"),
        auth_time: Some(now),
        log_type: "s",
        ..Login::default()
    };
    if let Some(org) = login.organization.as_deref() {
        match login::organization(shared, org) {
            Some((org_id, _)) if login::is_member(shared, &org_id, &login.user_id) => {}
            _ => return errors::invalid_grant("User is not a member of the organization."),
        }
    }
    if mfa::enrolled(shared, &login.user_id) {
        return mfa::required(shared, client, &login);
    }
    login::issue_for_user(shared, client, &login)
}

fn log_failure(
    shared: &Shared,
    kind: &str,
    description: &str,
    client: &Authed,
    user: Option<&str>,
) {
    let now = shared.now();
    activity::log(
        &mut lock(&shared.store),
        now,
        &Event {
            kind,
            description,
            client_id: Some(&client.client_id),
            user_id: user,
        },
    );
}

/// The user's `multifactor` list.
pub(crate) fn multifactor(user: &Value) -> Vec<String> {
    user.get("multifactor")
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

//! Issuing tokens to a logged-in user, shared by every user-facing grant.

use serde_json::{Value, json};

use crate::activity::{self, Event};
use crate::authn::client_auth::Authed;
use crate::authn::issue::{self, AccessTokenSpec};
use crate::errors;
use crate::ids;
use crate::state::{Kind, RefreshGrant};
use crate::tenant::{Shared, lock};
use crate::wire::Resp;

/// Scopes that belong to OpenID Connect rather than to an API.
const OIDC_SCOPES: [&str; 8] = [
    "openid",
    "profile",
    "email",
    "offline_access",
    "address",
    "phone",
    "name",
    "nickname",
];

/// What a user login grants.
#[derive(Debug, Clone, Default)]
pub(crate) struct Login {
    pub(crate) user_id: String,
    pub(crate) scope: String,
    pub(crate) audience: Option<String>,
    pub(crate) nonce: Option<String>,
    pub(crate) organization: Option<String>,
    pub(crate) auth_time: Option<i64>,
    /// Log event type of the success (`s`, `seacft`, `sertft`, …).
    pub(crate) log_type: &'static str,
    /// An existing refresh-token family to continue (refresh grants).
    pub(crate) family: Option<String>,
    /// Do not issue a refresh token even with `offline_access` (non-rotating refresh).
    pub(crate) no_refresh: bool,
}

/// Resolves an organization id or name to (id, name).
pub(crate) fn organization(shared: &Shared, id_or_name: &str) -> Option<(String, String)> {
    let store = lock(&shared.store);
    store
        .list(Kind::Organizations)
        .iter()
        .find(|o| o["id"] == id_or_name || o["name"] == id_or_name)
        .map(|o| {
            (
                o["id"].as_str().unwrap_or_default().to_owned(),
                o["name"].as_str().unwrap_or_default().to_owned(),
            )
        })
}

/// Whether `user_id` is a member of organization `org_id`.
pub(crate) fn is_member(shared: &Shared, org_id: &str, user_id: &str) -> bool {
    lock(&shared.store)
        .link(&format!("organizations/{org_id}/members"))
        .contains(&json!(user_id))
}

/// Checks the audience and keeps the scopes the API defines (plus OIDC scopes).
pub(crate) fn granted_scope(
    shared: &Shared,
    audience: Option<&str>,
    requested: &str,
) -> Result<String, Resp> {
    let api_scopes: Vec<String> = match audience {
        Some(aud) if aud != shared.management_audience() => {
            let store = lock(&shared.store);
            let Some(server) = store.resource_server(aud) else {
                return Err(errors::authn(
                    403,
                    "access_denied",
                    &format!("Service not found: {aud}"),
                ));
            };
            server
                .get("scopes")
                .and_then(Value::as_array)
                .map(|s| {
                    s.iter()
                        .filter_map(|x| x.get("value").and_then(Value::as_str).map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default()
        }
        Some(_) => crate::seed::MANAGEMENT_SCOPES
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
        None => Vec::new(),
    };
    Ok(requested
        .split(' ')
        .filter(|s| !s.is_empty())
        .filter(|s| OIDC_SCOPES.contains(s) || api_scopes.iter().any(|a| a == s))
        .collect::<Vec<_>>()
        .join(" "))
}

/// Issues access (and ID and refresh) tokens for a user login; the `/oauth/token` body.
pub(crate) fn issue_for_user(shared: &Shared, client: &Authed, login: &Login) -> Resp {
    let user = lock(&shared.store)
        .get(Kind::Users, &login.user_id)
        .cloned();
    let Some(user) = user else {
        return errors::invalid_grant("The user no longer exists.");
    };
    if user.get("blocked").and_then(Value::as_bool) == Some(true) {
        return errors::authn(401, "unauthorized", "user is blocked");
    }
    let scope = match granted_scope(shared, login.audience.as_deref(), &login.scope) {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    let org = login
        .organization
        .as_deref()
        .and_then(|o| organization(shared, o));
    let now = shared.now();
    let audience = login
        .audience
        .clone()
        .unwrap_or_else(|| format!("{}userinfo", shared.issuer()));
    let lifetime = crate::authn::token::api_lifetime(shared, &audience);
    let access = issue::access_token(
        shared,
        &AccessTokenSpec {
            sub: &login.user_id,
            audience: &audience,
            azp: &client.client_id,
            scope: &scope,
            gty: None,
            org: org.as_ref().map(|(i, n)| (i.as_str(), n.as_str())),
            lifetime,
            now,
        },
    );
    let has = |s: &str| scope.split(' ').any(|x| x == s);
    let id_token = if has("openid") {
        issue::id_token(
            shared,
            &login.user_id,
            &client.client_id,
            login.nonce.as_deref(),
            login.auth_time.unwrap_or(now),
            org.as_ref().map(|(i, n)| (i.as_str(), n.as_str())),
        )
    } else {
        None
    };
    let refresh = (has("offline_access") && !login.no_refresh).then(|| {
        let token = ids::opaque();
        let family = login.family.clone().unwrap_or_else(ids::opaque);
        lock(&shared.store).refresh_tokens.insert(
            token.clone(),
            RefreshGrant {
                client_id: client.client_id.clone(),
                user_id: login.user_id.clone(),
                scope: scope.clone(),
                audience: login.audience.clone(),
                organization: login.organization.clone(),
                revoked: false,
                rotated: false,
                family,
            },
        );
        token
    });
    {
        let mut store = lock(&shared.store);
        if let Some(u) = store.get_mut(Kind::Users, &login.user_id) {
            let count = u.get("logins_count").and_then(Value::as_i64).unwrap_or(0);
            u["logins_count"] = json!(count + 1);
            u["last_login"] = json!(activity::iso8601(now));
        }
        activity::log(
            &mut store,
            now,
            &Event {
                kind: login.log_type,
                description: "Success",
                client_id: Some(&client.client_id),
                user_id: Some(&login.user_id),
            },
        );
    }
    Resp::ok(&issue::token_response(
        &access,
        lifetime,
        Some(&scope),
        id_token.as_deref(),
        refresh.as_deref(),
    ))
}

//! Users: creation from Auth0's create-user body.

use serde_json::{Map, Value, json};

use crate::activity::iso8601;
use crate::ids;

/// Builds a stored user from a create-user body; returns it and its password.
pub(crate) fn new_user(body: Value, now: i64) -> Result<(Value, Option<String>), String> {
    let Value::Object(mut body) = body else {
        return Err("Payload validation error: 'Expected type object'.".to_owned());
    };
    let Some(connection) = body
        .remove("connection")
        .and_then(|c| c.as_str().map(str::to_owned))
    else {
        return Err(
            "Payload validation error: 'Missing required property: connection'.".to_owned(),
        );
    };
    let password = body
        .remove("password")
        .and_then(|p| p.as_str().map(str::to_owned));
    body.remove("verify_email");
    let (provider, prefix) = match connection.as_str() {
        "email" | "sms" => (connection.clone(), connection.clone()),
        _ => ("auth0".to_owned(), "auth0".to_owned()),
    };
    let bare_id = match body
        .remove("user_id")
        .and_then(|v| v.as_str().map(str::to_owned))
    {
        Some(id) => id
            .split_once('|')
            .map_or(id.clone(), |(_, rest)| rest.to_owned()),
        None => ids::hex(24),
    };
    let user_id = format!("{prefix}|{bare_id}");
    let stamp = iso8601(now);
    let email = body.get("email").and_then(Value::as_str).map(str::to_owned);
    let mut user = Map::new();
    user.insert("user_id".into(), json!(user_id));
    user.insert("email_verified".into(), json!(false));
    if let Some(email) = &email {
        let local = email.split('@').next().unwrap_or(email);
        user.insert("name".into(), json!(email));
        user.insert("nickname".into(), json!(local));
    }
    user.insert(
        "picture".into(),
        json!("https://s.gravatar.com/avatar/00000000000000000000000000000000?s=480&r=pg&d=mp"),
    );
    user.insert(
        "identities".into(),
        json!([{
            "connection": connection,
            "provider": provider,
            "user_id": bare_id,
            "isSocial": false,
        }]),
    );
    user.insert("created_at".into(), json!(stamp));
    user.insert("updated_at".into(), json!(stamp));
    user.insert("logins_count".into(), json!(0));
    user.insert("app_metadata".into(), json!({}));
    user.insert("user_metadata".into(), json!({}));
    for (k, v) in body {
        user.insert(k, v);
    }
    Ok((Value::Object(user), password))
}

use http::StatusCode;

use crate::errors;
use crate::faults::glob;
use crate::mgmt::auth::Grant;
use crate::mgmt::paging;
use crate::mgmt::resources::{self as res, Answer};
use crate::state::{Kind, merge, user_connection};
use crate::tenant::{Shared, lock};
use crate::wire::{Req, Resp};

/// Whether a user matches a (small subset of) Lucene query: `field:value` terms joined by
/// `AND`, values optionally quoted, `*` wildcards.
pub(crate) fn matches_query(user: &Value, q: &str) -> bool {
    q.split(" AND ").all(|term| {
        let term = term.trim();
        let Some((field, value)) = term.split_once(':') else {
            // A bare word searches the common text fields.
            return ["email", "name", "nickname", "user_id"].iter().any(|f| {
                user.get(*f)
                    .and_then(Value::as_str)
                    .is_some_and(|v| v.to_lowercase().contains(&term.to_lowercase()))
            });
        };
        let value = value.trim_matches('"').to_lowercase();
        let actual = field
            .split('.')
            .try_fold(user, |v, part| v.get(part))
            .map(|v| match v {
                Value::String(s) => s.to_lowercase(),
                other => other.to_string(),
            });
        actual.is_some_and(|a| glob(&value, &a))
    })
}

/// `GET /users`.
pub(crate) fn list(shared: &Shared, req: &Req) -> Answer {
    let q = req.query("q").map(str::to_owned);
    let connection = req.query("connection").map(str::to_owned);
    let items: Vec<Value> = lock(&shared.store)
        .list(Kind::Users)
        .iter()
        .filter(|u| q.as_deref().is_none_or(|q| matches_query(u, q)))
        .filter(|u| {
            connection
                .as_deref()
                .is_none_or(|c| user_connection(u) == Some(c))
        })
        .cloned()
        .collect();
    paging::offset(req, items, "users", true)
}

/// `GET /users-by-email`.
pub(crate) fn by_email(shared: &Shared, req: &Req) -> Answer {
    let Some(email) = req.query("email") else {
        return Err(errors::mgmt(
            400,
            "Query validation error: 'Missing required property: email'.",
            "invalid_query_string",
        ));
    };
    let items: Vec<Value> = lock(&shared.store)
        .list(Kind::Users)
        .iter()
        .filter(|u| {
            u.get("email")
                .and_then(Value::as_str)
                .is_some_and(|e| e.eq_ignore_ascii_case(email))
        })
        .map(|u| paging::select_fields(req, u.clone()))
        .collect();
    Ok(Resp::ok(&Value::Array(items)))
}

/// `POST /users`.
pub(crate) fn create(shared: &Shared, req: &Req) -> Answer {
    let body = res::body(req)?;
    let connection = res::required(&body, "connection")?.to_owned();
    let now = shared.now();
    {
        let store = lock(&shared.store);
        let Some(conn) = store.connection_by_name(&connection) else {
            return Err(errors::mgmt(
                400,
                "The connection does not exist.",
                "inexistent_connection",
            ));
        };
        let strategy = conn
            .get("strategy")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if strategy == "auth0" {
            if body.get("email").and_then(Value::as_str).is_none() {
                return Err(res::body_error("Missing required property: email"));
            }
            if body.get("password").and_then(Value::as_str).is_none() {
                return Err(res::body_error("Missing required property: password"));
            }
        }
        if let Some(email) = body.get("email").and_then(Value::as_str)
            && store.user_by_email(email, Some(&connection)).is_some()
        {
            return Err(errors::mgmt(
                409,
                "The user already exists.",
                "auth0_idp_error",
            ));
        }
    }
    let (user, password) =
        new_user(Value::Object(body), now).map_err(|m| errors::mgmt(400, &m, "invalid_body"))?;
    let id = user["user_id"].as_str().unwrap_or_default().to_owned();
    let mut store = lock(&shared.store);
    if store.get(Kind::Users, &id).is_some() {
        return Err(errors::mgmt(
            409,
            "The user already exists.",
            "auth0_idp_error",
        ));
    }
    if let Some(password) = password {
        store.passwords.insert(id, password);
    }
    store.list_mut(Kind::Users).push(user.clone());
    Ok(Resp::json(StatusCode::CREATED, &user))
}

/// `PATCH /users/{id}`.
pub(crate) fn update(shared: &Shared, req: &Req, id: &str) -> Answer {
    let mut body = res::body(req)?;
    let password = body
        .remove("password")
        .and_then(|p| p.as_str().map(str::to_owned));
    body.remove("connection");
    body.remove("verify_email");
    body.remove("verify_password");
    if body.contains_key("user_id") {
        return Err(res::body_error(
            "Additional properties not allowed: user_id",
        ));
    }
    let now = shared.now();
    let mut store = lock(&shared.store);
    let user = store
        .get_mut(Kind::Users, id)
        .ok_or_else(|| res::not_found(Kind::Users))?;
    merge(user, &body);
    user["updated_at"] = json!(crate::activity::iso8601(now));
    let user = user.clone();
    if let Some(password) = password {
        store.passwords.insert(id.to_owned(), password);
    }
    Ok(Resp::ok(&user))
}

/// `DELETE /users/{id}`.
pub(crate) fn delete(shared: &Shared, id: &str) -> Answer {
    res::delete(shared, Kind::Users, id)?;
    let mut store = lock(&shared.store);
    store.passwords.remove(id);
    let member = json!(id);
    for (key, list) in &mut store.links {
        if key.starts_with("organizations/") && key.ends_with("/members") {
            list.retain(|v| *v != member);
        }
    }
    res::no_content()
}

/// `GET|POST|DELETE /users/{id}/roles`.
pub(crate) fn roles(shared: &Shared, req: &Req, grant: &Grant, id: &str) -> Answer {
    res::find(shared, Kind::Users, id)?;
    let key = format!("users/{id}/roles");
    match req.method.as_str() {
        "GET" => {
            grant.require(&["read:users", "read:roles"])?;
            let ids = res::link(shared, &key);
            paging::offset(req, res::resolve(shared, Kind::Roles, &ids), "roles", false)
        }
        "POST" => {
            grant.require(&["create:role_members", "update:users"])?;
            let roles = res::string_list(&res::body(req)?, "roles")?;
            for r in &roles {
                res::find(shared, Kind::Roles, r)?;
            }
            res::link_add(shared, key, roles.into_iter().map(Value::String).collect());
            res::no_content()
        }
        _ => {
            grant.require(&["delete:role_members", "update:users"])?;
            let roles = res::string_list(&res::body(req)?, "roles")?;
            let values: Vec<Value> = roles.into_iter().map(Value::String).collect();
            res::link_remove(shared, &key, &values);
            res::no_content()
        }
    }
}

/// Validates a `permissions` body: `[{permission_name, resource_server_identifier}]`.
pub(crate) fn permission_list(
    shared: &Shared,
    body: &Map<String, Value>,
) -> Result<Vec<Value>, Resp> {
    let Some(Value::Array(items)) = body.get("permissions") else {
        return Err(res::body_error("Missing required property: permissions"));
    };
    let store = lock(&shared.store);
    items
        .iter()
        .map(|p| {
            let name = p.get("permission_name").and_then(Value::as_str);
            let api = p.get("resource_server_identifier").and_then(Value::as_str);
            let (Some(name), Some(api)) = (name, api) else {
                return Err(res::body_error(
                    "Missing required property: permission_name or resource_server_identifier",
                ));
            };
            let Some(server) = store.resource_server(api) else {
                return Err(errors::mgmt(
                    404,
                    "Resource server not found",
                    "inexistent_resource_server",
                ));
            };
            let scope = server
                .get("scopes")
                .and_then(Value::as_array)
                .and_then(|s| {
                    s.iter()
                        .find(|s| s.get("value").and_then(Value::as_str) == Some(name))
                });
            let Some(scope) = scope else {
                return Err(errors::mgmt(
                    400,
                    &format!("Permission {name} does not exist on resource server {api}"),
                    "invalid_body",
                ));
            };
            Ok(json!({
                "permission_name": name,
                "resource_server_identifier": api,
                "resource_server_name": server.get("name").cloned().unwrap_or(Value::Null),
                "description": scope.get("description").cloned().unwrap_or(Value::Null),
            }))
        })
        .collect()
}

/// `GET|POST|DELETE /users/{id}/permissions`.
pub(crate) fn permissions(shared: &Shared, req: &Req, grant: &Grant, id: &str) -> Answer {
    res::find(shared, Kind::Users, id)?;
    let key = format!("users/{id}/permissions");
    match req.method.as_str() {
        "GET" => {
            grant.require(&["read:users"])?;
            paging::offset(req, res::link(shared, &key), "permissions", false)
        }
        "POST" => {
            grant.require(&["update:users"])?;
            let perms = permission_list(shared, &res::body(req)?)?;
            res::link_add(shared, key, perms);
            Ok(Resp::empty(StatusCode::CREATED))
        }
        _ => {
            grant.require(&["update:users"])?;
            let perms = permission_list(shared, &res::body(req)?)?;
            res::link_remove(shared, &key, &perms);
            res::no_content()
        }
    }
}

/// `POST /users/{id}/identities`: links a secondary account (`provider` + `user_id`, or
/// `link_with` = an ID token of the secondary user is not modelled; use provider/user_id).
pub(crate) fn link_identity(shared: &Shared, req: &Req, id: &str) -> Answer {
    let body = res::body(req)?;
    let provider = res::required(&body, "provider")?.to_owned();
    let secondary = match body.get("user_id") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return Err(res::body_error("Missing required property: user_id")),
    };
    let full_secondary = format!("{provider}|{secondary}");
    let mut store = lock(&shared.store);
    let secondary_user = store.get(Kind::Users, &full_secondary).cloned();
    let identity = match &secondary_user {
        Some(u) => {
            let mut identity = u["identities"][0].clone();
            identity["profileData"] = json!({ "email": u.get("email") });
            identity
        }
        None => json!({
            "provider": provider,
            "user_id": secondary,
            "connection": body.get("connection_id").cloned().unwrap_or(json!(provider)),
            "isSocial": false,
        }),
    };
    let user = store
        .get_mut(Kind::Users, id)
        .ok_or_else(|| res::not_found(Kind::Users))?;
    if let Some(Value::Array(identities)) = user.get_mut("identities") {
        identities.push(identity);
    }
    let identities = user["identities"].clone();
    if secondary_user.is_some() {
        store.remove(Kind::Users, &full_secondary);
    }
    Ok(Resp::json(StatusCode::CREATED, &identities))
}

/// `DELETE /users/{id}/identities/{provider}/{user_id}`.
pub(crate) fn unlink_identity(
    shared: &Shared,
    id: &str,
    provider: &str,
    secondary: &str,
) -> Answer {
    let mut store = lock(&shared.store);
    let user = store
        .get_mut(Kind::Users, id)
        .ok_or_else(|| res::not_found(Kind::Users))?;
    let Some(Value::Array(identities)) = user.get_mut("identities") else {
        return Err(res::not_found(Kind::Users));
    };
    let before = identities.len();
    // The first identity is the primary one and cannot be unlinked.
    let mut index = 0;
    identities.retain(|i| {
        index += 1;
        let hit = index > 1
            && i.get("provider").and_then(Value::as_str) == Some(provider)
            && i.get("user_id")
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                .as_deref()
                == Some(secondary);
        !hit
    });
    if identities.len() == before {
        return Err(errors::mgmt(
            400,
            "The identity is not linked to the user.",
            "invalid_identity",
        ));
    }
    let remaining = Value::Array(identities.clone());
    Ok(Resp::ok(&remaining))
}

/// `GET|DELETE /user-blocks/{id}` and `/user-blocks?identifier=`.
pub(crate) fn blocks(shared: &Shared, req: &Req, id: Option<&str>) -> Answer {
    let user_id = if let Some(id) = id {
        res::find(shared, Kind::Users, id)?["user_id"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    } else {
        {
            let Some(identifier) = req.query("identifier") else {
                return Err(errors::mgmt(
                    400,
                    "Query validation error: 'Missing required property: identifier'.",
                    "invalid_query_string",
                ));
            };
            let store = lock(&shared.store);
            let Some(user) = store.user_by_email(identifier, None) else {
                return Ok(Resp::ok(&json!({ "blocked_for": [] })));
            };
            user["user_id"].as_str().unwrap_or_default().to_owned()
        }
    };
    let key = format!("users/{user_id}/blocks");
    if req.method == http::Method::DELETE {
        lock(&shared.store).links.remove(&key);
        lock(&shared.store)
            .flows
            .remove(&format!("failures/{user_id}"));
        return res::no_content();
    }
    Ok(Resp::ok(&json!({ "blocked_for": res::link(shared, &key) })))
}

/// `GET /users/{id}/organizations`.
pub(crate) fn organizations(shared: &Shared, req: &Req, id: &str) -> Answer {
    res::find(shared, Kind::Users, id)?;
    let member = json!(id);
    let orgs: Vec<Value> = {
        let store = lock(&shared.store);
        store
            .list(Kind::Organizations)
            .iter()
            .filter(|o| {
                let oid = o["id"].as_str().unwrap_or_default();
                store
                    .link(&format!("organizations/{oid}/members"))
                    .contains(&member)
            })
            .cloned()
            .collect()
    };
    paging::offset(req, orgs, "organizations", false)
}

/// `GET /users/{id}/logs`.
pub(crate) fn logs(shared: &Shared, req: &Req, id: &str) -> Answer {
    res::find(shared, Kind::Users, id)?;
    let items: Vec<Value> = lock(&shared.store)
        .logs
        .iter()
        .rev()
        .filter(|l| l.get("user_id").and_then(Value::as_str) == Some(id))
        .cloned()
        .collect();
    paging::offset(req, items, "logs", true)
}

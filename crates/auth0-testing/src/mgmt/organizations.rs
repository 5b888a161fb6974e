//! Organizations: members, member roles, invitations, enabled connections.

use http::StatusCode;
use serde_json::{Value, json};

use crate::errors;
use crate::ids;
use crate::mgmt::auth::Grant;
use crate::mgmt::paging;
use crate::mgmt::resources::{self as res, Answer};
use crate::state::Kind;
use crate::tenant::{Shared, lock};
use crate::wire::{Req, Resp};

/// Auth0's organization name rule: lower case letters, digits, `-` and `_`, starting and
/// ending with a letter or digit, at most 50 characters.
fn valid_name(name: &str) -> bool {
    let ok_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_';
    let edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    !name.is_empty()
        && name.len() <= 50
        && name.chars().all(ok_char)
        && edge(name.chars().next())
        && edge(name.chars().last())
}

/// `/organizations`, `/organizations/{id}`.
pub(crate) fn handle(shared: &Shared, req: &Req, grant: &Grant, id: Option<&str>) -> Answer {
    match (req.method.as_str(), id) {
        ("GET", None) => {
            grant.require(&["read:organizations"])?;
            let items = lock(&shared.store).list(Kind::Organizations).to_vec();
            if paging::is_checkpoint(req) {
                paging::checkpoint(req, items, "organizations")
            } else {
                paging::offset(req, items, "organizations", false)
            }
        }
        ("POST", None) => {
            grant.require(&["create:organizations"])?;
            let body = res::body(req)?;
            let name = res::required(&body, "name")?;
            if !valid_name(name) {
                return Err(res::body_error(&format!(
                    "String does not match pattern ^[a-z0-9](?:[a-z0-9\\-_]*[a-z0-9])?$: {name}"
                )));
            }
            let connections = body.get("enabled_connections").cloned();
            let mut item = Value::Object(body);
            if let Value::Object(map) = &mut item {
                map.remove("enabled_connections");
            }
            let created = res::create(shared, Kind::Organizations, item, "org_")?;
            if let (Some(Value::Array(conns)), Ok(Value::Object(org))) =
                (connections, serde_json::from_slice::<Value>(&created.body))
            {
                let oid = org.get("id").and_then(Value::as_str).unwrap_or_default();
                res::link_add(
                    shared,
                    format!("organizations/{oid}/enabled_connections"),
                    conns,
                );
            }
            Ok(created)
        }
        ("GET", Some(id)) => {
            grant.require(&["read:organizations"])?;
            res::get(shared, req, Kind::Organizations, id)
        }
        ("PATCH", Some(id)) => {
            grant.require(&["update:organizations"])?;
            let body = res::body(req)?;
            if let Some(name) = body.get("name").and_then(Value::as_str)
                && !valid_name(name)
            {
                return Err(res::body_error(&format!(
                    "String does not match pattern ^[a-z0-9](?:[a-z0-9\\-_]*[a-z0-9])?$: {name}"
                )));
            }
            res::update(shared, Kind::Organizations, id, &body, &[])
        }
        (_, Some(id)) => {
            grant.require(&["delete:organizations"])?;
            res::delete(shared, Kind::Organizations, id)
        }
        _ => Err(crate::mgmt::not_modelled(req)),
    }
}

/// `GET /organizations/name/{name}`.
pub(crate) fn by_name(shared: &Shared, grant: &Grant, name: &str) -> Answer {
    grant.require(&["read:organizations"])?;
    lock(&shared.store)
        .list(Kind::Organizations)
        .iter()
        .find(|o| o.get("name").and_then(Value::as_str) == Some(name))
        .map(Resp::ok)
        .ok_or_else(|| res::not_found(Kind::Organizations))
}

/// `GET|POST|DELETE /organizations/{id}/members`.
pub(crate) fn members(shared: &Shared, req: &Req, grant: &Grant, id: &str) -> Answer {
    res::find(shared, Kind::Organizations, id)?;
    let key = format!("organizations/{id}/members");
    match req.method.as_str() {
        "GET" => {
            grant.require(&["read:organization_members"])?;
            let ids = res::link(shared, &key);
            let members: Vec<Value> = res::resolve(shared, Kind::Users, &ids)
                .into_iter()
                .map(|u| {
                    let uid = u["user_id"].as_str().unwrap_or_default().to_owned();
                    let mut m = json!({
                        "user_id": uid,
                        "email": u.get("email"),
                        "picture": u.get("picture"),
                        "name": u.get("name"),
                    });
                    if req.query("fields").is_some_and(|f| f.contains("roles")) {
                        let role_ids = res::link(shared, &format!("{key}/{uid}/roles"));
                        m["roles"] = Value::Array(
                            res::resolve(shared, Kind::Roles, &role_ids)
                                .into_iter()
                                .map(|r| json!({ "id": r["id"], "name": r["name"] }))
                                .collect(),
                        );
                    }
                    m
                })
                .collect();
            if paging::is_checkpoint(req) {
                paging::checkpoint(req, members, "members")
            } else {
                paging::offset(req, members, "members", false)
            }
        }
        "POST" => {
            grant.require(&["create:organization_members"])?;
            let users = res::string_list(&res::body(req)?, "members")?;
            for u in &users {
                res::find(shared, Kind::Users, u)?;
            }
            res::link_add(shared, key, users.into_iter().map(Value::String).collect());
            res::no_content()
        }
        _ => {
            grant.require(&["delete:organization_members"])?;
            let users = res::string_list(&res::body(req)?, "members")?;
            let values: Vec<Value> = users.iter().cloned().map(Value::String).collect();
            res::link_remove(shared, &key, &values);
            let mut store = lock(&shared.store);
            for u in users {
                store.links.remove(&format!("{key}/{u}/roles"));
            }
            res::no_content()
        }
    }
}

/// `GET|POST|DELETE /organizations/{id}/members/{user_id}/roles`.
pub(crate) fn member_roles(
    shared: &Shared,
    req: &Req,
    grant: &Grant,
    id: &str,
    user_id: &str,
) -> Answer {
    res::find(shared, Kind::Organizations, id)?;
    let member = Value::String(user_id.to_owned());
    if !res::link(shared, &format!("organizations/{id}/members")).contains(&member) {
        return Err(errors::mgmt(
            404,
            "The user is not a member of the organization.",
            "inexistent_member",
        ));
    }
    let key = format!("organizations/{id}/members/{user_id}/roles");
    match req.method.as_str() {
        "GET" => {
            grant.require(&["read:organization_member_roles"])?;
            let ids = res::link(shared, &key);
            paging::offset(req, res::resolve(shared, Kind::Roles, &ids), "roles", false)
        }
        "POST" => {
            grant.require(&["create:organization_member_roles"])?;
            let roles = res::string_list(&res::body(req)?, "roles")?;
            for r in &roles {
                res::find(shared, Kind::Roles, r)?;
            }
            res::link_add(shared, key, roles.into_iter().map(Value::String).collect());
            res::no_content()
        }
        _ => {
            grant.require(&["delete:organization_member_roles"])?;
            let roles = res::string_list(&res::body(req)?, "roles")?;
            let values: Vec<Value> = roles.into_iter().map(Value::String).collect();
            res::link_remove(shared, &key, &values);
            res::no_content()
        }
    }
}

/// `GET|POST /organizations/{id}/invitations`, `GET|DELETE …/invitations/{inv}`.
pub(crate) fn invitations(
    shared: &Shared,
    req: &Req,
    grant: &Grant,
    id: &str,
    invitation: Option<&str>,
) -> Answer {
    res::find(shared, Kind::Organizations, id)?;
    let key = format!("organizations/{id}/invitations");
    let missing = || {
        errors::mgmt(
            404,
            "The invitation does not exist.",
            "inexistent_invitation",
        )
    };
    match (req.method.as_str(), invitation) {
        ("GET", None) => {
            grant.require(&["read:organization_invitations"])?;
            paging::offset(req, res::link(shared, &key), "invitations", false)
        }
        ("POST", None) => {
            grant.require(&["create:organization_invitations"])?;
            let body = res::body(req)?;
            let inviter = body
                .get("inviter")
                .and_then(|i| i.get("name"))
                .and_then(Value::as_str);
            let guest_email = body
                .get("invitee")
                .and_then(|i| i.get("email"))
                .and_then(Value::as_str);
            let client_id = res::required(&body, "client_id")?.to_owned();
            let (Some(inviter), Some(guest_email)) = (inviter, guest_email) else {
                return Err(res::body_error(
                    "Missing required property: inviter.name or invitee.email",
                ));
            };
            if lock(&shared.store).client(&client_id).is_none() {
                return Err(errors::mgmt(
                    404,
                    "The client does not exist",
                    "inexistent_client",
                ));
            }
            let now = shared.now();
            let ttl = body
                .get("ttl_sec")
                .and_then(Value::as_i64)
                .filter(|t| *t > 0)
                .unwrap_or(604_800);
            let inv_id = ids::prefixed("uinv_");
            let ticket = ids::alnum(32);
            let mut item = json!({
                "id": inv_id,
                "organization_id": id,
                "inviter": { "name": inviter },
                "invitee": { "email": guest_email },
                "client_id": client_id,
                "invitation_url": format!("{}/login/invitation?invitation={ticket}&organization={id}", shared.base_url),
                "ticket_id": ticket,
                "created_at": crate::activity::iso8601(now),
                "expires_at": crate::activity::iso8601(now + ttl),
                "roles": body.get("roles").cloned().unwrap_or(json!([])),
            });
            for field in ["connection_id", "app_metadata", "user_metadata"] {
                if let Some(v) = body.get(field) {
                    item[field] = v.clone();
                }
            }
            res::link_add(shared, key, vec![item.clone()]);
            Ok(Resp::json(StatusCode::CREATED, &item))
        }
        ("GET", Some(inv)) => {
            grant.require(&["read:organization_invitations"])?;
            res::link(shared, &key)
                .into_iter()
                .find(|i| i["id"] == inv)
                .map(|i| Resp::ok(&i))
                .ok_or_else(missing)
        }
        (_, Some(inv)) => {
            grant.require(&["delete:organization_invitations"])?;
            let mut store = lock(&shared.store);
            let list = store.link_mut(key);
            let before = list.len();
            list.retain(|i| i["id"] != inv);
            if list.len() == before {
                return Err(missing());
            }
            res::no_content()
        }
        _ => Err(crate::mgmt::not_modelled(req)),
    }
}

/// `GET|POST /organizations/{id}/enabled_connections`, `GET|PATCH|DELETE …/{connection_id}`.
pub(crate) fn enabled_connections(
    shared: &Shared,
    req: &Req,
    grant: &Grant,
    id: &str,
    connection: Option<&str>,
) -> Answer {
    res::find(shared, Kind::Organizations, id)?;
    let key = format!("organizations/{id}/enabled_connections");
    let missing = || {
        errors::mgmt(
            404,
            "The connection is not enabled for the organization.",
            "inexistent_connection",
        )
    };
    let expand = |item: &Value| {
        let mut out = item.clone();
        let cid = item["connection_id"].as_str().unwrap_or_default();
        if let Some(c) = lock(&shared.store).get(Kind::Connections, cid) {
            out["connection"] = json!({ "name": c["name"], "strategy": c["strategy"] });
        }
        out
    };
    match (req.method.as_str(), connection) {
        ("GET", None) => {
            grant.require(&["read:organization_connections"])?;
            let items: Vec<Value> = res::link(shared, &key).iter().map(expand).collect();
            paging::offset(req, items, "enabled_connections", false)
        }
        ("POST", None) => {
            grant.require(&["create:organization_connections"])?;
            let body = res::body(req)?;
            let cid = res::required(&body, "connection_id")?.to_owned();
            res::find(shared, Kind::Connections, &cid)?;
            if res::link(shared, &key)
                .iter()
                .any(|c| c["connection_id"] == cid.as_str())
            {
                return Err(errors::mgmt(
                    409,
                    "The connection is already enabled for the organization.",
                    "organization_connection_conflicts",
                ));
            }
            let item = json!({
                "connection_id": cid,
                "assign_membership_on_login": body.get("assign_membership_on_login").cloned().unwrap_or(json!(false)),
                "show_as_button": body.get("show_as_button").cloned().unwrap_or(json!(true)),
            });
            res::link_add(shared, key, vec![item.clone()]);
            Ok(Resp::json(StatusCode::CREATED, &expand(&item)))
        }
        ("GET", Some(cid)) => {
            grant.require(&["read:organization_connections"])?;
            res::link(shared, &key)
                .iter()
                .find(|c| c["connection_id"] == cid)
                .map(|c| Resp::ok(&expand(c)))
                .ok_or_else(missing)
        }
        ("PATCH", Some(cid)) => {
            grant.require(&["update:organization_connections"])?;
            let body = res::body(req)?;
            let updated = {
                let mut store = lock(&shared.store);
                let list = store.link_mut(key);
                let Some(item) = list.iter_mut().find(|c| c["connection_id"] == cid) else {
                    return Err(missing());
                };
                for field in ["assign_membership_on_login", "show_as_button"] {
                    if let Some(v) = body.get(field) {
                        item[field] = v.clone();
                    }
                }
                item.clone()
            };
            Ok(Resp::ok(&expand(&updated)))
        }
        (_, Some(cid)) => {
            grant.require(&["delete:organization_connections"])?;
            let mut store = lock(&shared.store);
            let list = store.link_mut(key);
            let before = list.len();
            list.retain(|c| c["connection_id"] != cid);
            if list.len() == before {
                return Err(missing());
            }
            res::no_content()
        }
        _ => Err(crate::mgmt::not_modelled(req)),
    }
}

//! Roles, their permissions and their users.

use serde_json::Value;

use crate::mgmt::auth::Grant;
use crate::mgmt::paging;
use crate::mgmt::resources::{self as res, Answer};
use crate::mgmt::users::permission_list;
use crate::state::Kind;
use crate::tenant::{Shared, lock};
use crate::wire::Req;

/// `/roles` and `/roles/{id}`.
pub(crate) fn handle(shared: &Shared, req: &Req, grant: &Grant, id: Option<&str>) -> Answer {
    match (req.method.as_str(), id) {
        ("GET", None) => {
            grant.require(&["read:roles"])?;
            let filter = req.query("name_filter").map(str::to_lowercase);
            res::list(shared, req, Kind::Roles, |r| {
                filter.as_deref().is_none_or(|f| {
                    r.get("name")
                        .and_then(Value::as_str)
                        .is_some_and(|n| n.to_lowercase().contains(f))
                })
            })
        }
        ("POST", None) => {
            grant.require(&["create:roles"])?;
            let body = res::body(req)?;
            res::required(&body, "name")?;
            res::create(shared, Kind::Roles, Value::Object(body), "rol_")
        }
        ("GET", Some(id)) => {
            grant.require(&["read:roles"])?;
            res::get(shared, req, Kind::Roles, id)
        }
        ("PATCH", Some(id)) => {
            grant.require(&["update:roles"])?;
            let body = res::body(req)?;
            res::update(shared, Kind::Roles, id, &body, &[])
        }
        (_, Some(id)) => {
            grant.require(&["delete:roles"])?;
            res::delete(shared, Kind::Roles, id)?;
            let role = Value::String(id.to_owned());
            for (key, list) in &mut lock(&shared.store).links {
                if key.ends_with("/roles") {
                    list.retain(|v| *v != role);
                }
            }
            res::no_content()
        }
        _ => Err(crate::mgmt::not_modelled(req)),
    }
}

/// `GET|POST|DELETE /roles/{id}/permissions`.
pub(crate) fn permissions(shared: &Shared, req: &Req, grant: &Grant, id: &str) -> Answer {
    res::find(shared, Kind::Roles, id)?;
    let key = format!("roles/{id}/permissions");
    match req.method.as_str() {
        "GET" => {
            grant.require(&["read:roles"])?;
            paging::offset(req, res::link(shared, &key), "permissions", false)
        }
        "POST" => {
            grant.require(&["update:roles"])?;
            let perms = permission_list(shared, &res::body(req)?)?;
            res::link_add(shared, key, perms);
            Ok(crate::wire::Resp::empty(http::StatusCode::CREATED))
        }
        _ => {
            grant.require(&["update:roles"])?;
            let perms = permission_list(shared, &res::body(req)?)?;
            res::link_remove(shared, &key, &perms);
            res::no_content()
        }
    }
}

/// `GET|POST /roles/{id}/users` (offset or checkpoint paging).
pub(crate) fn users(shared: &Shared, req: &Req, grant: &Grant, id: &str) -> Answer {
    res::find(shared, Kind::Roles, id)?;
    if req.method == http::Method::POST {
        grant.require(&["create:role_members", "update:roles"])?;
        let users = res::string_list(&res::body(req)?, "users")?;
        for u in &users {
            res::find(shared, Kind::Users, u)?;
        }
        for u in users {
            res::link_add(
                shared,
                format!("users/{u}/roles"),
                vec![Value::String(id.to_owned())],
            );
        }
        return res::no_content();
    }
    grant.require(&["read:role_members", "read:users"])?;
    let role = Value::String(id.to_owned());
    let members: Vec<Value> = {
        let store = lock(&shared.store);
        store
            .list(Kind::Users)
            .iter()
            .filter(|u| {
                let uid = u["user_id"].as_str().unwrap_or_default();
                store.link(&format!("users/{uid}/roles")).contains(&role)
            })
            .map(|u| {
                serde_json::json!({
                    "user_id": u["user_id"],
                    "email": u.get("email"),
                    "picture": u.get("picture"),
                    "name": u.get("name"),
                })
            })
            .collect()
    };
    if paging::is_checkpoint(req) {
        paging::checkpoint(req, members, "users")
    } else {
        paging::offset(req, members, "users", false)
    }
}

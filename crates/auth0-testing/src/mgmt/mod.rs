//! The Management API (`/api/v2/…`).

pub(crate) mod auth;
pub(crate) mod client_grants;
pub(crate) mod clients;
pub(crate) mod connections;
pub(crate) mod jobs;
pub(crate) mod logs;
pub(crate) mod organizations;
pub(crate) mod paging;
pub(crate) mod resource_servers;
pub(crate) mod resources;
pub(crate) mod roles;
pub(crate) mod users;

use crate::errors;
use crate::state::Kind;
use crate::tenant::Shared;
use crate::wire::{Req, Resp, decode};

use auth::Grant;
use resources::{self as res, Answer};

/// The resource kind of a Management API collection name.
pub(crate) fn kind_of(name: &str) -> Option<Kind> {
    Some(match name {
        "users" => Kind::Users,
        "connections" => Kind::Connections,
        "clients" => Kind::Clients,
        "client-grants" | "client_grants" => Kind::ClientGrants,
        "resource-servers" | "resource_servers" => Kind::ResourceServers,
        "roles" => Kind::Roles,
        "organizations" => Kind::Organizations,
        _ => return None,
    })
}

/// Routes a Management API request.
pub(crate) fn handle(shared: &Shared, req: &Req) -> Resp {
    let grant = match auth::authorize(shared, req) {
        Ok(g) => g,
        Err(resp) => return resp,
    };
    let segments: Vec<String> = req.path["/api/v2/".len()..]
        .split('/')
        .filter(|s| !s.is_empty())
        .map(decode)
        .collect();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    let resp = match route(shared, req, &grant, &segments) {
        Ok(resp) | Err(resp) => resp,
    };
    if req.method != http::Method::GET {
        let kind = if resp.status.is_success() {
            "sapi"
        } else {
            "fapi"
        };
        let description = format!("{} {}", req.method, req.path);
        let client = grant.sub.strip_suffix("@clients").map(str::to_owned);
        let now = shared.now();
        crate::activity::log(
            &mut crate::tenant::lock(&shared.store),
            now,
            &crate::activity::Event {
                kind,
                description: &description,
                client_id: client.as_deref(),
                user_id: None,
            },
        );
    }
    resp
}

fn route(shared: &Shared, req: &Req, grant: &Grant, s: &[&str]) -> Answer {
    let m = req.method.as_str();
    match (m, s) {
        ("GET", ["users"]) => {
            grant.require(&["read:users"])?;
            users::list(shared, req)
        }
        ("POST", ["users"]) => {
            grant.require(&["create:users"])?;
            users::create(shared, req)
        }
        ("GET", ["users", id]) => {
            grant.require(&["read:users"])?;
            res::get(shared, req, Kind::Users, id)
        }
        ("PATCH", ["users", id]) => {
            grant.require(&["update:users", "update:users_app_metadata"])?;
            users::update(shared, req, id)
        }
        ("DELETE", ["users", id]) => {
            grant.require(&["delete:users"])?;
            users::delete(shared, id)
        }
        ("GET", ["users-by-email"]) => {
            grant.require(&["read:users"])?;
            users::by_email(shared, req)
        }
        ("GET" | "POST" | "DELETE", ["users", id, "roles"]) => users::roles(shared, req, grant, id),
        ("GET" | "POST" | "DELETE", ["users", id, "permissions"]) => {
            users::permissions(shared, req, grant, id)
        }
        ("POST", ["users", id, "identities"]) => {
            grant.require(&["update:users"])?;
            users::link_identity(shared, req, id)
        }
        ("DELETE", ["users", id, "identities", provider, secondary]) => {
            grant.require(&["update:users"])?;
            users::unlink_identity(shared, id, provider, secondary)
        }
        ("GET", ["users", id, "organizations"]) => {
            grant.require(&["read:organizations"])?;
            users::organizations(shared, req, id)
        }
        ("GET", ["users", id, "logs"]) => {
            grant.require(&["read:logs", "read:logs_users"])?;
            users::logs(shared, req, id)
        }
        ("GET", ["user-blocks"] | ["user-blocks", _]) => {
            grant.require(&["read:users"])?;
            users::blocks(shared, req, s.get(1).copied())
        }
        ("DELETE", ["user-blocks"] | ["user-blocks", _]) => {
            grant.require(&["update:users"])?;
            users::blocks(shared, req, s.get(1).copied())
        }
        (_, ["connections"]) => connections::handle(shared, req, grant, None),
        ("GET" | "PATCH" | "DELETE", ["connections", id]) => {
            connections::handle(shared, req, grant, Some(id))
        }
        (_, ["clients"]) => clients::handle(shared, req, grant, None),
        ("GET" | "PATCH" | "DELETE", ["clients", id]) => {
            clients::handle(shared, req, grant, Some(id))
        }
        ("POST", ["clients", id, "rotate-secret"]) => clients::rotate_secret(shared, grant, id),
        ("GET" | "POST", ["clients", id, "credentials"]) => {
            clients::credentials(shared, req, grant, id, None)
        }
        ("GET" | "DELETE", ["clients", id, "credentials", cid]) => {
            clients::credentials(shared, req, grant, id, Some(cid))
        }
        (_, ["client-grants"]) => client_grants::handle(shared, req, grant, None),
        ("GET" | "PATCH" | "DELETE", ["client-grants", id]) => {
            client_grants::handle(shared, req, grant, Some(id))
        }
        (_, ["resource-servers"]) => resource_servers::handle(shared, req, grant, None),
        ("GET" | "PATCH" | "DELETE", ["resource-servers", id]) => {
            resource_servers::handle(shared, req, grant, Some(id))
        }
        (_, ["roles"]) => roles::handle(shared, req, grant, None),
        ("GET" | "PATCH" | "DELETE", ["roles", id]) => roles::handle(shared, req, grant, Some(id)),
        ("GET" | "POST" | "DELETE", ["roles", id, "permissions"]) => {
            roles::permissions(shared, req, grant, id)
        }
        ("GET" | "POST", ["roles", id, "users"]) => roles::users(shared, req, grant, id),
        (_, ["organizations"]) => organizations::handle(shared, req, grant, None),
        ("GET", ["organizations", "name", name]) => organizations::by_name(shared, grant, name),
        ("GET" | "PATCH" | "DELETE", ["organizations", id]) => {
            organizations::handle(shared, req, grant, Some(id))
        }
        ("GET" | "POST" | "DELETE", ["organizations", id, "members"]) => {
            organizations::members(shared, req, grant, id)
        }
        ("GET" | "POST" | "DELETE", ["organizations", id, "members", user, "roles"]) => {
            organizations::member_roles(shared, req, grant, id, user)
        }
        ("GET" | "POST", ["organizations", id, "invitations"]) => {
            organizations::invitations(shared, req, grant, id, None)
        }
        ("GET" | "DELETE", ["organizations", id, "invitations", inv]) => {
            organizations::invitations(shared, req, grant, id, Some(inv))
        }
        ("GET" | "POST", ["organizations", id, "enabled_connections"]) => {
            organizations::enabled_connections(shared, req, grant, id, None)
        }
        ("GET" | "PATCH" | "DELETE", ["organizations", id, "enabled_connections", cid]) => {
            organizations::enabled_connections(shared, req, grant, id, Some(cid))
        }
        ("GET", ["logs"]) => logs::list(shared, req, grant),
        ("GET", ["logs", id]) => logs::get(shared, grant, id),
        ("POST", ["jobs", "verification-email"]) => jobs::verification_email(shared, req, grant),
        ("POST", ["jobs", "users-exports"]) => jobs::users_export(shared, req, grant),
        ("POST", ["jobs", "users-imports"]) => jobs::users_import(shared, req, grant),
        ("GET", ["jobs", id]) => jobs::get(shared, grant, id),
        ("GET", ["jobs", id, "errors"]) => jobs::job_errors(shared, grant, id),
        _ => Err(not_modelled(req)),
    }
}

/// The answer for operations the tenant does not model and no test registered.
pub(crate) fn not_modelled(req: &Req) -> Resp {
    errors::mgmt(
        404,
        &format!(
            "The fake tenant does not model {} {}; register a response with FakeTenant::register_response",
            req.method, req.path
        ),
        "inexistent_route",
    )
}

//! The Management API (`/api/v2/…`).

pub(crate) mod auth;
pub(crate) mod users;

use crate::errors;
use crate::state::Kind;
use crate::tenant::Shared;
use crate::wire::{Req, Resp, decode};

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
    let _ = (&grant, &segments);
    not_modelled(req)
}

/// The answer for operations the tenant does not model and no test registered.
fn not_modelled(req: &Req) -> Resp {
    errors::mgmt(
        404,
        &format!(
            "The fake tenant does not model {} {}; register a response with FakeTenant::register_response",
            req.method, req.path
        ),
        "inexistent_route",
    )
}

//! Client grants.

use serde_json::Value;

use crate::errors;
use crate::mgmt::auth::Grant;
use crate::mgmt::resources::{self as res, Answer};
use crate::state::Kind;
use crate::tenant::{Shared, lock};
use crate::wire::Req;

/// `/client-grants` and `/client-grants/{id}`.
pub(crate) fn handle(shared: &Shared, req: &Req, grant: &Grant, id: Option<&str>) -> Answer {
    match (req.method.as_str(), id) {
        ("GET", None) => {
            grant.require(&["read:client_grants"])?;
            let audience = req.query("audience").map(str::to_owned);
            let client_id = req.query("client_id").map(str::to_owned);
            res::list(shared, req, Kind::ClientGrants, |g| {
                audience
                    .as_deref()
                    .is_none_or(|a| g.get("audience").and_then(Value::as_str) == Some(a))
                    && client_id
                        .as_deref()
                        .is_none_or(|c| g.get("client_id").and_then(Value::as_str) == Some(c))
            })
        }
        ("POST", None) => {
            grant.require(&["create:client_grants"])?;
            let body = res::body(req)?;
            let client_id = res::required(&body, "client_id")?.to_owned();
            let audience = res::required(&body, "audience")?.to_owned();
            if !body.get("scope").is_some_and(Value::is_array) {
                return Err(res::body_error("Missing required property: scope"));
            }
            {
                let store = lock(&shared.store);
                if store.client(&client_id).is_none() {
                    return Err(errors::mgmt(
                        404,
                        "The client does not exist",
                        "inexistent_client",
                    ));
                }
                if store.resource_server(&audience).is_none() {
                    return Err(errors::mgmt(
                        404,
                        "The resource server does not exist",
                        "inexistent_resource_server",
                    ));
                }
                if store.client_grant(&client_id, &audience).is_some() {
                    return Err(errors::mgmt(
                        409,
                        "A client grant for this client and API already exists",
                        "client_grant_conflicts",
                    ));
                }
            }
            res::create(shared, Kind::ClientGrants, Value::Object(body), "cgr_")
        }
        ("GET", Some(id)) => {
            grant.require(&["read:client_grants"])?;
            res::get(shared, req, Kind::ClientGrants, id)
        }
        ("PATCH", Some(id)) => {
            grant.require(&["update:client_grants"])?;
            let body = res::body(req)?;
            res::update(
                shared,
                Kind::ClientGrants,
                id,
                &body,
                &["client_id", "audience"],
            )
        }
        (_, Some(id)) => {
            grant.require(&["delete:client_grants"])?;
            res::delete(shared, Kind::ClientGrants, id)
        }
        _ => Err(crate::mgmt::not_modelled(req)),
    }
}

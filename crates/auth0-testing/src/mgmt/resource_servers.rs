//! Resource servers (APIs).

use serde_json::{Value, json};

use crate::mgmt::auth::Grant;
use crate::mgmt::resources::{self as res, Answer};
use crate::state::Kind;
use crate::tenant::{Shared, lock};
use crate::wire::Req;

/// The stored id of a resource server named by id or identifier.
fn resolve_id(shared: &Shared, id_or_identifier: &str) -> String {
    lock(&shared.store)
        .resource_server(id_or_identifier)
        .and_then(|r| r.get("id").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_else(|| id_or_identifier.to_owned())
}

/// `/resource-servers` and `/resource-servers/{id}` (id or identifier).
pub(crate) fn handle(shared: &Shared, req: &Req, grant: &Grant, id: Option<&str>) -> Answer {
    match (req.method.as_str(), id) {
        ("GET", None) => {
            grant.require(&["read:resource_servers"])?;
            let identifiers: Vec<String> = req
                .query
                .iter()
                .filter(|(k, _)| k == "identifiers")
                .map(|(_, v)| v.clone())
                .collect();
            res::list(shared, req, Kind::ResourceServers, |r| {
                identifiers.is_empty()
                    || identifiers
                        .iter()
                        .any(|i| r.get("identifier").and_then(Value::as_str) == Some(i))
            })
        }
        ("POST", None) => {
            grant.require(&["create:resource_servers"])?;
            let body = res::body(req)?;
            res::required(&body, "identifier")?;
            let mut item = Value::Object(body);
            for (field, default) in [
                ("scopes", json!([])),
                ("signing_alg", json!("RS256")),
                ("token_lifetime", json!(86400)),
                ("allow_offline_access", json!(false)),
                (
                    "skip_consent_for_verifiable_first_party_clients",
                    json!(true),
                ),
            ] {
                if item.get(field).is_none() {
                    item[field] = default;
                }
            }
            if item.get("name").is_none() {
                item["name"] = item["identifier"].clone();
            }
            res::create(shared, Kind::ResourceServers, item, "")
        }
        ("GET", Some(id)) => {
            grant.require(&["read:resource_servers"])?;
            res::get(shared, req, Kind::ResourceServers, &resolve_id(shared, id))
        }
        ("PATCH", Some(id)) => {
            grant.require(&["update:resource_servers"])?;
            let body = res::body(req)?;
            res::update(
                shared,
                Kind::ResourceServers,
                &resolve_id(shared, id),
                &body,
                &["identifier"],
            )
        }
        (_, Some(id)) => {
            grant.require(&["delete:resource_servers"])?;
            res::delete(shared, Kind::ResourceServers, &resolve_id(shared, id))
        }
        _ => Err(crate::mgmt::not_modelled(req)),
    }
}

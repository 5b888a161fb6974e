//! Connections.

use serde_json::{Value, json};

use crate::mgmt::auth::Grant;
use crate::mgmt::resources::{self as res, Answer};
use crate::state::Kind;
use crate::tenant::Shared;
use crate::wire::Req;

/// `/connections` and `/connections/{id}`.
pub(crate) fn handle(shared: &Shared, req: &Req, grant: &Grant, id: Option<&str>) -> Answer {
    match (req.method.as_str(), id) {
        ("GET", None) => {
            grant.require(&["read:connections"])?;
            let names: Vec<String> = req
                .query
                .iter()
                .filter(|(k, _)| k == "name")
                .map(|(_, v)| v.clone())
                .collect();
            let strategies: Vec<String> = req
                .query
                .iter()
                .filter(|(k, _)| k == "strategy")
                .map(|(_, v)| v.clone())
                .collect();
            res::list(shared, req, Kind::Connections, |c| {
                let field = |f: &str| {
                    c.get(f)
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned()
                };
                (names.is_empty() || names.contains(&field("name")))
                    && (strategies.is_empty() || strategies.contains(&field("strategy")))
            })
        }
        ("POST", None) => {
            grant.require(&["create:connections"])?;
            let body = res::body(req)?;
            let name = res::required(&body, "name")?.to_owned();
            res::required(&body, "strategy")?;
            let mut item = Value::Object(body);
            for (field, default) in [
                ("options", json!({})),
                ("enabled_clients", json!([])),
                ("realms", json!([name])),
                ("is_domain_connection", json!(false)),
            ] {
                if item.get(field).is_none() {
                    item[field] = default;
                }
            }
            res::create(shared, Kind::Connections, item, "con_")
        }
        ("GET", Some(id)) => {
            grant.require(&["read:connections"])?;
            res::get(shared, req, Kind::Connections, id)
        }
        ("PATCH", Some(id)) => {
            grant.require(&["update:connections"])?;
            let body = res::body(req)?;
            res::update(shared, Kind::Connections, id, &body, &["name", "strategy"])
        }
        (_, Some(id)) => {
            grant.require(&["delete:connections"])?;
            res::delete(shared, Kind::Connections, id)
        }
        _ => Err(crate::mgmt::not_modelled(req)),
    }
}

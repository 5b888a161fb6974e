//! Clients (applications), their secrets and `private_key_jwt` credentials.

use http::StatusCode;
use serde_json::{Value, json};

use crate::errors;
use crate::ids;
use crate::mgmt::auth::Grant;
use crate::mgmt::paging;
use crate::mgmt::resources::{self as res, Answer};
use crate::pem;
use crate::state::{Credential, Kind};
use crate::tenant::{Shared, lock};
use crate::wire::{Req, Resp};

/// `/clients` and `/clients/{id}`.
pub(crate) fn handle(shared: &Shared, req: &Req, grant: &Grant, id: Option<&str>) -> Answer {
    match (req.method.as_str(), id) {
        ("GET", None) => {
            grant.require(&["read:clients"])?;
            let app_types: Option<Vec<String>> = req
                .query("app_type")
                .map(|t| t.split(',').map(str::to_owned).collect());
            res::list(shared, req, Kind::Clients, |c| {
                app_types.as_ref().is_none_or(|types| {
                    c.get("app_type")
                        .and_then(Value::as_str)
                        .is_some_and(|t| types.iter().any(|x| x == t))
                })
            })
        }
        ("POST", None) => {
            grant.require(&["create:clients"])?;
            let body = res::body(req)?;
            res::required(&body, "name")?;
            let mut item = Value::Object(body);
            let public = item
                .get("token_endpoint_auth_method")
                .and_then(Value::as_str)
                == Some("none")
                || matches!(
                    item.get("app_type").and_then(Value::as_str),
                    Some("spa" | "native")
                );
            if item.get("client_id").is_none() {
                item["client_id"] = json!(ids::alnum(32));
            }
            if public {
                item["token_endpoint_auth_method"] = json!("none");
            } else if item.get("client_secret").is_none() {
                item["client_secret"] = json!(ids::alnum(64));
            }
            for (field, default) in [
                ("token_endpoint_auth_method", json!("client_secret_post")),
                (
                    "grant_types",
                    json!([
                        "authorization_code",
                        "implicit",
                        "refresh_token",
                        "client_credentials"
                    ]),
                ),
                ("callbacks", json!([])),
                ("is_first_party", json!(true)),
                ("app_type", json!("regular_web")),
            ] {
                if item.get(field).is_none() {
                    item[field] = default;
                }
            }
            res::create(shared, Kind::Clients, item, "")
        }
        ("GET", Some(id)) => {
            grant.require(&["read:clients"])?;
            res::get(shared, req, Kind::Clients, id)
        }
        ("PATCH", Some(id)) => {
            grant.require(&["update:clients"])?;
            let body = res::body(req)?;
            res::update(shared, Kind::Clients, id, &body, &[])
        }
        (_, Some(id)) => {
            grant.require(&["delete:clients"])?;
            res::delete(shared, Kind::Clients, id)?;
            lock(&shared.store).credentials.remove(id);
            res::no_content()
        }
        _ => Err(crate::mgmt::not_modelled(req)),
    }
}

/// `POST /clients/{id}/rotate-secret`.
pub(crate) fn rotate_secret(shared: &Shared, grant: &Grant, id: &str) -> Answer {
    grant.require(&["update:client_keys", "update:clients"])?;
    let mut store = lock(&shared.store);
    let client = store
        .get_mut(Kind::Clients, id)
        .ok_or_else(|| res::not_found(Kind::Clients))?;
    client["client_secret"] = json!(ids::alnum(64));
    Ok(Resp::ok(client))
}

fn credential_json(c: &Credential) -> Value {
    json!({
        "id": c.id,
        "name": c.name,
        "kid": c.kid,
        "credential_type": "public_key",
        "alg": "RS256",
    })
}

/// `GET|POST /clients/{id}/credentials` and `GET|DELETE /clients/{id}/credentials/{cid}`.
pub(crate) fn credentials(
    shared: &Shared,
    req: &Req,
    grant: &Grant,
    id: &str,
    credential_id: Option<&str>,
) -> Answer {
    res::find(shared, Kind::Clients, id)?;
    match (req.method.as_str(), credential_id) {
        ("GET", None) => {
            grant.require(&["read:client_credentials"])?;
            let list: Vec<Value> = lock(&shared.store)
                .credentials
                .get(id)
                .map(|l| l.iter().map(credential_json).collect())
                .unwrap_or_default();
            Ok(Resp::ok(&Value::Array(list)))
        }
        ("POST", None) => {
            grant.require(&["create:client_credentials"])?;
            let body = res::body(req)?;
            let pem_text = res::required(&body, "pem")?.to_owned();
            let key = pem::public_key(&pem_text)
                .map_err(|e| errors::mgmt(400, &format!("Invalid pem: {e}"), "invalid_body"))?;
            let cred = Credential {
                id: ids::prefixed("cred_"),
                kid: body
                    .get("kid")
                    .and_then(Value::as_str)
                    .map_or_else(|| ids::alnum(43), str::to_owned),
                key,
                name: body
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
            };
            let out = credential_json(&cred);
            lock(&shared.store)
                .credentials
                .entry(id.to_owned())
                .or_default()
                .push(cred);
            Ok(Resp::json(StatusCode::CREATED, &out))
        }
        ("GET", Some(cid)) => {
            grant.require(&["read:client_credentials"])?;
            let store = lock(&shared.store);
            let found = store
                .credentials
                .get(id)
                .and_then(|l| l.iter().find(|c| c.id == cid));
            match found {
                Some(c) => Ok(Resp::ok(&paging::select_fields(req, credential_json(c)))),
                None => Err(errors::mgmt(
                    404,
                    "The credential does not exist.",
                    "inexistent_credential",
                )),
            }
        }
        ("DELETE", Some(cid)) => {
            grant.require(&["delete:client_credentials"])?;
            let mut store = lock(&shared.store);
            let list = store.credentials.entry(id.to_owned()).or_default();
            let before = list.len();
            list.retain(|c| c.id != cid);
            if list.len() == before {
                return Err(errors::mgmt(
                    404,
                    "The credential does not exist.",
                    "inexistent_credential",
                ));
            }
            res::no_content()
        }
        _ => Err(crate::mgmt::not_modelled(req)),
    }
}

//! Generic create/read/update/delete over the stored resource kinds.

use http::StatusCode;
use serde_json::{Map, Value, json};

use crate::errors;
use crate::ids;
use crate::mgmt::paging;
use crate::state::{Kind, merge};
use crate::tenant::{Shared, lock};
use crate::wire::{Req, Resp};

/// Handlers answer `Ok(response)`, or `Err(error response)` to stop early with `?`.
pub(crate) type Answer = Result<Resp, Resp>;

/// The singular name used in Auth0's messages and error codes.
pub(crate) fn singular(kind: Kind) -> &'static str {
    match kind {
        Kind::Users => "user",
        Kind::Connections => "connection",
        Kind::Clients => "client",
        Kind::ClientGrants => "client_grant",
        Kind::ResourceServers => "resource_server",
        Kind::Roles => "role",
        Kind::Organizations => "organization",
    }
}

/// Auth0's 404 for a missing resource.
pub(crate) fn not_found(kind: Kind) -> Resp {
    let name = singular(kind);
    errors::mgmt(
        404,
        &format!("The {} does not exist.", name.replace('_', " ")),
        &format!("inexistent_{name}"),
    )
}

/// Auth0's 400 for an invalid body.
pub(crate) fn body_error(message: &str) -> Resp {
    errors::mgmt(
        400,
        &format!("Payload validation error: '{message}'."),
        "invalid_body",
    )
}

/// The parsed JSON body, or Auth0's 400.
pub(crate) fn body(req: &Req) -> Result<Map<String, Value>, Resp> {
    req.json_body()
        .map_err(|m| errors::mgmt(400, &m, "invalid_body"))
}

/// A required string property of a body.
pub(crate) fn required<'a>(body: &'a Map<String, Value>, name: &str) -> Result<&'a str, Resp> {
    match body.get(name) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s),
        Some(Value::String(_)) => Err(body_error(&format!(
            "String is too short (0 chars), minimum 1 on property {name}"
        ))),
        Some(_) => Err(body_error(&format!(
            "Expected type string on property {name}"
        ))),
        None => Err(body_error(&format!("Missing required property: {name}"))),
    }
}

/// A resource by id, or Auth0's 404.
pub(crate) fn find(shared: &Shared, kind: Kind, id: &str) -> Result<Value, Resp> {
    lock(&shared.store)
        .get(kind, id)
        .cloned()
        .ok_or_else(|| not_found(kind))
}

/// `GET /{kind}/{id}`.
pub(crate) fn get(shared: &Shared, req: &Req, kind: Kind, id: &str) -> Answer {
    let item = find(shared, kind, id)?;
    Ok(Resp::ok(&paging::select_fields(req, item)))
}

/// `GET /{kind}` with offset paging over the items that pass `keep`.
pub(crate) fn list(
    shared: &Shared,
    req: &Req,
    kind: Kind,
    keep: impl Fn(&Value) -> bool,
) -> Answer {
    let items: Vec<Value> = lock(&shared.store)
        .list(kind)
        .iter()
        .filter(|v| keep(v))
        .cloned()
        .collect();
    paging::offset(req, items, kind.plural(), false)
}

/// The field that must be unique for a kind, if any.
fn unique_field(kind: Kind) -> Option<&'static str> {
    match kind {
        Kind::Connections | Kind::Roles | Kind::Organizations => Some("name"),
        Kind::ResourceServers => Some("identifier"),
        _ => None,
    }
}

/// Stores a new resource (id generated when absent); 201 with the stored object.
pub(crate) fn create(shared: &Shared, kind: Kind, mut item: Value, id_prefix: &str) -> Answer {
    let id_field = kind.id_field();
    if item.get(id_field).and_then(Value::as_str).is_none() {
        item[id_field] = json!(if id_prefix.is_empty() {
            ids::alnum(24)
        } else {
            ids::prefixed(id_prefix)
        });
    }
    let mut store = lock(&shared.store);
    if let Some(field) = unique_field(kind) {
        let wanted = item.get(field).cloned();
        if store
            .list(kind)
            .iter()
            .any(|v| v.get(field) == wanted.as_ref())
        {
            let name = singular(kind).replace('_', " ");
            return Err(errors::mgmt(
                409,
                &format!("A {name} with the same {field} already exists"),
                &format!("{}_conflicts", singular(kind)),
            ));
        }
    }
    store.list_mut(kind).push(item.clone());
    Ok(Resp::json(StatusCode::CREATED, &item))
}

/// Merges a PATCH body into a resource; `immutable` properties are refused like Auth0 does.
pub(crate) fn update(
    shared: &Shared,
    kind: Kind,
    id: &str,
    patch: &Map<String, Value>,
    immutable: &[&str],
) -> Answer {
    if let Some(field) = patch
        .keys()
        .find(|k| immutable.contains(&k.as_str()) || *k == kind.id_field())
    {
        return Err(body_error(&format!(
            "Additional properties not allowed: {field}"
        )));
    }
    let mut store = lock(&shared.store);
    if let Some(field) = unique_field(kind)
        && let Some(wanted) = patch.get(field)
        && store.list(kind).iter().any(|v| {
            v.get(field) == Some(wanted)
                && v.get(kind.id_field()).and_then(Value::as_str) != Some(id)
        })
    {
        return Err(errors::mgmt(
            409,
            &format!(
                "A {} with the same {field} already exists",
                singular(kind).replace('_', " ")
            ),
            &format!("{}_conflicts", singular(kind)),
        ));
    }
    let item = store.get_mut(kind, id).ok_or_else(|| not_found(kind))?;
    merge(item, patch);
    Ok(Resp::ok(item))
}

/// Deletes a resource and the lists hanging off it; 204.
pub(crate) fn delete(shared: &Shared, kind: Kind, id: &str) -> Answer {
    let mut store = lock(&shared.store);
    if !store.remove(kind, id) {
        return Err(not_found(kind));
    }
    let prefix = format!("{}/{id}/", kind.plural());
    store.links.retain(|k, _| !k.starts_with(&prefix));
    Ok(Resp::empty(StatusCode::NO_CONTENT))
}

/// A required array-of-strings property (`roles`, `users`, `members`).
pub(crate) fn string_list(body: &Map<String, Value>, name: &str) -> Result<Vec<String>, Resp> {
    let Some(Value::Array(items)) = body.get(name) else {
        return Err(body_error(&format!("Missing required property: {name}")));
    };
    if items.is_empty() {
        return Err(body_error(&format!(
            "Array is too short (0), minimum 1 on property {name}"
        )));
    }
    items
        .iter()
        .map(|v| {
            v.as_str()
                .map(str::to_owned)
                .ok_or_else(|| body_error(&format!("Expected type string on property {name}")))
        })
        .collect()
}

/// Adds ids to a linked list (without duplicates).
pub(crate) fn link_add(shared: &Shared, key: String, values: Vec<Value>) {
    let mut store = lock(&shared.store);
    let list = store.link_mut(key);
    for v in values {
        if !list.contains(&v) {
            list.push(v);
        }
    }
}

/// Removes values from a linked list.
pub(crate) fn link_remove(shared: &Shared, key: &str, values: &[Value]) {
    let mut store = lock(&shared.store);
    if let Some(list) = store.links.get_mut(key) {
        list.retain(|v| !values.contains(v));
    }
}

/// A linked list's items.
pub(crate) fn link(shared: &Shared, key: &str) -> Vec<Value> {
    lock(&shared.store).link(key).to_vec()
}

/// Resolves linked ids to stored resources (missing ones are skipped).
pub(crate) fn resolve(shared: &Shared, kind: Kind, ids: &[Value]) -> Vec<Value> {
    let store = lock(&shared.store);
    ids.iter()
        .filter_map(|id| id.as_str().and_then(|id| store.get(kind, id)).cloned())
        .collect()
}

/// 204 No Content.
#[allow(clippy::unnecessary_wraps)] // handlers end with it
pub(crate) fn no_content() -> Answer {
    Ok(Resp::empty(StatusCode::NO_CONTENT))
}

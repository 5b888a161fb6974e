//! Corrections applied to the spec in memory before types are mapped, each one backed by real
//! Auth0 responses (the go-auth0 recordings in `crates/auth0-management/tests/data/`).
//!
//! The vendored file stays byte-for-byte Auth0's; every change is listed here with its reason.
//! A correction whose target has gone from the spec fails the generator, so a spec update that
//! fixes (or moves) the shape is noticed.

use serde_json::{Value, json};

/// Properties the spec types as non-nullable that Auth0 sends as `null`.
const SENT_AS_NULL: &[(&str, &str)] = &[
    // Forms: a node that was never placed on the canvas.
    ("FormFlow", "coordinates"),
    ("FormRouter", "coordinates"),
    ("FormStep", "coordinates"),
];

/// Schemas whose every optional property Auth0 may send as `null`: log events fill in only
/// what applies (`audience`, `connection`, `connection_id`, `client_name`, `hostname`,
/// `details`, … are `null` otherwise); forms send unset parts (`coordinates`,
/// `redirection`, `languages.default`, `style.css`, …) as `null`.
const ALL_OPTIONAL_NULLABLE: &[&str] = &[
    "Log",
    "GetLogResponseContent",
    "FormEndingNode",
    "FormStartNode",
    "FormLanguages",
    "FormStyle",
];

/// Operations whose spec declares no response body but to which Auth0 answers JSON in every
/// 2xx of the recordings: (method, path, schema of the body). The schema goes on the first 2xx
/// response, marked [`UNDECLARED`]: `send()` then returns `Option<T>`, `None` when Auth0 keeps
/// to the spec and sends nothing (`DELETE /connections/{id}` answers `204` without a body once
/// the connection is gone).
const UNDECLARED_RESPONSES: &[(&str, &str, &str)] = &[
    // `{"deleted_at": "…"}` (202; 145 recordings).
    (
        "delete",
        "/connections/{id}",
        "DeleteConnectionResponseContent",
    ),
    // `{"code": 204, "object": ""}` (200; 6 recordings).
    (
        "delete",
        "/network-acls/{id}",
        "DeleteNetworkAclResponseContent",
    ),
    // The created ACL, as `GET /network-acls/{id}` answers it (201; 6 recordings).
    ("post", "/network-acls", "GetNetworkAclsResponseContent"),
    // The updated profile, as `GET /token-exchange-profiles/{id}` answers it (200).
    (
        "patch",
        "/token-exchange-profiles/{id}",
        "GetTokenExchangeProfileResponseContent",
    ),
    // The stored texts of the language, as the `GET` answers them (`{}` once cleared).
    (
        "put",
        "/prompts/{prompt}/custom-text/{language}",
        "GetCustomTextsByLanguageResponseContent",
    ),
    // The stored partials, as the `GET` answers them (`{}` once cleared).
    (
        "put",
        "/prompts/{prompt}/partials",
        "GetPartialsResponseContent",
    ),
    // The rest answer an empty object `{}`.
    ("delete", "/users/{user_id}/refresh-tokens", EMPTY),
    ("delete", "/roles/{id}", EMPTY),
    ("delete", "/sessions/{id}", EMPTY),
    ("delete", "/users/{user_id}/sessions", EMPTY),
    ("patch", "/hooks/{id}/secrets", EMPTY),
    ("post", "/hooks/{id}/secrets", EMPTY),
    ("post", "/users/{id}/permissions", EMPTY),
    ("post", "/event-streams/{id}/redeliver/{event_id}", EMPTY),
    ("post", "/roles/{id}/permissions", EMPTY),
    ("post", "/roles/{id}/users", EMPTY),
    ("put", "/branding/templates/universal-login", EMPTY),
    ("post", "/sessions/{id}/revoke", EMPTY),
];

/// The schema of the empty object `{}` some operations answer.
const EMPTY: &str = "EmptyResponseContent";

/// Marks a response whose body the spec does not declare (see [`UNDECLARED_RESPONSES`]).
pub(crate) const UNDECLARED: &str = "x-auth0-rs-undeclared-body";

/// Schemas added for [`UNDECLARED_RESPONSES`]; none of the spec has their shape.
fn added_schemas() -> Vec<(&'static str, Value)> {
    vec![
        (
            "DeleteConnectionResponseContent",
            json!({
                "type": "object",
                "description": "The connection is being deleted.",
                "properties": {
                    "deleted_at": {
                        "type": "string",
                        "format": "date-time",
                        "description": "When the deletion was accepted."
                    }
                }
            }),
        ),
        (
            "DeleteNetworkAclResponseContent",
            json!({
                "type": "object",
                "description": "Auth0's acknowledgement of a deleted network ACL.",
                "properties": {
                    "code": { "type": "integer" },
                    "object": { "type": "string" }
                }
            }),
        ),
        (
            EMPTY,
            json!({
                "type": "object",
                "description": "An empty object: the operation has nothing to report."
            }),
        ),
    ]
}

/// Applies every correction; returns a one-line description of each.
pub(crate) fn apply(root: &mut Value) -> Result<Vec<String>, String> {
    let mut applied = Vec::new();

    // Schemas first, so that the corrections below treat them like the spec's own.
    let schemas = root
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .ok_or_else(|| "the spec has no components/schemas".to_owned())?;
    for (name, schema) in added_schemas() {
        if schemas.contains_key(name) {
            return Err(format!(
                "schema {name} is in the spec now: drop it from the overrides"
            ));
        }
        schemas.insert(name.to_owned(), schema);
    }
    for (method, path, schema) in UNDECLARED_RESPONSES {
        let pointer = format!("/paths/{}/{method}/responses", path.replace('/', "~1"));
        let response = root
            .pointer_mut(&pointer)
            .and_then(Value::as_object_mut)
            .and_then(|r| r.iter_mut().find(|(code, _)| code.starts_with('2')))
            .map(|(_, r)| r)
            .ok_or_else(|| format!("override target {pointer} has no 2xx response"))?;
        if response.get("content").is_some() {
            return Err(format!(
                "{} {path} declares a response body now: drop its override",
                method.to_uppercase()
            ));
        }
        response["content"] = json!({
            "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } }
        });
        response[UNDECLARED] = json!(true);
        applied.push(format!(
            "{} {path} answers {schema} (or no body)",
            method.to_uppercase()
        ));
    }

    // Auth0 sends `null` for unset timestamps (flows `executed_at`, forms `embedded_at`, vault
    // connections `refreshed_at`, client credentials `expires_at`, …): every optional
    // date/date-time string property accepts and keeps `null`.
    let mut timestamps = 0;
    if let Some(schemas) = root
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for schema in schemas.values_mut() {
            let required: Vec<String> = schema
                .get("required")
                .and_then(Value::as_array)
                .map(|r| {
                    r.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default();
            let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
                continue;
            };
            for (name, prop) in props.iter_mut() {
                let is_date = matches!(
                    prop.get("format").and_then(Value::as_str),
                    Some("date" | "date-time")
                );
                if is_date && prop.get("type") == Some(&json!("string")) && !required.contains(name)
                {
                    prop["type"] = json!(["string", "null"]);
                    timestamps += 1;
                }
            }
        }
    }
    applied.push(format!(
        "{timestamps} optional timestamp properties accept null"
    ));

    for (schema, prop) in SENT_AS_NULL {
        let pointer = format!("/components/schemas/{schema}/properties/{prop}");
        let target = root
            .pointer_mut(&pointer)
            .ok_or_else(|| format!("override target {pointer} is not in the spec"))?;
        make_nullable(target);
        applied.push(format!("{schema}.{prop} accepts null"));
    }

    // Connection options: Auth0 sends unset settings as `null` (`ips` of `ad`,
    // `messaging_service_sid` of `sms`, `discovery_url`/`token_endpoint` of `oidc`, …).
    let connection_options: Vec<String> = root
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|s| {
            s.keys()
                .filter(|k| k.starts_with("ConnectionOptions"))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    let names = ALL_OPTIONAL_NULLABLE
        .iter()
        .map(|s| (*s).to_owned())
        .chain(connection_options);
    for schema in names {
        let pointer = format!("/components/schemas/{schema}");
        let target = root
            .pointer_mut(&pointer)
            .ok_or_else(|| format!("override target {pointer} is not in the spec"))?;
        let mut found = nullable_optional_props(target);
        if let Some(parts) = target.get_mut("allOf").and_then(Value::as_array_mut) {
            for part in parts {
                found |= nullable_optional_props(part);
            }
        }
        if !found {
            if schema.starts_with("ConnectionOptions") {
                continue;
            }
            return Err(format!("override target {pointer} has no properties"));
        }
        applied.push(format!("every optional property of {schema} accepts null"));
    }

    // The event payload inside a delivery is a JSON object, not the string the spec says.
    let data = "/components/schemas/EventStreamCloudEvent/properties/data";
    let target = root
        .pointer_mut(data)
        .ok_or_else(|| format!("override target {data} is not in the spec"))?;
    *target = json!({ "description": "Event contents." });
    applied.push("EventStreamCloudEvent.data is any JSON".to_owned());

    // `GET /event-streams/{id}/deliveries` is checkpoint-paged: Auth0 answers with
    // `{"deliveries": [...], "next": "..."}`, the spec says a bare array.
    let deliveries = "/paths/~1event-streams~1{id}~1deliveries/get/responses/200/content/application~1json/schema";
    let target = root
        .pointer_mut(deliveries)
        .ok_or_else(|| format!("override target {deliveries} is not in the spec"))?;
    let items = target.clone();
    *target = json!({
        "oneOf": [
            {
                "type": "object",
                "properties": {
                    "deliveries": items,
                    "next": { "type": "string" }
                }
            },
            items
        ]
    });
    applied.push("GET /event-streams/{id}/deliveries answers a checkpoint page".to_owned());

    // `GET /resource-servers` has `include_fields` but the spec lost its `fields` partner;
    // Auth0 honours it (go-auth0's `TestResourceServer_List` recording asks for
    // `fields=id,identifier` and gets back only those two properties).
    let params = "/paths/~1resource-servers/get/parameters";
    let target = root
        .pointer_mut(params)
        .and_then(Value::as_array_mut)
        .ok_or_else(|| format!("override target {params} is not in the spec"))?;
    if target
        .iter()
        .any(|p| p.get("name") == Some(&json!("fields")))
    {
        return Err(format!("{params} already has `fields`: drop this override"));
    }
    let at = target
        .iter()
        .position(|p| p.get("name") == Some(&json!("include_fields")))
        .ok_or_else(|| format!("override target {params} has no include_fields"))?;
    target.insert(
        at,
        json!({
            "name": "fields",
            "in": "query",
            "description": "Comma-separated list of fields to include or exclude (based on value provided for include_fields) in the result. Leave empty to retrieve all fields.",
            "schema": { "type": "string" }
        }),
    );
    applied.push("GET /resource-servers takes `fields`".to_owned());
    Ok(applied)
}

/// Makes every optional property of an object schema nullable; false when it has none.
fn nullable_optional_props(schema: &mut Value) -> bool {
    let required: Vec<Value> = schema
        .get("required")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
        return false;
    };
    for (name, prop) in props.iter_mut() {
        if !required.contains(&json!(name)) {
            make_nullable(prop);
        }
    }
    true
}

fn make_nullable(schema: &mut Value) {
    match schema.get("type").cloned() {
        Some(Value::String(t)) => schema["type"] = json!([t, "null"]),
        Some(Value::Array(mut ts)) => {
            if !ts.contains(&json!("null")) {
                ts.push(json!("null"));
                schema["type"] = Value::Array(ts);
            }
        }
        _ => {
            let inner = schema.take();
            *schema = json!({ "anyOf": [inner, { "type": "null" }] });
        }
    }
}

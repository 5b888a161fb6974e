//! Users: creation from Auth0's create-user body.

use serde_json::{Map, Value, json};

use crate::activity::iso8601;
use crate::ids;

/// Builds a stored user from a create-user body; returns it and its password.
pub(crate) fn new_user(body: Value, now: i64) -> Result<(Value, Option<String>), String> {
    let Value::Object(mut body) = body else {
        return Err("Payload validation error: 'Expected type object'.".to_owned());
    };
    let Some(connection) = body
        .remove("connection")
        .and_then(|c| c.as_str().map(str::to_owned))
    else {
        return Err(
            "Payload validation error: 'Missing required property: connection'.".to_owned(),
        );
    };
    let password = body
        .remove("password")
        .and_then(|p| p.as_str().map(str::to_owned));
    body.remove("verify_email");
    let (provider, prefix) = match connection.as_str() {
        "email" | "sms" => (connection.clone(), connection.clone()),
        _ => ("auth0".to_owned(), "auth0".to_owned()),
    };
    let bare_id = match body
        .remove("user_id")
        .and_then(|v| v.as_str().map(str::to_owned))
    {
        Some(id) => id
            .split_once('|')
            .map_or(id.clone(), |(_, rest)| rest.to_owned()),
        None => ids::hex(24),
    };
    let user_id = format!("{prefix}|{bare_id}");
    let stamp = iso8601(now);
    let email = body.get("email").and_then(Value::as_str).map(str::to_owned);
    let mut user = Map::new();
    user.insert("user_id".into(), json!(user_id));
    user.insert("email_verified".into(), json!(false));
    if let Some(email) = &email {
        let local = email.split('@').next().unwrap_or(email);
        user.insert("name".into(), json!(email));
        user.insert("nickname".into(), json!(local));
    }
    user.insert(
        "picture".into(),
        json!("https://s.gravatar.com/avatar/00000000000000000000000000000000?s=480&r=pg&d=mp"),
    );
    user.insert(
        "identities".into(),
        json!([{
            "connection": connection,
            "provider": provider,
            "user_id": bare_id,
            "isSocial": false,
        }]),
    );
    user.insert("created_at".into(), json!(stamp));
    user.insert("updated_at".into(), json!(stamp));
    user.insert("logins_count".into(), json!(0));
    user.insert("app_metadata".into(), json!({}));
    user.insert("user_metadata".into(), json!({}));
    for (k, v) in body {
        user.insert(k, v);
    }
    Ok((Value::Object(user), password))
}

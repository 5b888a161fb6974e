//! Database connections: `/dbconnections/signup` and `/dbconnections/change_password`.

use http::StatusCode;
use serde_json::json;

use crate::activity::{self, Event};
use crate::errors;
use crate::state::Kind;
use crate::tenant::{Shared, lock};
use crate::wire::{Req, Resp};

/// Minimum password length of the fake tenant's password policy.
const MIN_PASSWORD: usize = 8;

fn signup_error(code: &str, description: &str) -> Resp {
    Resp::json(
        StatusCode::BAD_REQUEST,
        &json!({ "name": "BadRequestError", "code": code, "description": description, "statusCode": 400 }),
    )
}

/// `POST /dbconnections/signup`.
pub(crate) fn signup(shared: &Shared, req: &Req) -> Resp {
    let params = match req.params() {
        Ok(p) => p,
        Err(e) => return errors::invalid_request(&e),
    };
    let Some(client_id) = params.get("client_id") else {
        return signup_error("invalid_signup", "Missing required parameter: client_id");
    };
    let (Some(email), Some(password), Some(connection)) = (
        params.get("email"),
        params.get("password"),
        params.get("connection"),
    ) else {
        return signup_error(
            "invalid_signup",
            "Missing required parameter: email, password and connection are required",
        );
    };
    {
        let store = lock(&shared.store);
        if store.client(&client_id).is_none() {
            return signup_error("invalid_signup", "Unknown client");
        }
        match store.connection_by_name(&connection) {
            Some(c) if c["strategy"] == "auth0" => {}
            _ => {
                return signup_error(
                    "invalid_connection",
                    &format!("Connection does not exist: {connection}"),
                );
            }
        }
        if store.user_by_email(&email, Some(&connection)).is_some() {
            return signup_error("invalid_signup", "Invalid sign up");
        }
    }
    if password.chars().count() < MIN_PASSWORD {
        return Resp::json(
            StatusCode::BAD_REQUEST,
            &json!({
                "name": "PasswordStrengthError",
                "message": "Password is too weak",
                "code": "invalid_password",
                "description": { "rules": [{ "message": "At least %d characters in length", "format": [MIN_PASSWORD], "code": "lengthAtLeast", "verified": false }], "verified": false },
                "policy": format!("* At least {MIN_PASSWORD} characters in length"),
                "statusCode": 400,
            }),
        );
    }
    let mut body = json!({ "email": email, "password": password, "connection": connection });
    for field in [
        "username",
        "given_name",
        "family_name",
        "name",
        "nickname",
        "picture",
        "user_metadata",
    ] {
        if let Some(v) = params.raw(field) {
            body[field] = v.clone();
        }
    }
    let now = shared.now();
    let (user, password) = match crate::mgmt::users::new_user(body, now) {
        Ok(u) => u,
        Err(e) => return signup_error("invalid_signup", &e),
    };
    let user_id = user["user_id"].as_str().unwrap_or_default().to_owned();
    let bare = user["identities"][0]["user_id"].clone();
    let mut store = lock(&shared.store);
    if let Some(p) = password {
        store.passwords.insert(user_id.clone(), p);
    }
    store.list_mut(Kind::Users).push(user.clone());
    activity::log(
        &mut store,
        now,
        &Event {
            kind: "ss",
            description: "Successful signup",
            client_id: Some(&client_id),
            user_id: Some(&user_id),
        },
    );
    let mut out = json!({ "_id": bare, "email_verified": false, "email": email });
    for field in [
        "username",
        "given_name",
        "family_name",
        "name",
        "nickname",
        "picture",
        "user_metadata",
    ] {
        if let Some(v) = user.get(field).filter(|_| params.raw(field).is_some()) {
            out[field] = v.clone();
        }
    }
    Resp::ok(&out)
}

/// `POST /dbconnections/change_password`: records the reset request, answers Auth0's text.
pub(crate) fn change_password(shared: &Shared, req: &Req) -> Resp {
    let params = match req.params() {
        Ok(p) => p,
        Err(e) => return errors::invalid_request(&e),
    };
    let (Some(email), Some(connection)) = (params.get("email"), params.get("connection")) else {
        return errors::invalid_request(
            "Missing required parameter: email and connection are required",
        );
    };
    let now = shared.now();
    let mut store = lock(&shared.store);
    if !store
        .connection_by_name(&connection)
        .is_some_and(|c| c["strategy"] == "auth0")
    {
        return errors::authn(
            400,
            "invalid_request",
            &format!("connection not found: {connection}"),
        );
    }
    let user_id = store
        .user_by_email(&email, Some(&connection))
        .and_then(|u| u["user_id"].as_str().map(str::to_owned));
    let client_id = params.get("client_id");
    activity::log(
        &mut store,
        now,
        &Event {
            kind: "scpr",
            description: "Success Change Password Request",
            client_id: client_id.as_deref(),
            user_id: user_id.as_deref(),
        },
    );
    Resp::text(
        StatusCode::OK,
        "text/plain; charset=utf-8",
        "We've just sent you an email to reset your password.".to_owned(),
    )
}

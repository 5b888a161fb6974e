//! `/passwordless/start` and the passwordless OTP grant.

use serde_json::{Value, json};

use crate::authn::client_auth::{self, Authed};
use crate::authn::login::{self, Login};
use crate::errors;
use crate::ids;
use crate::state::Kind;
use crate::tenant::{Shared, lock};
use crate::wire::{Params, Req, Resp};

/// How long a one-time code is valid.
const CODE_LIFETIME: i64 = 300;
/// Wrong codes allowed before the code is discarded.
const MAX_ATTEMPTS: i64 = 3;

/// The recipient field of a passwordless connection.
fn recipient_field(connection: &str) -> &'static str {
    if connection == "sms" {
        "phone_number"
    } else {
        "email"
    }
}

/// `POST /passwordless/start`.
pub(crate) fn start(shared: &Shared, req: &Req) -> Resp {
    let params = match req.params() {
        Ok(p) => p,
        Err(e) => return errors::invalid_request(&e),
    };
    if let Err(resp) = client_auth::authenticate(shared, req, &params) {
        return resp;
    }
    let Some(connection) = params.get("connection") else {
        return errors::invalid_request("Missing required parameter: connection");
    };
    let strategy = lock(&shared.store)
        .connection_by_name(&connection)
        .and_then(|c| c["strategy"].as_str().map(str::to_owned));
    if !matches!(strategy.as_deref(), Some("email" | "sms")) {
        return errors::authn(
            400,
            "bad.connection",
            &format!("Connection does not exist or is not passwordless: {connection}"),
        );
    }
    let field = recipient_field(&connection);
    let Some(recipient) = params.get(field) else {
        return errors::invalid_request(&format!("Missing required parameter: {field}"));
    };
    let send = params.get("send").unwrap_or_else(|| "code".to_owned());
    if send != "code" && send != "link" {
        return errors::invalid_request("send must be code or link");
    }
    let code = ids::hex(12)
        .bytes()
        .map(|b| char::from(b'0' + b % 10))
        .take(6)
        .collect::<String>();
    let expires = shared.now() + CODE_LIFETIME;
    lock(&shared.store).flows.insert(
        format!("otp/{connection}/{}", recipient.to_lowercase()),
        json!({ "code": code, "expires_at": expires, "attempts": 0, "send": send }),
    );
    let mut body = json!({ "_id": ids::hex(24) });
    body[field] = json!(recipient);
    body[if field == "email" {
        "email_verified"
    } else {
        "phone_verified"
    }] = json!(false);
    Resp::ok(&body)
}

/// The code most recently sent to `recipient` (email or phone number), if still valid.
pub(crate) fn code_for(shared: &Shared, recipient: &str) -> Option<String> {
    let now = shared.now();
    let store = lock(&shared.store);
    ["email", "sms"].iter().find_map(|c| {
        store
            .flows
            .get(&format!("otp/{c}/{}", recipient.to_lowercase()))
            .filter(|f| f["expires_at"].as_i64().unwrap_or(0) > now)
            .and_then(|f| f["code"].as_str().map(str::to_owned))
    })
}

/// `grant_type=http://auth0.com/oauth/grant-type/passwordless/otp`.
pub(crate) fn grant(shared: &Shared, client: &Authed, params: &Params) -> Resp {
    let (Some(username), Some(otp), Some(realm)) = (
        params.get("username"),
        params.get("otp"),
        params.get("realm"),
    ) else {
        return errors::invalid_request(
            "Missing required parameter: username, otp and realm are required",
        );
    };
    let key = format!("otp/{realm}/{}", username.to_lowercase());
    let now = shared.now();
    {
        let mut store = lock(&shared.store);
        let Some(flow) = store.flows.get_mut(&key) else {
            return errors::invalid_grant("Wrong email or verification code.");
        };
        if flow["expires_at"].as_i64().unwrap_or(0) <= now {
            store.flows.remove(&key);
            return errors::invalid_grant(
                "The verification code has expired. Please try to login again.",
            );
        }
        if flow["code"].as_str() != Some(otp.as_str()) {
            let attempts = flow["attempts"].as_i64().unwrap_or(0) + 1;
            flow["attempts"] = json!(attempts);
            if attempts >= MAX_ATTEMPTS {
                store.flows.remove(&key);
                return errors::invalid_grant(
                    "You've reached the maximum number of attempts. Please try to login again.",
                );
            }
            return errors::invalid_grant("Wrong email or verification code.");
        }
        store.flows.remove(&key);
    }
    let field = recipient_field(&realm);
    let existing = lock(&shared.store)
        .list(Kind::Users)
        .iter()
        .find(|u| {
            crate::state::user_connection(u) == Some(realm.as_str())
                && u.get(field)
                    .and_then(Value::as_str)
                    .is_some_and(|v| v.eq_ignore_ascii_case(&username))
        })
        .and_then(|u| u["user_id"].as_str().map(str::to_owned));
    let user_id = if let Some(id) = existing {
        id
    } else {
        let mut body = json!({ "connection": realm });
        body[field] = json!(username);
        body[if field == "email" {
            "email_verified"
        } else {
            "phone_verified"
        }] = json!(true);
        let Ok((user, _)) = crate::mgmt::users::new_user(body, now) else {
            return errors::authn(
                500,
                "server_error",
                "could not create the passwordless user",
            );
        };
        let id = user["user_id"].as_str().unwrap_or_default().to_owned();
        lock(&shared.store).list_mut(Kind::Users).push(user);
        id
    };
    login::issue_for_user(
        shared,
        client,
        &Login {
            user_id,
            scope: params.get("scope").unwrap_or_else(|| "openid".to_owned()),
            audience: params.get("audience"),
            auth_time: Some(now),
            log_type: "s",
            ..Login::default()
        },
    )
}

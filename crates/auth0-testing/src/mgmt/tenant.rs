//! Tenant-level resources: settings, signing keys (backed by the tenant's real keys) and
//! user tickets.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use http::StatusCode;
use serde_json::{Value, json};

use crate::errors;
use crate::ids;
use crate::keys::KeyAlgorithm;
use crate::mgmt::auth::Grant;
use crate::mgmt::resources::{self as res, Answer};
use crate::state::{Kind, merge};
use crate::tenant::{Shared, lock};
use crate::wire::{Req, Resp};

fn default_settings(shared: &Shared) -> Value {
    json!({
        "friendly_name": "Fake tenant",
        "support_email": "support@example.test",
        "default_directory": crate::seed::DATABASE_CONNECTION,
        "default_audience": lock(&shared.store).default_audience.clone().unwrap_or_default(),
        "session_lifetime": 168,
        "idle_session_lifetime": 72,
        "flags": { "enable_client_connections": true },
        "enabled_locales": ["en"],
    })
}

/// `GET|PATCH /tenants/settings`.
pub(crate) fn settings(shared: &Shared, req: &Req, grant: &Grant) -> Answer {
    let stored = lock(&shared.store).flows.get("tenant_settings").cloned();
    let mut current = stored.unwrap_or_else(|| default_settings(shared));
    if req.method == http::Method::GET {
        grant.require(&["read:tenant_settings"])?;
        return Ok(Resp::ok(&crate::mgmt::paging::select_fields(req, current)));
    }
    grant.require(&["update:tenant_settings"])?;
    let patch = res::body(req)?;
    merge(&mut current, &patch);
    let mut store = lock(&shared.store);
    if let Some(aud) = patch.get("default_audience") {
        store.default_audience = aud.as_str().filter(|a| !a.is_empty()).map(str::to_owned);
    }
    store
        .flows
        .insert("tenant_settings".to_owned(), current.clone());
    Ok(Resp::ok(&current))
}

fn pem_of(der: &[u8]) -> String {
    let b64 = STANDARD.encode(der);
    let mut out = String::from("-----BEGIN CERTIFICATE-----\r\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push_str("\r\n");
    }
    out.push_str("-----END CERTIFICATE-----\r\n");
    out
}

fn key_json(key: &crate::keys::TenantKey, current: bool) -> Value {
    let cert = key.certificate().map(pem_of);
    let thumbprint = key.certificate().map(|c| {
        let digest = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, c);
        digest.as_ref().iter().fold(String::new(), |mut out, b| {
            use std::fmt::Write as _;
            let _ = write!(out, "{b:02X}");
            out
        })
    });
    json!({
        "kid": key.kid,
        "cert": cert,
        "fingerprint": thumbprint,
        "thumbprint": thumbprint,
        "current": current,
        "revoked": !key.is_published(),
        "alg": key.alg.as_str(),
    })
}

/// `GET /keys/signing`, `GET /keys/signing/{kid}`, `POST /keys/signing/rotate`,
/// `PUT /keys/signing/{kid}/revoke`.
pub(crate) fn signing_keys(
    shared: &Shared,
    req: &Req,
    grant: &Grant,
    kid: Option<&str>,
    action: Option<&str>,
) -> Answer {
    match (req.method.as_str(), kid, action) {
        ("GET", None, None) => {
            grant.require(&["read:signing_keys"])?;
            let keys = lock(&shared.keys);
            let signing = keys.signing().kid.clone();
            let list: Vec<Value> = keys
                .all()
                .iter()
                .map(|k| key_json(k, k.kid == signing))
                .collect();
            Ok(Resp::ok(&Value::Array(list)))
        }
        ("GET", Some(kid), None) => {
            grant.require(&["read:signing_keys"])?;
            let keys = lock(&shared.keys);
            let signing = keys.signing().kid.clone();
            keys.all()
                .iter()
                .find(|k| k.kid == kid)
                .map(|k| Resp::ok(&key_json(k, k.kid == signing)))
                .ok_or_else(|| errors::mgmt(404, "Signing key not found", "inexistent_signing_key"))
        }
        ("POST", None, Some("rotate")) => {
            grant.require(&["create:signing_keys", "update:signing_keys"])?;
            let mut keys = lock(&shared.keys);
            let kid = keys.add(KeyAlgorithm::Rs256);
            let key = keys.signing();
            Ok(Resp::json(
                StatusCode::CREATED,
                &json!({ "kid": kid, "cert": key.certificate().map(pem_of) }),
            ))
        }
        ("PUT", Some(kid), Some("revoke")) => {
            grant.require(&["update:signing_keys"])?;
            let mut keys = lock(&shared.keys);
            if keys.signing().kid == kid {
                return Err(errors::mgmt(
                    400,
                    "The current signing key cannot be revoked; rotate first",
                    "invalid_operation",
                ));
            }
            if !keys.retire(kid) {
                return Err(errors::mgmt(
                    404,
                    "Signing key not found",
                    "inexistent_signing_key",
                ));
            }
            let key = keys.all().into_iter().find(|k| k.kid == kid);
            Ok(Resp::ok(
                &json!({ "kid": kid, "cert": key.and_then(|k| k.certificate().map(pem_of)) }),
            ))
        }
        _ => Err(crate::mgmt::not_modelled(req)),
    }
}

/// `POST /tickets/email-verification` and `POST /tickets/password-change`.
pub(crate) fn ticket(shared: &Shared, req: &Req, grant: &Grant, kind: &str) -> Answer {
    grant.require(&["create:user_tickets"])?;
    let body = res::body(req)?;
    let user_id = match body.get("user_id").and_then(Value::as_str) {
        Some(id) => {
            res::find(shared, Kind::Users, id)?;
            id.to_owned()
        }
        None if kind == "password-change" => {
            let email = res::required(&body, "email")?;
            let connection_id = res::required(&body, "connection_id")?;
            let conn = res::find(shared, Kind::Connections, connection_id)?;
            let store = lock(&shared.store);
            let user = store
                .user_by_email(email, conn["name"].as_str())
                .ok_or_else(|| res::not_found(Kind::Users))?;
            user["user_id"].as_str().unwrap_or_default().to_owned()
        }
        None => return Err(res::body_error("Missing required property: user_id")),
    };
    let ticket = ids::alnum(32);
    let path = if kind == "password-change" {
        "lo/reset"
    } else {
        "u/email-verification"
    };
    let url = format!("{}/{path}?ticket={ticket}#", shared.base_url);
    lock(&shared.store).flows.insert(
        format!("ticket/{ticket}"),
        json!({ "kind": kind, "user_id": user_id, "result_url": body.get("result_url") }),
    );
    Ok(Resp::json(StatusCode::CREATED, &json!({ "ticket": url })))
}

//! Client authentication at the token endpoint: secret (post or basic), `private_key_jwt`
//! client assertions, or none for public clients.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

use crate::errors;
use crate::jwt;
use crate::state::str_field;
use crate::tenant::{Shared, lock};
use crate::wire::{Params, Req, Resp, decode};

/// The assertion type Auth0 accepts.
pub(crate) const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// How the client proved who it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    Secret,
    Assertion,
    /// A public client, no proof.
    None,
}

/// An authenticated (or identified public) client.
#[derive(Debug, Clone)]
pub(crate) struct Authed {
    pub(crate) client_id: String,
    pub(crate) client: Value,
    pub(crate) method: Method,
}

impl Authed {
    /// Whether the client may use `grant_type`.
    pub(crate) fn allows_grant(&self, grant_type: &str) -> bool {
        self.client
            .get("grant_types")
            .and_then(Value::as_array)
            .is_some_and(|g| g.iter().any(|v| v.as_str() == Some(grant_type)))
    }

    /// Whether the client is public (`token_endpoint_auth_method: none`).
    pub(crate) fn is_public(&self) -> bool {
        is_public(&self.client)
    }
}

fn is_public(client: &Value) -> bool {
    str_field(client, "token_endpoint_auth_method") == Some("none")
}

fn unauthorized(description: &str) -> Resp {
    errors::authn(401, "invalid_client", description)
}

/// Equality that does not stop at the first difference.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Authenticates the client of a request. Public clients pass with `client_id` alone;
/// confidential clients must prove themselves.
pub(crate) fn authenticate(shared: &Shared, req: &Req, params: &Params) -> Result<Authed, Resp> {
    if let Some(assertion) = params.get("client_assertion") {
        return assertion_auth(shared, params, &assertion);
    }
    let (client_id, secret) = match basic_credentials(req)? {
        Some(pair) => (Some(pair.0), Some(pair.1)),
        None => (params.get("client_id"), params.get("client_secret")),
    };
    let Some(client_id) = client_id else {
        return Err(unauthorized("Missing required parameter: client_id"));
    };
    let client = lock(&shared.store).client(&client_id).cloned();
    let Some(client) = client else {
        return Err(unauthorized("Unknown client"));
    };
    match (secret, str_field(&client, "client_secret")) {
        (Some(given), Some(expected)) if same(&given, expected) => Ok(Authed {
            client_id,
            client,
            method: Method::Secret,
        }),
        (Some(_), _) => Err(unauthorized("Client authentication failed")),
        (None, _) if is_public(&client) => Ok(Authed {
            client_id,
            client,
            method: Method::None,
        }),
        (None, _) => Err(unauthorized(
            "Client authentication is required: client_secret or client_assertion",
        )),
    }
}

/// `Authorization: Basic` credentials, if the header is present.
fn basic_credentials(req: &Req) -> Result<Option<(String, String)>, Resp> {
    let Some(value) = req.header("authorization") else {
        return Ok(None);
    };
    let Some(encoded) = value
        .strip_prefix("Basic ")
        .or_else(|| value.strip_prefix("basic "))
    else {
        return Ok(None);
    };
    let bad = || unauthorized("Malformed Basic authorization header");
    let raw = STANDARD.decode(encoded.trim()).map_err(|_| bad())?;
    let text = String::from_utf8(raw).map_err(|_| bad())?;
    let (id, secret) = text.split_once(':').ok_or_else(bad)?;
    Ok(Some((decode(id), decode(secret))))
}

fn assertion_auth(shared: &Shared, params: &Params, assertion: &str) -> Result<Authed, Resp> {
    if params.get("client_assertion_type").as_deref() != Some(JWT_BEARER) {
        return Err(errors::invalid_request(&format!(
            "client_assertion_type must be {JWT_BEARER}"
        )));
    }
    let parsed = jwt::parse(assertion)
        .map_err(|e| unauthorized(&format!("Invalid client_assertion: {e}")))?;
    let Some(client_id) = parsed.claim_str("iss").map(str::to_owned) else {
        return Err(unauthorized("The client_assertion has no iss claim"));
    };
    if parsed.claim_str("sub") != Some(client_id.as_str()) {
        return Err(unauthorized(
            "The client_assertion sub claim must equal its iss claim (the client_id)",
        ));
    }
    if params
        .get("client_id")
        .is_some_and(|given| given != client_id)
    {
        return Err(unauthorized(
            "The client_id parameter does not match the client_assertion issuer",
        ));
    }
    let (client, credentials) = {
        let store = lock(&shared.store);
        (
            store.client(&client_id).cloned(),
            store
                .credentials
                .get(&client_id)
                .cloned()
                .unwrap_or_default(),
        )
    };
    let Some(client) = client else {
        return Err(unauthorized("Unknown client"));
    };
    if credentials.is_empty() {
        return Err(unauthorized(
            "The client has no registered credentials for private_key_jwt",
        ));
    }
    let alg = parsed.header_str("alg").unwrap_or_default().to_owned();
    let candidates: Vec<_> = match parsed.header_str("kid") {
        Some(kid) => credentials.iter().filter(|c| c.kid == kid).collect(),
        None => credentials.iter().collect(),
    };
    if candidates.is_empty() {
        return Err(unauthorized(
            "The client_assertion kid does not match a registered credential",
        ));
    }
    let mut last_error = String::from("invalid signature");
    let verified = candidates
        .iter()
        .any(|c| match jwt::verify_with(&c.key, &alg, &parsed) {
            Ok(()) => true,
            Err(e) => {
                last_error = e;
                false
            }
        });
    if !verified {
        return Err(unauthorized(&format!(
            "Invalid client_assertion signature: {last_error}"
        )));
    }
    if !parsed.has_audience(&shared.issuer()) {
        return Err(unauthorized(&format!(
            "The client_assertion aud claim must be {}",
            shared.issuer()
        )));
    }
    let now = shared.now();
    let Some(exp) = parsed.claim_i64("exp") else {
        return Err(unauthorized("The client_assertion has no exp claim"));
    };
    if exp <= now {
        return Err(unauthorized("The client_assertion has expired"));
    }
    if parsed.claim_i64("nbf").is_some_and(|nbf| nbf > now + 60) {
        return Err(unauthorized("The client_assertion is not valid yet (nbf)"));
    }
    let Some(jti) = parsed.claim_str("jti") else {
        return Err(unauthorized("The client_assertion has no jti claim"));
    };
    {
        let mut store = lock(&shared.store);
        store.used_jtis.retain(|_, until| *until > now);
        let key = format!("{client_id}:{jti}");
        if store.used_jtis.contains_key(&key) {
            return Err(unauthorized(
                "The client_assertion jti has already been used",
            ));
        }
        store.used_jtis.insert(key, exp);
    }
    Ok(Authed {
        client_id,
        client,
        method: Method::Assertion,
    })
}

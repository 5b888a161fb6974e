//! Minting access tokens, ID tokens and token responses.

use serde_json::{Map, Value, json};

use crate::ids;
use crate::state::Kind;
use crate::tenant::{Shared, lock};

/// What goes into an access token.
#[derive(Debug)]
pub(crate) struct AccessTokenSpec<'a> {
    pub(crate) sub: &'a str,
    pub(crate) audience: &'a str,
    pub(crate) azp: &'a str,
    pub(crate) scope: &'a str,
    pub(crate) gty: Option<&'a str>,
    /// Organization id and name.
    pub(crate) org: Option<(&'a str, &'a str)>,
    pub(crate) lifetime: i64,
    pub(crate) now: i64,
}

/// An RS256 (or current-key) JWT access token.
pub(crate) fn access_token(shared: &Shared, spec: &AccessTokenSpec<'_>) -> String {
    let issuer = shared.issuer();
    let has_openid = spec.scope.split(' ').any(|s| s == "openid");
    let aud = if has_openid && spec.audience != format!("{issuer}userinfo") {
        json!([spec.audience, format!("{issuer}userinfo")])
    } else {
        json!(spec.audience)
    };
    let mut claims = json!({
        "iss": issuer,
        "sub": spec.sub,
        "aud": aud,
        "iat": spec.now,
        "exp": spec.now + spec.lifetime,
        "jti": ids::alnum(22),
        "azp": spec.azp,
        "scope": spec.scope,
    });
    if let Some(gty) = spec.gty {
        claims["gty"] = json!(gty);
    }
    if let Some((id, name)) = spec.org {
        claims["org_id"] = json!(id);
        claims["org_name"] = json!(name);
    }
    shared.sign(&json!({ "typ": "at+jwt" }), &claims)
}

/// Profile claims Auth0 puts in ID tokens and `/userinfo`.
pub(crate) fn profile_claims(user: &Value) -> Map<String, Value> {
    let mut out = Map::new();
    for field in [
        "name",
        "nickname",
        "given_name",
        "family_name",
        "picture",
        "email",
        "email_verified",
        "phone_number",
        "updated_at",
    ] {
        if let Some(v) = user.get(field) {
            out.insert(field.to_owned(), v.clone());
        }
    }
    out
}

/// An ID token for a user and client; `None` if the user does not exist.
pub(crate) fn id_token(
    shared: &Shared,
    user_id: &str,
    client_id: &str,
    nonce: Option<&str>,
    auth_time: i64,
    org: Option<(&str, &str)>,
) -> Option<String> {
    let now = shared.now();
    let user = lock(&shared.store).get(Kind::Users, user_id).cloned()?;
    let mut claims = profile_claims(&user);
    claims.insert("iss".into(), json!(shared.issuer()));
    claims.insert("sub".into(), json!(user_id));
    claims.insert("aud".into(), json!(client_id));
    claims.insert("azp".into(), json!(client_id));
    claims.insert("iat".into(), json!(now));
    claims.insert("exp".into(), json!(now + 36_000));
    claims.insert("auth_time".into(), json!(auth_time));
    claims.insert("sid".into(), json!(ids::alnum(32)));
    if let Some(nonce) = nonce {
        claims.insert("nonce".into(), json!(nonce));
    }
    if let Some((id, name)) = org {
        claims.insert("org_id".into(), json!(id));
        claims.insert("org_name".into(), json!(name));
    }
    Some(shared.sign(&json!({}), &Value::Object(claims)))
}

/// A `/oauth/token` success body.
pub(crate) fn token_response(
    access_token: &str,
    expires_in: i64,
    scope: Option<&str>,
    id_token: Option<&str>,
    refresh_token: Option<&str>,
) -> Value {
    let mut body = json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": expires_in,
    });
    if let Some(scope) = scope.filter(|s| !s.is_empty()) {
        body["scope"] = json!(scope);
    }
    if let Some(id_token) = id_token {
        body["id_token"] = json!(id_token);
    }
    if let Some(refresh) = refresh_token {
        body["refresh_token"] = json!(refresh);
    }
    body
}

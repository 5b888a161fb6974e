//! `/.well-known/openid-configuration` and `/.well-known/jwks.json`.

use std::sync::atomic::Ordering;

use serde_json::json;

use crate::tenant::{Shared, lock};
use crate::wire::Resp;

/// The OpenID Provider metadata, shaped like Auth0's.
pub(crate) fn openid_configuration(shared: &Shared) -> Resp {
    let base = &shared.base_url;
    Resp::ok(&json!({
        "issuer": shared.issuer(),
        "authorization_endpoint": format!("{base}/authorize"),
        "token_endpoint": format!("{base}/oauth/token"),
        "device_authorization_endpoint": format!("{base}/oauth/device/code"),
        "userinfo_endpoint": format!("{base}/userinfo"),
        "mfa_challenge_endpoint": format!("{base}/mfa/challenge"),
        "jwks_uri": format!("{base}/.well-known/jwks.json"),
        "registration_endpoint": format!("{base}/oidc/register"),
        "revocation_endpoint": format!("{base}/oauth/revoke"),
        "pushed_authorization_request_endpoint": format!("{base}/oauth/par"),
        "backchannel_authentication_endpoint": format!("{base}/bc-authorize"),
        "end_session_endpoint": format!("{base}/oidc/logout"),
        "scopes_supported": ["openid", "profile", "offline_access", "name", "given_name", "family_name", "nickname", "email", "email_verified", "picture", "created_at", "identities", "phone", "address"],
        "response_types_supported": ["code", "token", "id_token", "code token", "code id_token", "token id_token", "code token id_token"],
        "code_challenge_methods_supported": ["S256", "plain"],
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["HS256", "RS256", "PS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": ["RS256", "RS384", "PS256"],
        "backchannel_token_delivery_modes_supported": ["poll"],
        "backchannel_authentication_request_signing_alg_values_supported": ["RS256", "RS384", "PS256"],
        "claims_supported": ["aud", "auth_time", "created_at", "email", "email_verified", "exp", "family_name", "given_name", "iat", "identities", "iss", "name", "nickname", "phone_number", "picture", "sub"],
        "request_uri_parameter_supported": false,
        "request_parameter_supported": false,
        "global_token_revocation_endpoint": format!("{base}/oauth/global-token-revocation/connection/{{connectionName}}"),
        "global_token_revocation_endpoint_auth_methods_supported": ["global-token-revocation+jwt"],
    }))
}

/// The JWKS document; counts fetches.
pub(crate) fn jwks(shared: &Shared) -> Resp {
    shared.jwks_fetches.fetch_add(1, Ordering::Relaxed);
    let doc = lock(&shared.keys).jwks();
    Resp::ok(&doc)
}

//! The Authentication API.

pub(crate) mod client_auth;
pub(crate) mod discovery;
pub(crate) mod issue;
pub(crate) mod token;

use http::Method;

use crate::errors;
use crate::tenant::Shared;
use crate::wire::Resp;

/// Routes an Authentication API request.
pub(crate) fn handle(shared: &Shared, req: &Req) -> Resp {
    match (&req.method, req.path.as_str()) {
        (&Method::GET, "/.well-known/openid-configuration") => {
            discovery::openid_configuration(shared)
        }
        (&Method::GET, "/.well-known/jwks.json") => discovery::jwks(shared),
        (&Method::POST, "/oauth/token") => token::handle(shared, req),
        _ => errors::authn(
            404,
            "not_found",
            &format!("Unknown endpoint {} {}", req.method, req.path),
        ),
    }
}

use crate::wire::Req;

//! The Authentication API.

pub(crate) mod authorize;
pub(crate) mod client_auth;
pub(crate) mod discovery;
pub(crate) mod issue;
pub(crate) mod login;
pub(crate) mod mfa;
pub(crate) mod password;
pub(crate) mod refresh;
pub(crate) mod session;
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
        (&Method::GET, "/authorize") => authorize::authorize(shared, req),
        (&Method::POST, "/oauth/par") => authorize::par(shared, req),
        (&Method::GET | &Method::POST, "/userinfo") => session::userinfo(shared, req),
        (&Method::POST, "/oauth/revoke") => session::revoke(shared, req),
        (&Method::GET, "/v2/logout") => session::logout(shared, req),
        (&Method::GET, "/mfa/authenticators") => mfa::list_authenticators(shared, req),
        (&Method::POST, "/mfa/associate") => mfa::associate(shared, req),
        (&Method::POST, "/mfa/challenge") => mfa::challenge(shared, req),
        (&Method::GET, path) if path.starts_with("/jobs-exports/") => {
            crate::mgmt::jobs::export_file(shared, &path["/jobs-exports/".len()..])
        }
        _ => errors::authn(
            404,
            "not_found",
            &format!("Unknown endpoint {} {}", req.method, req.path),
        ),
    }
}

use crate::wire::Req;

//! The Authentication API.

pub(crate) mod authorize;
pub(crate) mod backchannel;
pub(crate) mod client_auth;
pub(crate) mod database;
pub(crate) mod discovery;
pub(crate) mod exchange;
pub(crate) mod issue;
pub(crate) mod login;
pub(crate) mod metadata;
pub(crate) mod mfa;
pub(crate) mod password;
pub(crate) mod passwordless;
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
        (&Method::POST, "/passwordless/start") => passwordless::start(shared, req),
        (&Method::POST, "/dbconnections/signup") => database::signup(shared, req),
        (&Method::POST, "/dbconnections/change_password") => database::change_password(shared, req),
        (&Method::POST, "/bc-authorize") => backchannel::bc_authorize(shared, req),
        (&Method::POST, "/oauth/device/code") => backchannel::device_code(shared, req),
        (&Method::GET, "/wsfed/FederationMetadata/2007-06/FederationMetadata.xml") => {
            metadata::wsfed(shared)
        }
        (&Method::GET, "/samlp/metadata") => match req.query("client") {
            Some(client) => metadata::saml(shared, client),
            None => errors::invalid_request("Missing required parameter: client"),
        },
        (&Method::GET, path) if path.starts_with("/samlp/metadata/") => metadata::saml(
            shared,
            &crate::wire::decode(&path["/samlp/metadata/".len()..]),
        ),
        (&Method::GET, path)
            if path.starts_with("/wsfed/")
                && path.ends_with("/FederationMetadata/2007-06/FederationMetadata.xml") =>
        {
            metadata::wsfed(shared)
        }
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

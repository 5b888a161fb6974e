//! Auth0-shaped error bodies.

use http::StatusCode;
use serde_json::json;

use crate::wire::Resp;

/// An Authentication API error: `{"error": code, "error_description": description}`.
pub(crate) fn authn(status: u16, code: &str, description: &str) -> Resp {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    Resp::json(
        status,
        &json!({ "error": code, "error_description": description }),
    )
}

/// A Management API error: `{"statusCode", "error", "message", "errorCode"}`.
pub(crate) fn mgmt(status: u16, message: &str, error_code: &str) -> Resp {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    Resp::json(
        status,
        &json!({
            "statusCode": status.as_u16(),
            "error": status.canonical_reason().unwrap_or("Error"),
            "message": message,
            "errorCode": error_code,
        }),
    )
}

/// A 400 `invalid_request` Authentication API error.
pub(crate) fn invalid_request(description: &str) -> Resp {
    authn(400, "invalid_request", description)
}

/// A 403 `invalid_grant` Authentication API error.
pub(crate) fn invalid_grant(description: &str) -> Resp {
    authn(403, "invalid_grant", description)
}

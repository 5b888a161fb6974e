//! A full backend on the umbrella crate: an axum API whose routes are protected by Auth0
//! access tokens (`auth0::jwt::JwtLayer`), and which calls the Management API with one shared
//! client (`auth0::management`) to answer `/api/me` with the caller's Auth0 profile.
//!
//! `cargo run -p auth0 --example full_backend` starts the embedded fake tenant and serves on
//! 127.0.0.1:3000; set `AUTH0_DOMAIN`, `AUTH0_AUDIENCE`, `AUTH0_CLIENT_ID` and
//! `AUTH0_CLIENT_SECRET` to use your own tenant.
#![allow(clippy::print_stdout)]

use auth0::jwt::{
    AccessTokenVerifier, AsymmetricSignatureVerifier, Claims, HyperJwksFetcher, JwtLayer,
};
use auth0::management::{ApiRequest, ManagementClient, encode_path_segment};
use auth0::{Domain, Error};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Extension, Json, Router};
use http::Method;
use serde_json::{Value, json};

/// Settings of the backend.
pub(crate) struct Settings {
    pub(crate) domain: Domain,
    pub(crate) audience: String,
    pub(crate) client_id: String,
    pub(crate) client_secret: String,
}

async fn public() -> Json<Value> {
    Json(json!({ "message": "public: no token needed" }))
}

async fn me(
    State(management): State<ManagementClient>,
    Extension(claims): Extension<Claims>,
) -> Result<Json<Value>, (StatusCode, String)> {
    let path = format!("/users/{}", encode_path_segment(claims.sub()));
    match management
        .execute_json::<Value>(ApiRequest::new(Method::GET, path))
        .await
    {
        Ok(user) => Ok(Json(json!({
            "sub": claims.sub(),
            "email": user.value["email"],
            "scope": claims.scope(),
        }))),
        Err(Error::RateLimited(e)) => Err((
            StatusCode::SERVICE_UNAVAILABLE,
            format!("Auth0 is rate limiting us until {:?}", e.reset_at()),
        )),
        Err(e) => Err((StatusCode::BAD_GATEWAY, e.to_string())),
    }
}

/// Builds the router: `/api/public`, and `/api/me` behind the access-token layer.
pub(crate) fn app(settings: &Settings) -> Result<Router, Box<dyn std::error::Error + Send + Sync>> {
    let fetcher = HyperJwksFetcher::builder(settings.domain.jwks_url())
        .allow_insecure_http(!settings.domain.is_https())
        .build()?;
    let keys = AsymmetricSignatureVerifier::builder(fetcher).build()?;
    let verifier =
        AccessTokenVerifier::new(keys, settings.domain.issuer(), settings.audience.clone());
    let management = ManagementClient::builder(settings.domain.clone())
        .client_credentials(settings.client_id.clone(), settings.client_secret.clone())
        .allow_insecure_http(!settings.domain.is_https())
        .build()?;
    Ok(Router::new()
        .route("/api/me", get(me))
        .route_layer(JwtLayer::new(verifier))
        .route("/api/public", get(public))
        .with_state(management))
}

#[allow(dead_code)]
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let mut _tenant = None;
    let settings = if let Ok(domain) = std::env::var("AUTH0_DOMAIN") {
        Settings {
            domain: Domain::new(&domain)?,
            audience: std::env::var("AUTH0_AUDIENCE")?,
            client_id: std::env::var("AUTH0_CLIENT_ID")?,
            client_secret: std::env::var("AUTH0_CLIENT_SECRET")?,
        }
    } else {
        {
            let tenant = auth0_testing::FakeTenant::start().await?;
            println!("fake tenant at {}", tenant.base_url());
            let settings = Settings {
                domain: tenant.domain(),
                audience: auth0_testing::seed::API_IDENTIFIER.to_owned(),
                client_id: auth0_testing::seed::M2M_CLIENT_ID.to_owned(),
                client_secret: auth0_testing::seed::M2M_CLIENT_SECRET.to_owned(),
            };
            _tenant = Some(tenant);
            settings
        }
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    println!("serving on http://127.0.0.1:3000 (GET /api/public, GET /api/me with a bearer token)");
    axum::serve(listener, app(&settings)?).await?;
    Ok(())
}

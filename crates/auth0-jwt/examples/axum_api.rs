//! An axum API protected by Auth0 access tokens.
//!
//! ```sh
//! AUTH0_DOMAIN=tenant.eu.auth0.com AUTH0_AUDIENCE=https://api.example.com/ \
//!     cargo run -p auth0-jwt --example axum_api
//! curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:3000/api/private
//! ```

use auth0_jwt::{AccessTokenVerifier, AsymmetricSignatureVerifier, Claims, JwtLayer};
use axum::routing::get;
use axum::{Extension, Json, Router};
use serde_json::{Value, json};

async fn public() -> Json<Value> {
    Json(json!({"message": "public: no token needed"}))
}

async fn private(Extension(claims): Extension<Claims>) -> Json<Value> {
    Json(json!({"message": "private", "sub": claims.sub(), "scope": claims.scope()}))
}

/// Builds the app; keys are fetched on the first request, not here.
fn app(domain: &str, audience: &str) -> Result<Router, Box<dyn std::error::Error>> {
    let keys =
        AsymmetricSignatureVerifier::new(&format!("https://{domain}/.well-known/jwks.json"))?;
    let verifier = AccessTokenVerifier::new(keys, format!("https://{domain}/"), audience);
    let private_routes = Router::new()
        .route("/api/private", get(private))
        .route_layer(JwtLayer::new(verifier.clone()));
    // Same keys and cache, stricter requirement: 403 without the scope.
    let scoped_routes = Router::new()
        .route("/api/private-scoped", get(private))
        .route_layer(JwtLayer::new(verifier.require_scopes(["read:messages"])));
    Ok(Router::new()
        .route("/api/public", get(public))
        .merge(private_routes)
        .merge(scoped_routes))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let domain = std::env::var("AUTH0_DOMAIN").unwrap_or_else(|_| "tenant.auth0.com".to_owned());
    let audience =
        std::env::var("AUTH0_AUDIENCE").unwrap_or_else(|_| "https://api.example.com/".to_owned());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    axum::serve(listener, app(&domain, &audience)?).await?;
    Ok(())
}

//! Prints what auth0-rs derives from a tenant domain, and how it parses an Auth0 error.
//!
//! `cargo run -p auth0-core --example explain_domain -- tenant.eu.auth0.com`
#![allow(clippy::print_stdout)]

use auth0_core::{Domain, Error, Telemetry};
use http::{HeaderMap, HeaderValue, StatusCode};

fn main() -> std::process::ExitCode {
    let input = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "example.eu.auth0.com".to_owned());
    let domain = match Domain::new(&input) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    println!("domain               {}", domain.host());
    println!("issuer               {}", domain.issuer());
    println!("jwks                 {}", domain.jwks_url());
    println!("token endpoint       {}", domain.url("/oauth/token"));
    println!("management audience  {}", domain.management_audience());
    let telemetry = Telemetry::default();
    println!("Auth0-Client         {}", telemetry.to_json());

    let mut headers = HeaderMap::new();
    headers.insert("x-ratelimit-reset", HeaderValue::from_static("1700000000"));
    let err = Error::from_response(
        StatusCode::TOO_MANY_REQUESTS,
        headers,
        br#"{"statusCode":429,"error":"Too Many Requests","message":"Global limit has been reached"}"#,
    );
    if let Error::RateLimited(rl) = &err {
        println!(
            "a 429 reads as       {err} (reset_at = {:?})",
            rl.reset_at()
        );
    }
    std::process::ExitCode::SUCCESS
}

//! Runs a fake Auth0 tenant on 127.0.0.1 until killed, for clients in any language.
//!
//! `auth0-fake-tenant [--port N]` prints one JSON line with the base URL, the issuer and the
//! seeded credentials, then serves until the process is stopped.

use std::process::ExitCode;

use auth0_testing::{FakeTenant, seed};
use serde_json::json;

const USAGE: &str = "usage: auth0-fake-tenant [--port N]\n\nServes a fake Auth0 tenant on 127.0.0.1 (port 0 = any free port) and prints its\naddress and seeded credentials as one JSON line on stdout.";

fn parse_port(args: &[String]) -> Result<Option<u16>, String> {
    let mut port = 0u16;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "-h" | "--help" => return Ok(None),
            "--port" | "-p" => {
                let value = args.get(i + 1).ok_or("--port needs a value")?;
                port = value
                    .parse()
                    .map_err(|_| format!("--port {value:?} is not a port number"))?;
                i += 2;
            }
            other => {
                if let Some(value) = other.strip_prefix("--port=") {
                    port = value
                        .parse()
                        .map_err(|_| format!("--port {value:?} is not a port number"))?;
                    i += 1;
                } else {
                    return Err(format!("unknown argument {other:?}"));
                }
            }
        }
    }
    Ok(Some(port))
}

#[allow(clippy::print_stdout)]
fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let port = match parse_port(&args) {
        Ok(Some(port)) => port,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("auth0-fake-tenant: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("auth0-fake-tenant: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let tenant = match FakeTenant::builder().port(port).start().await {
            Ok(t) => t,
            Err(e) => {
                eprintln!("auth0-fake-tenant: cannot listen on 127.0.0.1:{port}: {e}");
                return ExitCode::FAILURE;
            }
        };
        let info = json!({
            "base_url": tenant.base_url(),
            "issuer": tenant.issuer(),
            "jwks_uri": tenant.jwks_url(),
            "management_audience": tenant.management_audience(),
            "m2m_client_id": seed::M2M_CLIENT_ID,
            "m2m_client_secret": seed::M2M_CLIENT_SECRET,
            "pkjwt_client_id": seed::PKJWT_CLIENT_ID,
            "pkjwt_kid": seed::PKJWT_KID,
            "web_client_id": seed::WEB_CLIENT_ID,
            "web_client_secret": seed::WEB_CLIENT_SECRET,
            "web_callback_url": seed::WEB_CALLBACK_URL,
            "public_client_id": seed::PUBLIC_CLIENT_ID,
            "user_email": seed::USER_EMAIL,
            "user_password": seed::USER_PASSWORD,
            "api_identifier": seed::API_IDENTIFIER,
        });
        println!("{info}");
        std::future::pending::<()>().await;
        drop(tenant);
        ExitCode::SUCCESS
    })
}

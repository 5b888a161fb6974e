//! The auth0-rs quickstart: `cargo run --example quickstart`.
//!
//! Without configuration it starts the embedded fake tenant (`auth0-testing`) on 127.0.0.1
//! and walks through the SDK against it. To run it against your own tenant, set
//!
//! - `AUTH0_DOMAIN` (e.g. `tenant.eu.auth0.com`) and `AUTH0_CLIENT_ID`, and either
//!   `AUTH0_PRIVATE_KEY` (path to the PEM private key registered for `private_key_jwt`) or
//!   `AUTH0_CLIENT_SECRET`: a machine-to-machine application authorised for the Management API
//!   with `read:connections` and `update:connections`;
//! - optionally `AUTH0_LOGIN_CLIENT_ID`, `AUTH0_LOGIN_CLIENT_SECRET`, `AUTH0_USERNAME` and
//!   `AUTH0_PASSWORD` for the login step (a regular web application with the password grant).
//!
//! Steps: a Management API token by client credentials with a `private_key_jwt` assertion;
//! list connections; rename one and read it back; log a user in and verify the ID token;
//! show a rate-limit error with its `reset_at`; run several calls concurrently on one shared
//! client.
#![allow(clippy::print_stdout)]

use std::error::Error as StdError;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use auth0::authentication::{
    AuthenticationClient, ClientAssertionSigner, ClientCredentials, PasswordGrant,
};
use auth0::jwt::VerifyOptions;
use auth0::management::ManagementClient;
use auth0::management::models::{
    ConnectionForList, ListConnectionsResponseContent, UpdateConnectionRequestContent,
};
use auth0::{Domain, Error};
use auth0_testing::{FakeTenant, Fault, seed};

type BoxError = Box<dyn StdError + Send + Sync>;

/// Where the walkthrough runs and with which credentials.
pub(crate) struct Target {
    domain: Domain,
    m2m_client_id: String,
    m2m_key: Credential,
    login: Option<Login>,
    /// The embedded tenant, when no real one was configured.
    fake: Option<FakeTenant>,
}

enum Credential {
    PrivateKeyPem(String),
    Secret(String),
}

struct Login {
    client_id: String,
    client_secret: String,
    username: String,
    password: String,
    realm: Option<String>,
}

impl Target {
    /// The tenant named by the environment, or `None` when it names none.
    fn from_env() -> Result<Option<Self>, BoxError> {
        let (Ok(domain), Ok(client_id)) = (
            std::env::var("AUTH0_DOMAIN"),
            std::env::var("AUTH0_CLIENT_ID"),
        ) else {
            return Ok(None);
        };
        let key = if let Ok(path) = std::env::var("AUTH0_PRIVATE_KEY") {
            Credential::PrivateKeyPem(
                std::fs::read_to_string(&path).map_err(|e| format!("reading {path}: {e}"))?,
            )
        } else if let Ok(secret) = std::env::var("AUTH0_CLIENT_SECRET") {
            Credential::Secret(secret)
        } else {
            return Err(
                "set AUTH0_PRIVATE_KEY (a PEM file) or AUTH0_CLIENT_SECRET beside AUTH0_CLIENT_ID"
                    .into(),
            );
        };
        let login = match (
            std::env::var("AUTH0_LOGIN_CLIENT_ID"),
            std::env::var("AUTH0_LOGIN_CLIENT_SECRET"),
            std::env::var("AUTH0_USERNAME"),
            std::env::var("AUTH0_PASSWORD"),
        ) {
            (Ok(client_id), Ok(client_secret), Ok(username), Ok(password)) => Some(Login {
                client_id,
                client_secret,
                username,
                password,
                realm: std::env::var("AUTH0_REALM").ok(),
            }),
            _ => None,
        };
        Ok(Some(Self {
            domain: Domain::new(&domain)?,
            m2m_client_id: client_id,
            m2m_key: key,
            login,
            fake: None,
        }))
    }

    /// The embedded fake tenant with its seeded clients and user.
    pub(crate) async fn fake() -> Result<Self, BoxError> {
        let tenant = FakeTenant::start().await?;
        Ok(Self {
            domain: tenant.domain(),
            m2m_client_id: seed::PKJWT_CLIENT_ID.to_owned(),
            m2m_key: Credential::PrivateKeyPem(seed::PKJWT_PRIVATE_KEY_PEM.to_owned()),
            login: Some(Login {
                client_id: seed::WEB_CLIENT_ID.to_owned(),
                client_secret: seed::WEB_CLIENT_SECRET.to_owned(),
                username: seed::USER_EMAIL.to_owned(),
                password: seed::USER_PASSWORD.to_owned(),
                realm: Some(seed::DATABASE_CONNECTION.to_owned()),
            }),
            fake: Some(tenant),
        })
    }

    fn insecure(&self) -> bool {
        !self.domain.is_https()
    }
}

/// What the walkthrough saw, for the test that runs it.
#[derive(Debug, Default)]
pub(crate) struct Report {
    /// Number of connections listed.
    pub(crate) connections: usize,
    /// The display name read back after the rename.
    pub(crate) renamed_to: Option<String>,
    /// `sub` of the verified ID token.
    pub(crate) id_token_subject: Option<String>,
    /// `reset_at` of the rate-limit error.
    pub(crate) rate_limit_reset_at: Option<u64>,
    /// Calls made concurrently, and token requests they caused.
    pub(crate) concurrent_calls: usize,
    /// Token requests made by the management client during the concurrent step (fake tenant only).
    pub(crate) token_requests_during_concurrency: Option<usize>,
}

/// Runs every step against `target`, printing as it goes.
pub(crate) async fn run(target: &Target) -> Result<Report, BoxError> {
    let mut report = Report::default();
    println!("auth0-rs quickstart against {}", target.domain);
    if target.fake.is_some() {
        println!("  (the embedded fake tenant; set AUTH0_DOMAIN and friends to use your own)");
    }

    // 1. A Management API token by client credentials, authenticated with a private_key_jwt
    //    assertion (or a secret, when that is what was configured).
    step(1, "get a Management API token by client credentials");
    let auth = {
        let builder = AuthenticationClient::builder(target.domain.clone())
            .client_id(target.m2m_client_id.clone())
            .allow_insecure_http(target.insecure());
        match &target.m2m_key {
            Credential::PrivateKeyPem(pem) => {
                let signer = ClientAssertionSigner::from_pem_default_alg(pem)?;
                println!(
                    "    client authentication: private_key_jwt ({:?})",
                    signer.algorithm()
                );
                builder.private_key_jwt(signer)
            }
            Credential::Secret(secret) => {
                println!("    client authentication: client_secret_post");
                builder.client_secret(secret.clone())
            }
        }
        .build()?
    };
    let tokens = auth
        .token()
        .client_credentials(ClientCredentials::new(target.domain.management_audience()))
        .await?;
    println!(
        "    got a {} token for {}, expires in {} s, scope: {} …",
        tokens.token_type.as_deref().unwrap_or("?"),
        target.domain.management_audience(),
        tokens.expires_in.unwrap_or_default(),
        tokens
            .scope
            .as_deref()
            .unwrap_or("")
            .split(' ')
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    println!("    (Debug never shows it: {:?})", tokens.access_token);

    // The management client can fetch and refresh its own tokens; here we hand it the one we
    // just got, so the first step stays visible.
    let management = ManagementClient::builder(target.domain.clone())
        .token(tokens.access_token.clone())
        .allow_insecure_http(target.insecure())
        .build()?;

    // 2. List connections: one typed method per Management API operation.
    step(2, "list connections");
    let listed = management.connections().list().per_page(50).send().await?;
    let connections = connections_of(listed.value)?;
    report.connections = connections.len();
    for c in &connections {
        println!(
            "    {:<28} {:<20} {}",
            c.id.as_deref().unwrap_or("?"),
            c.strategy.as_deref().unwrap_or("?"),
            c.name.as_deref().unwrap_or("?")
        );
    }
    println!(
        "    rate limit: {:?} of {:?} left",
        listed.meta.rate_limit().remaining,
        listed.meta.rate_limit().limit
    );

    // 3. Rename one (its display name; Auth0 never changes a connection's `name`) and read it back.
    step(3, "rename a connection and read it back");
    let id = connections
        .first()
        .ok_or("the tenant has no connections")?
        .id
        .clone()
        .ok_or("connection without id")?;
    let new_name = format!("Renamed by auth0-rs at {}", unix_now());
    // Request bodies are typed too; fields left `None` are not sent.
    let mut rename = UpdateConnectionRequestContent::default();
    rename.display_name = Some(new_name);
    management.connections().update(&id, rename).send().await?;
    let read_back = management.connections().get(&id).send().await?;
    let display_name = read_back.value.display_name;
    println!(
        "    {id} is now displayed as {:?}",
        display_name.as_deref().unwrap_or("?")
    );
    report.renamed_to = display_name;

    // 4. Log a user in and verify the ID token (issuer https://{domain}/, audience = client id).
    step(4, "log a user in and verify the ID token");
    match &target.login {
        Some(login) => {
            let web = AuthenticationClient::builder(target.domain.clone())
                .client_id(login.client_id.clone())
                .client_secret(login.client_secret.clone())
                .allow_insecure_http(target.insecure())
                .build()?;
            let mut grant = PasswordGrant::new(login.username.clone(), login.password.clone())
                .scope("openid profile email");
            if let Some(realm) = &login.realm {
                grant = grant.realm(realm.clone());
            }
            let verified = web
                .token()
                .password_verified(grant, &VerifyOptions::new())
                .await?;
            println!(
                "    ID token verified: iss {}, aud {}, sub {}",
                verified.claims.iss(),
                login.client_id,
                verified.claims.sub()
            );
            report.id_token_subject = Some(verified.claims.sub().to_owned());
        }
        None => println!(
            "    skipped: set AUTH0_LOGIN_CLIENT_ID, AUTH0_LOGIN_CLIENT_SECRET, AUTH0_USERNAME and AUTH0_PASSWORD"
        ),
    }

    // 5. A rate-limit error and when it resets.
    step(5, "a rate-limit error carries when the limit resets");
    match &target.fake {
        Some(tenant) => {
            let reset_at = unix_now() + 30;
            tenant.inject(
                Fault::new("/api/v2/connections")
                    .times(1)
                    .status_429(reset_at, Some(30)),
            );
            // The client retries a 429 by itself when the wait it asks for is short; with
            // retries off, every 429 reaches the caller as `Error::RateLimited`.
            let no_retries = ManagementClient::builder(target.domain.clone())
                .token(tokens.access_token.clone())
                .max_attempts(1)
                .allow_insecure_http(target.insecure())
                .build()?;
            let result = no_retries.connections().list().send().await;
            match result {
                Err(Error::RateLimited(e)) => {
                    println!(
                        "    {e} — resets at {:?} (UNIX time), {:?} requests left",
                        e.reset_at(),
                        e.rate_limit.remaining
                    );
                    report.rate_limit_reset_at = e.reset_at();
                }
                other => return Err(format!("expected a rate-limit error, got {other:?}").into()),
            }
        }
        None => println!(
            "    skipped against a real tenant (we will not exhaust your rate limit on purpose)"
        ),
    }

    // 6. Several calls concurrently on one shared client: clones share the connection pool and
    //    the token cache, so one token fetch serves them all.
    step(6, "run calls concurrently on one shared client");
    let shared = {
        let builder =
            ManagementClient::builder(target.domain.clone()).allow_insecure_http(target.insecure());
        match &target.m2m_key {
            Credential::PrivateKeyPem(pem) => builder.private_key_jwt(
                target.m2m_client_id.clone(),
                ClientAssertionSigner::from_pem_default_alg(pem)?,
            ),
            Credential::Secret(secret) => {
                builder.client_credentials(target.m2m_client_id.clone(), secret.clone())
            }
        }
        .build()?
    };
    let before = token_requests(target);
    let calls = 8;
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..calls {
        let client = shared.clone();
        tasks.spawn(async move {
            let page = client
                .connections()
                .list()
                .per_page(1)
                .page(i % 2)
                .send()
                .await?;
            Ok::<_, BoxError>(connections_of(page.value)?.len())
        });
    }
    let mut done = 0;
    while let Some(joined) = tasks.join_next().await {
        joined??;
        done += 1;
    }
    report.concurrent_calls = done;
    if let (Some(before), Some(after)) = (before, token_requests(target)) {
        report.token_requests_during_concurrency = Some(after - before);
        println!(
            "    {done} concurrent calls, {} token request(s) between them",
            after - before
        );
    } else {
        println!("    {done} concurrent calls completed");
    }

    println!("\ndone.");
    Ok(report)
}

/// The connections of a list answer, whichever of its documented shapes Auth0 sent (a bare
/// array unless `include_totals` or checkpoint paging was asked for).
fn connections_of(
    answer: ListConnectionsResponseContent,
) -> Result<Vec<ConnectionForList>, BoxError> {
    match answer {
        ListConnectionsResponseContent::Array(connections) => Ok(connections),
        ListConnectionsResponseContent::ListConnectionsOffsetPaginatedResponseContent(page) => {
            Ok(page.connections.unwrap_or_default())
        }
        ListConnectionsResponseContent::ListConnectionsCheckpointPaginatedResponseContent(page) => {
            Ok(page.connections.unwrap_or_default())
        }
        other => Err(format!("unexpected connections list: {other:?}").into()),
    }
}

fn token_requests(target: &Target) -> Option<usize> {
    target.fake.as_ref().map(|t| {
        t.journal()
            .iter()
            .filter(|r| r.path == "/oauth/token")
            .count()
    })
}

fn step(n: u32, what: &str) {
    println!("\n{n}. {what}");
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_secs()
}

#[allow(dead_code)]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    let target = match Target::from_env() {
        Ok(Some(t)) => t,
        Ok(None) => match Target::fake().await {
            Ok(t) => t,
            Err(e) => {
                eprintln!("could not start the fake tenant: {e}");
                return std::process::ExitCode::FAILURE;
            }
        },
        Err(e) => {
            eprintln!("configuration error: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match run(&target).await {
        Ok(_) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nerror: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

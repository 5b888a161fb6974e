//! Secrets never print: clients, builders, signers, token sets and errors are formatted with
//! `{:?}`, `{:#?}` and `{}` (where they implement it) after real traffic with the fake tenant,
//! and none of the output contains a client secret, a private key (or any line of its PEM
//! body), a password or a token the tenant issued.
//!
//! Tracing: no crate of the workspace depends on `tracing` or `log` (checked with
//! `grep -rn tracing crates/*/src` and the crates' manifests), so there is no log output to
//! capture; if that changes, this file must install a capturing subscriber.

use std::time::Duration;

use auth0_authentication::{
    AuthenticationClient, ClientAssertionSigner, ClientCredentials, PasswordGrant,
};
use auth0_management::ManagementClient;
use auth0_testing::{FakeTenant, seed};

/// Fails if `shown` holds any secret, or any 16-character window of one (a recognisable part).
fn assert_clean(what: &str, shown: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!secret.is_empty());
        let chars: Vec<char> = secret.chars().collect();
        let window = chars.len().min(16);
        for part in chars.windows(window) {
            let part: String = part.iter().collect();
            assert!(
                !shown.contains(&part),
                "{what} shows part of a secret ({part:?}): {shown}"
            );
        }
    }
}

fn pem_body_lines() -> Vec<&'static str> {
    seed::PKJWT_PRIVATE_KEY_PEM
        .lines()
        .filter(|l| !l.starts_with("-----") && !l.trim().is_empty())
        .collect()
}

#[tokio::test]
async fn clients_token_sets_and_errors_never_show_secrets() {
    tokio::time::timeout(Duration::from_secs(60), async {
        let tenant = FakeTenant::start().await.unwrap();
        let mut secrets: Vec<String> = vec![
            seed::M2M_CLIENT_SECRET.to_owned(),
            seed::WEB_CLIENT_SECRET.to_owned(),
            seed::USER_PASSWORD.to_owned(),
        ];
        secrets.extend(pem_body_lines().into_iter().map(str::to_owned));

        let auth = AuthenticationClient::builder(tenant.domain())
            .allow_insecure_http(true)
            .client_id(seed::M2M_CLIENT_ID)
            .client_secret(seed::M2M_CLIENT_SECRET)
            .build()
            .unwrap();
        let tokens = auth
            .token()
            .client_credentials(ClientCredentials::new(tenant.management_audience()))
            .await
            .unwrap();
        secrets.push(tokens.access_token.expose_secret().to_owned());

        let signer =
            ClientAssertionSigner::from_pem_default_alg(seed::PKJWT_PRIVATE_KEY_PEM).unwrap();
        let pkjwt = AuthenticationClient::builder(tenant.domain())
            .allow_insecure_http(true)
            .client_id(seed::PKJWT_CLIENT_ID)
            .private_key_jwt(signer.clone())
            .build()
            .unwrap();

        let web = AuthenticationClient::builder(tenant.domain())
            .allow_insecure_http(true)
            .client_id(seed::WEB_CLIENT_ID)
            .client_secret(seed::WEB_CLIENT_SECRET)
            .build()
            .unwrap();
        let login = web
            .token()
            .password(
                PasswordGrant::new(seed::USER_EMAIL, seed::USER_PASSWORD)
                    .realm(seed::DATABASE_CONNECTION),
            )
            .await;
        let wrong = web
            .token()
            .password(
                PasswordGrant::new(seed::USER_EMAIL, "Wrong-Password-Do-Not-Print-0001")
                    .realm(seed::DATABASE_CONNECTION),
            )
            .await
            .unwrap_err();
        secrets.push("Wrong-Password-Do-Not-Print-0001".to_owned());
        let login_shown = match &login {
            Ok(set) => {
                secrets.push(set.access_token.expose_secret().to_owned());
                if let Some(id) = &set.id_token {
                    secrets.push(id.expose_secret().to_owned());
                }
                if let Some(refresh) = &set.refresh_token {
                    secrets.push(refresh.expose_secret().to_owned());
                }
                format!("{set:?} {set:#?}")
            }
            Err(e) => format!("{e} {e:?}"),
        };

        let management = ManagementClient::builder(tenant.domain())
            .allow_insecure_http(true)
            .client_credentials(seed::M2M_CLIENT_ID, seed::M2M_CLIENT_SECRET);
        let builder_shown = format!("{management:?} {management:#?}");
        let management = management.build().unwrap();
        let fetched: Result<auth0_management::ApiResponse<serde_json::Value>, _> = management
            .execute_json(auth0_management::ApiRequest::new(
                http::Method::GET,
                "/connections",
            ))
            .await;
        assert!(fetched.is_ok(), "{fetched:?}");
        let mgmt_token = tenant
            .journal()
            .iter()
            .rev()
            .find_map(|r| r.header("authorization").map(str::to_owned))
            .expect("the management call carried a bearer token");
        secrets.push(mgmt_token.trim_start_matches("Bearer ").to_owned());

        let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
        let shown = [
            ("authentication client", format!("{auth:?} {auth:#?}")),
            ("private_key_jwt client", format!("{pkjwt:?} {pkjwt:#?}")),
            ("signer", format!("{signer:?} {signer:#?}")),
            ("token set", format!("{tokens:?} {tokens:#?}")),
            ("password login", login_shown),
            (
                "wrong password error",
                format!("{wrong} {wrong:?} {wrong:#?}"),
            ),
            ("management builder", builder_shown),
            (
                "management client",
                format!("{management:?} {management:#?}"),
            ),
        ];
        for (what, text) in &shown {
            assert_clean(what, text, &secrets);
        }
    })
    .await
    .expect("bounded in time");
}

//! Management API resources beyond users and connections: clients (+credentials, secret
//! rotation), client grants, resource servers, roles, organizations, user relations, jobs;
//! checkpoint paging. Changes are checked through the Authentication API where they matter.

mod common;

use auth0_testing::{FakeTenant, seed};
use common::{api, mgmt_token, post_form, sign_assertion};
use serde_json::{Value, json};

fn enc(id: &str) -> String {
    id.replace('|', "%7C")
}

#[tokio::test]
async fn clients_grants_and_resource_servers_drive_token_issuance() {
    let t = FakeTenant::start().await.unwrap();
    let token = mgmt_token(&t).await;
    let base = format!("{}/api/v2", t.base_url());

    let api_created = api(
        "POST",
        &format!("{base}/resource-servers"),
        &token,
        Some(&json!({
            "identifier": "https://orders.example.test/",
            "name": "Orders",
            "scopes": [{ "value": "read:orders", "description": "Read orders" }],
            "token_lifetime": 600,
        })),
    )
    .await;
    assert_eq!(api_created.status, 201, "{}", api_created.json);
    let rs_id = api_created.str("id").to_owned();
    let dup = api(
        "POST",
        &format!("{base}/resource-servers"),
        &token,
        Some(&json!({ "identifier": "https://orders.example.test/" })),
    )
    .await;
    assert_eq!(dup.status, 409);
    let by_identifier = api(
        "GET",
        &format!(
            "{base}/resource-servers/{}",
            "https:%2F%2Forders.example.test%2F"
        ),
        &token,
        None,
    )
    .await;
    assert_eq!(by_identifier.json["id"], rs_id.as_str());

    let client = api(
        "POST",
        &format!("{base}/clients"),
        &token,
        Some(&json!({
            "name": "Orders worker",
            "app_type": "non_interactive",
            "grant_types": ["client_credentials"],
        })),
    )
    .await;
    assert_eq!(client.status, 201, "{}", client.json);
    let client_id = client.str("client_id").to_owned();
    let secret = client.str("client_secret").to_owned();
    let ask = |secret: String| {
        let url = format!("{}/oauth/token", t.base_url());
        let client_id = client_id.clone();
        async move {
            post_form(
                &url,
                &[
                    ("grant_type", "client_credentials"),
                    ("client_id", &client_id),
                    ("client_secret", &secret),
                    ("audience", "https://orders.example.test/"),
                ],
            )
            .await
        }
    };
    assert_eq!(ask(secret.clone()).await.status, 403, "no client grant yet");

    let grant = api("POST", &format!("{base}/client-grants"), &token, Some(&json!({
        "client_id": client_id, "audience": "https://orders.example.test/", "scope": ["read:orders"],
    }))).await;
    assert_eq!(grant.status, 201, "{}", grant.json);
    let grant_id = grant.str("id").to_owned();
    assert!(grant_id.starts_with("cgr_"));
    let issued = ask(secret.clone()).await;
    assert_eq!(issued.status, 200, "{}", issued.json);
    assert_eq!(issued.json["scope"], "read:orders");
    assert_eq!(issued.json["expires_in"], 600);

    let listed = api(
        "GET",
        &format!("{base}/client-grants?client_id={client_id}"),
        &token,
        None,
    )
    .await;
    assert_eq!(listed.json.as_array().unwrap().len(), 1);
    let patched = api(
        "PATCH",
        &format!("{base}/client-grants/{grant_id}"),
        &token,
        Some(&json!({ "scope": [] })),
    )
    .await;
    assert_eq!(patched.json["scope"], json!([]));

    let rotated = api(
        "POST",
        &format!("{base}/clients/{client_id}/rotate-secret"),
        &token,
        None,
    )
    .await;
    assert_eq!(rotated.status, 200);
    let new_secret = rotated.str("client_secret").to_owned();
    assert_ne!(new_secret, secret);
    assert_eq!(
        ask(secret).await.status,
        401,
        "the old secret no longer works"
    );
    assert_eq!(ask(new_secret).await.status, 200);

    // Register a private_key_jwt credential and authenticate with it.
    let cred = api("POST", &format!("{base}/clients/{client_id}/credentials"), &token, Some(&json!({
        "credential_type": "public_key", "name": "ci key", "pem": seed::PKJWT_PUBLIC_KEY_PEM, "kid": "ci-kid",
    }))).await;
    assert_eq!(cred.status, 201, "{}", cred.json);
    let cred_id = cred.str("id").to_owned();
    let now = t.now();
    let assertion = sign_assertion(
        &json!({ "alg": "RS256", "kid": "ci-kid" }),
        &json!({ "iss": client_id, "sub": client_id, "aud": t.issuer(), "exp": now + 60, "iat": now, "jti": "ci-1" }),
    );
    let via_key = post_form(
        &format!("{}/oauth/token", t.base_url()),
        &[
            ("grant_type", "client_credentials"),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", &assertion),
            ("audience", "https://orders.example.test/"),
        ],
    )
    .await;
    assert_eq!(via_key.status, 200, "{}", via_key.json);
    let creds = api(
        "GET",
        &format!("{base}/clients/{client_id}/credentials"),
        &token,
        None,
    )
    .await;
    assert_eq!(creds.json[0]["kid"], "ci-kid");
    assert_eq!(
        api(
            "DELETE",
            &format!("{base}/clients/{client_id}/credentials/{cred_id}"),
            &token,
            None
        )
        .await
        .status,
        204
    );
    let bad_pem = api(
        "POST",
        &format!("{base}/clients/{client_id}/credentials"),
        &token,
        Some(&json!({ "pem": "nope" })),
    )
    .await;
    assert_eq!(bad_pem.status, 400);

    let filtered = api(
        "GET",
        &format!("{base}/clients?app_type=non_interactive&include_totals=true"),
        &token,
        None,
    )
    .await;
    assert_eq!(filtered.json["total"], 3);
    assert_eq!(
        api(
            "DELETE",
            &format!("{base}/client-grants/{grant_id}"),
            &token,
            None
        )
        .await
        .status,
        204
    );
    assert_eq!(
        api(
            "DELETE",
            &format!("{base}/clients/{client_id}"),
            &token,
            None
        )
        .await
        .status,
        204
    );
    assert_eq!(
        api(
            "DELETE",
            &format!("{base}/resource-servers/{rs_id}"),
            &token,
            None
        )
        .await
        .status,
        204
    );
    assert_eq!(
        api("GET", &format!("{base}/clients/{client_id}"), &token, None)
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn roles_permissions_and_members() {
    let t = FakeTenant::start().await.unwrap();
    let token = mgmt_token(&t).await;
    let base = format!("{}/api/v2", t.base_url());
    let role = api(
        "POST",
        &format!("{base}/roles"),
        &token,
        Some(&json!({ "name": "writer", "description": "Writes" })),
    )
    .await;
    assert_eq!(role.status, 201);
    let role_id = role.str("id").to_owned();
    assert!(role_id.starts_with("rol_"));
    let filtered = api(
        "GET",
        &format!("{base}/roles?name_filter=WRI"),
        &token,
        None,
    )
    .await;
    assert_eq!(filtered.json.as_array().unwrap().len(), 1);

    let perms = json!({ "permissions": [{ "permission_name": "write:messages", "resource_server_identifier": seed::API_IDENTIFIER }] });
    assert_eq!(
        api(
            "POST",
            &format!("{base}/roles/{role_id}/permissions"),
            &token,
            Some(&perms)
        )
        .await
        .status,
        201
    );
    let listed = api(
        "GET",
        &format!("{base}/roles/{role_id}/permissions"),
        &token,
        None,
    )
    .await;
    assert_eq!(listed.json[0]["resource_server_name"], "Example API");
    let unknown_perm = api("POST", &format!("{base}/roles/{role_id}/permissions"), &token, Some(&json!({ "permissions": [{ "permission_name": "fly", "resource_server_identifier": seed::API_IDENTIFIER }] }))).await;
    assert_eq!(unknown_perm.status, 400);

    assert_eq!(
        api(
            "POST",
            &format!("{base}/roles/{role_id}/users"),
            &token,
            Some(&json!({ "users": [seed::USER_ID, seed::MFA_USER_ID] }))
        )
        .await
        .status,
        204
    );
    let members = api(
        "GET",
        &format!("{base}/roles/{role_id}/users?take=1"),
        &token,
        None,
    )
    .await;
    assert_eq!(members.json["users"].as_array().unwrap().len(), 1);
    let next = members.str("next").to_owned();
    let rest = api(
        "GET",
        &format!("{base}/roles/{role_id}/users?take=1&from={next}"),
        &token,
        None,
    )
    .await;
    assert_eq!(rest.json["users"].as_array().unwrap().len(), 1);
    assert!(rest.json.get("next").is_none(), "last page has no next");

    let user_roles = api(
        "GET",
        &format!("{base}/users/{}/roles", enc(seed::USER_ID)),
        &token,
        None,
    )
    .await;
    let names: Vec<&str> = user_roles
        .json
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec![seed::ROLE_NAME, "writer"]);
    assert_eq!(
        api(
            "DELETE",
            &format!("{base}/users/{}/roles", enc(seed::USER_ID)),
            &token,
            Some(&json!({ "roles": [role_id] }))
        )
        .await
        .status,
        204
    );
    assert_eq!(
        api(
            "GET",
            &format!("{base}/users/{}/roles", enc(seed::USER_ID)),
            &token,
            None
        )
        .await
        .json
        .as_array()
        .unwrap()
        .len(),
        1
    );

    assert_eq!(
        api(
            "POST",
            &format!("{base}/users/{}/permissions", enc(seed::USER_ID)),
            &token,
            Some(&perms)
        )
        .await
        .status,
        201
    );
    let user_perms = api(
        "GET",
        &format!(
            "{base}/users/{}/permissions?include_totals=true",
            enc(seed::USER_ID)
        ),
        &token,
        None,
    )
    .await;
    assert_eq!(user_perms.json["total"], 1);
    assert_eq!(
        api("DELETE", &format!("{base}/roles/{role_id}"), &token, None)
            .await
            .status,
        204
    );
    assert_eq!(
        api("GET", &format!("{base}/roles/{role_id}"), &token, None)
            .await
            .json["errorCode"],
        "inexistent_role"
    );
}

#[tokio::test]
async fn organizations_members_roles_invitations_connections() {
    let t = FakeTenant::start().await.unwrap();
    let token = mgmt_token(&t).await;
    let base = format!("{}/api/v2/organizations", t.base_url());
    let bad_name = api("POST", &base, &token, Some(&json!({ "name": "Not Lower" }))).await;
    assert_eq!(bad_name.status, 400);
    let created = api(
        "POST",
        &base,
        &token,
        Some(&json!({ "name": "globex", "display_name": "Globex" })),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.json);
    let org = created.str("id").to_owned();
    assert!(org.starts_with("org_"));
    assert_eq!(
        api("GET", &format!("{base}/name/globex"), &token, None)
            .await
            .json["id"],
        org.as_str()
    );

    let first = api("GET", &format!("{base}?take=1"), &token, None).await;
    assert_eq!(first.json["organizations"][0]["id"], seed::ORG_ID);
    let second = api(
        "GET",
        &format!("{base}?take=1&from={}", first.str("next")),
        &token,
        None,
    )
    .await;
    assert_eq!(second.json["organizations"][0]["id"], org.as_str());
    assert!(second.json.get("next").is_none());

    assert_eq!(
        api(
            "POST",
            &format!("{base}/{org}/members"),
            &token,
            Some(&json!({ "members": [seed::USER_ID] }))
        )
        .await
        .status,
        204
    );
    let members = api(
        "GET",
        &format!("{base}/{org}/members?include_totals=true"),
        &token,
        None,
    )
    .await;
    assert_eq!(members.json["total"], 1);
    assert_eq!(members.json["members"][0]["email"], seed::USER_EMAIL);
    let roles_url = format!("{base}/{org}/members/{}/roles", enc(seed::USER_ID));
    assert_eq!(
        api(
            "POST",
            &roles_url,
            &token,
            Some(&json!({ "roles": [seed::ROLE_ID] }))
        )
        .await
        .status,
        204
    );
    assert_eq!(
        api("GET", &roles_url, &token, None).await.json[0]["id"],
        seed::ROLE_ID
    );
    let not_member = api(
        "GET",
        &format!("{base}/{org}/members/{}/roles", enc(seed::MFA_USER_ID)),
        &token,
        None,
    )
    .await;
    assert_eq!(not_member.status, 404);
    let user_orgs = api(
        "GET",
        &format!(
            "{}/api/v2/users/{}/organizations",
            t.base_url(),
            enc(seed::USER_ID)
        ),
        &token,
        None,
    )
    .await;
    assert_eq!(user_orgs.json.as_array().unwrap().len(), 2);

    let invite = api("POST", &format!("{base}/{org}/invitations"), &token, Some(&json!({
        "inviter": { "name": "Admin" }, "invitee": { "email": "new@example.test" }, "client_id": seed::WEB_CLIENT_ID, "roles": [seed::ROLE_ID],
    }))).await;
    assert_eq!(invite.status, 201, "{}", invite.json);
    let inv = invite.str("id").to_owned();
    assert!(invite.str("invitation_url").contains(&org));
    assert_eq!(
        api(
            "GET",
            &format!("{base}/{org}/invitations/{inv}"),
            &token,
            None
        )
        .await
        .json["invitee"]["email"],
        "new@example.test"
    );
    assert_eq!(
        api(
            "DELETE",
            &format!("{base}/{org}/invitations/{inv}"),
            &token,
            None
        )
        .await
        .status,
        204
    );
    assert_eq!(
        api(
            "GET",
            &format!("{base}/{org}/invitations/{inv}"),
            &token,
            None
        )
        .await
        .status,
        404
    );

    let conn_url = format!("{base}/{org}/enabled_connections");
    let enabled = api("POST", &conn_url, &token, Some(&json!({ "connection_id": seed::DATABASE_CONNECTION_ID, "assign_membership_on_login": true }))).await;
    assert_eq!(enabled.status, 201, "{}", enabled.json);
    assert_eq!(
        enabled.json["connection"]["name"],
        seed::DATABASE_CONNECTION
    );
    assert_eq!(
        api(
            "POST",
            &conn_url,
            &token,
            Some(&json!({ "connection_id": seed::DATABASE_CONNECTION_ID }))
        )
        .await
        .status,
        409
    );
    let patched = api(
        "PATCH",
        &format!("{conn_url}/{}", seed::DATABASE_CONNECTION_ID),
        &token,
        Some(&json!({ "assign_membership_on_login": false })),
    )
    .await;
    assert_eq!(patched.json["assign_membership_on_login"], false);
    assert_eq!(
        api(
            "DELETE",
            &format!("{conn_url}/{}", seed::DATABASE_CONNECTION_ID),
            &token,
            None
        )
        .await
        .status,
        204
    );

    assert_eq!(
        api(
            "DELETE",
            &format!("{base}/{org}/members"),
            &token,
            Some(&json!({ "members": [seed::USER_ID] }))
        )
        .await
        .status,
        204
    );
    assert_eq!(
        api("DELETE", &format!("{base}/{org}"), &token, None)
            .await
            .status,
        204
    );
    assert_eq!(
        api("GET", &format!("{base}/{org}"), &token, None)
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn user_identities_and_jobs() {
    let t = FakeTenant::start().await.unwrap();
    let token = mgmt_token(&t).await;
    let base = format!("{}/api/v2", t.base_url());
    let linked = api(
        "POST",
        &format!("{base}/users/{}/identities", enc(seed::USER_ID)),
        &token,
        Some(&json!({ "provider": "google-oauth2", "user_id": "1234" })),
    )
    .await;
    assert_eq!(linked.status, 201, "{}", linked.json);
    assert_eq!(linked.json.as_array().unwrap().len(), 2);
    let unlinked = api(
        "DELETE",
        &format!(
            "{base}/users/{}/identities/google-oauth2/1234",
            enc(seed::USER_ID)
        ),
        &token,
        None,
    )
    .await;
    assert_eq!(unlinked.status, 200, "{}", unlinked.json);
    assert_eq!(unlinked.json.as_array().unwrap().len(), 1);
    let primary = api(
        "DELETE",
        &format!(
            "{base}/users/{}/identities/auth0/fakeuser000000000000000001",
            enc(seed::USER_ID)
        ),
        &token,
        None,
    )
    .await;
    assert_eq!(
        primary.status, 400,
        "the primary identity cannot be unlinked"
    );

    let verify = api(
        "POST",
        &format!("{base}/jobs/verification-email"),
        &token,
        Some(&json!({ "user_id": seed::USER_ID })),
    )
    .await;
    assert_eq!(verify.status, 201);
    assert_eq!(verify.json["status"], "pending");
    let job_id = verify.str("id").to_owned();
    assert_eq!(
        api("GET", &format!("{base}/jobs/{job_id}"), &token, None)
            .await
            .json["status"],
        "pending"
    );
    assert_eq!(
        api("GET", &format!("{base}/jobs/{job_id}"), &token, None)
            .await
            .json["status"],
        "completed"
    );

    let export = api("POST", &format!("{base}/jobs/users-exports"), &token, Some(&json!({ "connection_id": seed::DATABASE_CONNECTION_ID, "fields": [{ "name": "email" }] }))).await;
    let export_id = export.str("id").to_owned();
    api("GET", &format!("{base}/jobs/{export_id}"), &token, None).await;
    let done = api("GET", &format!("{base}/jobs/{export_id}"), &token, None).await;
    let location = done.str("location").to_owned();
    let file = common::get(&location).await;
    let lines: Vec<Value> = String::from_utf8(file.body.to_vec())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines,
        vec![
            json!({ "email": seed::USER_EMAIL }),
            json!({ "email": seed::MFA_USER_EMAIL })
        ]
    );

    let boundary = "XBOUNDARYX";
    let users = json!([{ "email": "imp1@example.test", "password": "imported-1" }, { "email": seed::USER_EMAIL }]).to_string();
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"connection_id\"\r\n\r\n{}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"users\"; filename=\"users.json\"\r\nContent-Type: application/json\r\n\r\n{users}\r\n--{boundary}--\r\n",
        seed::DATABASE_CONNECTION_ID
    );
    let import = common::send(
        http::Request::post(format!("{base}/jobs/users-imports"))
            .header("authorization", format!("Bearer {token}"))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(bytes::Bytes::from(body))
            .unwrap(),
    )
    .await;
    assert_eq!(import.status, 201, "{}", import.json);
    assert_eq!(
        import.json["summary"],
        json!({ "failed": 1, "updated": 0, "inserted": 1, "total": 2 })
    );
    let import_id = import.str("id").to_owned();
    let errors = api(
        "GET",
        &format!("{base}/jobs/{import_id}/errors"),
        &token,
        None,
    )
    .await;
    assert_eq!(errors.json[0]["errors"][0]["code"], "DUPLICATED_USER");
    let imported = post_form(
        &format!("{}/oauth/token", t.base_url()),
        &[
            ("grant_type", "password"),
            ("client_id", seed::WEB_CLIENT_ID),
            ("client_secret", seed::WEB_CLIENT_SECRET),
            ("username", "imp1@example.test"),
            ("password", "imported-1"),
        ],
    )
    .await;
    assert_eq!(imported.status, 200, "{}", imported.json);
    assert_eq!(
        api("GET", &format!("{base}/jobs/job_missing"), &token, None)
            .await
            .status,
        404
    );
}

//! The tenant's initial content: the standard seed's constants and [`TenantSeed`].
//!
//! [`TenantSeed::standard`] (also `TenantSeed::default()`) holds:
//! - [`M2M_CLIENT_ID`]/[`M2M_CLIENT_SECRET`]: a machine-to-machine client authenticating
//!   with a secret, granted every scope of the Management API ([`MANAGEMENT_SCOPES`]) and
//!   both scopes of [`API_IDENTIFIER`];
//! - [`PKJWT_CLIENT_ID`]: a machine-to-machine client authenticating with
//!   `private_key_jwt`; its registered public key ([`PKJWT_PUBLIC_KEY_PEM`], kid
//!   [`PKJWT_KID`]) matches [`PKJWT_PRIVATE_KEY_PEM`]; same grants as the M2M client;
//! - [`WEB_CLIENT_ID`]/[`WEB_CLIENT_SECRET`]: a regular web application with callback
//!   [`WEB_CALLBACK_URL`], allowed the interactive grants (code, refresh, password, MFA,
//!   passwordless, CIBA, device code, token exchange);
//! - [`PUBLIC_CLIENT_ID`]: a native (public) application without a secret, for PKCE and the
//!   device flow;
//! - [`USER_EMAIL`]/[`USER_PASSWORD`] (id [`USER_ID`]) in [`DATABASE_CONNECTION`], the user
//!   `/authorize` logs in; [`MFA_USER_EMAIL`]/[`MFA_USER_PASSWORD`] with an OTP authenticator
//!   enrolled;
//! - the API [`API_IDENTIFIER`] with scopes [`API_SCOPES`], the role [`ROLE_ID`]
//!   ([`ROLE_NAME`]) holding `read:messages`, and the organization [`ORG_ID`] ([`ORG_NAME`])
//!   whose member is the test user.

use serde_json::{Value, json};

use crate::ids;
use crate::pem;
use crate::state::{Credential, Kind, Store};

/// Stands for the tenant's Management API audience in seeded grants and resource servers;
/// replaced by [`crate::FakeTenant::management_audience`] when the tenant starts.
pub const MANAGEMENT_AUDIENCE_PLACEHOLDER: &str = "{management_audience}";

/// The machine-to-machine client with a secret.
pub const M2M_CLIENT_ID: &str = "fakeM2mClient0000000000000000001";
/// Secret of [`M2M_CLIENT_ID`].
pub const M2M_CLIENT_SECRET: &str = "fake-m2m-secret-0001-not-a-real-secret-value-xxxxxxxxxxxxxxxx";
/// The machine-to-machine client authenticating with `private_key_jwt`.
pub const PKJWT_CLIENT_ID: &str = "fakePkjwtClient00000000000000002";
/// Key id (`kid`) under which [`PKJWT_PUBLIC_KEY_PEM`] is registered.
pub const PKJWT_KID: &str = "fake-pkjwt-key-1";
/// Private key (PKCS#1 PEM, 2048-bit RSA) matching the registered key of
/// [`PKJWT_CLIENT_ID`]. Test fixture only.
pub const PKJWT_PRIVATE_KEY_PEM: &str = include_str!("../keys/pkjwt-client.pem");
/// Public key (SubjectPublicKeyInfo PEM) registered for [`PKJWT_CLIENT_ID`].
pub const PKJWT_PUBLIC_KEY_PEM: &str = include_str!("../keys/pkjwt-client.pub.pem");
/// A regular web application with a secret.
pub const WEB_CLIENT_ID: &str = "fakeWebClient0000000000000000003";
/// Secret of [`WEB_CLIENT_ID`].
pub const WEB_CLIENT_SECRET: &str = "fake-web-secret-0003-not-a-real-secret-value-xxxxxxxxxxxxxxxx";
/// The allowed callback of [`WEB_CLIENT_ID`] and [`PUBLIC_CLIENT_ID`].
pub const WEB_CALLBACK_URL: &str = "http://127.0.0.1/callback";
/// The allowed logout URL of [`WEB_CLIENT_ID`].
pub const WEB_LOGOUT_URL: &str = "http://127.0.0.1/logged-out";
/// A native application without a secret (`token_endpoint_auth_method: none`).
pub const PUBLIC_CLIENT_ID: &str = "fakePublicClient0000000000000004";
/// The database connection of the seeded users.
pub const DATABASE_CONNECTION: &str = "Username-Password-Authentication";
/// Id of [`DATABASE_CONNECTION`].
pub const DATABASE_CONNECTION_ID: &str = "con_fakeDatabase0001";
/// The passwordless email connection.
pub const EMAIL_CONNECTION: &str = "email";
/// The passwordless SMS connection.
pub const SMS_CONNECTION: &str = "sms";
/// The test user's id.
pub const USER_ID: &str = "auth0|fakeuser000000000000000001";
/// The test user's email.
pub const USER_EMAIL: &str = "alice@example.test";
/// The test user's password.
pub const USER_PASSWORD: &str = "Correct-Horse-Battery-Staple-1";
/// A user with an OTP authenticator enrolled: password grants answer `mfa_required`.
pub const MFA_USER_ID: &str = "auth0|fakeuser000000000000000002";
/// Email of [`MFA_USER_ID`].
pub const MFA_USER_EMAIL: &str = "bob@example.test";
/// Password of [`MFA_USER_ID`].
pub const MFA_USER_PASSWORD: &str = "Another-Horse-Battery-Staple-2";
/// The one-time password the fake tenant accepts for every OTP authenticator.
pub const MFA_OTP_CODE: &str = "123456";
/// The recovery code of [`MFA_USER_ID`].
pub const MFA_RECOVERY_CODE: &str = "FAKERECOVERYCODE0000000000001";
/// The API (resource server) identifier.
pub const API_IDENTIFIER: &str = "https://api.example.test/";
/// Id of the API resource server.
pub const API_ID: &str = "fakeapi000000000000000001";
/// Scopes of [`API_IDENTIFIER`].
pub const API_SCOPES: [&str; 2] = ["read:messages", "write:messages"];
/// A role.
pub const ROLE_ID: &str = "rol_fakeReader000001";
/// Name of [`ROLE_ID`].
pub const ROLE_NAME: &str = "reader";
/// An organization.
pub const ORG_ID: &str = "org_fakeAcme00000001";
/// Name (lower case, as Auth0 requires) of [`ORG_ID`].
pub const ORG_NAME: &str = "acme";

/// Every scope the Management API checks.
pub const MANAGEMENT_SCOPES: &[&str] = &[
    "read:users",
    "create:users",
    "update:users",
    "delete:users",
    "read:users_app_metadata",
    "update:users_app_metadata",
    "read:user_idp_tokens",
    "read:connections",
    "create:connections",
    "update:connections",
    "delete:connections",
    "read:clients",
    "create:clients",
    "update:clients",
    "delete:clients",
    "read:client_keys",
    "read:client_credentials",
    "create:client_credentials",
    "update:client_credentials",
    "delete:client_credentials",
    "read:client_grants",
    "create:client_grants",
    "update:client_grants",
    "delete:client_grants",
    "read:resource_servers",
    "create:resource_servers",
    "update:resource_servers",
    "delete:resource_servers",
    "read:roles",
    "create:roles",
    "update:roles",
    "delete:roles",
    "read:role_members",
    "create:role_members",
    "delete:role_members",
    "read:organizations",
    "create:organizations",
    "update:organizations",
    "delete:organizations",
    "read:organization_members",
    "create:organization_members",
    "delete:organization_members",
    "read:organization_member_roles",
    "create:organization_member_roles",
    "delete:organization_member_roles",
    "read:organization_invitations",
    "create:organization_invitations",
    "delete:organization_invitations",
    "read:organization_connections",
    "create:organization_connections",
    "update:organization_connections",
    "delete:organization_connections",
    "read:logs",
    "read:logs_users",
    "create:users_jobs",
    "read:users_jobs",
    "read:stats",
    "read:tenant_settings",
    "update:tenant_settings",
    "create:user_tickets",
    "read:signing_keys",
    "create:signing_keys",
    "update:signing_keys",
];

/// A seeded client public key.
#[derive(Debug, Clone)]
struct SeedCredential {
    client_id: String,
    kid: String,
    pem: String,
}

/// The tenant's initial content, as Auth0-shaped JSON objects.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use auth0_testing::FakeTenant;
/// use auth0_testing::seed::{self, TenantSeed};
/// use serde_json::json;
///
/// let seed = TenantSeed::standard().user(json!({
///     "user_id": "carol",
///     "email": "carol@example.test",
///     "password": "Yet-Another-Password-3",
///     "connection": seed::DATABASE_CONNECTION,
/// }));
/// let tenant = FakeTenant::builder().seed(seed).start().await?;
/// let carol = tenant.resource("users", "auth0|carol").expect("seeded");
/// assert_eq!(carol["email"], "carol@example.test");
/// // The standard seed is still there.
/// assert!(tenant.resource("users", seed::USER_ID).is_some());
/// # Ok(()) }
/// ```
#[derive(Clone)]
#[must_use]
pub struct TenantSeed {
    clients: Vec<Value>,
    credentials: Vec<SeedCredential>,
    users: Vec<Value>,
    connections: Vec<Value>,
    resource_servers: Vec<Value>,
    client_grants: Vec<Value>,
    roles: Vec<Value>,
    organizations: Vec<Value>,
    links: Vec<(String, Value)>,
    authorize_user: Option<String>,
    default_audience: Option<String>,
}

impl TenantSeed {
    /// A tenant with nothing in it but the Management API itself.
    pub fn empty() -> Self {
        Self {
            clients: Vec::new(),
            credentials: Vec::new(),
            users: Vec::new(),
            connections: Vec::new(),
            resource_servers: Vec::new(),
            client_grants: Vec::new(),
            roles: Vec::new(),
            organizations: Vec::new(),
            links: Vec::new(),
            authorize_user: None,
            default_audience: None,
        }
    }

    /// The standard seed described in the [module documentation](self).
    pub fn standard() -> Self {
        let interactive = json!([
            "authorization_code",
            "refresh_token",
            "password",
            "http://auth0.com/oauth/grant-type/password-realm",
            "http://auth0.com/oauth/grant-type/mfa-otp",
            "http://auth0.com/oauth/grant-type/mfa-oob",
            "http://auth0.com/oauth/grant-type/mfa-recovery-code",
            "http://auth0.com/oauth/grant-type/passwordless/otp",
            "urn:openid:params:grant-type:ciba",
            "urn:ietf:params:oauth:grant-type:device_code",
            "urn:ietf:params:oauth:grant-type:token-exchange",
            "client_credentials"
        ]);
        let all_mgmt: Vec<&str> = MANAGEMENT_SCOPES.to_vec();
        Self::empty()
            .connection(json!({
                "id": DATABASE_CONNECTION_ID,
                "name": DATABASE_CONNECTION,
                "strategy": "auth0",
                "display_name": "Database",
                "options": { "mfa": { "active": true }, "passwordPolicy": "good" },
                "enabled_clients": [WEB_CLIENT_ID, PUBLIC_CLIENT_ID, M2M_CLIENT_ID],
                "realms": [DATABASE_CONNECTION],
                "is_domain_connection": false,
            }))
            .connection(json!({
                "id": "con_fakeEmail0000001",
                "name": EMAIL_CONNECTION,
                "strategy": "email",
                "options": {},
                "enabled_clients": [WEB_CLIENT_ID, PUBLIC_CLIENT_ID],
                "realms": [EMAIL_CONNECTION],
                "is_domain_connection": false,
            }))
            .connection(json!({
                "id": "con_fakeSms000000001",
                "name": SMS_CONNECTION,
                "strategy": "sms",
                "options": {},
                "enabled_clients": [WEB_CLIENT_ID, PUBLIC_CLIENT_ID],
                "realms": [SMS_CONNECTION],
                "is_domain_connection": false,
            }))
            .client(json!({
                "client_id": M2M_CLIENT_ID,
                "client_secret": M2M_CLIENT_SECRET,
                "name": "Fake M2M client",
                "app_type": "non_interactive",
                "token_endpoint_auth_method": "client_secret_post",
                "grant_types": ["client_credentials"],
                "is_first_party": true,
            }))
            .client(json!({
                "client_id": PKJWT_CLIENT_ID,
                "name": "Fake private_key_jwt client",
                "app_type": "non_interactive",
                "token_endpoint_auth_method": null,
                "client_authentication_methods": { "private_key_jwt": { "credentials": [] } },
                "grant_types": ["client_credentials"],
                "is_first_party": true,
            }))
            .client_public_key(PKJWT_CLIENT_ID, PKJWT_KID, PKJWT_PUBLIC_KEY_PEM)
            .client(json!({
                "client_id": WEB_CLIENT_ID,
                "client_secret": WEB_CLIENT_SECRET,
                "name": "Fake web application",
                "app_type": "regular_web",
                "token_endpoint_auth_method": "client_secret_post",
                "callbacks": [WEB_CALLBACK_URL],
                "allowed_logout_urls": [WEB_LOGOUT_URL],
                "grant_types": interactive,
                "is_first_party": true,
                "refresh_token": { "rotation_type": "rotating", "expiration_type": "expiring" },
            }))
            .client(json!({
                "client_id": PUBLIC_CLIENT_ID,
                "name": "Fake native application",
                "app_type": "native",
                "token_endpoint_auth_method": "none",
                "callbacks": [WEB_CALLBACK_URL],
                "allowed_logout_urls": [WEB_LOGOUT_URL],
                "grant_types": interactive,
                "is_first_party": true,
                "refresh_token": { "rotation_type": "rotating", "expiration_type": "expiring" },
            }))
            .resource_server(json!({
                "id": API_ID,
                "name": "Example API",
                "identifier": API_IDENTIFIER,
                "signing_alg": "RS256",
                "token_lifetime": 86400,
                "allow_offline_access": true,
                "scopes": [
                    { "value": API_SCOPES[0], "description": "Read messages" },
                    { "value": API_SCOPES[1], "description": "Write messages" }
                ],
            }))
            .client_grant(json!({
                "id": "cgr_fakeM2mMgmt00001",
                "client_id": M2M_CLIENT_ID,
                "audience": MANAGEMENT_AUDIENCE_PLACEHOLDER,
                "scope": all_mgmt,
            }))
            .client_grant(json!({
                "id": "cgr_fakePkjwtMgmt001",
                "client_id": PKJWT_CLIENT_ID,
                "audience": MANAGEMENT_AUDIENCE_PLACEHOLDER,
                "scope": all_mgmt,
            }))
            .client_grant(json!({
                "id": "cgr_fakeM2mApi00001",
                "client_id": M2M_CLIENT_ID,
                "audience": API_IDENTIFIER,
                "scope": API_SCOPES,
            }))
            .client_grant(json!({
                "id": "cgr_fakePkjwtApi001",
                "client_id": PKJWT_CLIENT_ID,
                "audience": API_IDENTIFIER,
                "scope": API_SCOPES,
            }))
            .user(json!({
                "user_id": USER_ID,
                "email": USER_EMAIL,
                "email_verified": true,
                "name": "Alice Example",
                "nickname": "alice",
                "given_name": "Alice",
                "family_name": "Example",
                "password": USER_PASSWORD,
                "connection": DATABASE_CONNECTION,
            }))
            .user(json!({
                "user_id": MFA_USER_ID,
                "email": MFA_USER_EMAIL,
                "email_verified": true,
                "name": "Bob Example",
                "nickname": "bob",
                "password": MFA_USER_PASSWORD,
                "connection": DATABASE_CONNECTION,
                "multifactor": ["guardian"],
            }))
            .role(json!({ "id": ROLE_ID, "name": ROLE_NAME, "description": "Reads messages" }))
            .link(
                format!("roles/{ROLE_ID}/permissions"),
                json!({
                    "permission_name": API_SCOPES[0],
                    "resource_server_identifier": API_IDENTIFIER,
                    "resource_server_name": "Example API",
                    "description": "Read messages",
                }),
            )
            .link(format!("users/{USER_ID}/roles"), json!(ROLE_ID))
            .organization(json!({
                "id": ORG_ID,
                "name": ORG_NAME,
                "display_name": "Acme Inc.",
                "branding": { "colors": { "primary": "#0059d6", "page_background": "#ffffff" } },
                "metadata": {},
            }))
            .link(format!("organizations/{ORG_ID}/members"), json!(USER_ID))
            .link(
                format!("organizations/{ORG_ID}/enabled_connections"),
                json!({
                    "connection_id": DATABASE_CONNECTION_ID,
                    "assign_membership_on_login": false,
                    "show_as_button": true,
                }),
            )
    }

    /// Adds a client (Auth0's client object; `client_id` generated when absent).
    pub fn client(mut self, client: Value) -> Self {
        self.clients.push(client);
        self
    }

    /// Registers a public key (`-----BEGIN PUBLIC KEY-----` or `RSA PUBLIC KEY` PEM) for a
    /// client's `private_key_jwt` authentication, under key id `kid`. A PEM that does not
    /// parse makes [`crate::FakeTenantBuilder::start`] fail.
    pub fn client_public_key(
        mut self,
        client_id: impl Into<String>,
        kid: impl Into<String>,
        public_key_pem: impl Into<String>,
    ) -> Self {
        self.credentials.push(SeedCredential {
            client_id: client_id.into(),
            kid: kid.into(),
            pem: public_key_pem.into(),
        });
        self
    }

    /// Adds a user: Auth0's create-user body (`email`, `password`, `connection`, …;
    /// `user_id` may be given with or without the `auth0|` prefix).
    pub fn user(mut self, user: Value) -> Self {
        self.users.push(user);
        self
    }

    /// Adds a connection.
    pub fn connection(mut self, connection: Value) -> Self {
        self.connections.push(connection);
        self
    }

    /// Adds a resource server (API).
    pub fn resource_server(mut self, resource_server: Value) -> Self {
        self.resource_servers.push(resource_server);
        self
    }

    /// Adds a client grant (`audience` may be [`MANAGEMENT_AUDIENCE_PLACEHOLDER`]).
    pub fn client_grant(mut self, grant: Value) -> Self {
        self.client_grants.push(grant);
        self
    }

    /// Adds a role.
    pub fn role(mut self, role: Value) -> Self {
        self.roles.push(role);
        self
    }

    /// Adds an organization.
    pub fn organization(mut self, organization: Value) -> Self {
        self.organizations.push(organization);
        self
    }

    /// Adds `organization_id`'s member `user_id`.
    pub fn organization_member(self, organization_id: &str, user_id: &str) -> Self {
        self.link(
            format!("organizations/{organization_id}/members"),
            json!(user_id),
        )
    }

    /// Assigns role `role_id` to `user_id`.
    pub fn user_role(self, user_id: &str, role_id: &str) -> Self {
        self.link(format!("users/{user_id}/roles"), json!(role_id))
    }

    /// Makes `/authorize` log in this user (by id) when the request has no `login_hint`.
    pub fn authorize_user(mut self, user_id: impl Into<String>) -> Self {
        self.authorize_user = Some(user_id.into());
        self
    }

    /// The tenant's default audience (Auth0's tenant setting `default_audience`): used by
    /// `/oauth/token` and `/authorize` when a request names no audience.
    pub fn default_audience(mut self, audience: impl Into<String>) -> Self {
        self.default_audience = Some(audience.into());
        self
    }

    fn link(mut self, key: String, value: Value) -> Self {
        self.links.push((key, value));
        self
    }

    /// Fills a store; `management_audience` replaces the placeholder.
    pub(crate) fn apply(self, store: &mut Store, management_audience: &str) -> Result<(), String> {
        let resolve = |mut v: Value| {
            for field in ["audience", "identifier"] {
                if v.get(field).and_then(Value::as_str) == Some(MANAGEMENT_AUDIENCE_PLACEHOLDER) {
                    v[field] = json!(management_audience);
                }
            }
            v
        };
        store.list_mut(Kind::ResourceServers).push(json!({
            "id": "fakemgmtapi0000000000001",
            "name": "Auth0 Management API",
            "identifier": management_audience,
            "is_system": true,
            "signing_alg": "RS256",
            "token_lifetime": 86400,
            "scopes": MANAGEMENT_SCOPES.iter().map(|s| json!({ "value": s, "description": s })).collect::<Vec<_>>(),
        }));
        for c in self.connections {
            store
                .list_mut(Kind::Connections)
                .push(with_id(c, "id", "con_"));
        }
        for c in self.clients {
            let c = with_id(c, "client_id", "");
            store.list_mut(Kind::Clients).push(c);
        }
        for cred in self.credentials {
            let key = pem::public_key(&cred.pem)
                .map_err(|e| format!("public key of client {}: {e}", cred.client_id))?;
            let id = ids::prefixed("cred_");
            if let Some(client) = store.get_mut(Kind::Clients, &cred.client_id) {
                let methods =
                    &mut client["client_authentication_methods"]["private_key_jwt"]["credentials"];
                if !methods.is_array() {
                    *methods = json!([]);
                }
                if let Value::Array(list) = methods {
                    list.push(json!({ "id": id }));
                }
            } else {
                return Err(format!("public key for unknown client {}", cred.client_id));
            }
            store
                .credentials
                .entry(cred.client_id)
                .or_default()
                .push(Credential {
                    id,
                    kid: cred.kid,
                    key,
                    name: "seeded key".to_owned(),
                });
        }
        for r in self.resource_servers {
            store
                .list_mut(Kind::ResourceServers)
                .push(with_id(resolve(r), "id", ""));
        }
        for g in self.client_grants {
            store
                .list_mut(Kind::ClientGrants)
                .push(with_id(resolve(g), "id", "cgr_"));
        }
        for r in self.roles {
            store.list_mut(Kind::Roles).push(with_id(r, "id", "rol_"));
        }
        for o in self.organizations {
            store
                .list_mut(Kind::Organizations)
                .push(with_id(o, "id", "org_"));
        }
        for u in self.users {
            let (user, password) = crate::mgmt::users::new_user(u, 0)?;
            let id = user["user_id"].as_str().unwrap_or_default().to_owned();
            if let Some(password) = password {
                store.passwords.insert(id, password);
            }
            store.list_mut(Kind::Users).push(user);
        }
        for (key, value) in self.links {
            store.link_mut(key).push(value);
        }
        store.default_audience = self.default_audience.map(|a| {
            if a == MANAGEMENT_AUDIENCE_PLACEHOLDER {
                management_audience.to_owned()
            } else {
                a
            }
        });
        store.authorize_user = self
            .authorize_user
            .or_else(|| store.get(Kind::Users, USER_ID).map(|_| USER_ID.to_owned()));
        Ok(())
    }
}

impl std::fmt::Debug for TenantSeed {
    /// Counts only: seeds hold client secrets and passwords.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TenantSeed")
            .field("clients", &self.clients.len())
            .field("users", &self.users.len())
            .field("connections", &self.connections.len())
            .field("resource_servers", &self.resource_servers.len())
            .field("client_grants", &self.client_grants.len())
            .field("roles", &self.roles.len())
            .field("organizations", &self.organizations.len())
            .field("default_audience", &self.default_audience)
            .finish_non_exhaustive()
    }
}

impl Default for TenantSeed {
    /// The standard seed.
    fn default() -> Self {
        Self::standard()
    }
}

/// Sets `field` to a generated id when absent.
fn with_id(mut value: Value, field: &str, prefix: &str) -> Value {
    if value.get(field).and_then(Value::as_str).is_none() {
        let id = if prefix.is_empty() {
            ids::alnum(32)
        } else {
            ids::prefixed(prefix)
        };
        value[field] = json!(id);
    }
    value
}

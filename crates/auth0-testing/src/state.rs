//! The tenant's mutable state: Management API resources as Auth0-shaped JSON, and the
//! Authentication API's short-lived artefacts (codes, refresh tokens, used assertion ids).

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::pem::PublicKey;

/// A resource kind the Management API stores generically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    Users,
    Connections,
    Clients,
    ClientGrants,
    ResourceServers,
    Roles,
    Organizations,
}

impl Kind {
    /// The field that holds the identifier.
    pub(crate) fn id_field(self) -> &'static str {
        match self {
            Self::Users => "user_id",
            Self::Clients => "client_id",
            _ => "id",
        }
    }

    /// The name of the list in an `include_totals` answer, and of the scope suffix.
    pub(crate) fn plural(self) -> &'static str {
        match self {
            Self::Users => "users",
            Self::Connections => "connections",
            Self::Clients => "clients",
            Self::ClientGrants => "client_grants",
            Self::ResourceServers => "resource_servers",
            Self::Roles => "roles",
            Self::Organizations => "organizations",
        }
    }
}

/// A public key registered for a client's `private_key_jwt` authentication.
#[derive(Debug, Clone)]
pub(crate) struct Credential {
    pub(crate) id: String,
    pub(crate) kid: String,
    pub(crate) key: PublicKey,
    pub(crate) name: String,
}

/// An authorization code waiting to be exchanged.
#[derive(Debug, Clone)]
pub(crate) struct AuthCode {
    pub(crate) client_id: String,
    pub(crate) user_id: String,
    pub(crate) redirect_uri: Option<String>,
    pub(crate) scope: String,
    pub(crate) audience: Option<String>,
    pub(crate) nonce: Option<String>,
    pub(crate) code_challenge: Option<(String, String)>,
    pub(crate) organization: Option<String>,
    pub(crate) expires_at: i64,
    pub(crate) auth_time: i64,
}

/// A refresh token and what it grants.
#[derive(Debug, Clone)]
pub(crate) struct RefreshGrant {
    pub(crate) client_id: String,
    pub(crate) user_id: String,
    pub(crate) scope: String,
    pub(crate) audience: Option<String>,
    pub(crate) organization: Option<String>,
    pub(crate) revoked: bool,
    pub(crate) rotated: bool,
    /// Tokens descending from the same login share a family; reuse revokes it.
    pub(crate) family: String,
}

/// All mutable state.
#[derive(Debug, Default)]
pub(crate) struct Store {
    pub(crate) resources: HashMap<Kind, Vec<Value>>,
    /// Passwords by user id.
    pub(crate) passwords: HashMap<String, String>,
    /// `private_key_jwt` keys by client id.
    pub(crate) credentials: HashMap<String, Vec<Credential>>,
    /// Lists hanging off a resource: `"roles/{id}/permissions"`, `"users/{id}/roles"`, …
    pub(crate) links: HashMap<String, Vec<Value>>,
    /// Client assertion `jti`s already used, with their expiry.
    pub(crate) used_jtis: HashMap<String, i64>,
    pub(crate) codes: HashMap<String, AuthCode>,
    pub(crate) refresh_tokens: HashMap<String, RefreshGrant>,
    /// Revoked access token ids (`jti`).
    pub(crate) revoked_access: Vec<String>,
    /// Log events generated from activity, oldest first.
    pub(crate) logs: Vec<Value>,
    pub(crate) log_seq: u64,
    /// The user `/authorize` logs in when no `login_hint` names another.
    pub(crate) authorize_user: Option<String>,
    /// Extra state of the Authentication API flows, by flow.
    pub(crate) flows: HashMap<String, Value>,
}

impl Store {
    /// The list of a kind.
    pub(crate) fn list(&self, kind: Kind) -> &[Value] {
        self.resources.get(&kind).map_or(&[], Vec::as_slice)
    }

    /// The list of a kind, for changes.
    pub(crate) fn list_mut(&mut self, kind: Kind) -> &mut Vec<Value> {
        self.resources.entry(kind).or_default()
    }

    /// A resource by id.
    pub(crate) fn get(&self, kind: Kind, id: &str) -> Option<&Value> {
        let field = kind.id_field();
        self.list(kind)
            .iter()
            .find(|v| v.get(field).and_then(Value::as_str) == Some(id))
    }

    /// A resource by id, for changes.
    pub(crate) fn get_mut(&mut self, kind: Kind, id: &str) -> Option<&mut Value> {
        let field = kind.id_field();
        self.list_mut(kind)
            .iter_mut()
            .find(|v| v.get(field).and_then(Value::as_str) == Some(id))
    }

    /// Removes a resource by id; whether it existed.
    pub(crate) fn remove(&mut self, kind: Kind, id: &str) -> bool {
        let field = kind.id_field();
        let list = self.list_mut(kind);
        let before = list.len();
        list.retain(|v| v.get(field).and_then(Value::as_str) != Some(id));
        before != list.len()
    }

    /// A client by id.
    pub(crate) fn client(&self, client_id: &str) -> Option<&Value> {
        self.get(Kind::Clients, client_id)
    }

    /// A user by email (case-insensitive), optionally within a connection.
    pub(crate) fn user_by_email(&self, email: &str, connection: Option<&str>) -> Option<&Value> {
        self.list(Kind::Users).iter().find(|u| {
            let email_matches = u
                .get("email")
                .and_then(Value::as_str)
                .is_some_and(|e| e.eq_ignore_ascii_case(email))
                || u.get("username").and_then(Value::as_str) == Some(email);
            let connection_matches = connection.is_none_or(|c| user_connection(u) == Some(c));
            email_matches && connection_matches
        })
    }

    /// A linked list, created empty on first use.
    pub(crate) fn link_mut(&mut self, key: String) -> &mut Vec<Value> {
        self.links.entry(key).or_default()
    }

    /// A linked list (empty when absent).
    pub(crate) fn link(&self, key: &str) -> &[Value] {
        self.links.get(key).map_or(&[], Vec::as_slice)
    }

    /// The resource server with this identifier (audience).
    pub(crate) fn resource_server(&self, identifier: &str) -> Option<&Value> {
        self.list(Kind::ResourceServers)
            .iter()
            .find(|r| r.get("identifier").and_then(Value::as_str) == Some(identifier))
    }

    /// The client grant of `client_id` for `audience`.
    pub(crate) fn client_grant(&self, client_id: &str, audience: &str) -> Option<&Value> {
        self.list(Kind::ClientGrants).iter().find(|g| {
            g.get("client_id").and_then(Value::as_str) == Some(client_id)
                && g.get("audience").and_then(Value::as_str) == Some(audience)
        })
    }

    /// A connection by name.
    pub(crate) fn connection_by_name(&self, name: &str) -> Option<&Value> {
        self.list(Kind::Connections)
            .iter()
            .find(|c| c.get("name").and_then(Value::as_str) == Some(name))
    }
}

/// The connection name of a user's first identity.
pub(crate) fn user_connection(user: &Value) -> Option<&str> {
    user.get("identities")?.get(0)?.get("connection")?.as_str()
}

/// A string field of a JSON object.
pub(crate) fn str_field<'a>(value: &'a Value, name: &str) -> Option<&'a str> {
    value.get(name).and_then(Value::as_str)
}

/// Merges `patch` into `target` (top-level keys; nested objects merged one level deeper,
/// as Auth0 does for `user_metadata`/`app_metadata`/`options`; `null` deletes).
pub(crate) fn merge(target: &mut Value, patch: &Map<String, Value>) {
    let Value::Object(obj) = target else { return };
    for (k, v) in patch {
        match (obj.get_mut(k), v) {
            (_, Value::Null) => {
                obj.remove(k);
            }
            (Some(Value::Object(existing)), Value::Object(incoming))
                if matches!(k.as_str(), "user_metadata" | "app_metadata" | "metadata") =>
            {
                for (ik, iv) in incoming {
                    if iv.is_null() {
                        existing.remove(ik);
                    } else {
                        existing.insert(ik.clone(), iv.clone());
                    }
                }
            }
            _ => {
                obj.insert(k.clone(), v.clone());
            }
        }
    }
}

//! The generated operation methods against the `auth0-testing` fake tenant over loopback:
//! method, path (with encoded segments), query, body and typed answer of representative
//! operations, paging through the generated `items()`/`pages()`, and the operation table.

use std::collections::BTreeSet;

use auth0_core::management::{
    CreateOrganizationMemberRequestContent, Nullable, UpdateUserRequestContent,
};
use auth0_core::{CheckpointParams, OffsetParams};
use auth0_management::ManagementClient;
use auth0_management::generated::{OPERATIONS, Paging};
use auth0_testing::{FakeTenant, RecordedRequest, seed};
use futures_util::TryStreamExt as _;
use http::Method;
use serde_json::{Value, json};

fn client(tenant: &FakeTenant) -> ManagementClient {
    ManagementClient::builder(tenant.domain())
        .allow_insecure_http(true)
        .client_credentials(seed::M2M_CLIENT_ID, seed::M2M_CLIENT_SECRET)
        .build()
        .unwrap()
}

/// The Management API requests the tenant saw (token requests left out).
fn api_requests(tenant: &FakeTenant) -> Vec<RecordedRequest> {
    tenant
        .journal()
        .into_iter()
        .filter(|r| r.path.starts_with("/api/v2/"))
        .collect()
}

fn query(r: &RecordedRequest) -> Vec<(&str, &str)> {
    r.query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

#[test]
fn the_table_lists_every_spec_operation_once() {
    assert_eq!(OPERATIONS.len(), 452);
    let ids: BTreeSet<&str> = OPERATIONS.iter().map(|o| o.id).collect();
    assert_eq!(ids.len(), OPERATIONS.len(), "operation ids are unique");
    let methods: BTreeSet<(Vec<&str>, &str)> = OPERATIONS
        .iter()
        .map(|o| (o.group.to_vec(), o.name))
        .collect();
    assert_eq!(methods.len(), OPERATIONS.len(), "one method per operation");
    let users_list = OPERATIONS.iter().find(|o| o.id == "get_users").unwrap();
    assert_eq!(
        (
            users_list.method,
            users_list.path,
            users_list.group,
            users_list.name
        ),
        ("GET", "/users", &["users"][..], "list")
    );
    assert_eq!(users_list.scopes, ["read:users", "read:user_idp_tokens"]);
    assert_eq!(users_list.paging, Some(Paging::Offset));
    let offset = OPERATIONS
        .iter()
        .filter(|o| o.paging == Some(Paging::Offset))
        .count();
    let checkpoint = OPERATIONS
        .iter()
        .filter(|o| o.paging == Some(Paging::Checkpoint))
        .count();
    assert!(
        offset >= 40 && checkpoint >= 30,
        "{offset} offset, {checkpoint} checkpoint"
    );
}

#[tokio::test]
async fn list_sends_optional_query_parameters_and_parses_the_typed_answer() {
    let tenant = FakeTenant::start().await.unwrap();
    tenant.register_response(
        Method::GET,
        "/api/v2/users",
        200,
        json!([{"user_id": "auth0|1", "email": "a@example.test", "brand_new_field": {"x": 1}}]),
    );
    let answer = client(&tenant)
        .users()
        .list()
        .per_page(5)
        .q("email:\"a@example.test\"")
        .search_engine("v3")
        .send()
        .await
        .unwrap();
    let requests = api_requests(&tenant);
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method, Method::GET);
    assert_eq!(requests[0].path, "/api/v2/users");
    assert_eq!(
        query(&requests[0]),
        [
            ("per_page", "5"),
            ("q", "email:\"a@example.test\""),
            ("search_engine", "v3")
        ]
    );
    // The typed answer keeps the field the spec does not know.
    let back = serde_json::to_value(&answer.value).unwrap();
    assert_eq!(back[0]["brand_new_field"], json!({"x": 1}));
    assert_eq!(back[0]["user_id"], "auth0|1");
}

#[tokio::test]
async fn nested_resource_create_encodes_the_path_and_sends_the_body() {
    let tenant = FakeTenant::start().await.unwrap();
    tenant.register_response(
        Method::POST,
        "/api/v2/organizations/*/members",
        204,
        Value::Null,
    );
    let mut body = CreateOrganizationMemberRequestContent::default();
    body.members = vec!["auth0|123".to_owned()];
    client(&tenant)
        .organizations()
        .members()
        .create("org/1 x", body)
        .send()
        .await
        .unwrap();
    let requests = api_requests(&tenant);
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method, Method::POST);
    assert_eq!(
        requests[0].path,
        "/api/v2/organizations/org%2F1%20x/members"
    );
    let sent: Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(sent, json!({"members": ["auth0|123"]}));
}

#[tokio::test]
async fn patch_distinguishes_absent_null_and_value() {
    let tenant = FakeTenant::start().await.unwrap();
    tenant.register_response(
        Method::PATCH,
        "/api/v2/users/*",
        200,
        json!({"user_id": "auth0|1", "nickname": "nick"}),
    );
    let mut body = UpdateUserRequestContent::default();
    body.nickname = Nullable::Value("nick".to_owned());
    body.family_name = Nullable::Null;
    let answer = client(&tenant)
        .users()
        .update("auth0|1", body)
        .send()
        .await
        .unwrap();
    let requests = api_requests(&tenant);
    assert_eq!(requests[0].method, Method::PATCH);
    assert_eq!(requests[0].path, "/api/v2/users/auth0%7C1");
    let sent: Value = serde_json::from_slice(&requests[0].body).unwrap();
    // `given_name` was left absent: it is not in the body at all.
    assert_eq!(sent, json!({"nickname": "nick", "family_name": null}));
    assert_eq!(answer.value.user_id.as_deref(), Some("auth0|1"));
}

#[tokio::test]
async fn required_query_parameters_are_arguments() {
    let tenant = FakeTenant::start().await.unwrap();
    tenant.register_response(Method::GET, "/api/v2/users-by-email", 200, json!([]));
    let answer = client(&tenant)
        .users()
        .list_users_by_email("a@example.test")
        .send()
        .await
        .unwrap();
    assert!(answer.value.is_empty());
    let requests = api_requests(&tenant);
    assert_eq!(query(&requests[0]), [("email", "a@example.test")]);
}

#[tokio::test]
async fn offset_items_page_through_a_list() {
    let tenant = FakeTenant::start().await.unwrap();
    tenant.register_response(
        Method::GET,
        "/api/v2/roles",
        200,
        json!({"roles": [{"id": "rol_1", "name": "a"}, {"id": "rol_2", "name": "b"}], "start": 0, "limit": 2, "total": 2}),
    );
    let roles: Vec<_> = client(&tenant)
        .roles()
        .list()
        .name_filter("a")
        .items(OffsetParams::new(2))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(roles.len(), 2);
    assert_eq!(roles[1].id.as_deref(), Some("rol_2"));
    let requests = api_requests(&tenant);
    assert_eq!(requests.len(), 1, "total reached after one page");
    let q = query(&requests[0]);
    assert!(q.contains(&("name_filter", "a")), "{q:?}");
    assert!(
        q.contains(&("per_page", "2")) && q.contains(&("include_totals", "true")),
        "{q:?}"
    );
}

#[tokio::test]
async fn checkpoint_pages_stop_without_next() {
    let tenant = FakeTenant::start().await.unwrap();
    tenant.register_response(
        Method::GET,
        "/api/v2/organizations/*/discovery-domains",
        200,
        json!({"domains": [{"id": "dom_1", "domain": "example.test", "status": "pending"}]}),
    );
    let pages: Vec<_> = client(&tenant)
        .organizations()
        .discovery_domains()
        .list("org_1")
        .pages(CheckpointParams::new(10))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0].items.len(), 1);
    let requests = api_requests(&tenant);
    assert_eq!(
        requests[0].path,
        "/api/v2/organizations/org_1/discovery-domains"
    );
    assert_eq!(query(&requests[0]), [("take", "10")]);
}

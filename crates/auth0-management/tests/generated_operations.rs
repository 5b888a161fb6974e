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
use auth0_testing::{FakeTenant, RecordedRequest, TenantSeed, seed};
use futures_util::{StreamExt as _, TryStreamExt as _};
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

/// Lists that page both ways (here `GET /organizations`) get `checkpoint_items()` /
/// `checkpoint_pages()`: `from`/`take` only, whatever offset parameters the builder holds.
#[tokio::test]
async fn checkpoint_variant_of_an_offset_list_walks_organizations() {
    let mut seed = TenantSeed::standard();
    for i in 0..7 {
        seed = seed.organization(json!({ "name": format!("org-{i:02}") }));
    }
    let tenant = FakeTenant::builder().seed(seed).start().await.unwrap();
    let client = client(&tenant);
    let expected: Vec<String> = client
        .organizations()
        .list()
        .items(OffsetParams::new(100))
        .map_ok(|o| o.id.unwrap())
        .try_collect()
        .await
        .unwrap();
    assert!(expected.len() >= 7, "{expected:?}");
    tenant.clear_journal();
    let pages: Vec<_> = client
        .organizations()
        .list()
        .page(4)
        .per_page(50)
        .include_totals(true)
        .checkpoint_pages(CheckpointParams::new(3))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), expected.len().div_ceil(3));
    assert!(pages.last().unwrap().next.is_none());
    let walked: Vec<String> = pages
        .into_iter()
        .flat_map(|p| p.items)
        .map(|o| o.id.unwrap())
        .collect();
    assert_eq!(walked, expected);
    let requests = api_requests(&tenant);
    assert_eq!(requests.len(), expected.len().div_ceil(3));
    assert_eq!(query(&requests[0]), [("take", "3")]);
    for r in &requests[1..] {
        let q = query(r);
        assert_eq!(q.len(), 2, "{q:?}");
        assert_eq!(q[0].0, "from");
        assert_eq!(q[1], ("take", "3"));
    }
    let items: Vec<String> = client
        .organizations()
        .list()
        .checkpoint_items(CheckpointParams::new(5))
        .map_ok(|o| o.id.unwrap())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items, expected);
}

/// `GET /logs` answers checkpoint requests with bare arrays; the next checkpoint is the
/// `log_id` of the last event, and an empty page ends the stream.
#[tokio::test]
async fn checkpoint_variant_of_logs_continues_from_the_last_log_id() {
    let tenant = FakeTenant::start().await.unwrap();
    let client = client(&tenant);
    // Every write is logged by the tenant.
    for i in 0..5 {
        client
            .organizations()
            .create(serde_json::from_value(json!({ "name": format!("logged-{i}") })).unwrap())
            .send()
            .await
            .unwrap();
    }
    let expected: Vec<String> = tenant
        .logs()
        .iter()
        .map(|l| l["log_id"].as_str().unwrap().to_owned())
        .collect();
    assert!(expected.len() >= 5, "{expected:?}");
    tenant.clear_journal();
    let walked: Vec<String> = client
        .logs()
        .list()
        .checkpoint_items(CheckpointParams::new(2))
        .map_ok(|l| l.log_id.into_option().unwrap())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(walked, expected);
    let requests = api_requests(&tenant);
    // Full pages of two, then the empty page that ends the stream.
    assert_eq!(requests.len(), expected.len() / 2 + 1);
    assert_eq!(query(&requests[0]), [("take", "2")]);
    assert_eq!(
        query(&requests[1]),
        [("from", expected[1].as_str()), ("take", "2")]
    );
}

/// The 1,000-record error of an offset list that has a checkpoint variant names it.
#[tokio::test]
async fn offset_limit_error_points_to_the_checkpoint_variant() {
    let tenant = FakeTenant::start().await.unwrap();
    let mut items = client(&tenant)
        .organizations()
        .members()
        .list("org_1")
        .items(OffsetParams::new(100).with_page(10))
        .boxed();
    let error = items.next().await.unwrap().unwrap_err();
    insta::assert_snapshot!(error.to_string(), @"Auth0 serves at most 1000 records through page/per_page paging and 1000 have been read; read the rest with checkpoint (from/take) paging, which has no such limit: `client.organizations().members().list(..).checkpoint_items(..)` (or `checkpoint_pages`)");
    assert!(items.next().await.is_none());
    assert!(api_requests(&tenant).is_empty(), "refused before asking");
}

/// The checkpoint variant of a nested list: `GET /organizations/{id}/members`.
#[tokio::test]
async fn checkpoint_variant_walks_organization_members() {
    let mut seed = TenantSeed::standard().organization(json!({ "name": "members-org" }));
    for i in 0..5 {
        seed = seed.user(json!({
            "email": format!("member{i}@example.test"),
            "connection": seed::DATABASE_CONNECTION,
        }));
    }
    let tenant = FakeTenant::builder().seed(seed).start().await.unwrap();
    let client = client(&tenant);
    let orgs: Vec<_> = client
        .organizations()
        .list()
        .items(OffsetParams::new(50))
        .try_collect()
        .await
        .unwrap();
    let org = orgs
        .into_iter()
        .find(|o| o.name.as_deref() == Some("members-org"))
        .unwrap()
        .id
        .unwrap();
    let users: Vec<String> = client
        .users()
        .list()
        .items(OffsetParams::new(50))
        .map_ok(|u| u.user_id.unwrap())
        .try_collect()
        .await
        .unwrap();
    assert!(users.len() >= 5, "{users:?}");
    let mut body = CreateOrganizationMemberRequestContent::default();
    body.members.clone_from(&users);
    client
        .organizations()
        .members()
        .create(org.as_str(), body)
        .send()
        .await
        .unwrap();
    tenant.clear_journal();
    let mut walked: Vec<String> = client
        .organizations()
        .members()
        .list(org.as_str())
        .checkpoint_items(CheckpointParams::new(2))
        .map_ok(|m| m.user_id.unwrap())
        .try_collect()
        .await
        .unwrap();
    walked.sort();
    let mut expected = users.clone();
    expected.sort();
    assert_eq!(walked, expected);
    let requests = api_requests(&tenant);
    assert_eq!(requests.len(), users.len().div_ceil(2));
    assert!(
        requests
            .iter()
            .all(|r| r.path == format!("/api/v2/organizations/{org}/members")
                && r.query_value("take") == Some("2")
                && r.query_value("per_page").is_none())
    );
}

//! Wire formats of generated operations, pinned with insta: a representative set of
//! generated request builders (every HTTP method, path parameters that need encoding, query
//! parameters, JSON bodies with nested and null fields, an optional body left out and set,
//! the multipart users-import job) is sent through the full client stack to a loopback server
//! that records each request as it arrives: method, path and query, headers and body. Parts
//! that change from run to run or hold secrets are masked: the `Host` port, the token, the
//! versions in `User-Agent` and `Auth0-Client`, the multipart boundary.

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use auth0_core::Domain;
use auth0_management::ManagementClient;
use auth0_management::request::Multipart;
use bytes::Bytes;
use http_body_util::Full;
use serde_json::json;

#[path = "support/loopback.rs"]
mod loopback;

/// The requests the capture server received, rendered as text.
type Captured = Arc<Mutex<Vec<String>>>;

/// A loopback server that records every request (rendered) and answers `200 {}`.
async fn capture_server() -> (std::net::SocketAddr, Captured) {
    let captured: Captured = Arc::default();
    let store = Arc::clone(&captured);
    let addr = loopback::serve(move |parts, body| {
        store.lock().unwrap().push(render(&parts, &body));
        http::Response::builder()
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from_static(b"{}")))
            .unwrap()
    })
    .await;
    (addr, captured)
}

/// One request as text, with the varying and secret parts masked.
fn render(parts: &http::request::Parts, body: &[u8]) -> String {
    let mut out = format!(
        "{} {}\n",
        parts.method,
        parts.uri.path_and_query().map_or("", |p| p.as_str())
    );
    let mut boundary = None;
    let mut headers: Vec<(&str, String)> = parts
        .headers
        .iter()
        .map(|(name, value)| {
            let text = value.to_str().unwrap_or("<not text>");
            let shown = match name.as_str() {
                "host" => "127.0.0.1:[port]".to_owned(),
                "authorization" => match text.strip_prefix("Bearer ") {
                    Some(_) => "Bearer [token]".to_owned(),
                    None => "[not a bearer token]".to_owned(),
                },
                "user-agent" => mask_versions(text),
                "auth0-client" => telemetry(text),
                "content-type" if text.starts_with("multipart/form-data; boundary=") => {
                    boundary = text.split_once("boundary=").map(|(_, b)| b.to_owned());
                    "multipart/form-data; boundary=[boundary]".to_owned()
                }
                _ => text.to_owned(),
            };
            (name.as_str(), shown)
        })
        .collect();
    headers.sort();
    for (name, value) in headers {
        let _ = writeln!(out, "{name}: {value}");
    }
    out.push('\n');
    let mut text = String::from_utf8_lossy(body).into_owned();
    if let Some(boundary) = boundary {
        text = text.replace(&boundary, "[boundary]");
    }
    out.push_str(&text.replace("\r\n", "␍\n"));
    out
}

/// The `Auth0-Client` header: base64 JSON, shown decoded with its
/// version numbers masked.
fn telemetry(text: &str) -> String {
    use base64::Engine as _;
    let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(text) else {
        return format!("[not base64: {text}]");
    };
    let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
        return "[not JSON]".to_owned();
    };
    if let Some(version) = value.get_mut("version") {
        *version = json!("[version]");
    }
    if let Some(env) = value.get_mut("env").and_then(|e| e.as_object_mut()) {
        for v in env.values_mut() {
            *v = json!("[version]");
        }
    }
    format!("base64({value})")
}

/// `auth0-rs/0.1.0 (rust)` → `auth0-rs/[version] (rust)`: keeps the shape, not the numbers.
fn mask_versions(text: &str) -> String {
    text.split(' ')
        .map(|word| match word.split_once('/') {
            Some((name, _)) => format!("{name}/[version]"),
            None => word.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A client of the capture server at `addr`: one attempt per call, a placeholder token.
fn client_of(addr: std::net::SocketAddr) -> ManagementClient {
    ManagementClient::builder(Domain::insecure_http(&addr.to_string()).unwrap())
        .allow_insecure_http(true)
        .token("not-a-real-token")
        .max_attempts(1)
        .build()
        .unwrap()
}

#[tokio::test]
async fn generated_requests_on_the_wire() {
    let (addr, captured) = capture_server().await;
    let client = client_of(addr);
    // The answers (`{}`) do not always fit the typed responses; only the requests matter.
    let id = "auth0|abc/def ü?#%";

    // GET: an encoded path parameter and optional query parameters.
    let _ = client
        .users()
        .get(id)
        .fields("user_id,email")
        .include_fields(true)
        .send()
        .await;
    // GET: query values that need encoding.
    let _ = client
        .users()
        .list()
        .q(r#"email:"a+b@example.test" AND name:"Zoë & co""#)
        .search_engine("v3")
        .per_page(5)
        .send()
        .await;
    // POST: a JSON body with nested objects.
    let _ = client
        .organizations()
        .create(
            serde_json::from_value(json!({
                "name": "acme",
                "display_name": "Acme & Co",
                "branding": {"logo_url": "https://example.test/logo.png", "colors": {"primary": "#0059d6", "page_background": "#000000"}},
                "metadata": {"tier": "gold"},
            }))
            .unwrap(),
        )
        .send()
        .await;
    // PATCH: nullable fields sent as null, nested metadata, absent fields left out.
    let _ = client
        .users()
        .update(
            id,
            serde_json::from_value(json!({
                "given_name": null,
                "picture": "https://example.test/p.png",
                "blocked": false,
                "user_metadata": {"prefs": {"lang": "fr", "beta": null}},
            }))
            .unwrap(),
        )
        .send()
        .await;
    // PUT: a path with no parameter, a JSON array in the body.
    let _ = client
        .guardian()
        .factors()
        .phone()
        .set_message_types(
            serde_json::from_value(json!({"message_types": ["sms", "voice"]})).unwrap(),
        )
        .send()
        .await;
    // DELETE without and with a body.
    let _ = client.users().delete(id).send().await;
    let _ = client
        .users()
        .roles()
        .delete(
            id,
            serde_json::from_value(json!({"roles": ["rol_1", "rol_2"]})).unwrap(),
        )
        .send()
        .await;
    // POST multipart: the users-import job.
    let _ = client
        .jobs()
        .users_imports()
        .create(
            Multipart::new()
                .file(
                    "users",
                    "users.json",
                    "application/json",
                    br#"[{"email":"a@example.test","email_verified":true}]"#.to_vec(),
                )
                .text("connection_id", "con_123")
                .text("upsert", "true")
                .text("external_id", "import \"7\""),
        )
        .send()
        .await;

    let captured = captured.lock().unwrap().clone();
    assert_eq!(captured.len(), 8, "one request per call, no retries");
    insta::assert_snapshot!(captured.join("\n----\n"));
}

/// A POST whose body model requires nothing takes its body through `.body(..)`: without it
/// the request has no body and no `content-type`; with it, the JSON body.
#[tokio::test]
async fn optional_bodies_on_the_wire() {
    let (addr, captured) = capture_server().await;
    let client = client_of(addr);
    let _ = client.connections().keys().rotate("con_1").send().await;
    let _ = client
        .connections()
        .keys()
        .rotate("con_1")
        .body(serde_json::from_value(json!({"signing_alg": "PS256"})).unwrap())
        .send()
        .await;

    let captured = captured.lock().unwrap().clone();
    assert_eq!(captured.len(), 2, "one request per call, no retries");
    assert!(!captured[0].contains("content-type"), "{}", captured[0]);
    insta::assert_snapshot!(captured.join("\n----\n"));
}

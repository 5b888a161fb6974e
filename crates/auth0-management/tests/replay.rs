//! Conformance against real traffic: every Management API interaction go-auth0 recorded against
//! a real tenant is replayed through the typed client.
//!
//! For each interaction the generated dispatch (`generated/replay_dispatch.rs`, from
//! `cargo xtask codegen`) calls the operation's typed method with the recorded path parameters,
//! the recorded body parsed into the typed body model, and every recorded query parameter
//! through its builder method. A loopback server captures what the client sent and answers with
//! the recorded response. The test then checks:
//!
//! - the request: method, path (segment by segment after percent-decoding: go-auth0 and this
//!   crate escape different character sets), query (as a multiset of decoded pairs), and body
//!   (JSON equal modulo key order; multipart forms part by part);
//! - for 2xx, the typed answer serialised back equals the recorded body (modulo key order);
//! - for error statuses, the client returns `Error::Api` with the recorded status and message.
//!
//! Interactions are skipped only for the reasons printed in the summary.

#[allow(dead_code, clippy::all, clippy::pedantic, unreachable_pub)]
#[path = "generated/replay_dispatch.rs"]
mod replay_dispatch;

#[allow(dead_code)]
#[path = "support/cassettes.rs"]
mod cassettes;
#[path = "support/loopback.rs"]
mod loopback;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use auth0_core::{Domain, Error};
use auth0_management::generated::OPERATIONS;
use auth0_management::{ManagementClient, Multipart};
use bytes::Bytes;
use cassettes::{Interaction, first_difference, load_all, match_template};
use http_body_util::Full;
use percent_encoding::percent_decode_str;
use replay_dispatch::{Answer, Call};
use serde_json::Value;

/// Interactions replayed with every check passing. The test fails if fewer pass, so a
/// regression cannot hide behind a new skip; raise it when more are replayed.
const REPLAYED_AT_LEAST: usize = 1986;

/// How the dispatch reports a recorded query parameter that has no builder method.
const NOT_IN_SPEC: &str = "recorded query parameter(s) with no builder method:";

/// What the client sent, as the loopback server saw it.
struct Captured {
    method: String,
    path: String,
    query: String,
    content_type: Option<String>,
    body: Bytes,
}

/// The recorded response the server answers with.
#[derive(Clone)]
struct Canned {
    status: u16,
    content_type: Option<String>,
    body: Bytes,
}

#[derive(Default)]
struct Slot {
    answer: Option<Canned>,
    seen: Vec<Captured>,
}

async fn start_server(slot: Arc<Mutex<Slot>>) -> SocketAddr {
    loopback::serve(move |parts, body| {
        let captured = Captured {
            method: parts.method.to_string(),
            path: parts.uri.path().to_owned(),
            query: parts.uri.query().unwrap_or_default().to_owned(),
            content_type: parts
                .headers
                .get(http::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            body,
        };
        let answer = {
            let mut slot = slot.lock().expect("slot lock");
            slot.seen.push(captured);
            slot.answer.clone()
        };
        let answer = answer.unwrap_or(Canned {
            status: 599,
            content_type: None,
            body: Bytes::from_static(b"no recorded answer"),
        });
        let mut response = hyper::Response::builder().status(answer.status);
        if let Some(ct) = &answer.content_type {
            response = response.header(http::header::CONTENT_TYPE, ct);
        }
        response
            .body(Full::new(answer.body))
            .expect("a valid recorded response")
    })
    .await
}

/// The operation whose path template matches `path` (most literal segments win), with the
/// decoded path parameters in template order.
fn operation_for(method: &str, path: &str) -> Option<(&'static str, Vec<String>)> {
    let mut best: Option<(usize, &'static str, Vec<&str>)> = None;
    for op in OPERATIONS.iter().filter(|op| op.method == method) {
        if let Some((literal, params)) = match_template(op.path, path)
            && best.as_ref().is_none_or(|(l, _, _)| literal > *l)
        {
            best = Some((literal, op.id, params));
        }
    }
    best.map(|(_, id, params)| (id, params.into_iter().map(decode).collect()))
}

fn decode(segment: &str) -> String {
    percent_decode_str(segment).decode_utf8_lossy().into_owned()
}

fn query_pairs(query: &str) -> Vec<(String, String)> {
    serde_urlencoded::from_str(query).unwrap_or_default()
}

/// One part of a multipart form.
#[derive(Debug, PartialEq, Eq)]
struct Part {
    name: String,
    filename: Option<String>,
    content_type: Option<String>,
    data: Vec<u8>,
}

/// The parts of a `multipart/form-data` body (`None` if it is not one).
fn multipart_parts(content_type: &str, body: &[u8]) -> Option<Vec<Part>> {
    let boundary = content_type
        .split(';')
        .find_map(|p| p.trim().strip_prefix("boundary="))?
        .trim_matches('"');
    let text = String::from_utf8_lossy(body);
    let delimiter = format!("--{boundary}");
    let mut parts = Vec::new();
    for chunk in text.split(delimiter.as_str()).skip(1) {
        if chunk.starts_with("--") {
            break;
        }
        let chunk = chunk.strip_prefix("\r\n")?;
        let chunk = chunk.strip_suffix("\r\n")?;
        let (head, data) = chunk.split_once("\r\n\r\n")?;
        let mut part = Part {
            name: String::new(),
            filename: None,
            content_type: None,
            data: data.as_bytes().to_vec(),
        };
        for line in head.split("\r\n") {
            let (key, value) = line.split_once(':')?;
            if key.eq_ignore_ascii_case("content-type") {
                part.content_type = Some(value.trim().to_owned());
            } else if key.eq_ignore_ascii_case("content-disposition") {
                for attr in value.split(';').map(str::trim) {
                    if let Some(v) = attr.strip_prefix("name=") {
                        v.trim_matches('"').clone_into(&mut part.name);
                    } else if let Some(v) = attr.strip_prefix("filename=") {
                        part.filename = Some(v.trim_matches('"').to_owned());
                    }
                }
            }
        }
        parts.push(part);
    }
    Some(parts)
}

fn form(parts: Vec<Part>) -> Multipart {
    parts.into_iter().fold(Multipart::new(), |form, p| {
        let data = String::from_utf8_lossy(&p.data).into_owned();
        match p.filename {
            Some(filename) => form.file(p.name, filename, p.content_type.unwrap_or_default(), data),
            None => form.text(p.name, data),
        }
    })
}

/// Tallies of the run.
#[derive(Default)]
struct Tally {
    replayed: usize,
    skipped: BTreeMap<String, usize>,
    failures: Vec<String>,
    /// Replayed interactions by how the answer was checked.
    answers: BTreeMap<&'static str, usize>,
    /// Path parameters encoded differently by go-auth0 and this crate (same after decoding).
    encodings: BTreeMap<String, usize>,
    /// Request-body differences that are go-auth0's way of saying "no body".
    quirks: BTreeMap<&'static str, usize>,
    operations: BTreeMap<&'static str, usize>,
    /// Operations whose spec declares no response body (and no override types it) but Auth0
    /// answered JSON.
    untyped: BTreeMap<&'static str, usize>,
}

impl Tally {
    fn skip(&mut self, reason: impl Into<String>) {
        *self.skipped.entry(reason.into()).or_default() += 1;
    }
}

/// The message `Error::Api` should carry for a recorded Auth0 error body.
fn recorded_message(body: &Value) -> Option<&str> {
    ["error_description", "message", "description", "error"]
        .iter()
        .find_map(|k| {
            body.get(*k)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
        })
}

/// The ways go-auth0's request bodies differ from the typed client's, all about "no body":
/// they are counted and printed, not failed. Any other body difference fails.
fn body_quirk(method: &str, recorded: &str, sent: &[u8]) -> Option<&'static str> {
    let recorded = recorded.trim();
    match (recorded, sent) {
        (r, b"") if method == "GET" && !r.is_empty() => Some(
            "go-auth0 sent a body (`null`, or `0` to /stats/active-users) with a GET; the typed client sends none",
        ),
        ("null" | "{}", b"") => Some(
            "go-auth0 sent a `null` (or `{}`) body to an operation that takes none, or whose optional body was not set; the typed client sends none",
        ),
        // An optional body is a POST's builder method and is not sent unless set: a POST
        // that sends `{}` where go-auth0 sent nothing is a difference.
        ("", b"{}") if method != "POST" => Some(
            "go-auth0 sent no body to a PATCH whose body (any JSON) is an argument (`PATCH /branding/phone/templates/{id}/reset`); the typed call sends `{}`",
        ),
        _ => None,
    }
}

/// Checks the request the client sent against the recorded one.
fn check_request(
    interaction: &Interaction,
    recorded_path: &str,
    recorded_query: &str,
    sent: &Captured,
    tally: &mut Tally,
) -> Vec<String> {
    let mut problems = Vec::new();
    let req = &interaction.request;
    if sent.method != req.method {
        problems.push(format!(
            "method: recorded {}, sent {}",
            req.method, sent.method
        ));
    }
    let sent_path = sent.path.strip_prefix("/api/v2").unwrap_or(&sent.path);
    let recorded_segments: Vec<String> = recorded_path.split('/').map(decode).collect();
    let sent_segments: Vec<String> = sent_path.split('/').map(decode).collect();
    if recorded_segments == sent_segments {
        for (r, s) in recorded_path.split('/').zip(sent_path.split('/')) {
            if r != s {
                *tally.encodings.entry(format!("{r} -> {s}")).or_default() += 1;
            }
        }
    } else {
        problems.push(format!("path: recorded {recorded_path}, sent {sent_path}"));
    }
    let mut recorded_pairs = query_pairs(recorded_query);
    let mut sent_pairs = query_pairs(&sent.query);
    recorded_pairs.sort();
    sent_pairs.sort();
    if recorded_pairs != sent_pairs {
        problems.push(format!(
            "query: recorded {recorded_pairs:?}, sent {sent_pairs:?}"
        ));
    }
    let recorded_ct = req
        .headers
        .get("Content-Type")
        .and_then(|v| v.first())
        .map_or("", String::as_str);
    let sent_ct = sent.content_type.as_deref().unwrap_or_default();
    if recorded_ct.starts_with("multipart/form-data") {
        let recorded = multipart_parts(recorded_ct, req.body.as_bytes());
        let back = multipart_parts(sent_ct, &sent.body);
        if recorded.is_none() || recorded != back {
            problems.push(format!(
                "multipart body: recorded {recorded:?}, sent {back:?} ({sent_ct})"
            ));
        }
    } else if let Some(quirk) = body_quirk(&req.method, &req.body, &sent.body) {
        *tally.quirks.entry(quirk).or_default() += 1;
    } else if req.body.trim().is_empty() {
        if !sent.body.is_empty() {
            problems.push(format!(
                "body: none recorded, sent {}",
                String::from_utf8_lossy(&sent.body)
            ));
        }
    } else {
        match (
            serde_json::from_str::<Value>(&req.body),
            serde_json::from_slice::<Value>(&sent.body),
        ) {
            (Ok(recorded), Ok(back)) => {
                if let Some(diff) = first_difference(&recorded, &back, "") {
                    problems.push(format!("body {diff}"));
                }
                if !sent_ct.starts_with("application/json") {
                    problems.push(format!("body content type: sent {sent_ct:?}"));
                }
            }
            (recorded, back) => problems.push(format!(
                "body: recorded {:?}, sent {:?} ({recorded:?} / {back:?})",
                req.body,
                String::from_utf8_lossy(&sent.body)
            )),
        }
    }
    problems
}

/// A typed answer, serialised back, against the recorded JSON body: the first difference.
fn compare_typed(recorded: Option<&Value>, back: &Value, recorded_text: &str) -> Option<String> {
    match recorded {
        Some(recorded) => {
            first_difference(recorded, back, "").map(|diff| format!("typed answer {diff}"))
        }
        None => Some(format!(
            "typed answer {back} from a non-JSON recorded body {recorded_text:?}"
        )),
    }
}

/// Checks what the typed client returned against the recorded response.
fn check_answer(
    id: &'static str,
    interaction: &Interaction,
    replayed: Result<Answer, Error>,
    tally: &mut Tally,
) -> Vec<String> {
    let resp = &interaction.response;
    let recorded: Option<Value> = serde_json::from_str(&resp.body).ok();
    let mut problems = Vec::new();
    if (200..300).contains(&resp.code) {
        match replayed {
            Ok(Answer::Typed(Ok(back))) => {
                *tally
                    .answers
                    .entry("typed JSON model re-serialised")
                    .or_default() += 1;
                problems.extend(compare_typed(recorded.as_ref(), &back, &resp.body));
            }
            Ok(Answer::Typed(Err(e)) | Answer::TypedOptional(Some(Err(e)))) => {
                problems.push(format!("typed answer: {e}"));
            }
            Ok(Answer::TypedOptional(Some(Ok(back)))) => {
                *tally
                    .answers
                    .entry("typed JSON model the spec does not declare, re-serialised")
                    .or_default() += 1;
                problems.extend(compare_typed(recorded.as_ref(), &back, &resp.body));
            }
            Ok(Answer::TypedOptional(None)) => {
                *tally
                    .answers
                    .entry("typed model the spec does not declare; empty body")
                    .or_default() += 1;
                if !resp.body.trim().is_empty() {
                    problems.push(format!(
                        "typed answer: recorded {:?}, returned no body",
                        resp.body
                    ));
                }
            }
            Ok(Answer::Untyped(back)) => {
                let label = if back.is_some() {
                    "no response model in the spec; JSON kept as Value"
                } else {
                    "no response model in the spec; empty body"
                };
                *tally.answers.entry(label).or_default() += 1;
                if back.is_some() {
                    *tally.untyped.entry(id).or_default() += 1;
                }
                if back != recorded || (back.is_none() && !resp.body.trim().is_empty()) {
                    problems.push(format!(
                        "untyped answer: recorded {:?}, returned {back:?}",
                        resp.body
                    ));
                }
            }
            Ok(Answer::Raw(bytes)) => {
                *tally.answers.entry("raw bytes").or_default() += 1;
                if bytes != resp.body.as_bytes() {
                    problems.push(format!(
                        "raw answer: recorded {:?}, returned {bytes:?}",
                        resp.body
                    ));
                }
            }
            Err(e) => problems.push(format!("status {}: the client failed: {e}", resp.code)),
        }
    } else {
        match replayed {
            Err(Error::Api(e)) => {
                *tally.answers.entry("Error::Api").or_default() += 1;
                if e.status.as_u16() != resp.code {
                    problems.push(format!(
                        "error status: recorded {}, got {}",
                        resp.code, e.status
                    ));
                }
                let expected = recorded.as_ref().and_then(recorded_message);
                if expected.is_some_and(|m| m != e.message) {
                    problems.push(format!(
                        "error message: recorded {expected:?}, got {:?}",
                        e.message
                    ));
                }
            }
            Err(other) => problems.push(format!(
                "status {}: expected Error::Api, got {other:?}",
                resp.code
            )),
            Ok(answer) => problems.push(format!(
                "status {}: expected Error::Api, got {answer:?}",
                resp.code
            )),
        }
    }
    problems
}

#[tokio::test]
async fn every_recorded_management_interaction_replays_through_the_typed_client() {
    let slot = Arc::new(Mutex::new(Slot::default()));
    let addr = start_server(slot.clone()).await;
    let client = ManagementClient::builder(
        Domain::insecure_http(&format!("127.0.0.1:{}", addr.port())).expect("loopback domain"),
    )
    .allow_insecure_http(true)
    .token("replay-token")
    .max_attempts(1)
    .timeout(Some(Duration::from_secs(30)))
    .build()
    .expect("client");

    let mut tally = Tally::default();
    let mut total = 0usize;
    for (name, cassette) in load_all() {
        for interaction in &cassette.interactions {
            total += 1;
            let req = &interaction.request;
            let (url, recorded_query) = req.url.split_once('?').unwrap_or((req.url.as_str(), ""));
            let Some((_, path)) = url.split_once("/api/v2") else {
                tally.skip("Authentication API call (not a Management API interaction)");
                continue;
            };
            let Some((id, path_params)) = operation_for(&req.method, path) else {
                eprintln!(
                    "  not in the spec: {name}#{} {} {path}",
                    interaction.id, req.method
                );
                tally.skip("endpoint not in the Management API spec");
                continue;
            };
            let content_type = req
                .headers
                .get("Content-Type")
                .and_then(|v| v.first())
                .map_or("", String::as_str);
            let (body, multipart) = if content_type.starts_with("multipart/form-data") {
                let parts = multipart_parts(content_type, req.body.as_bytes());
                (None, parts.map(form))
            } else if req.body.trim().is_empty() {
                (None, None)
            } else {
                match serde_json::from_str::<Value>(&req.body) {
                    Ok(v) => (Some(v), None),
                    Err(e) => {
                        tally.failures.push(format!(
                            "{name}#{} ({id}): recorded request body is not JSON: {e}",
                            interaction.id
                        ));
                        continue;
                    }
                }
            };
            let query = query_pairs(recorded_query);
            {
                let mut slot = slot.lock().expect("slot lock");
                slot.seen.clear();
                slot.answer = Some(Canned {
                    status: interaction.response.code,
                    content_type: interaction
                        .response
                        .headers
                        .get("Content-Type")
                        .and_then(|v| v.first())
                        .cloned(),
                    body: Bytes::from(interaction.response.body.clone()),
                });
            }
            let call = Call {
                id,
                path: &path_params,
                query: &query,
                body: body.as_ref(),
                multipart,
            };
            let replayed = match replay_dispatch::replay(&client, call) {
                Ok(pending) => pending.await,
                Err(reason) if reason.starts_with(NOT_IN_SPEC) => {
                    // The builders have a method for every query parameter of the spec and
                    // no other: go-auth0 sent one the spec does not list.
                    tally.skip(format!(
                        "query parameter not in the spec ({id}:{})",
                        &reason[NOT_IN_SPEC.len()..]
                    ));
                    continue;
                }
                Err(reason) => {
                    tally.failures.push(format!(
                        "{name}#{} ({id}): not expressible through the typed API: {reason}",
                        interaction.id
                    ));
                    continue;
                }
            };
            let seen = std::mem::take(&mut slot.lock().expect("slot lock").seen);
            let mut problems = match seen.as_slice() {
                [sent] => check_request(interaction, path, recorded_query, sent, &mut tally),
                _ => vec![format!(
                    "the client sent {} requests, expected 1",
                    seen.len()
                )],
            };
            problems.extend(check_answer(id, interaction, replayed, &mut tally));
            if problems.is_empty() {
                tally.replayed += 1;
                *tally.operations.entry(id).or_default() += 1;
            } else {
                tally.failures.push(format!(
                    "{name}#{} ({id} {} {path}): {}",
                    interaction.id,
                    req.method,
                    problems.join("; ")
                ));
            }
        }
    }

    let skipped: usize = tally.skipped.values().sum();
    eprintln!(
        "replay: {total} recorded interactions; replayed {} over {} operations, skipped {skipped}, failed {}",
        tally.replayed,
        tally.operations.len(),
        tally.failures.len()
    );
    for (reason, count) in &tally.skipped {
        eprintln!("  skipped {count}: {reason}");
    }
    for (how, count) in &tally.answers {
        eprintln!("  answers checked as {how}: {count}");
    }
    eprintln!(
        "  operations answering JSON their spec does not declare: {:?}",
        tally.untyped
    );
    for (quirk, count) in &tally.quirks {
        eprintln!("  request body difference accepted x{count}: {quirk}");
    }
    for (encoding, count) in &tally.encodings {
        eprintln!("  path segment encoded differently (same once decoded) x{count}: {encoding}");
    }
    for failure in &tally.failures {
        eprintln!("  FAILED {failure}");
    }
    assert_eq!(
        tally.replayed + skipped + tally.failures.len(),
        total,
        "every interaction is counted once"
    );
    assert!(
        tally.failures.is_empty(),
        "{} recorded interactions did not replay",
        tally.failures.len()
    );
    assert!(
        tally.replayed >= REPLAYED_AT_LEAST,
        "replayed {} < {REPLAYED_AT_LEAST}",
        tally.replayed
    );
    assert!(
        tally.untyped.is_empty(),
        "operations answered JSON that no model types (add a correction to xtask/src/codegen/overrides.rs): {:?}",
        tally.untyped
    );
}

/// The checks are not vacuous: a wrong query value, path segment, body field, typed answer or
/// error status is reported.
#[test]
fn the_checks_report_differences() {
    let interaction: Interaction = serde_norway::from_str(
        r#"
id: 3
request:
    url: https://tenant.example/api/v2/users/auth0%7C1?per_page=5&include_totals=true
    method: PATCH
    body: '{"name":"a","app_metadata":{"k":1}}'
    headers:
        Content-Type: [application/json]
response:
    code: 200
    body: '{"user_id":"auth0|1","name":"a"}'
    headers:
        Content-Type: [application/json]
"#,
    )
    .expect("an interaction");
    let sent = |path: &str, query: &str, body: &str| Captured {
        method: "PATCH".to_owned(),
        path: path.to_owned(),
        query: query.to_owned(),
        content_type: Some("application/json".to_owned()),
        body: Bytes::from(body.to_owned()),
    };
    let check = |captured: &Captured| {
        check_request(
            &interaction,
            "/users/auth0%7C1",
            "per_page=5&include_totals=true",
            captured,
            &mut Tally::default(),
        )
    };
    // The same request, query order and key order aside, passes.
    assert_eq!(
        check(&sent(
            "/api/v2/users/auth0%7C1",
            "include_totals=true&per_page=5",
            r#"{"app_metadata":{"k":1},"name":"a"}"#
        )),
        Vec::<String>::new()
    );
    let wrong = [
        sent(
            "/api/v2/users/auth0%7C1",
            "include_totals=true&per_page=6",
            r#"{"name":"a","app_metadata":{"k":1}}"#,
        ),
        sent(
            "/api/v2/users/auth0%7C2",
            "include_totals=true&per_page=5",
            r#"{"name":"a","app_metadata":{"k":1}}"#,
        ),
        sent(
            "/api/v2/users/auth0%7C1",
            "include_totals=true&per_page=5",
            r#"{"name":"a","app_metadata":{"k":"1"}}"#,
        ),
        sent(
            "/api/v2/users/auth0%7C1",
            "include_totals=true&per_page=5",
            r#"{"name":"a"}"#,
        ),
        sent(
            "/api/v2/users/auth0%7C1",
            "include_totals=true&per_page=5",
            "",
        ),
    ];
    for captured in &wrong {
        assert_eq!(
            check(captured).len(),
            1,
            "{:?} {:?}",
            captured.path,
            captured.query
        );
    }
    // No body where go-auth0 sent none: only a positional body (not a POST's optional one)
    // may send `{}` instead.
    assert!(body_quirk("POST", "", b"{}").is_none());
    assert!(body_quirk("PATCH", "", b"{}").is_some());
    assert!(body_quirk("POST", "null", b"").is_some());
    let answer = |value: Value| {
        check_answer(
            "patch_users_by_id",
            &interaction,
            Ok(Answer::Typed(Ok(value))),
            &mut Tally::default(),
        )
    };
    assert!(answer(serde_json::json!({"name": "a", "user_id": "auth0|1"})).is_empty());
    assert_eq!(answer(serde_json::json!({"user_id": "auth0|1"})).len(), 1);
    assert_eq!(
        answer(serde_json::json!({"user_id": "auth0|1", "name": "a", "extra": null})).len(),
        1
    );
    let error = Error::from_response(
        http::StatusCode::NOT_FOUND,
        http::HeaderMap::new(),
        br#"{"statusCode":404,"error":"Not Found","message":"The user does not exist."}"#,
    );
    assert_eq!(
        check_answer(
            "patch_users_by_id",
            &interaction,
            Err(error),
            &mut Tally::default()
        )
        .len(),
        1,
        "a recorded success answered with an error is reported"
    );
}

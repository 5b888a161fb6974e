//! Jobs: verification emails, user exports (served at `/jobs-exports/{id}.json`) and user
//! imports (multipart upload). Jobs answer `pending` when created and `completed` from the
//! first read on.

use http::StatusCode;
use serde_json::{Value, json};

use crate::activity::iso8601;
use crate::errors;
use crate::ids;
use crate::mgmt::auth::Grant;
use crate::mgmt::resources::{self as res, Answer};
use crate::mgmt::users::new_user;
use crate::state::{Kind, user_connection};
use crate::tenant::{Shared, lock};
use crate::wire::{Req, Resp};

fn job_key(id: &str) -> String {
    format!("job/{id}")
}

fn store_job(shared: &Shared, job: &Value) {
    let id = job["id"].as_str().unwrap_or_default().to_owned();
    lock(&shared.store).flows.insert(job_key(&id), job.clone());
}

fn new_job(shared: &Shared, kind: &str) -> Value {
    json!({
        "id": ids::prefixed("job_"),
        "type": kind,
        "status": "pending",
        "created_at": iso8601(shared.now()),
    })
}

/// `POST /jobs/verification-email`.
pub(crate) fn verification_email(shared: &Shared, req: &Req, grant: &Grant) -> Answer {
    grant.require(&["update:users"])?;
    let body = res::body(req)?;
    let user_id = res::required(&body, "user_id")?.to_owned();
    res::find(shared, Kind::Users, &user_id)?;
    let job = new_job(shared, "verification_email");
    store_job(shared, &job);
    Ok(Resp::json(StatusCode::CREATED, &job))
}

/// `POST /jobs/users-exports`.
pub(crate) fn users_export(shared: &Shared, req: &Req, grant: &Grant) -> Answer {
    grant.require(&["read:users"])?;
    let body = res::body(req)?;
    let mut job = new_job(shared, "users_export");
    job["format"] = body.get("format").cloned().unwrap_or(json!("json"));
    if let Some(cid) = body.get("connection_id").and_then(Value::as_str) {
        let conn = res::find(shared, Kind::Connections, cid)?;
        job["connection_id"] = json!(cid);
        job["connection"] = conn["name"].clone();
    }
    if let Some(fields) = body.get("fields") {
        job["fields"] = fields.clone();
    }
    store_job(shared, &job);
    Ok(Resp::json(StatusCode::CREATED, &job))
}

/// `POST /jobs/users-imports` (multipart: `users` file with a JSON array, `connection_id`,
/// optional `upsert`).
pub(crate) fn users_import(shared: &Shared, req: &Req, grant: &Grant) -> Answer {
    grant.require(&["create:users"])?;
    let parts =
        multipart(req).ok_or_else(|| res::body_error("Expected a multipart/form-data body"))?;
    let field = |name: &str| {
        parts
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let connection_id = field("connection_id")
        .ok_or_else(|| res::body_error("Missing required property: connection_id"))?;
    let conn = res::find(shared, Kind::Connections, connection_id)?;
    let connection = conn["name"].as_str().unwrap_or_default().to_owned();
    let users: Vec<Value> = field("users")
        .and_then(|u| serde_json::from_str(u).ok())
        .ok_or_else(|| res::body_error("The users file must be a JSON array"))?;
    let now = shared.now();
    let mut errors_list = Vec::new();
    let (mut inserted, mut failed) = (0u64, 0u64);
    for (index, mut user) in users.into_iter().enumerate() {
        user["connection"] = json!(connection);
        let email = user
            .get("email")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let exists = lock(&shared.store)
            .user_by_email(&email, Some(&connection))
            .is_some();
        if email.is_empty() || exists {
            failed += 1;
            errors_list.push(json!({
                "user": user,
                "errors": [{ "code": if exists { "DUPLICATED_USER" } else { "INVALID_FORMAT" }, "message": format!("user at index {index} rejected") }],
            }));
            continue;
        }
        match new_user(user, now) {
            Ok((u, password)) => {
                let mut store = lock(&shared.store);
                if let Some(p) = password {
                    store
                        .passwords
                        .insert(u["user_id"].as_str().unwrap_or_default().to_owned(), p);
                }
                store.list_mut(Kind::Users).push(u);
                inserted += 1;
            }
            Err(_) => failed += 1,
        }
    }
    let mut job = new_job(shared, "users_import");
    job["connection_id"] = json!(connection_id);
    job["connection"] = json!(connection);
    job["summary"] =
        json!({ "failed": failed, "updated": 0, "inserted": inserted, "total": inserted + failed });
    store_job(shared, &job);
    let id = job["id"].as_str().unwrap_or_default().to_owned();
    lock(&shared.store)
        .flows
        .insert(format!("job_errors/{id}"), Value::Array(errors_list));
    Ok(Resp::json(StatusCode::CREATED, &job))
}

/// `GET /jobs/{id}`: the job, completed from the first read on.
pub(crate) fn get(shared: &Shared, grant: &Grant, id: &str) -> Answer {
    grant.require(&[
        "create:users",
        "read:users",
        "read:users_jobs",
        "create:users_jobs",
    ])?;
    let mut store = lock(&shared.store);
    let base = shared.base_url.clone();
    let Some(job) = store.flows.get_mut(&job_key(id)) else {
        return Err(errors::mgmt(
            404,
            "The job does not exist.",
            "inexistent_job",
        ));
    };
    let reply = job.clone();
    if job["status"] == "pending" {
        job["status"] = json!("completed");
        if job["type"] == "users_export" {
            job["location"] = json!(format!("{base}/jobs-exports/{id}.json"));
        }
    }
    Ok(Resp::ok(&reply))
}

/// `GET /jobs/{id}/errors`.
pub(crate) fn job_errors(shared: &Shared, grant: &Grant, id: &str) -> Answer {
    grant.require(&["create:users", "read:users"])?;
    let store = lock(&shared.store);
    if !store.flows.contains_key(&job_key(id)) {
        return Err(errors::mgmt(
            404,
            "The job does not exist.",
            "inexistent_job",
        ));
    }
    let list = store
        .flows
        .get(&format!("job_errors/{id}"))
        .cloned()
        .unwrap_or(json!([]));
    Ok(Resp::ok(&list))
}

/// `GET /jobs-exports/{id}.json`: the exported users, one JSON object a line.
pub(crate) fn export_file(shared: &Shared, file: &str) -> Resp {
    let id = file.trim_end_matches(".json");
    let store = lock(&shared.store);
    let Some(job) = store
        .flows
        .get(&job_key(id))
        .filter(|j| j["type"] == "users_export")
    else {
        return errors::mgmt(404, "The export does not exist.", "inexistent_job");
    };
    let connection = job.get("connection").and_then(Value::as_str);
    let fields: Option<Vec<String>> = job.get("fields").and_then(Value::as_array).map(|f| {
        f.iter()
            .filter_map(|x| x.get("name").and_then(Value::as_str).map(str::to_owned))
            .collect()
    });
    let mut out = String::new();
    for user in store.list(Kind::Users) {
        if connection.is_some_and(|c| user_connection(user) != Some(c)) {
            continue;
        }
        let line = match &fields {
            Some(names) => Value::Object(
                names
                    .iter()
                    .filter_map(|n| user.get(n).map(|v| (n.clone(), v.clone())))
                    .collect(),
            ),
            None => user.clone(),
        };
        out.push_str(&line.to_string());
        out.push('\n');
    }
    Resp::text(StatusCode::OK, "application/x-ndjson", out)
}

/// The parts of a `multipart/form-data` body as (name, text) pairs.
fn multipart(req: &Req) -> Option<Vec<(String, String)>> {
    let content_type = req.header("content-type")?;
    let boundary = content_type
        .split(';')
        .find_map(|p| p.trim().strip_prefix("boundary="))?
        .trim_matches('"');
    let body = std::str::from_utf8(&req.body).ok()?;
    let delimiter = format!("--{boundary}");
    let mut parts = Vec::new();
    for chunk in body.split(&delimiter).skip(1) {
        if chunk.starts_with("--") {
            break;
        }
        let (head, content) = chunk.split_once("\r\n\r\n")?;
        let name = head
            .split(';')
            .find_map(|p| p.trim().strip_prefix("name="))?
            .split("\r\n")
            .next()?
            .trim_matches('"')
            .to_owned();
        parts.push((name, content.trim_end_matches("\r\n").to_owned()));
    }
    Some(parts)
}

//! Emission of `crates/auth0-management/tests/generated/replay_dispatch.rs`: one arm per
//! operation that replays a recorded call through the typed client (`tests/replay.rs`).
//!
//! Each arm builds the request the way a user would: required path and query parameters and
//! the body are the method's arguments, every recorded optional query parameter goes through
//! its builder method, and the body is parsed into the operation's typed body model first (an
//! optional body goes through `.body(..)`, and only when one was recorded). A
//! recorded query parameter the builder has no method for, a value that does not parse into
//! the parameter's type, or a body that does not parse into the typed model is reported, never
//! dropped. Declared as a child of `operations` (it reads the operation descriptions) but kept
//! in its own file.

use std::fmt::Write as _;

use super::{Generated, Op, Response};
use crate::codegen::naming::field_ident;

const M: &str = "models::";

impl Generated {
    /// `(file name, source)` of the replay dispatch.
    pub(crate) fn emit_replay(&self) -> (String, String) {
        let mut out = String::from(crate::codegen::models::HEADER);
        out.push_str(PRELUDE);
        out.push_str(DISPATCH_HEAD);
        let mut sorted: Vec<&Op> = self.ops.iter().collect();
        sorted.sort_by(|a, b| a.id.cmp(&b.id));
        for op in sorted {
            emit_arm(&mut out, op);
        }
        out.push_str(DISPATCH_TAIL);
        ("replay_dispatch.rs".to_owned(), out)
    }
}

/// `Vec<T>` → `T`; anything else unchanged.
fn item_type(ty: &str) -> &str {
    ty.strip_prefix("Vec<")
        .and_then(|t| t.strip_suffix('>'))
        .unwrap_or(ty)
}

/// The helper that parses a recorded string into `ty`: `value` for `String` and the scalars,
/// `model` for the models' open enums (and aliases such as `bool` enums); `list_` prefixed for
/// a list.
fn parser(ty: &str, list: bool) -> String {
    let item = item_type(ty);
    let kind = if item.starts_with(M) {
        "model"
    } else {
        "value"
    };
    if list {
        format!("{kind}_list::<{item}>")
    } else {
        format!("{kind}::<{item}>")
    }
}

fn emit_arm(out: &mut String, op: &Op) {
    let _ = writeln!(out, "{:?} => {{", op.id);
    let mut args = Vec::new();
    for (i, p) in op.path_params.iter().enumerate() {
        let _ = writeln!(
            out,
            "let {} = {}({:?}, path_arg(call.path, {i}, {:?})?)?;",
            p.ident,
            parser(&p.ty, false),
            p.json,
            p.json
        );
        args.push(p.ident.clone());
    }
    for p in op.query.iter().filter(|p| p.required) {
        if p.list {
            let _ = writeln!(
                out,
                "let {} = {}({:?}, &query.all({:?}))?;",
                p.ident,
                parser(&p.ty, true),
                p.json,
                p.json
            );
        } else {
            let _ = writeln!(
                out,
                "let {} = {}({:?}, query.required({:?})?)?;",
                p.ident,
                parser(&p.ty, false),
                p.json,
                p.json
            );
        }
        args.push(p.ident.clone());
    }
    match &op.body {
        Some((_, true)) => {
            out.push_str(
                "let body = call.multipart.take().ok_or(\"no multipart form recorded\")?;\n",
            );
            args.push("body".to_owned());
        }
        Some((ty, false)) if op.optional_body => {
            let _ = writeln!(out, "let body = optional_json_body::<{ty}>(call.body)?;");
        }
        Some((ty, false)) => {
            let _ = writeln!(out, "let body = json_body::<{ty}>(call.body)?;");
            args.push("body".to_owned());
        }
        None => {
            let _ = writeln!(
                out,
                "no_body(call.body, call.multipart.is_some(), {})?;",
                op.method == "GET"
            );
        }
    }
    let mut chain = String::from("client");
    for g in &op.group {
        let _ = write!(chain, ".{}()", field_ident(g));
    }
    let _ = writeln!(
        out,
        "let b = {chain}.{}({});",
        field_ident(&op.name),
        args.join(", ")
    );
    if op.optional_body {
        out.push_str("let b = match body {\nSome(body) => b.body(body),\nNone => b,\n};\n");
    }
    for p in op.query.iter().filter(|p| !p.required) {
        if p.list {
            let _ = writeln!(
                out,
                "let values = query.all({:?});\nlet b = if values.is_empty() {{ b }} else {{ b.{}({}({:?}, &values)?) }};",
                p.json,
                p.ident,
                parser(&p.ty, true),
                p.json
            );
        } else {
            let _ = writeln!(
                out,
                "let b = match query.one({:?})? {{\nSome(v) => b.{}({}({:?}, v)?),\nNone => b,\n}};",
                p.json,
                p.ident,
                parser(&p.ty, false),
                p.json
            );
        }
    }
    out.push_str("query.done()?;\n");
    let finish = match op.response {
        Response::Json(_) => "typed",
        Response::OptionalJson(_) => "typed_optional",
        Response::Empty => "untyped",
        Response::Raw => "raw",
    };
    let _ = writeln!(out, "{finish}(move || b.send())\n}}");
}

const PRELUDE: &str = r#"//! Replays one recorded Management API call through the typed client, used by
//! `tests/replay.rs`: an arm per operation calls `client.<resource>()…<operation>(…)` with the
//! recorded path parameters, body (parsed into the typed body model) and query parameters
//! (each through its builder method), sends it, and re-serialises the typed answer.

use auth0_core::management as models;
use auth0_management::{ApiResponse, ManagementClient, Multipart};
use serde_json::Value;

/// One recorded call, as the typed API receives it.
pub(crate) struct Call<'a> {
    /// The operation id (`get_users`).
    pub(crate) id: &'a str,
    /// Path parameters in the order they appear in the path template, percent-decoded.
    pub(crate) path: &'a [String],
    /// Query pairs, form-decoded, in recorded order.
    pub(crate) query: &'a [(String, String)],
    /// The recorded JSON body (`None` when the request had no body).
    pub(crate) body: Option<&'a Value>,
    /// The recorded multipart form, rebuilt.
    pub(crate) multipart: Option<Multipart>,
}

/// What `send()` returned.
#[derive(Debug)]
pub(crate) enum Answer {
    /// The typed response model, serialised back to JSON (or why it could not be).
    Typed(Result<Value, String>),
    /// A typed response model the spec does not declare (see `overrides.rs`): the model
    /// serialised back, or `None` for an empty body.
    TypedOptional(Option<Result<Value, String>>),
    /// An operation whose spec declares no response body: whatever JSON came back.
    Untyped(Option<Value>),
    /// An operation with a non-JSON response body.
    Raw(bytes::Bytes),
}

/// The typed client's result.
pub(crate) type Replayed = Result<Answer, auth0_core::Error>;

/// A recorded string as a parameter value.
trait FromRecorded: Sized {
    fn from_recorded(name: &str, value: &str) -> Result<Self, String>;
}

impl FromRecorded for String {
    fn from_recorded(_: &str, value: &str) -> Result<Self, String> {
        Ok(value.to_owned())
    }
}

macro_rules! from_str_recorded {
    ($($t:ty),*) => {$(
        impl FromRecorded for $t {
            fn from_recorded(name: &str, value: &str) -> Result<Self, String> {
                value.parse().map_err(|e| format!("parameter {name}={value:?} is not a {}: {e}", stringify!($t)))
            }
        }
    )*};
}
from_str_recorded!(bool, i64, f64);

/// A models type (an open enum, or an alias of a scalar) from a recorded string: as a JSON
/// string first, then as a JSON literal (`true`, `42`).
fn model<T: serde::de::DeserializeOwned>(name: &str, value: &str) -> Result<T, String> {
    serde_json::from_value(Value::String(value.to_owned()))
        .or_else(|_| serde_json::from_str(value))
        .map_err(|e| format!("parameter {name}={value:?} is not a {}: {e}", std::any::type_name::<T>()))
}

fn model_list<T: serde::de::DeserializeOwned>(name: &str, values: &[&str]) -> Result<Vec<T>, String> {
    values.iter().map(|v| model(name, v)).collect()
}

fn value<T: FromRecorded>(name: &str, value: &str) -> Result<T, String> {
    T::from_recorded(name, value)
}

fn value_list<T: FromRecorded>(name: &str, values: &[&str]) -> Result<Vec<T>, String> {
    values.iter().map(|v| T::from_recorded(name, v)).collect()
}

fn path_arg<'a>(path: &'a [String], index: usize, name: &str) -> Result<&'a str, String> {
    path.get(index).map(String::as_str).ok_or_else(|| format!("path parameter {name} missing"))
}

/// The typed body from the recorded one. go-auth0 sends no body to
/// `PATCH /branding/phone/templates/{id}/reset`, whose body (any JSON) is an argument of the
/// typed method: that becomes `{}` (the replay test counts it as a difference).
fn json_body<T: serde::de::DeserializeOwned>(body: Option<&Value>) -> Result<T, String> {
    let body = match body {
        None => Value::Object(serde_json::Map::new()),
        Some(v) => v.clone(),
    };
    serde_json::from_value(body)
        .map_err(|e| format!("recorded body does not parse into {}: {e}", std::any::type_name::<T>()))
}

/// The typed body of an operation whose body is optional: go-auth0 sends no body or `null`
/// when it has none to send, and the builder then leaves `.body(..)` unset.
fn optional_json_body<T: serde::de::DeserializeOwned>(body: Option<&Value>) -> Result<Option<T>, String> {
    match body {
        None | Some(Value::Null) => Ok(None),
        Some(v) => serde_json::from_value(v.clone())
            .map(Some)
            .map_err(|e| format!("recorded body does not parse into {}: {e}", std::any::type_name::<T>())),
    }
}

/// An operation that takes no body: go-auth0 sends `null` (and `{}` to `DELETE /roles/{id}`,
/// and whatever it decodes into, such as `0`, with a GET); the typed method sends none (the
/// replay test counts it as a difference). Any other recorded body is an error.
fn no_body(body: Option<&Value>, multipart: bool, get: bool) -> Result<(), String> {
    match body {
        Some(_) if get => Ok(()),
        Some(Value::Object(map)) if map.is_empty() => Ok(()),
        Some(Value::Null) | None if !multipart => Ok(()),
        Some(v) => Err(format!("a body was recorded ({v}) but the operation takes none")),
        None => Err("a multipart body was recorded but the operation takes none".to_owned()),
    }
}

/// The recorded query pairs; each is consumed by exactly one builder method.
struct Query<'a> {
    pairs: &'a [(String, String)],
    used: Vec<bool>,
}

impl<'a> Query<'a> {
    fn new(pairs: &'a [(String, String)]) -> Self {
        Self { pairs, used: vec![false; pairs.len()] }
    }

    fn all(&mut self, name: &str) -> Vec<&'a str> {
        let mut out = Vec::new();
        for (i, (n, v)) in self.pairs.iter().enumerate() {
            if n == name {
                self.used[i] = true;
                out.push(v.as_str());
            }
        }
        out
    }

    fn one(&mut self, name: &str) -> Result<Option<&'a str>, String> {
        match self.all(name).as_slice() {
            [] => Ok(None),
            [v] => Ok(Some(v)),
            more => Err(format!("query parameter {name} recorded {} times; the builder takes one value", more.len())),
        }
    }

    fn required(&mut self, name: &str) -> Result<&'a str, String> {
        self.one(name)?.ok_or_else(|| format!("required query parameter {name} not recorded"))
    }

    fn done(&self) -> Result<(), String> {
        let left: Vec<&str> = self
            .pairs
            .iter()
            .zip(&self.used)
            .filter(|(_, used)| !**used)
            .map(|((n, _), _)| n.as_str())
            .collect();
        if left.is_empty() {
            Ok(())
        } else {
            Err(format!("recorded query parameter(s) with no builder method: {}", left.join(", ")))
        }
    }
}

/// The answer of a sent request, once awaited. Each operation's `send()` is called inside its
/// own boxed future, so neither the dispatch's stack frame (debug builds give every arm its
/// own slot) nor any future holds the request futures of all 452 operations.
pub(crate) type Pending = std::pin::Pin<Box<dyn std::future::Future<Output = Replayed>>>;

type Sent<T> = Result<ApiResponse<T>, auth0_core::Error>;

fn typed<T: serde::Serialize + 'static, F: std::future::Future<Output = Sent<T>> + 'static>(send: impl FnOnce() -> F + 'static) -> Pending {
    Box::pin(async move {
        send().await.map(|r| Answer::Typed(serde_json::to_value(&r.value).map_err(|e| format!("serialise: {e}"))))
    })
}

fn typed_optional<T: serde::Serialize + 'static, F: std::future::Future<Output = Sent<Option<T>>> + 'static>(send: impl FnOnce() -> F + 'static) -> Pending {
    Box::pin(async move {
        send().await.map(|r| Answer::TypedOptional(r.value.map(|v| serde_json::to_value(&v).map_err(|e| format!("serialise: {e}")))))
    })
}

fn untyped<F: std::future::Future<Output = Sent<Option<Value>>> + 'static>(send: impl FnOnce() -> F + 'static) -> Pending {
    Box::pin(async move { send().await.map(|r| Answer::Untyped(r.value)) })
}

fn raw<F: std::future::Future<Output = Sent<bytes::Bytes>> + 'static>(send: impl FnOnce() -> F + 'static) -> Pending {
    Box::pin(async move { send().await.map(|r| Answer::Raw(r.value)) })
}

"#;

const DISPATCH_HEAD: &str = "
/// Builds `call` through the typed method of its operation and returns its `send()`, to be
/// awaited. `Err` when the recorded call cannot be expressed through the typed API (the
/// reason says why).
#[allow(clippy::too_many_lines, unused_variables, unused_mut)]
pub(crate) fn replay(client: &ManagementClient, mut call: Call<'_>) -> Result<Pending, String> {
let mut query = Query::new(call.query);
let sent = match call.id {
";

const DISPATCH_TAIL: &str = "other => return Err(format!(\"no generated operation {other:?}\")),
};
Ok(sent)
}
";

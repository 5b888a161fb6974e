//! Emission of the operation methods (`auth0_management::generated`): one file per top-level
//! `x-operation-group`, a resource struct per (nested) group, a request builder per operation,
//! and the `OPERATIONS` table.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde_json::Value;

use super::naming::{field_ident, pascal, snake};
use super::spec::{Operation, Spec};
use super::types::{Ty, Types};

#[path = "replay.rs"]
mod replay;

const M: &str = "models::";

/// How a list operation pages.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Paging {
    Offset,
    Checkpoint,
}

/// How the checkpoint variant of an offset-paged list finds its next page.
#[derive(Clone, PartialEq, Eq, Debug)]
enum Cursor {
    /// The page object's `next`.
    Next,
    /// Pages are bare arrays; the next checkpoint is this field of the last item.
    LastId(String),
}

/// One parameter of an operation.
struct Param {
    json: String,
    ident: String,
    /// Rust type of the value (already with the `models::` prefix).
    ty: String,
    /// Setter argument type and how it becomes the stored value.
    arg: String,
    conv: &'static str,
    list: bool,
    location: &'static str,
    /// Required query parameters are method arguments like path parameters.
    required: bool,
}

/// One operation as emitted.
struct Op {
    id: String,
    method: String,
    path: String,
    group: Vec<String>,
    name: String,
    summary: String,
    tag: String,
    scopes: Vec<String>,
    lifecycle: String,
    path_params: Vec<Param>,
    query: Vec<Param>,
    headers: Vec<Param>,
    /// (Rust type, multipart)
    body: Option<(String, bool)>,
    /// The body is an optional builder method (`.body(model)`), not an argument: a POST
    /// whose body schema is an object with no required property. Unset, no body is sent.
    optional_body: bool,
    response: Response,
    paging: Option<(Paging, String, String)>,
    /// For an offset-paged list that also takes `from`/`take`: its checkpoint variant.
    checkpoint: Option<Cursor>,
}

enum Response {
    Json(String),
    /// A JSON model the spec does not declare (added by `overrides`): `Option<T>`, `None` for
    /// an empty body.
    OptionalJson(String),
    Empty,
    Raw,
}

/// The generated operation files.
pub(crate) struct Generated {
    ops: Vec<Op>,
}

impl Generated {
    pub(crate) fn build(spec: &Spec, types: &Types<'_>) -> Result<Self, String> {
        let mut ops = Vec::new();
        for op in spec.operations() {
            ops.push(build_op(spec, types, &op)?);
        }
        // A child group and an operation must not share a name in one resource.
        let groups: BTreeSet<Vec<String>> = ops.iter().map(|o| o.group.clone()).collect();
        for op in &ops {
            let mut child = op.group.clone();
            child.push(op.name.clone());
            if groups
                .iter()
                .any(|g| g.len() == child.len() && snake_all(g) == snake_all(&child))
            {
                return Err(format!(
                    "operation {} has the name of a sub-resource of {}",
                    op.id,
                    op.group.join(".")
                ));
            }
        }
        Ok(Generated { ops })
    }

    pub(crate) fn count(&self) -> usize {
        self.ops.len()
    }

    pub(crate) fn emit(&self) -> Vec<(String, String)> {
        let mut by_top: BTreeMap<String, Vec<&Op>> = BTreeMap::new();
        for op in &self.ops {
            by_top.entry(op.group[0].clone()).or_default().push(op);
        }
        let mut files = Vec::new();
        let mut module = String::from(super::models::HEADER);
        module.push_str(MOD_DOC);
        module.push_str(
            "mod operations;\npub use operations::{OPERATIONS, OperationInfo, Paging};\n\n",
        );
        for top in by_top.keys() {
            let _ = writeln!(module, "mod {};", file_stem(top));
        }
        module.push('\n');
        for top in by_top.keys() {
            let _ = writeln!(module, "pub use {}::*;", file_stem(top));
        }
        module.push_str(OPTIONAL_JSON);
        files.push(("mod.rs".to_owned(), module));
        for (top, ops) in &by_top {
            files.push((format!("{}.rs", file_stem(top)), emit_group_file(top, ops)));
        }
        files.push(("operations.rs".to_owned(), self.emit_table()));
        files
    }

    fn emit_table(&self) -> String {
        let mut out = String::from(super::models::HEADER);
        out.push_str(TABLE_HEAD);
        let mut sorted: Vec<&Op> = self.ops.iter().collect();
        sorted.sort_by(|a, b| a.id.cmp(&b.id));
        for op in sorted {
            let paging = match op.paging {
                Some((Paging::Offset, _, _)) => "Some(Paging::Offset)",
                Some((Paging::Checkpoint, _, _)) => "Some(Paging::Checkpoint)",
                None => "None",
            };
            let _ = writeln!(
                out,
                "OperationInfo {{ id: {:?}, method: {:?}, path: {:?}, group: &[{}], name: {:?}, scopes: &[{}], paging: {paging}, lifecycle: {:?} }},",
                op.id,
                op.method,
                op.path,
                op.group
                    .iter()
                    .map(|g| format!("{:?}", snake(g)))
                    .collect::<Vec<_>>()
                    .join(", "),
                snake(&op.name),
                op.scopes
                    .iter()
                    .map(|s| format!("{s:?}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                op.lifecycle,
            );
        }
        out.push_str("];\n");
        out
    }
}

const MOD_DOC: &str =
    "//! One method per Management API operation, organised like Auth0's own SDKs:
//! `client.users().list()`, `client.organizations().members().create(id, body)`.
//!
//! Each method returns a request builder: required path and query parameters and the body
//! are the method's arguments, optional query parameters and headers are builder methods,
//! and `send()` runs it. A POST whose body model requires no field is the exception: its body
//! is the builder method `.body(model)`, and without it the request goes with no body at all.
//! Every other body stays an argument even when none of its fields is required: a `PATCH`,
//! `PUT` or `DELETE` body is what to change or remove.
//! Operations whose spec declares no response body answer `Option<_>` (`None` for an empty
//! body): a model where Auth0 is known to send one anyway, else `serde_json::Value`.
//! Offset- and checkpoint-paged lists also have `pages()` and `items()` streams; lists
//! that page both ways also have `checkpoint_pages()` and `checkpoint_items()`.
//! [`OPERATIONS`] lists every operation with its required scopes.

";

const OPTIONAL_JSON: &str = "
/// Runs a request whose spec declares no response body, keeping any JSON Auth0 sends as `T`
/// (`None` for an empty body).
async fn execute_optional_json<T: serde::de::DeserializeOwned>(
    client: &crate::ManagementClient,
    req: crate::request::ApiRequest,
) -> Result<crate::request::ApiResponse<Option<T>>, auth0_core::Error> {
    let response = client.execute(req).await?;
    if response.value.iter().all(u8::is_ascii_whitespace) {
        return Ok(response.map(|_| None));
    }
    let value = auth0_core::error::decode_json(std::any::type_name::<T>(), &response.value)?;
    Ok(response.map(|_| Some(value)))
}
";

const TABLE_HEAD: &str = "//! The table of every generated operation.

/// How a list operation pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Paging {
    /// `page`/`per_page`/`include_totals`.
    Offset,
    /// `from`/`take`.
    Checkpoint,
}

/// One Management API operation and where it lives in this crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct OperationInfo {
    /// The spec's `operationId`.
    pub id: &'static str,
    /// HTTP method.
    pub method: &'static str,
    /// Path template after `/api/v2`.
    pub path: &'static str,
    /// Resource path: `[\"organizations\", \"members\"]` is `client.organizations().members()`.
    pub group: &'static [&'static str],
    /// Method name on the resource.
    pub name: &'static str,
    /// Scopes the access token needs.
    pub scopes: &'static [&'static str],
    /// Paging style of a list operation.
    pub paging: Option<Paging>,
    /// `x-release-lifecycle` (`GA`, `EA`, `beta`, or empty).
    pub lifecycle: &'static str,
}

/// Every operation of the Management API spec this crate was generated from, by id.
pub const OPERATIONS: &[OperationInfo] = &[
";

fn snake_all(parts: &[String]) -> Vec<String> {
    parts.iter().map(|p| snake(p)).collect()
}

fn file_stem(top: &str) -> String {
    snake(top)
}

/// `["organizations", "members"]` → `OrganizationsMembers`.
fn resource_type(group: &[String]) -> String {
    group.iter().map(|g| pascal(g)).collect()
}

fn build_op(spec: &Spec, types: &Types<'_>, op: &Operation<'_>) -> Result<Op, String> {
    let group: Vec<String> = op.group().iter().map(|s| (*s).to_owned()).collect();
    if group.is_empty() || op.name().is_empty() {
        return Err(format!(
            "operation {} has no x-operation-group/name",
            op.id()
        ));
    }
    let mut path_params = Vec::new();
    let mut query = Vec::new();
    let mut headers = Vec::new();
    let mut idents = BTreeSet::new();
    idents.insert("client".to_owned());
    idents.insert("body".to_owned());
    for p in op.parameters() {
        let json = p
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let location = p.get("in").and_then(Value::as_str).unwrap_or_default();
        let schema = p.get("schema").cloned().unwrap_or(Value::Null);
        let mut ident = field_ident(&json);
        while !idents.insert(ident.clone()) {
            ident.push('_');
        }
        let (ty, arg, conv, list) = param_type(spec, &schema);
        let required = p.get("required").and_then(Value::as_bool).unwrap_or(false);
        let param = Param {
            json,
            ident,
            ty,
            arg,
            conv,
            list,
            location: "",
            required,
        };
        match location {
            "path" => path_params.push(Param {
                location: "path",
                ..param
            }),
            "query" => query.push(Param {
                location: "query",
                ..param
            }),
            "header" => headers.push(Param {
                location: "header",
                ..param
            }),
            other => return Err(format!("{}: parameter in {other:?}", op.id())),
        }
    }
    // Path parameters in the order they appear in the path.
    path_params.sort_by_key(|p| {
        op.path
            .find(&format!("{{{}}}", p.json))
            .unwrap_or(usize::MAX)
    });
    for p in &path_params {
        if !op.path.contains(&format!("{{{}}}", p.json)) {
            return Err(format!(
                "{}: path parameter {} not in {}",
                op.id(),
                p.json,
                op.path
            ));
        }
    }
    let op_types = types.ops.get(op.id()).cloned().unwrap_or_default();
    let body = op.body().map(|(ct, _, _)| {
        if ct == "multipart/form-data" {
            ("crate::request::Multipart".to_owned(), true)
        } else {
            let ty = op_types.body.as_ref().map_or(Ty::Value, |(t, _)| t.clone());
            (ty.rust_in(M), false)
        }
    });
    let optional_body = op.method == "post"
        && op
            .body()
            .is_some_and(|(ct, schema, _)| ct == "application/json" && omittable(spec, schema));
    let response = match (op.success(), &op_types.response) {
        (_, Some(ty)) if op.undeclared_body() => Response::OptionalJson(ty.rust_in(M)),
        (_, Some(ty)) => Response::Json(ty.rust_in(M)),
        (Some((_, None)), None) if has_non_json_content(op) => Response::Raw,
        _ => Response::Empty,
    };
    let names: BTreeSet<&str> = query.iter().map(|p| p.json.as_str()).collect();
    let paging_kind = if names.contains("page") && names.contains("per_page") {
        Some(Paging::Offset)
    } else if names.contains("from") && names.contains("take") {
        Some(Paging::Checkpoint)
    } else {
        None
    };
    let paging = match (paging_kind, op.success()) {
        (Some(kind), Some((_, Some(schema)))) if body.is_none() && headers.is_empty() => {
            let (key, item) = page_items(spec, schema, op.path);
            Some((kind, key, item))
        }
        _ => None,
    };
    let checkpoint = match (&paging, op.success()) {
        (Some((Paging::Offset, _, _)), Some((_, Some(schema))))
            if names.contains("from") && names.contains("take") =>
        {
            checkpoint_cursor(spec, schema)
        }
        _ => None,
    };
    Ok(Op {
        id: op.id().to_owned(),
        method: op.method.to_uppercase(),
        path: op.path.to_owned(),
        group,
        name: op.name().to_owned(),
        summary: op.summary().trim().to_owned(),
        tag: op.tag().to_owned(),
        scopes: op.scopes().iter().map(|s| (*s).to_owned()).collect(),
        lifecycle: op
            .op
            .get("x-release-lifecycle")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        path_params,
        query,
        headers,
        body,
        optional_body,
        response,
        paging,
        checkpoint,
    })
}

/// Whether a request-body schema may be left out: an object (possibly nullable) that is not a
/// union, requires no property and sets no `minProperties`. The spec marks no request body as required, so this is
/// decided by the schema alone.
fn omittable(spec: &Spec, schema: &Value) -> bool {
    let schema = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| spec.resolve_ref(r))
        .unwrap_or(schema);
    let is_object = match schema.get("type") {
        Some(Value::String(t)) => t == "object",
        Some(Value::Array(ts)) => ts.contains(&Value::from("object")),
        _ => false,
    };
    let union = ["oneOf", "anyOf", "allOf"]
        .iter()
        .any(|k| schema.get(*k).is_some());
    let requires = schema
        .get("required")
        .and_then(Value::as_array)
        .is_some_and(|r| !r.is_empty());
    // `minProperties: 1` (POST /hooks/{id}/secrets, POST /users/{id}/identities): an empty
    // body is invalid, so the body is an argument.
    let needs_a_property = schema
        .get("minProperties")
        .and_then(Value::as_u64)
        .is_some_and(|n| n > 0);
    is_object && !union && !requires && !needs_a_property
}

/// How the checkpoint variant of a list that also pages by offset reads on: a response
/// variant with `next` (`{organizations: [...], next}`), else bare-array pages continued
/// from the id of their last item (`GET /logs`). `None` when neither can be told.
fn checkpoint_cursor(spec: &Spec, schema: &Value) -> Option<Cursor> {
    let resolve = |v: &Value| -> Value {
        v.get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| spec.resolve_ref(r))
            .cloned()
            .unwrap_or_else(|| v.clone())
    };
    let top = resolve(schema);
    let variants: Vec<Value> = match top.get("oneOf").and_then(Value::as_array) {
        Some(parts) => parts.iter().map(resolve).collect(),
        None => vec![top],
    };
    if variants
        .iter()
        .any(|v| v.get("properties").and_then(|p| p.get("next")).is_some())
    {
        return Some(Cursor::Next);
    }
    let item = variants
        .iter()
        .find(|v| v.get("type").and_then(Value::as_str) == Some("array"))
        .and_then(|v| v.get("items"))
        .map(resolve)?;
    let props = item.get("properties")?;
    ["log_id", "id"]
        .into_iter()
        .find(|f| props.get(*f).is_some())
        .map(|f| Cursor::LastId(f.to_owned()))
}

/// How a user reaches an operation's request builder: `client.organizations().members().list(..)`.
fn call_path(op: &Op) -> String {
    let mut out = String::from("client");
    for g in &op.group {
        let _ = write!(out, ".{}()", field_ident(g));
    }
    let has_args = !op.path_params.is_empty() || op.query.iter().any(|p| p.required);
    let _ = write!(
        out,
        ".{}({})",
        field_ident(&op.name),
        if has_args { ".." } else { "" }
    );
    out
}

fn has_non_json_content(op: &Operation<'_>) -> bool {
    op.op
        .get("responses")
        .and_then(Value::as_object)
        .and_then(|r| r.iter().find(|(c, _)| c.starts_with('2')))
        .and_then(|(_, r)| r.get("content"))
        .and_then(Value::as_object)
        .is_some_and(|c| !c.is_empty())
}

/// (stored type, setter argument type, conversion, is a list) of a parameter.
fn param_type(spec: &Spec, schema: &Value) -> (String, String, &'static str, bool) {
    if let Some(target) = schema.get("$ref").and_then(Value::as_str) {
        let name = target.rsplit('/').next().unwrap_or_default();
        // Enum parameters keep their open enum type; anything else referenced is a string.
        if spec
            .resolve_ref(target)
            .is_some_and(|s| s.get("enum").is_some())
        {
            let ty = format!("{M}{}", pascal(name));
            return (ty.clone(), format!("impl Into<{ty}>"), ".into()", false);
        }
        return (
            "String".to_owned(),
            "impl Into<String>".to_owned(),
            ".into()",
            false,
        );
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("boolean") => ("bool".to_owned(), "bool".to_owned(), "", false),
        Some("integer") => ("i64".to_owned(), "i64".to_owned(), "", false),
        Some("number") => ("f64".to_owned(), "f64".to_owned(), "", false),
        Some("array") => {
            let items = schema.get("items").cloned().unwrap_or(Value::Null);
            let (ty, _, _, _) = param_type(spec, &items);
            (
                format!("Vec<{ty}>"),
                format!("impl IntoIterator<Item = impl Into<{ty}>>"),
                ".into_iter().map(Into::into).collect()",
                true,
            )
        }
        _ => (
            "String".to_owned(),
            "impl Into<String>".to_owned(),
            ".into()",
            false,
        ),
    }
}

/// The items key and item type of a paged response.
fn page_items(spec: &Spec, schema: &Value, path: &str) -> (String, String) {
    let mut variants = vec![schema.clone()];
    if let Some(t) = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| spec.resolve_ref(r))
    {
        variants = vec![t.clone()];
    }
    if let Some(parts) = variants[0].get("oneOf").and_then(Value::as_array) {
        variants = parts.clone();
    }
    let mut item: Option<Value> = None;
    let mut key: Option<String> = None;
    for v in &variants {
        let v = match v
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| spec.resolve_ref(r))
        {
            Some(t) => t.clone(),
            None => v.clone(),
        };
        if v.get("type").and_then(Value::as_str) == Some("array") {
            item = item.or_else(|| v.get("items").cloned());
        } else if let Some(props) = v.get("properties").and_then(Value::as_object) {
            let last = path
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .replace('-', "_");
            let arrays: Vec<(&String, &Value)> = props
                .iter()
                .filter(|(_, p)| {
                    p.get("type").is_some_and(|t| {
                        t == "array"
                            || t.as_array()
                                .is_some_and(|a| a.contains(&Value::from("array")))
                    })
                })
                .collect();
            let chosen = arrays
                .iter()
                .find(|(k, _)| **k == last)
                .or_else(|| arrays.first());
            if let Some((k, p)) = chosen {
                key = key.or_else(|| Some((*k).clone()));
                item = item.or_else(|| p.get("items").cloned());
            }
        }
    }
    let key = key.unwrap_or_else(|| path.rsplit('/').next().unwrap_or_default().to_owned());
    let item_ty = match item
        .as_ref()
        .and_then(|i| i.get("$ref"))
        .and_then(Value::as_str)
    {
        Some(r) => format!("{M}{}", pascal(r.rsplit('/').next().unwrap_or_default())),
        None => "serde_json::Value".to_owned(),
    };
    (key, item_ty)
}

fn emit_group_file(top: &str, ops: &[&Op]) -> String {
    let mut out = String::from(super::models::HEADER);
    let _ = writeln!(out, "//! The `{top}` resource.\n");
    out.push_str("#[allow(unused_imports)]\nuse auth0_core::management as models;\n#[allow(unused_imports)]\nuse auth0_core::{CheckpointPage, CheckpointParams, Error, OffsetPage, OffsetParams};\n#[allow(unused_imports)]\nuse futures_core::Stream;\nuse http::Method;\n\nuse crate::ManagementClient;\n#[allow(unused_imports)]\nuse crate::request::{ApiRequest, ApiResponse, encode_path_segment};\n\n");
    // Every group path (and its ancestors) in this file.
    let mut groups: BTreeSet<Vec<String>> = BTreeSet::new();
    for op in ops {
        for n in 1..=op.group.len() {
            groups.insert(op.group[..n].to_vec());
        }
    }
    // The top-level accessor.
    let top_ty = resource_type(&[top.to_owned()]);
    let _ = write!(
        out,
        "impl ManagementClient {{\n/// The `{top}` resource.\npub fn {}(&self) -> {top_ty} {{\n{top_ty} {{ client: self.clone() }}\n}}\n}}\n\n",
        field_ident(top)
    );
    for group in &groups {
        let ty = resource_type(group);
        let _ = write!(
            out,
            "/// The `{}` resource.\n#[derive(Clone)]\npub struct {ty} {{\nclient: ManagementClient,\n}}\n\nimpl {ty} {{\n",
            group.join(".")
        );
        for child in groups
            .iter()
            .filter(|g| g.len() == group.len() + 1 && g.starts_with(group))
        {
            let last = &child[child.len() - 1];
            let _ = write!(
                out,
                "/// The `{}` sub-resource.\npub fn {}(&self) -> {} {{\n{} {{ client: self.client.clone() }}\n}}\n\n",
                child.join("."),
                field_ident(last),
                resource_type(child),
                resource_type(child)
            );
        }
        for op in ops.iter().filter(|o| o.group == *group) {
            emit_method(&mut out, op);
        }
        out.push_str("}\n\n");
    }
    for op in ops {
        emit_builder(&mut out, op);
    }
    out
}

fn builder_name(op: &Op) -> String {
    format!("{}{}Request", resource_type(&op.group), pascal(&op.name))
}

fn doc(op: &Op) -> String {
    let summary = if op.summary.is_empty() {
        op.id.clone()
    } else {
        op.summary.clone()
    };
    let summary = summary.trim_end_matches('.');
    format!(
        "/// {summary}.\n///\n/// `{} {}` ([Auth0 docs](https://auth0.com/docs/api/management/v2/{}/{})).\n",
        op.method,
        op.path,
        op.tag,
        op.id.replace('_', "-")
    )
}

fn emit_method(out: &mut String, op: &Op) {
    let b = builder_name(op);
    let mut args = String::new();
    let mut init = String::new();
    for p in op
        .path_params
        .iter()
        .chain(op.query.iter().filter(|p| p.required))
    {
        let _ = write!(args, ", {}: {}", p.ident, p.arg);
        let _ = writeln!(init, "{}: {}{},", p.ident, p.ident, p.conv);
    }
    if op.optional_body {
        init.push_str("body: None,\n");
    } else if let Some((ty, _)) = &op.body {
        let _ = write!(args, ", body: {ty}");
        init.push_str("body,\n");
    }
    for p in op.query.iter().chain(&op.headers).filter(|p| !p.required) {
        let _ = writeln!(init, "{}: None,", p.ident);
    }
    let _ = write!(
        out,
        "{}pub fn {}(&self{args}) -> {b} {{\n{b} {{\nclient: self.client.clone(),\n{init}}}\n}}\n\n",
        doc(op),
        field_ident(&op.name)
    );
}

fn emit_builder(out: &mut String, op: &Op) {
    let b = builder_name(op);
    let method_path = format!("{}::{}", resource_type(&op.group), field_ident(&op.name));
    let _ = write!(
        out,
        "/// Request builder of [`{method_path}`]: set optional parameters, then [`send`]({b}::send).\n#[derive(Clone)]\n#[must_use = \"a request does nothing until it is sent\"]\npub struct {b} {{\nclient: ManagementClient,\n"
    );
    for p in op
        .path_params
        .iter()
        .chain(op.query.iter().filter(|p| p.required))
    {
        let _ = writeln!(out, "{}: {},", p.ident, p.ty);
    }
    match &op.body {
        Some((ty, _)) if op.optional_body => {
            let _ = writeln!(out, "body: Option<{ty}>,");
        }
        Some((ty, _)) => {
            let _ = writeln!(out, "body: {ty},");
        }
        None => {}
    }
    for p in op.query.iter().chain(&op.headers).filter(|p| !p.required) {
        let _ = writeln!(out, "{}: Option<{}>,", p.ident, p.ty);
    }
    let _ = write!(out, "}}\n\nimpl {b} {{\n");
    if let (Some((ty, _)), true) = (&op.body, op.optional_body) {
        let _ = write!(
            out,
            "/// Sets the request body. Without it the request is sent with no body.\npub fn body(mut self, value: {ty}) -> Self {{\nself.body = Some(value);\nself\n}}\n\n"
        );
    }
    for p in op.query.iter().chain(&op.headers).filter(|p| !p.required) {
        let what = if p.location == "header" {
            "header"
        } else {
            "query parameter"
        };
        let _ = write!(
            out,
            "/// Sets the `{}` {what}.\npub fn {}(mut self, value: {}) -> Self {{\nself.{} = Some(value{});\nself\n}}\n\n",
            p.json, p.ident, p.arg, p.ident, p.conv
        );
    }
    // The request.
    let fallible = matches!(op.body, Some((_, false))) || !op.headers.is_empty();
    let uses_self = op.body.is_some()
        || !op.headers.is_empty()
        || !op.query.is_empty()
        || !op.path_params.is_empty();
    let mut path_expr = String::new();
    let mut fmt_args = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(start) = rest.find('{') {
        path_expr.push_str(&rest[..start]);
        let end = rest[start..].find('}').map_or(rest.len(), |e| start + e);
        let name = &rest[start + 1..end];
        path_expr.push_str("{}");
        if let Some(p) = op.path_params.iter().find(|p| p.json == name) {
            if p.ty == "String" || p.ty.starts_with(M) {
                fmt_args.push(format!("encode_path_segment(self.{}.as_str())", p.ident));
            } else {
                fmt_args.push(format!(
                    "encode_path_segment(&self.{}.to_string())",
                    p.ident
                ));
            }
        }
        rest = &rest[end + 1..];
    }
    path_expr.push_str(rest);
    let path = if fmt_args.is_empty() {
        format!("{path_expr:?}")
    } else {
        format!("format!({path_expr:?}, {})", fmt_args.join(", "))
    };
    let request_ty = if fallible {
        "Result<ApiRequest, Error>"
    } else {
        "ApiRequest"
    };
    if !uses_self {
        out.push_str("#[allow(clippy::unused_self)]\n");
    }
    let _ = write!(
        out,
        "fn request(&self) -> {request_ty} {{\n#[allow(unused_mut)]\nlet mut req = ApiRequest::new(Method::{}, {path});\n",
        op.method
    );
    for p in &op.query {
        if p.required && p.list {
            let _ = write!(
                out,
                "for value in &self.{} {{\nreq = req.query({:?}, value);\n}}\n",
                p.ident, p.json
            );
        } else if p.required {
            let _ = writeln!(out, "req = req.query({:?}, &self.{});", p.json, p.ident);
        } else if p.list {
            let _ = write!(
                out,
                "for value in self.{}.iter().flatten() {{\nreq = req.query({:?}, value);\n}}\n",
                p.ident, p.json
            );
        } else {
            let _ = writeln!(
                out,
                "req = req.query_opt({:?}, self.{}.as_ref());",
                p.json, p.ident
            );
        }
    }
    for p in &op.headers {
        let _ = write!(
            out,
            "if let Some(value) = &self.{} {{\nlet value = http::HeaderValue::from_str(value).map_err(|_| Error::Config(\"the {} header value is not a valid header value\".to_owned()))?;\nreq = req.header(http::HeaderName::from_static({:?}), value);\n}}\n",
            p.ident,
            p.json,
            p.json.to_ascii_lowercase()
        );
    }
    match &op.body {
        Some((_, true)) => out.push_str("req = req.multipart(self.body.clone());\n"),
        Some((_, false)) if op.optional_body => {
            out.push_str("if let Some(body) = &self.body {\nreq = req.json(body)?;\n}\n");
        }
        Some((_, false)) => out.push_str("req = req.json(&self.body)?;\n"),
        None => {}
    }
    out.push_str(if fallible {
        "Ok(req)\n}\n\n"
    } else {
        "req\n}\n\n"
    });
    let q = if fallible { "?" } else { "" };
    let (ret_ty, call) = match &op.response {
        Response::Json(t) => (t.clone(), "execute_json"),
        Response::OptionalJson(t) => (format!("Option<{t}>"), "execute_optional_json"),
        Response::Empty => (
            "Option<serde_json::Value>".to_owned(),
            "execute_optional_json",
        ),
        Response::Raw => ("bytes::Bytes".to_owned(), "execute"),
    };
    let send_doc = match op.response {
        Response::Empty => {
            "/// Sends the request. The spec declares no response body; whatever JSON Auth0 sends\n/// anyway is kept (`None` for an empty body).\n"
        }
        Response::OptionalJson(_) => {
            "/// Sends the request. The spec declares no response body but Auth0 sends one, typed\n/// here (`None` if it sends none).\n"
        }
        _ => "/// Sends the request.\n",
    };
    let body_call = if call == "execute_optional_json" {
        format!("super::execute_optional_json(&self.client, self.request(){q}).await")
    } else {
        format!("self.client.{call}(self.request(){q}).await")
    };
    let _ = write!(
        out,
        "{send_doc}pub async fn send(self) -> Result<ApiResponse<{ret_ty}>, Error> {{\n{body_call}\n}}\n"
    );
    if let Some((kind, key, item)) = &op.paging {
        let (params, page, pages_fn, items_fn) = match kind {
            Paging::Offset => ("OffsetParams", "OffsetPage", "offset_pages", "offset_items"),
            Paging::Checkpoint => (
                "CheckpointParams",
                "CheckpointPage",
                "checkpoint_pages",
                "checkpoint_items",
            ),
        };
        // An offset list with a checkpoint variant names it in its 1,000-record error.
        let (pages_fn, items_fn, hint) = match &op.checkpoint {
            Some(_) => (
                format!("{pages_fn}_pointing_to"),
                format!("{items_fn}_pointing_to"),
                format!(
                    ", Some({:?})",
                    format!(
                        "`{}.checkpoint_items(..)` (or `checkpoint_pages`)",
                        call_path(op)
                    )
                ),
            ),
            None => (pages_fn.to_owned(), items_fn.to_owned(), String::new()),
        };
        let _ = write!(
            out,
            "\n/// Every page of the list, from `params` on (the builder's own paging parameters are replaced).\npub fn pages(self, params: {params}) -> impl Stream<Item = Result<{page}<{item}>, Error>> + Send + 'static {{\nlet req = self.request();\ncrate::paging::{pages_fn}(self.client, req, {key:?}, params{hint})\n}}\n\n/// Every item of the list, page after page, from `params` on.\npub fn items(self, params: {params}) -> impl Stream<Item = Result<{item}, Error>> + Send + 'static {{\nlet req = self.request();\ncrate::paging::{items_fn}(self.client, req, {key:?}, params{hint})\n}}\n"
        );
        if let Some(cursor) = &op.checkpoint {
            let (pages_fn, items_fn, arg) = match cursor {
                Cursor::Next => ("checkpoint_pages", "checkpoint_items", key.clone()),
                Cursor::LastId(field) => (
                    "last_id_checkpoint_pages",
                    "last_id_checkpoint_items",
                    field.clone(),
                ),
            };
            let _ = write!(
                out,
                "\n/// Every page of the list through checkpoint paging (`from`/`take`), which has no\n/// 1,000-record limit; the builder's `page`, `per_page` and `include_totals` are not sent.\npub fn checkpoint_pages(self, params: CheckpointParams) -> impl Stream<Item = Result<CheckpointPage<{item}>, Error>> + Send + 'static {{\nlet req = self.checkpoint_request();\ncrate::paging::{pages_fn}(self.client, req, {arg:?}, params)\n}}\n\n/// Every item of the list through checkpoint paging, page after page, from `params` on.\npub fn checkpoint_items(self, params: CheckpointParams) -> impl Stream<Item = Result<{item}, Error>> + Send + 'static {{\nlet req = self.checkpoint_request();\ncrate::paging::{items_fn}(self.client, req, {arg:?}, params)\n}}\n\nfn checkpoint_request(&self) -> ApiRequest {{\nself.request().remove_query(\"page\").remove_query(\"per_page\").remove_query(\"include_totals\")\n}}\n"
            );
        }
    }
    out.push_str("}\n\n");
}

/// The test-side table of `tests/recorded_models.rs`: every operation's method and path
/// template, and a round trip through its typed response model.
pub(crate) fn emit_test_dispatch(spec: &Spec, types: &Types<'_>) -> Vec<(String, String)> {
    use std::fmt::Write as _;
    let mut out = String::from(super::models::HEADER);
    out.push_str(
        "//! Operation table and typed round trip used by `recorded_models.rs`.\n\nuse auth0_core::management::*;\n\n/// (method, path template, operation id, response status, has a typed JSON response).\npub(crate) const OPERATIONS: &[(&str, &str, &str, &str, bool)] = &[\n",
    );
    for op in spec.operations() {
        let status = op.success().map_or("", |(s, _)| s);
        let has_model = types.ops.get(op.id()).is_some_and(|t| t.response.is_some());
        let _ = writeln!(
            out,
            "({:?}, {:?}, {:?}, {:?}, {has_model}),",
            op.method.to_uppercase(),
            op.path,
            op.id(),
            status
        );
    }
    out.push_str("];\n\n/// Parses `body` into the response model of `operation_id` and serialises it back.\n/// `None` when the operation has no typed JSON response.\npub(crate) fn roundtrip(operation_id: &str, body: &str) -> Option<Result<serde_json::Value, String>> {\nmatch operation_id {\n");
    for (id, op_types) in &types.ops {
        if let Some(ty) = &op_types.response {
            let _ = writeln!(out, "{id:?} => Some(rt::<{}>(body)),", ty.rust());
        }
    }
    out.push_str("_ => None,\n}\n}\n\nfn rt<T: serde::de::DeserializeOwned + serde::Serialize>(body: &str) -> Result<serde_json::Value, String> {\nlet typed: T = serde_json::from_str(body).map_err(|e| format!(\"parse: {e}\"))?;\nserde_json::to_value(&typed).map_err(|e| format!(\"serialise: {e}\"))\n}\n");
    vec![("response_types.rs".to_owned(), out)]
}

/// Number of entries in the generated `OPERATIONS` table.
pub(crate) fn count_table_entries(table: &str) -> usize {
    table
        .lines()
        .filter(|l| l.trim_start().starts_with("id: \""))
        .count()
}

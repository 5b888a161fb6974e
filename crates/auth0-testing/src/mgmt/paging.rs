//! Offset paging (`page`/`per_page`/`include_totals`) and checkpoint paging (`from`/`take`).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value, json};

use crate::errors;
use crate::wire::{Req, Resp};

/// Auth0 serves at most this many records through offset paging on searches and logs.
pub(crate) const OFFSET_LIMIT: u64 = 1000;

fn query_error(message: &str) -> Resp {
    errors::mgmt(400, message, "invalid_query_string")
}

fn number(req: &Req, name: &str, default: u64, max: u64) -> Result<u64, Resp> {
    let Some(raw) = req.query(name) else {
        return Ok(default);
    };
    let n: u64 = raw.parse().map_err(|_| {
        query_error(&format!(
            "Query validation error: 'Expected type integer but found type string' on property {name}."
        ))
    })?;
    if n > max {
        return Err(query_error(&format!(
            "Query validation error: 'Number must be less than or equal to {max}' on property {name}."
        )));
    }
    Ok(n)
}

/// Keeps only the requested `fields` (or drops them with `include_fields=false`).
pub(crate) fn select_fields(req: &Req, item: Value) -> Value {
    let Some(fields) = req.query("fields").filter(|f| !f.is_empty()) else {
        return item;
    };
    let wanted: Vec<&str> = fields.split(',').map(str::trim).collect();
    let include = req.query("include_fields") != Some("false");
    match item {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(k, _)| wanted.contains(&k.as_str()) == include)
                .collect::<Map<String, Value>>(),
        ),
        other => other,
    }
}

/// An offset-paged answer: a bare array, or `{start, limit, length, total, <name>}` with
/// `include_totals=true`. `limited` applies Auth0's 1,000-record offset limit.
pub(crate) fn offset(
    req: &Req,
    items: Vec<Value>,
    name: &str,
    limited: bool,
) -> Result<Resp, Resp> {
    let page = number(req, "page", 0, u64::from(u32::MAX))?;
    let per_page = number(req, "per_page", 50, 100)?;
    let start = page.saturating_mul(per_page);
    if limited && start.saturating_add(per_page) > OFFSET_LIMIT && start < items.len() as u64 {
        return Err(errors::mgmt(
            400,
            "You can only page through the first 1000 records. See https://auth0.com/docs/users/search/v3/view-search-results-by-page#limitation",
            "invalid_paging",
        ));
    }
    let total = items.len() as u64;
    let page_items: Vec<Value> = items
        .into_iter()
        .skip(usize::try_from(start).unwrap_or(usize::MAX))
        .take(usize::try_from(per_page).unwrap_or(usize::MAX))
        .map(|v| select_fields(req, v))
        .collect();
    if req.query("include_totals") == Some("true") {
        let mut body = json!({
            "start": start,
            "limit": per_page,
            "length": page_items.len(),
            "total": total,
        });
        body[name] = Value::Array(page_items);
        Ok(Resp::ok(&body))
    } else {
        Ok(Resp::ok(&Value::Array(page_items)))
    }
}

/// Whether the request asks for checkpoint paging.
pub(crate) fn is_checkpoint(req: &Req) -> bool {
    req.query("from").is_some() || req.query("take").is_some()
}

/// A checkpoint-paged answer `{<name>: [...], next?}`; `from` is the opaque `next` of the
/// previous page.
pub(crate) fn checkpoint(req: &Req, items: Vec<Value>, name: &str) -> Result<Resp, Resp> {
    let take = number(req, "take", 50, 100)?;
    let start = match req.query("from").filter(|f| !f.is_empty()) {
        Some(from) => decode_cursor(from)
            .ok_or_else(|| query_error("Query validation error: invalid 'from' checkpoint."))?,
        None => 0,
    };
    let take = usize::try_from(take).unwrap_or(usize::MAX);
    let total = items.len();
    let end = start.saturating_add(take).min(total);
    let page: Vec<Value> = items
        .into_iter()
        .skip(start)
        .take(take)
        .map(|v| select_fields(req, v))
        .collect();
    let mut body = json!({});
    body[name] = Value::Array(page);
    if end > start && end < total {
        body["next"] = json!(encode_cursor(end));
    }
    Ok(Resp::ok(&body))
}

fn encode_cursor(index: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("cursor:{index}"))
}

fn decode_cursor(text: &str) -> Option<usize> {
    let raw = URL_SAFE_NO_PAD.decode(text).ok()?;
    String::from_utf8(raw)
        .ok()?
        .strip_prefix("cursor:")?
        .parse()
        .ok()
}

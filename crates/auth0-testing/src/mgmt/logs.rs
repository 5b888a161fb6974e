//! Log events (generated from the tenant's activity).

use serde_json::Value;

use crate::errors;
use crate::mgmt::auth::Grant;
use crate::mgmt::paging;
use crate::mgmt::resources::Answer;
use crate::mgmt::users::matches_query;
use crate::tenant::{Shared, lock};
use crate::wire::{Req, Resp};

/// `GET /logs`: newest first with offset paging (1,000-record limit), or with `from`
/// (a log id) and `take`: the events after it, oldest first, as a bare array.
pub(crate) fn list(shared: &Shared, req: &Req, grant: &Grant) -> Answer {
    grant.require(&["read:logs", "read:logs_users"])?;
    let q = req.query("q").map(str::to_owned);
    let logs: Vec<Value> = lock(&shared.store)
        .logs
        .iter()
        .filter(|l| q.as_deref().is_none_or(|q| matches_query(l, q)))
        .cloned()
        .collect();
    if paging::is_checkpoint(req) {
        let take = match req.query("take") {
            Some(t) => t.parse::<usize>().ok().filter(|t| *t <= 100).ok_or_else(|| {
                errors::mgmt(400, "Query validation error: 'Number must be less than or equal to 100' on property take.", "invalid_query_string")
            })?,
            None => 50,
        };
        let from = req.query("from").unwrap_or_default().to_owned();
        let page: Vec<Value> = logs
            .into_iter()
            .filter(|l| {
                l["log_id"]
                    .as_str()
                    .is_some_and(|id| from.is_empty() || id > from.as_str())
            })
            .take(take)
            .map(|l| paging::select_fields(req, l))
            .collect();
        return Ok(Resp::ok(&Value::Array(page)));
    }
    let newest_first: Vec<Value> = logs.into_iter().rev().collect();
    paging::offset(req, newest_first, "logs", true)
}

/// `GET /logs/{id}`.
pub(crate) fn get(shared: &Shared, grant: &Grant, id: &str) -> Answer {
    grant.require(&["read:logs", "read:logs_users"])?;
    lock(&shared.store)
        .logs
        .iter()
        .find(|l| l["log_id"] == id)
        .map(Resp::ok)
        .ok_or_else(|| errors::mgmt(404, "The log does not exist.", "inexistent_log"))
}

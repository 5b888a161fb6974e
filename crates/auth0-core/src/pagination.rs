//! Value types for Auth0's two paging styles: offset (`page`/`per_page`) and checkpoint
//! (`from`/`take`).

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{DecodeError, Error};

/// Auth0 serves at most this many records through offset paging; past it, use the
/// checkpoint variant of the endpoint.
pub const MAX_OFFSET_RECORDS: u64 = 1000;

/// Query parameters of an offset-paged request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct OffsetParams {
    /// Zero-based page index.
    pub page: u32,
    /// Items per page (Auth0 allows 1..=100 on most endpoints).
    pub per_page: u32,
    /// Ask Auth0 to wrap the items in an object with `start`, `limit` and `total`.
    pub include_totals: bool,
}

impl Default for OffsetParams {
    fn default() -> Self {
        Self {
            page: 0,
            per_page: 50,
            include_totals: true,
        }
    }
}

impl OffsetParams {
    /// Page 0 with the given page size and totals on.
    pub fn new(per_page: u32) -> Self {
        Self {
            per_page,
            ..Self::default()
        }
    }

    /// The same parameters at another page.
    #[must_use]
    pub fn with_page(mut self, page: u32) -> Self {
        self.page = page;
        self
    }

    /// The query pairs, in Auth0's names.
    pub fn query_pairs(&self) -> [(&'static str, String); 3] {
        [
            ("page", self.page.to_string()),
            ("per_page", self.per_page.to_string()),
            ("include_totals", self.include_totals.to_string()),
        ]
    }

    /// Index of the first record this page asks for.
    pub fn first_record(&self) -> u64 {
        u64::from(self.page) * u64::from(self.per_page)
    }
}

/// One page of an offset-paged list.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct OffsetPage<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Index of the first item (`start`), when Auth0 sent it.
    pub start: Option<u64>,
    /// Page size Auth0 applied (`limit`), when sent.
    pub limit: Option<u64>,
    /// Total number of records (`total`), when `include_totals` was on.
    pub total: Option<u64>,
}

impl<T: DeserializeOwned> OffsetPage<T> {
    /// Reads a page from Auth0's JSON: either a bare array, or an object with the items
    /// under `items_key` (e.g. `"users"`) and `start`/`limit`/`total` beside them.
    ///
    /// ```
    /// use auth0_core::{OffsetPage, OffsetParams};
    /// use serde_json::json;
    ///
    /// let params = OffsetParams::new(2);
    /// let answer = json!({"start": 0, "limit": 2, "total": 3, "users": [{"user_id": "a"}, {"user_id": "b"}]});
    /// let page: OffsetPage<serde_json::Value> = OffsetPage::from_json(answer, "users").unwrap();
    /// assert_eq!((page.items.len(), page.total), (2, Some(3)));
    /// // One record is left: the next page is page 1.
    /// assert_eq!(page.next_params(&params).map(|p| p.page), Some(1));
    /// ```
    pub fn from_json(value: Value, items_key: &str) -> Result<Self, Error> {
        match value {
            Value::Array(_) => Ok(Self {
                items: items_from(value)?,
                start: None,
                limit: None,
                total: None,
            }),
            Value::Object(mut map) => {
                let items = map.remove(items_key).unwrap_or(Value::Array(Vec::new()));
                Ok(Self {
                    items: items_from(items)?,
                    start: map.get("start").and_then(Value::as_u64),
                    limit: map.get("limit").and_then(Value::as_u64),
                    total: map.get("total").and_then(Value::as_u64),
                })
            }
            _ => Err(Error::Decode(DecodeError {
                target: "page",
                detail: "expected an array or an object".to_owned(),
            })),
        }
    }
}

impl<T> OffsetPage<T> {
    /// The parameters of the next page, or `None` when this was the last one.
    ///
    /// With totals the end is known exactly; without, a short page ends the list.
    pub fn next_params(&self, current: &OffsetParams) -> Option<OffsetParams> {
        let fetched = current.first_record() + self.items.len() as u64;
        let done = match self.total {
            Some(total) => fetched >= total,
            None => (self.items.len() as u64) < u64::from(current.per_page),
        };
        if done || self.items.is_empty() {
            None
        } else {
            Some(current.with_page(current.page + 1))
        }
    }
}

/// Query parameters of a checkpoint-paged request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CheckpointParams {
    /// The `next` value of the previous page; `None` for the first page.
    pub from: Option<String>,
    /// Items per page.
    pub take: Option<u32>,
}

impl CheckpointParams {
    /// First page of `take` items.
    pub fn new(take: u32) -> Self {
        Self {
            from: None,
            take: Some(take),
        }
    }

    /// The query pairs, in Auth0's names.
    pub fn query_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::with_capacity(2);
        if let Some(from) = &self.from {
            pairs.push(("from", from.clone()));
        }
        if let Some(take) = self.take {
            pairs.push(("take", take.to_string()));
        }
        pairs
    }
}

/// One page of a checkpoint-paged list.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CheckpointPage<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// The checkpoint for the next page; `None` at the end.
    pub next: Option<String>,
}

impl<T: DeserializeOwned> CheckpointPage<T> {
    /// Reads a page: an object with the items under `items_key` and `next`, or a bare array
    /// (the last page, for endpoints that send one).
    pub fn from_json(value: Value, items_key: &str) -> Result<Self, Error> {
        match value {
            Value::Array(_) => Ok(Self {
                items: items_from(value)?,
                next: None,
            }),
            Value::Object(mut map) => {
                let items = map.remove(items_key).unwrap_or(Value::Array(Vec::new()));
                let next = map
                    .get("next")
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned);
                Ok(Self {
                    items: items_from(items)?,
                    next,
                })
            }
            _ => Err(Error::Decode(DecodeError {
                target: "page",
                detail: "expected an array or an object".to_owned(),
            })),
        }
    }
}

impl<T> CheckpointPage<T> {
    /// The parameters of the next page, or `None` at the end.
    pub fn next_params(&self, current: &CheckpointParams) -> Option<CheckpointParams> {
        self.next.as_ref().map(|next| CheckpointParams {
            from: Some(next.clone()),
            take: current.take,
        })
    }
}

fn items_from<T: DeserializeOwned>(value: Value) -> Result<Vec<T>, Error> {
    serde_json::from_value(value)
        .map_err(|e| Error::Decode(DecodeError::from_json("page items", &e)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn offset_page_with_totals() {
        let page: OffsetPage<Value> = OffsetPage::from_json(
            json!({"start":0,"limit":2,"length":2,"total":3,"users":[{"user_id":"a"},{"user_id":"b"}]}),
            "users",
        )
        .unwrap();
        assert_eq!(page.items.len(), 2);
        assert_eq!(page.total, Some(3));
        let p0 = OffsetParams::new(2);
        let p1 = page.next_params(&p0).unwrap();
        assert_eq!(p1.page, 1);
        assert_eq!(
            p1.query_pairs(),
            [
                ("page", "1".to_owned()),
                ("per_page", "2".to_owned()),
                ("include_totals", "true".to_owned())
            ]
        );
        let last: OffsetPage<Value> = OffsetPage::from_json(
            json!({"start":2,"limit":2,"total":3,"users":[{"user_id":"c"}]}),
            "users",
        )
        .unwrap();
        assert_eq!(last.next_params(&p1), None);
    }

    #[test]
    fn offset_page_bare_array() {
        let page: OffsetPage<u32> = OffsetPage::from_json(json!([1, 2]), "ignored").unwrap();
        assert_eq!(page.items, vec![1, 2]);
        let params = OffsetParams {
            include_totals: false,
            ..OffsetParams::new(2)
        };
        assert_eq!(page.next_params(&params).map(|p| p.page), Some(1));
        let short: OffsetPage<u32> = OffsetPage::from_json(json!([3]), "x").unwrap();
        assert_eq!(short.next_params(&params.with_page(1)), None);
        let empty: OffsetPage<u32> = OffsetPage::from_json(json!([]), "x").unwrap();
        assert_eq!(empty.next_params(&params), None);
    }

    #[test]
    fn checkpoint_pages() {
        let page: CheckpointPage<Value> = CheckpointPage::from_json(
            json!({"organizations":[{"id":"org_1"}],"next":"MjAyMS0w"}),
            "organizations",
        )
        .unwrap();
        let p0 = CheckpointParams::new(1);
        assert_eq!(p0.query_pairs(), vec![("take", "1".to_owned())]);
        let p1 = page.next_params(&p0).unwrap();
        assert_eq!(
            p1.query_pairs(),
            vec![("from", "MjAyMS0w".to_owned()), ("take", "1".to_owned())]
        );
        let end: CheckpointPage<Value> =
            CheckpointPage::from_json(json!({"organizations":[]}), "organizations").unwrap();
        assert_eq!(end.next_params(&p1), None);
    }

    #[test]
    fn bad_pages_are_errors() {
        let e = OffsetPage::<Value>::from_json(json!("nope"), "users").unwrap_err();
        assert_eq!(
            e.to_string(),
            "could not decode page from the response body: expected an array or an object"
        );
        let e = CheckpointPage::<u32>::from_json(json!({"logs":["x"]}), "logs").unwrap_err();
        assert!(
            e.to_string().starts_with("could not decode page items"),
            "{e}"
        );
    }
}

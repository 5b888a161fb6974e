//! Auto-paging as `futures::Stream`s, of pages and of items.
//!
//! - Offset paging (`page`/`per_page`/`include_totals`): [`offset_pages`],
//!   [`offset_items`]. Auth0 serves at most
//!   [`MAX_OFFSET_RECORDS`] records this way, and refuses a page that would reach past
//!   them; a list that goes on past it ends the stream with
//!   [`Error::OffsetLimitReached`], never silently — use the checkpoint variant of the
//!   endpoint (e.g. `from`/`take` on logs, organizations, organization members) to read on;
//!   `/users` has none, so narrow the search (`q`) or export with a users-export job. The
//!   generated list operations that have both styles name their checkpoint variant in the
//!   error, and offer it as `checkpoint_pages()`/`checkpoint_items()`.
//! - Checkpoint paging (`from`/`take`): [`checkpoint_pages`], [`checkpoint_items`]; for
//!   lists whose checkpoint pages are bare arrays and whose next checkpoint is the id of
//!   the last item (`GET /logs`): [`last_id_checkpoint_pages`],
//!   [`last_id_checkpoint_items`].
//!
//! Each page is one [`ManagementClient::execute`] call, so retries, timeouts and token
//! refresh apply per page. A stream ends after its first error.
//!
//! The generated list methods have `pages()` and `items()` built on these; call them directly
//! for a raw [`ApiRequest`]:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # use auth0_testing::{FakeTenant, seed};
//! # let tenant = FakeTenant::start().await?;
//! # let client = auth0_management::ManagementClient::builder(tenant.domain())
//! #     .client_credentials(seed::M2M_CLIENT_ID, seed::M2M_CLIENT_SECRET)
//! #     .allow_insecure_http(true)
//! #     .build()?;
//! use auth0_core::OffsetParams;
//! use auth0_management::{paging, request::ApiRequest};
//! use futures_util::TryStreamExt as _;
//!
//! // Every user, one per page to show the paging: the stream asks for page after page.
//! let users = paging::offset_items::<serde_json::Value>(
//!     client.clone(),
//!     ApiRequest::new(http::Method::GET, "/users"),
//!     "users",
//!     OffsetParams::new(1),
//! );
//! let all: Vec<_> = users.try_collect().await?;
//! let pages: Vec<_> = paging::offset_pages::<serde_json::Value>(
//!     client,
//!     ApiRequest::new(http::Method::GET, "/users"),
//!     "users",
//!     OffsetParams::new(1),
//! )
//! .try_collect()
//! .await?;
//! assert!(all.len() >= 2);
//! assert_eq!(pages.len(), all.len());
//! assert_eq!(pages[0].total, Some(all.len() as u64));
//! # Ok(()) }
//! ```

use auth0_core::pagination::MAX_OFFSET_RECORDS;
use auth0_core::{CheckpointPage, CheckpointParams, Error, OffsetPage, OffsetParams};
use futures_core::Stream;
use futures_util::{StreamExt as _, TryStreamExt as _, stream};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::ManagementClient;
use crate::request::ApiRequest;

enum OffsetState {
    Next(OffsetParams),
    Done,
}

/// Pages of an offset-paged list, starting at `params.page`.
///
/// `items_key` names the array in the `include_totals` object form (e.g. `"users"`);
/// bare-array answers work too. `req`'s own `page`/`per_page`/`include_totals` pairs are
/// replaced by `params`.
pub fn offset_pages<T: DeserializeOwned + Send + 'static>(
    client: ManagementClient,
    req: ApiRequest,
    items_key: &'static str,
    params: OffsetParams,
) -> impl Stream<Item = Result<OffsetPage<T>, Error>> + Send {
    offset_pages_pointing_to(client, req, items_key, params, None)
}

/// [`offset_pages`] whose [`Error::OffsetLimitReached`] names `checkpoint`, the checkpoint
/// variant of the same list (used by the generated operations).
pub(crate) fn offset_pages_pointing_to<T: DeserializeOwned + Send + 'static>(
    client: ManagementClient,
    req: ApiRequest,
    items_key: &'static str,
    params: OffsetParams,
    checkpoint: Option<&'static str>,
) -> impl Stream<Item = Result<OffsetPage<T>, Error>> + Send {
    stream::try_unfold(OffsetState::Next(params), move |state| {
        let client = client.clone();
        let req = req.clone();
        async move {
            let OffsetState::Next(params) = state else {
                return Ok(None);
            };
            let first = params.first_record();
            // Auth0 refuses a page that reaches past the limit (`start + per_page > 1000`),
            // even partly; say so before asking.
            if first + u64::from(params.per_page) > MAX_OFFSET_RECORDS {
                return Err(Error::OffsetLimitReached {
                    limit: MAX_OFFSET_RECORDS,
                    fetched: first,
                    checkpoint,
                });
            }
            let mut req = req;
            for (name, value) in params.query_pairs() {
                req = req.set_query(name, value);
            }
            let value: Value = client.execute_json(req).await?.value;
            let page = OffsetPage::<T>::from_json(value, items_key)?;
            let next = match page.next_params(&params) {
                Some(next) => OffsetState::Next(next),
                None => OffsetState::Done,
            };
            Ok(Some((page, next)))
        }
    })
}

/// The items of [`offset_pages`], one by one.
pub fn offset_items<T: DeserializeOwned + Send + 'static>(
    client: ManagementClient,
    req: ApiRequest,
    items_key: &'static str,
    params: OffsetParams,
) -> impl Stream<Item = Result<T, Error>> + Send {
    offset_items_pointing_to(client, req, items_key, params, None)
}

/// [`offset_items`] whose [`Error::OffsetLimitReached`] names `checkpoint`.
pub(crate) fn offset_items_pointing_to<T: DeserializeOwned + Send + 'static>(
    client: ManagementClient,
    req: ApiRequest,
    items_key: &'static str,
    params: OffsetParams,
    checkpoint: Option<&'static str>,
) -> impl Stream<Item = Result<T, Error>> + Send {
    offset_pages_pointing_to::<T>(client, req, items_key, params, checkpoint)
        .map_ok(|page| stream::iter(page.items.into_iter().map(Ok)))
        .try_flatten()
}

enum CheckpointState {
    Next(CheckpointParams),
    Done,
}

/// Pages of a checkpoint-paged list, from `params.from` (or the start).
///
/// The stream ends when a page has no `next`, or when a page is empty (some endpoints
/// keep returning a `next` on an empty last page). `req`'s own `from`/`take` pairs are
/// replaced by `params`.
pub fn checkpoint_pages<T: DeserializeOwned + Send + 'static>(
    client: ManagementClient,
    req: ApiRequest,
    items_key: &'static str,
    params: CheckpointParams,
) -> impl Stream<Item = Result<CheckpointPage<T>, Error>> + Send {
    checkpoint_pages_with(client, req, items_key, params, None)
}

/// Pages of a checkpoint-paged list whose pages are bare arrays and whose next checkpoint
/// is the `id_field` of the last item (`GET /logs`, with `id_field` `"log_id"`: the events
/// after that one). The stream ends at an empty page.
pub fn last_id_checkpoint_pages<T: DeserializeOwned + Send + 'static>(
    client: ManagementClient,
    req: ApiRequest,
    id_field: &'static str,
    params: CheckpointParams,
) -> impl Stream<Item = Result<CheckpointPage<T>, Error>> + Send {
    checkpoint_pages_with(client, req, "items", params, Some(id_field))
}

/// The items of [`last_id_checkpoint_pages`], one by one.
pub fn last_id_checkpoint_items<T: DeserializeOwned + Send + 'static>(
    client: ManagementClient,
    req: ApiRequest,
    id_field: &'static str,
    params: CheckpointParams,
) -> impl Stream<Item = Result<T, Error>> + Send {
    last_id_checkpoint_pages::<T>(client, req, id_field, params)
        .map_ok(|page| stream::iter(page.items.into_iter().map(Ok)))
        .try_flatten()
}

/// Checkpoint paging; with `last_id`, a bare-array page's next checkpoint is that field of
/// its last item.
fn checkpoint_pages_with<T: DeserializeOwned + Send + 'static>(
    client: ManagementClient,
    req: ApiRequest,
    items_key: &'static str,
    params: CheckpointParams,
    last_id: Option<&'static str>,
) -> impl Stream<Item = Result<CheckpointPage<T>, Error>> + Send {
    stream::try_unfold(CheckpointState::Next(params), move |state| {
        let client = client.clone();
        let req = req.clone();
        async move {
            let CheckpointState::Next(params) = state else {
                return Ok(None);
            };
            let mut req = req.remove_query("from").remove_query("take");
            for (name, value) in params.query_pairs() {
                req = req.query(name, value);
            }
            let mut value: Value = client.execute_json(req).await?.value;
            if let (Some(field), Value::Array(items)) = (last_id, &value) {
                let next = items
                    .last()
                    .and_then(|item| item.get(field))
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                let items = std::mem::take(&mut value);
                value = serde_json::json!({ items_key: items, "next": next });
            }
            let page = CheckpointPage::<T>::from_json(value, items_key)?;
            let next = match page.next_params(&params) {
                // A `next` equal to the checkpoint just used would loop forever.
                Some(next) if !page.items.is_empty() && next.from != params.from => {
                    CheckpointState::Next(next)
                }
                _ => CheckpointState::Done,
            };
            Ok(Some((page, next)))
        }
    })
}

/// The items of [`checkpoint_pages`], one by one.
pub fn checkpoint_items<T: DeserializeOwned + Send + 'static>(
    client: ManagementClient,
    req: ApiRequest,
    items_key: &'static str,
    params: CheckpointParams,
) -> impl Stream<Item = Result<T, Error>> + Send {
    checkpoint_pages::<T>(client, req, items_key, params)
        .map_ok(|page| stream::iter(page.items.into_iter().map(Ok)))
        .try_flatten()
}

/// Boxes a page stream, for callers that need a nameable type.
pub fn boxed<'a, T: Send + 'a>(
    s: impl Stream<Item = Result<T, Error>> + Send + 'a,
) -> std::pin::Pin<Box<dyn Stream<Item = Result<T, Error>> + Send + 'a>> {
    s.boxed()
}

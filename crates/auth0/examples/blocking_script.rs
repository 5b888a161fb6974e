//! A synchronous script: the blocking facade (`auth0::blocking`, feature `blocking`) drives
//! the async Management API client from a plain `main`.
//!
//! `cargo run -p auth0 --features blocking --example blocking_script`
#![allow(clippy::print_stdout)]

use auth0::blocking::Runtime;
use auth0::core::OffsetParams;
use auth0::management::ManagementClient;
use auth0_testing::{FakeTenant, seed};
use futures_util::TryStreamExt as _;

/// Lists the connection names of the tenant, synchronously.
pub(crate) fn list_connection_names(
    runtime: &Runtime,
    tenant: &FakeTenant,
) -> Result<Vec<String>, auth0::Error> {
    let management = runtime.wrap(|| {
        ManagementClient::builder(tenant.domain())
            .client_credentials(seed::M2M_CLIENT_ID, seed::M2M_CLIENT_SECRET)
            .allow_insecure_http(true)
            .build()
    })?;
    // Every connection, page after page, as one blocking call.
    let connections = management.call(|client| async move {
        client
            .connections()
            .list()
            .items(OffsetParams::new(50))
            .try_collect::<Vec<_>>()
            .await
    })?;
    Ok(connections.into_iter().filter_map(|c| c.name).collect())
}

#[allow(dead_code)]
fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let runtime = Runtime::new()?;
    // The fake tenant is async too; it runs on the same runtime.
    let tenant = runtime.block_on(FakeTenant::start())?;
    for name in list_connection_names(&runtime, &tenant)? {
        println!("{name}");
    }
    Ok(())
}

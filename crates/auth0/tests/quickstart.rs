//! The quickstart runs to completion against the fake tenant, and each step did what it says.
#![cfg(all(feature = "jwt", feature = "authentication", feature = "management"))]
#![allow(clippy::print_stdout)]

#[path = "../examples/quickstart.rs"]
mod quickstart;

#[tokio::test]
async fn quickstart_runs_against_the_fake_tenant() {
    let target = quickstart::Target::fake().await.unwrap();
    let report = quickstart::run(&target).await.unwrap();
    assert!(report.connections >= 1, "{report:?}");
    assert!(
        report
            .renamed_to
            .as_deref()
            .is_some_and(|n| n.starts_with("Renamed by auth0-rs at ")),
        "{report:?}"
    );
    assert_eq!(
        report.id_token_subject.as_deref(),
        Some(auth0_testing::seed::USER_ID)
    );
    assert!(report.rate_limit_reset_at.is_some(), "{report:?}");
    assert_eq!(report.concurrent_calls, 8);
    // One token fetch served all eight concurrent calls.
    assert_eq!(report.token_requests_during_concurrency, Some(1));
}

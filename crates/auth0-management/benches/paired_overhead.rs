//! The same comparison as `stack_overhead`, interleaved so that machine load cancels out.
//!
//! On a shared machine, load drifts between one divan benchmark and the next. Here each
//! round times a block of bare hyper-util calls and, right after, the same block through the
//! full Management stack, and the full stack over a bare hyper-util transport (rotating
//! which goes first); each overhead is the median of the per-round ratios to the bare client. Sequential blocks are 200 calls; concurrent blocks are 10 batches of 64
//! calls joined on one task. 41 rounds each.
//!
//! Run with `cargo bench -p auth0-management --bench paired_overhead`.

mod support;

use std::future::Future;
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use support::{
    CONCURRENCY, bare, bare_call, management, management_call, management_over_bare_transport,
    runtime, url,
};

const ROUNDS: usize = 41;
const SEQUENTIAL_CALLS: u32 = 200;
const CONCURRENT_BATCHES: u32 = 10;

fn time<F: Future>(rt: &tokio::runtime::Runtime, block: impl Fn() -> F, n: u32) -> Duration {
    let start = Instant::now();
    for _ in 0..n {
        rt.block_on(block());
    }
    start.elapsed() / n
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// Prints each contender's median time and its overhead over the baseline (index 0) as
/// the median of per-round ratios.
#[allow(clippy::print_stdout)]
fn report(name: &str, times: &[Vec<Duration>], scale: f64, unit: &str) {
    const NAMES: [&str; 3] = [
        "bare hyper-util",
        "ManagementClient (default transport)",
        "ManagementClient over bare hyper-util",
    ];
    println!("{name}");
    for (i, contender) in times.iter().enumerate() {
        let med = median(contender.iter().map(Duration::as_secs_f64).collect());
        let ratios: Vec<f64> = contender
            .iter()
            .zip(&times[0])
            .map(|(t, b)| t.as_secs_f64() / b.as_secs_f64())
            .collect();
        println!(
            "  {:<40} {:>9.2} {unit}   {:+6.1} %",
            NAMES[i],
            med * scale,
            (median(ratios) - 1.0) * 100.0
        );
    }
}

fn main() {
    // `cargo bench` passes `--bench`; under `cargo test --benches` only check that the
    // comparison runs.
    let measure = std::env::args().any(|a| a == "--bench");
    let rt = runtime();
    let bare_client = bare();
    let managed = management();
    let managed_bare = management_over_bare_transport();
    let url = url();
    let seq: [&dyn Fn() -> Duration; 3] = [
        &|| time(&rt, || bare_call(&bare_client, &url), SEQUENTIAL_CALLS),
        &|| time(&rt, || management_call(&managed), SEQUENTIAL_CALLS),
        &|| time(&rt, || management_call(&managed_bare), SEQUENTIAL_CALLS),
    ];
    let conc: [&dyn Fn() -> Duration; 3] = [
        &|| {
            time(
                &rt,
                || join_all((0..CONCURRENCY).map(|_| bare_call(&bare_client, &url))),
                CONCURRENT_BATCHES,
            )
        },
        &|| {
            time(
                &rt,
                || join_all((0..CONCURRENCY).map(|_| management_call(&managed))),
                CONCURRENT_BATCHES,
            )
        },
        &|| {
            time(
                &rt,
                || join_all((0..CONCURRENCY).map(|_| management_call(&managed_bare))),
                CONCURRENT_BATCHES,
            )
        },
    ];
    // Warm up: open the pooled connections (64 each) and the code paths.
    for f in &conc {
        f();
    }
    if !measure {
        return;
    }
    let mut seq_times = vec![Vec::new(); 3];
    let mut conc_times = vec![Vec::new(); 3];
    for round in 0..ROUNDS {
        // Rotate the order so that no contender always runs first.
        for k in 0..3 {
            let i = (round + k) % 3;
            seq_times[i].push(seq[i]());
        }
        for k in 0..3 {
            let i = (round + k) % 3;
            conc_times[i].push(conc[i]());
        }
    }
    report("sequential, per call", &seq_times, 1e6, "µs");
    report("64 concurrent, per batch", &conc_times, 1e3, "ms");
}

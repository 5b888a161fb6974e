//! The same comparison as `stack_overhead`, interleaved so that machine load cancels out.
//!
//! On a shared machine, load drifts between one divan benchmark and the next. Here each
//! round times a block of bare hyper-util calls and, right after, the same block through the
//! full Management stack (alternating which goes first); the overhead is the median of the
//! per-round ratios. Sequential blocks are 200 calls; concurrent blocks are 10 batches of 64
//! calls joined on one task. 41 rounds each.
//!
//! Run with `cargo bench -p auth0-management --bench paired_overhead`.

mod support;

use std::future::Future;
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use support::{CONCURRENCY, bare, bare_call, management, management_call, runtime, url};

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

#[allow(clippy::print_stdout)]
fn report(name: &str, pairs: &[(Duration, Duration)], unit: &str) {
    let ratios: Vec<f64> = pairs
        .iter()
        .map(|(b, m)| m.as_secs_f64() / b.as_secs_f64())
        .collect();
    let bare = median(pairs.iter().map(|p| p.0.as_secs_f64()).collect());
    let managed = median(pairs.iter().map(|p| p.1.as_secs_f64()).collect());
    let scale = if unit == "µs" { 1e6 } else { 1e3 };
    println!(
        "{name:<28} bare {:>8.2} {unit}   managed {:>8.2} {unit}   overhead (median of {} paired ratios) {:+.1} %",
        bare * scale,
        managed * scale,
        ratios.len(),
        (median(ratios) - 1.0) * 100.0
    );
}

fn main() {
    // `cargo bench` passes `--bench`; under `cargo test --benches` only check that the
    // comparison runs.
    let measure = std::env::args().any(|a| a == "--bench");
    let rt = runtime();
    let bare_client = bare();
    let managed = management();
    let url = url();
    let b = || bare_call(&bare_client, &url);
    let m = || management_call(&managed);
    let bb = || join_all((0..CONCURRENCY).map(|_| bare_call(&bare_client, &url)));
    let mb = || join_all((0..CONCURRENCY).map(|_| management_call(&managed)));
    // Warm up: open the pooled connections (64 each) and the code paths.
    for _ in 0..3 {
        rt.block_on(bb());
        rt.block_on(mb());
    }
    if !measure {
        return;
    }
    let mut sequential = Vec::with_capacity(ROUNDS);
    let mut concurrent = Vec::with_capacity(ROUNDS);
    for round in 0..ROUNDS {
        if round % 2 == 0 {
            let tb = time(&rt, b, SEQUENTIAL_CALLS);
            let tm = time(&rt, m, SEQUENTIAL_CALLS);
            sequential.push((tb, tm));
            let tb = time(&rt, bb, CONCURRENT_BATCHES);
            let tm = time(&rt, mb, CONCURRENT_BATCHES);
            concurrent.push((tb, tm));
        } else {
            let tm = time(&rt, m, SEQUENTIAL_CALLS);
            let tb = time(&rt, b, SEQUENTIAL_CALLS);
            sequential.push((tb, tm));
            let tm = time(&rt, mb, CONCURRENT_BATCHES);
            let tb = time(&rt, bb, CONCURRENT_BATCHES);
            concurrent.push((tb, tm));
        }
    }
    report("sequential, per call", &sequential, "µs");
    report("64 concurrent, per batch", &concurrent, "ms");
}

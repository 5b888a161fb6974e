//! The same comparison as `stack_overhead`, interleaved so that machine load cancels out.
//!
//! On a shared machine, load drifts between one divan benchmark and the next. Here each
//! round times a block of bare hyper-util calls and, right after, the same block through the
//! full Management stack over its default transport, and through the full stack over the
//! bare hyper-util client itself (the same client, so the same connection pool: the
//! difference is the stack's layers alone), and through a second bare client (an A/A
//! comparison: the noise floor), rotating which goes first; each overhead is the median of
//! the per-round ratios to the bare client. Sequential blocks are 200 calls;
//! concurrent blocks are 10 batches of 64 calls joined on one task. 41 rounds each.
//!
//! Besides wall time, each block reads the CPU time of the bench's main thread (Linux
//! `/proc/thread-self/schedstat`), where the clients, their connection tasks and the runtime
//! run (the server has its own thread). Time spent waiting for a CPU that other processes
//! hold is not in it, so on a loaded machine the CPU-time overhead is the steadier number;
//! it is also the stricter one, since the server's time is not in the denominator.
//!
//! Run with `cargo bench -p auth0-management --bench paired_overhead`.

mod support;

use std::fmt::Write as _;
use std::future::Future;
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use support::{
    CONCURRENCY, bare, bare_call, management, management_call, management_over_bare_transport,
    runtime, url,
};

const ROUNDS: usize = 41;
/// Bare, default stack, stack over the bare client, a second bare client.
const CONTENDERS: usize = 4;
const SEQUENTIAL_CALLS: u32 = 200;
const CONCURRENT_BATCHES: u32 = 10;

/// CPU time of the calling thread so far (zero where `/proc` does not tell).
fn thread_cpu() -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .map_or(Duration::ZERO, Duration::from_nanos)
}

/// Wall time and CPU time of the main thread per block.
#[derive(Clone, Copy)]
struct Sample {
    wall: Duration,
    cpu: Duration,
}

fn time<F: Future>(rt: &tokio::runtime::Runtime, block: impl Fn() -> F, n: u32) -> Sample {
    let cpu = thread_cpu();
    let start = Instant::now();
    for _ in 0..n {
        rt.block_on(block());
    }
    Sample {
        wall: start.elapsed() / n,
        cpu: thread_cpu().saturating_sub(cpu) / n,
    }
}

/// The first three fields of `/proc/loadavg`.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg").map_or_else(
        |_| "unknown".to_owned(),
        |s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "),
    )
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// Prints each contender's median time and its overhead over the baseline (index 0) as
/// the median of per-round ratios, for wall time and for the main thread's CPU time.
#[allow(clippy::print_stdout)]
fn report(name: &str, samples: &[Vec<Sample>], scale: f64, unit: &str) {
    const NAMES: [&str; CONTENDERS] = [
        "bare hyper-util",
        "ManagementClient (default transport)",
        "ManagementClient over the same client",
        "bare hyper-util, second client (A/A)",
    ];
    println!("{name}: wall (median, overhead) | main-thread CPU (median, overhead)");
    for (i, contender) in samples.iter().enumerate() {
        let mut line = format!("  {:<40}", NAMES[i]);
        for metric in [|s: &Sample| s.wall, |s: &Sample| s.cpu] {
            let med = median(contender.iter().map(|s| metric(s).as_secs_f64()).collect());
            let ratios: Vec<f64> = contender
                .iter()
                .zip(&samples[0])
                .map(|(t, b)| metric(t).as_secs_f64() / metric(b).as_secs_f64())
                .collect();
            let _ = write!(
                line,
                " {:>9.2} {unit} {:+6.1} % |",
                med * scale,
                (median(ratios) - 1.0) * 100.0
            );
        }
        println!("{}", line.trim_end_matches('|'));
    }
}

#[allow(clippy::print_stdout)]
fn main() {
    // `cargo bench` passes `--bench`; under `cargo test --benches` only check that the
    // comparison runs.
    let measure = std::env::args().any(|a| a == "--bench");
    let rt = runtime();
    let bare_client = bare();
    let managed = management();
    let managed_bare = management_over_bare_transport(&bare_client);
    // The same client as the baseline, another instance (own pool): the A/A row shows the
    // bench's noise floor.
    let second_bare = bare();
    let url = url();
    let seq: [&dyn Fn() -> Sample; CONTENDERS] = [
        &|| time(&rt, || bare_call(&bare_client, &url), SEQUENTIAL_CALLS),
        &|| time(&rt, || management_call(&managed), SEQUENTIAL_CALLS),
        &|| time(&rt, || management_call(&managed_bare), SEQUENTIAL_CALLS),
        &|| time(&rt, || bare_call(&second_bare, &url), SEQUENTIAL_CALLS),
    ];
    let conc: [&dyn Fn() -> Sample; CONTENDERS] = [
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
        &|| {
            time(
                &rt,
                || join_all((0..CONCURRENCY).map(|_| bare_call(&second_bare, &url))),
                CONCURRENT_BATCHES,
            )
        },
    ];
    // `PAIRED_PROFILE=<0|1|2|3>`: only that contender's concurrent block, six times (one to
    // warm up), then exit — for an instruction count under `valgrind --tool=callgrind`,
    // where the interleaved rounds would mix the contenders.
    if let Some(i) = std::env::var("PAIRED_PROFILE")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|i| *i < conc.len())
    {
        for _ in 0..6 {
            conc[i]();
        }
        return;
    }
    // Warm up: open the pooled connections (64 each) and the code paths.
    for f in &conc {
        f();
    }
    if !measure {
        return;
    }
    println!(
        "load average (1, 5, 15 min) at the start: {}",
        load_average()
    );
    let mut seq_times = vec![Vec::new(); CONTENDERS];
    let mut conc_times = vec![Vec::new(); CONTENDERS];
    for round in 0..ROUNDS {
        // Rotate the order so that no contender always runs first.
        for k in 0..CONTENDERS {
            let i = (round + k) % CONTENDERS;
            seq_times[i].push(seq[i]());
        }
        for k in 0..CONTENDERS {
            let i = (round + k) % CONTENDERS;
            conc_times[i].push(conc[i]());
        }
    }
    println!("load average (1, 5, 15 min) at the end: {}", load_average());
    report("sequential, per call", &seq_times, 1e6, "µs");
    report("64 concurrent, per batch", &conc_times, 1e3, "ms");
}

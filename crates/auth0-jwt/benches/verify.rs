//! Warm-cache verification throughput beside the raw `ring` check of the same token.
//!
//! `cargo bench -p auth0-jwt`. With a warm cache the verify future completes on its first
//! poll, so it is driven with `now_or_never` (no executor cost is counted on either side).
//!
//! Before criterion's groups, a paired measurement prints the ratio the targets are stated
//! in: short batches of the raw `ring` check and of `verify` alternate (so both see the same
//! machine load), each side's batch lasting the same ~0.5 ms (so both are as likely to be
//! preempted), and the median of the per-pair throughput ratios is reported.
#![allow(
    missing_docs,
    clippy::missing_panics_doc,
    clippy::wildcard_imports,
    clippy::type_complexity,
    clippy::print_stdout
)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use auth0_core::SecretString;
use auth0_jwt::{
    Algorithm, AsymmetricSignatureVerifier, StaticJwks, SymmetricSignatureVerifier, TokenVerifier,
    VerifyOptions,
};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::*;
use criterion::{Criterion, Throughput, criterion_group};
use futures_util::FutureExt as _;
use serde_json::json;

fn payload() -> serde_json::Value {
    let mut p = default_payload();
    p["exp"] = json!(MOCKED_CLOCK + 86_400);
    p["name"] = json!("Jane Doe");
    p["email"] = json!("jane@example.com");
    p["email_verified"] = json!(true);
    p["picture"] = json!("https://s.gravatar.com/avatar/abc.png");
    p
}

struct Case {
    name: &'static str,
    token: String,
    verifier: TokenVerifier,
    raw: Box<dyn Fn(&[u8], &[u8]) -> bool + Send + Sync>,
}

fn split(token: &str) -> (Vec<u8>, Vec<u8>) {
    let (input, sig) = token.rsplit_once('.').unwrap();
    (
        input.as_bytes().to_vec(),
        URL_SAFE_NO_PAD.decode(sig).unwrap(),
    )
}

fn jwks_verifier(key: &TestKey) -> TokenVerifier {
    let keys = AsymmetricSignatureVerifier::builder(StaticJwks::new(jwks(&[key])))
        .algorithms(&[key.alg])
        .clock(clock())
        .build()
        .unwrap();
    TokenVerifier::new(keys, ISSUER, AUDIENCE).clock(clock())
}

fn cases() -> Vec<Case> {
    let rsa = TestKey::rsa(1, "rsa", Algorithm::RS256);
    let n = URL_SAFE_NO_PAD
        .decode(rsa.jwk["n"].as_str().unwrap())
        .unwrap();
    let e = URL_SAFE_NO_PAD
        .decode(rsa.jwk["e"].as_str().unwrap())
        .unwrap();
    let ec = TestKey::ec("ec", Algorithm::ES256);
    let mut point = vec![4];
    point.extend(
        URL_SAFE_NO_PAD
            .decode(ec.jwk["x"].as_str().unwrap())
            .unwrap(),
    );
    point.extend(
        URL_SAFE_NO_PAD
            .decode(ec.jwk["y"].as_str().unwrap())
            .unwrap(),
    );
    let hs = TestKey::hmac(
        Algorithm::HS256,
        "a-client-secret-of-reasonable-length-0123456789",
    );
    let hmac_key = ring::hmac::Key::new(
        ring::hmac::HMAC_SHA256,
        b"a-client-secret-of-reasonable-length-0123456789",
    );
    let secret = SecretString::new("a-client-secret-of-reasonable-length-0123456789");
    vec![
        Case {
            name: "RS256",
            token: rsa.sign(&payload()),
            verifier: jwks_verifier(&rsa),
            raw: Box::new(move |m, s| {
                ring::signature::RsaPublicKeyComponents { n: &n, e: &e }
                    .verify(&ring::signature::RSA_PKCS1_2048_8192_SHA256, m, s)
                    .is_ok()
            }),
        },
        Case {
            name: "ES256",
            token: ec.sign(&payload()),
            verifier: jwks_verifier(&ec),
            raw: Box::new(move |m, s| {
                ring::signature::UnparsedPublicKey::new(
                    &ring::signature::ECDSA_P256_SHA256_FIXED,
                    &point,
                )
                .verify(m, s)
                .is_ok()
            }),
        },
        Case {
            name: "HS256",
            token: hs.sign(&payload()),
            verifier: TokenVerifier::new(
                SymmetricSignatureVerifier::new(&secret),
                ISSUER,
                AUDIENCE,
            )
            .clock(clock()),
            raw: Box::new(move |m, s| ring::hmac::verify(&hmac_key, m, s).is_ok()),
        },
    ]
}

fn verify_once(v: &TokenVerifier, token: &str, options: &VerifyOptions) {
    let claims = v
        .verify(black_box(token), options)
        .now_or_never()
        .expect("warm cache: ready on first poll")
        .expect("valid token");
    black_box(claims);
}

fn single_thread(c: &mut Criterion) {
    let options = VerifyOptions::new();
    for case in cases() {
        // Warm the cache (the first call fetches the static JWKS).
        futures_util::executor_block_on(&case.verifier, &case.token, &options);
        let (input, sig) = split(&case.token);
        assert!((case.raw)(&input, &sig));
        let mut group = c.benchmark_group(case.name);
        group.throughput(Throughput::Elements(1));
        group.bench_function("ring raw signature check", |b| {
            b.iter(|| assert!((case.raw)(black_box(&input), black_box(&sig))));
        });
        group.bench_function("auth0-jwt verify (warm cache)", |b| {
            b.iter(|| verify_once(&case.verifier, &case.token, &options));
        });
        group.finish();
    }
}

fn all_cores(c: &mut Criterion) {
    let threads = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    let options = VerifyOptions::new();
    for case in cases() {
        futures_util::executor_block_on(&case.verifier, &case.token, &options);
        let (input, sig) = split(&case.token);
        let case = Arc::new(case);
        let mut group = c.benchmark_group(format!("{} x{threads} threads", case.name));
        group.throughput(Throughput::Elements(1));
        let run = |ours: bool, iters: u64| -> Duration {
            let per = iters.div_ceil(threads as u64);
            let start = Instant::now();
            std::thread::scope(|s| {
                for _ in 0..threads {
                    let case = Arc::clone(&case);
                    let (input, sig, options) = (&input, &sig, &options);
                    s.spawn(move || {
                        for _ in 0..per {
                            if ours {
                                verify_once(&case.verifier, &case.token, options);
                            } else {
                                assert!((case.raw)(black_box(input), black_box(sig)));
                            }
                        }
                    });
                }
            });
            start.elapsed()
        };
        group.bench_function("ring raw signature check", |b| {
            b.iter_custom(|i| run(false, i));
        });
        group.bench_function("auth0-jwt verify (warm cache)", |b| {
            b.iter_custom(|i| run(true, i));
        });
        group.finish();
    }
}

mod futures_util {
    pub(crate) use ::futures_util::*;
    /// Warms a verifier's cache: the static fetch completes after one yield.
    pub(crate) fn executor_block_on(
        v: &super::TokenVerifier,
        token: &str,
        o: &super::VerifyOptions,
    ) {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(v.verify(token, o)).unwrap();
    }
}

/// How many calls of `f` take about `target` (at least one).
fn batch_for(f: &dyn Fn(), target: Duration) -> u32 {
    let start = Instant::now();
    let mut calls = 0u32;
    while start.elapsed() < Duration::from_millis(20) {
        f();
        calls += 1;
    }
    let per_call = start.elapsed().as_secs_f64() / f64::from(calls);
    // Truncation is intended: a whole number of calls.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let batch = (target.as_secs_f64() / per_call) as u32;
    batch.max(1)
}

/// Alternating batches of the raw check and of `verify`, each side's batch sized to the same
/// wall time (so a batch of either side is as likely to be preempted on a shared machine);
/// prints medians and fastest batches.
fn paired() {
    const PAIRS: usize = 1001;
    const BATCH_TIME: Duration = Duration::from_micros(500);
    let options = VerifyOptions::new();
    println!(
        "paired: {PAIRS} alternating batch pairs of ~{} µs per side; medians, and the fastest batch of each side",
        BATCH_TIME.as_micros()
    );
    println!(
        "| algorithm | ring raw check | auth0-jwt verify | verify / raw throughput (median of pairs) | fastest raw / fastest verify |"
    );
    println!("|---|---|---|---|---|");
    for case in cases() {
        futures_util::executor_block_on(&case.verifier, &case.token, &options);
        let (input, sig) = split(&case.token);
        let raw = || assert!((case.raw)(black_box(&input), black_box(&sig)));
        let ours = || verify_once(&case.verifier, &case.token, &options);
        let raw_batch = batch_for(&raw, BATCH_TIME);
        let ours_batch = batch_for(&ours, BATCH_TIME);
        let time = |f: &dyn Fn(), batch: u32| {
            let start = Instant::now();
            for _ in 0..batch {
                f();
            }
            start.elapsed().as_secs_f64() / f64::from(batch)
        };
        let (mut raws, mut ourss, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..PAIRS {
            let (r, o) = if i % 2 == 0 {
                let r = time(&raw, raw_batch);
                (r, time(&ours, ours_batch))
            } else {
                let o = time(&ours, ours_batch);
                (time(&raw, raw_batch), o)
            };
            raws.push(r);
            ourss.push(o);
            ratios.push(r / o);
        }
        for v in [&mut raws, &mut ourss, &mut ratios] {
            v.sort_by(f64::total_cmp);
        }
        let mid = PAIRS / 2;
        println!(
            "| {} | {:.2} µs | {:.2} µs | {:.1} % | {:.1} % |",
            case.name,
            raws[mid] * 1e6,
            ourss[mid] * 1e6,
            ratios[mid] * 100.0,
            raws[0] / ourss[0] * 100.0
        );
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .sample_size(30);
    targets = single_thread, all_cores
}
fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` does not.
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--profile-time") {
        paired();
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}

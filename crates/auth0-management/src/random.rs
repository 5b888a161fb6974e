//! Randomness for multipart boundaries, JWT ids and retry jitter.
//!
//! Uses ring's system generator; should the OS generator ever fail, falls back to the
//! per-process random keys of the standard library's hasher, which are good enough for
//! jitter and boundaries (JWT ids only need to be unique, not secret).

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

use ring::rand::{SecureRandom, SystemRandom};

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn fallback_u64() -> u64 {
    let mut h = RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.finish()
}

/// `N` random bytes.
pub(crate) fn bytes<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    if SystemRandom::new().fill(&mut out).is_err() {
        for chunk in out.chunks_mut(8) {
            let v = fallback_u64().to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
    }
    out
}

/// A number in `[0, 1)` for jitter. Not cryptographic.
pub(crate) fn unit() -> f64 {
    // 53 random bits mapped onto [0, 1).
    #[allow(clippy::cast_precision_loss)]
    let x = (fallback_u64() >> 11) as f64;
    x / 9_007_199_254_740_992.0 // 2^53
}

#[cfg(test)]
mod tests {
    #[test]
    fn unit_is_in_range_and_varies() {
        let xs: Vec<f64> = (0..64).map(|_| super::unit()).collect();
        assert!(xs.iter().all(|x| (0.0..1.0).contains(x)));
        assert!(xs.windows(2).any(|w| (w[0] - w[1]).abs() > f64::EPSILON));
        assert_ne!(super::bytes::<16>(), super::bytes::<16>());
    }
}

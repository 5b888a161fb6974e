//! Random identifiers shaped like Auth0's.

use ring::rand::{SecureRandom as _, SystemRandom};

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// `len` random alphanumeric characters.
pub(crate) fn alnum(len: usize) -> String {
    let rng = SystemRandom::new();
    let mut bytes = vec![0u8; len];
    rng.fill(&mut bytes).expect("the system RNG works");
    bytes
        .iter()
        .map(|b| char::from(ALNUM[usize::from(*b) % ALNUM.len()]))
        .collect()
}

/// `len` random lower-case hex digits.
pub(crate) fn hex(len: usize) -> String {
    let rng = SystemRandom::new();
    let mut bytes = vec![0u8; len.div_ceil(2)];
    rng.fill(&mut bytes).expect("the system RNG works");
    let mut out = String::with_capacity(len + 1);
    for b in &bytes {
        out.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
        out.push(char::from(b"0123456789abcdef"[usize::from(b & 0xf)]));
    }
    out.truncate(len);
    out
}

/// A prefixed identifier such as `con_` + 16 characters.
pub(crate) fn prefixed(prefix: &str) -> String {
    format!("{prefix}{}", alnum(16))
}

/// An opaque token value (codes, refresh tokens, mfa tokens).
pub(crate) fn opaque() -> String {
    alnum(40)
}

//! Splitting and decoding a compact JWS (`header.payload.signature`).

use std::borrow::Cow;
use std::cell::Cell;
use std::ops::Range;

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde::Deserialize;

use crate::error::{Error, TokenKind};

/// base64url without padding; padding and non-zero trailing bits are rejected.
pub(crate) const B64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(false),
);

/// Default cap on a token's length.
pub const DEFAULT_MAX_TOKEN_BYTES: usize = 16 * 1024;

/// The JOSE header fields the verifier reads. Anything else in the header is ignored
/// (embedded keys such as `jwk`, `jku` or `x5u` are never trusted).
#[derive(Debug, Deserialize)]
pub(crate) struct Header<'a> {
    #[serde(borrow, default)]
    pub(crate) alg: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(crate) kid: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(crate) typ: Option<Cow<'a, str>>,
    /// Present in any shape, `null` included (a `crit` that is not an array is no less
    /// refused).
    #[serde(default, deserialize_with = "present")]
    pub(crate) crit: Option<serde::de::IgnoredAny>,
}

/// Deserialises any value, `null` included, as `Some`: an absent field stays `None` through
/// `#[serde(default)]`.
fn present<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<serde::de::IgnoredAny>, D::Error> {
    <serde::de::IgnoredAny as Deserialize>::deserialize(deserializer).map(Some)
}

thread_local! {
    /// The decode buffer of the last token verified on this thread, kept for the next one:
    /// one allocation per thread rather than one per token.
    static SPARE: Cell<Vec<u8>> = const { Cell::new(Vec::new()) };
}

/// Largest decode buffer kept for reuse.
const MAX_SPARE_BYTES: usize = 16 * 1024;

/// A split, decoded token whose signature has not been checked yet. Header, payload and
/// signature are decoded into one buffer, reused across tokens on a thread.
pub(crate) struct Compact<'t> {
    buf: Vec<u8>,
    header: Range<usize>,
    payload: Option<Range<usize>>,
    signature: Range<usize>,
    pub(crate) signing_input: &'t [u8],
}

impl Drop for Compact<'_> {
    fn drop(&mut self) {
        let mut buf = std::mem::take(&mut self.buf);
        if buf.capacity() <= MAX_SPARE_BYTES {
            buf.clear();
            // Fails only while the thread tears down its locals; the buffer is then freed.
            let _ = SPARE.try_with(|spare| spare.set(buf));
        }
    }
}

fn decode_into(input: &[u8], buf: &mut Vec<u8>) -> Option<Range<usize>> {
    let start = buf.len();
    buf.resize(start + input.len() * 3 / 4 + 3, 0);
    let n = B64.decode_slice(input, &mut buf[start..]).ok()?;
    buf.truncate(start + n);
    Some(start..start + n)
}

impl<'t> Compact<'t> {
    pub(crate) fn split(token: &'t str, kind: TokenKind, max: usize) -> Result<Self, Error> {
        if token.is_empty() {
            return Err(Error::Missing(kind));
        }
        if token.len() > max {
            return Err(Error::TooLarge {
                size: token.len(),
                max,
            });
        }
        let bytes = token.as_bytes();
        // The first and the last dot; a dot in between (more than three segments) is found
        // below, where the payload fails to decode, so a valid payload is not scanned twice.
        let (Some(d1), Some(d2)) = (token.find('.'), token.rfind('.')) else {
            return Err(Error::Malformed);
        };
        if d1 == d2 {
            return Err(Error::Malformed);
        }
        let header_b64 = &bytes[..d1];
        let payload_b64 = &bytes[d1 + 1..d2];
        let signature_b64 = &bytes[d2 + 1..];
        if header_b64.is_empty() || payload_b64.is_empty() {
            return Err(Error::Malformed);
        }
        let mut buf = SPARE.try_with(Cell::take).unwrap_or_default();
        buf.reserve(bytes.len() * 3 / 4 + 9);
        let mut compact = Self {
            buf,
            header: 0..0,
            payload: None,
            signature: 0..0,
            signing_input: &bytes[..d2],
        };
        let (Some(header), Some(signature)) = (
            decode_into(header_b64, &mut compact.buf),
            decode_into(signature_b64, &mut compact.buf),
        ) else {
            return Err(Error::Malformed);
        };
        compact.header = header;
        compact.signature = signature;
        compact.payload = decode_into(payload_b64, &mut compact.buf);
        if compact.payload.is_none() && payload_b64.contains(&b'.') {
            return Err(Error::Malformed); // more than three segments
        }
        // Any other bad payload encoding is reported after the signature check, like a bad
        // payload.
        Ok(compact)
    }

    pub(crate) fn signature(&self) -> &[u8] {
        &self.buf[self.signature.clone()]
    }

    pub(crate) fn payload(&self) -> Result<&[u8], Error> {
        match &self.payload {
            Some(r) => Ok(&self.buf[r.clone()]),
            None => Err(Error::MalformedPayload),
        }
    }

    pub(crate) fn header(&self) -> Result<Header<'_>, Error> {
        // A JOSE header is a JSON object; serde would also read a struct from an array.
        let bytes = &self.buf[self.header.clone()];
        if bytes.first() != Some(&b'{') {
            return Err(Error::Malformed);
        }
        let text = std::str::from_utf8(bytes).map_err(|_| Error::Malformed)?;
        let header: Header<'_> = serde_json::from_str(text).map_err(|_| Error::Malformed)?;
        if header.crit.is_some() {
            return Err(Error::CriticalHeader);
        }
        Ok(header)
    }
}

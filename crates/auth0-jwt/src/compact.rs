//! Splitting and decoding a compact JWS (`header.payload.signature`).

use std::borrow::Cow;

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
    #[serde(default)]
    pub(crate) crit: Option<serde::de::IgnoredAny>,
}

/// A split, header-decoded token whose signature has not been checked yet.
pub(crate) struct Compact<'t> {
    pub(crate) header_bytes: Vec<u8>,
    pub(crate) signing_input: &'t [u8],
    pub(crate) payload_b64: &'t [u8],
    pub(crate) signature: Vec<u8>,
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
        let mut dots = bytes
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'.')
            .map(|(i, _)| i);
        let (Some(d1), Some(d2), None) = (dots.next(), dots.next(), dots.next()) else {
            return Err(Error::Malformed);
        };
        let header_b64 = &bytes[..d1];
        let payload_b64 = &bytes[d1 + 1..d2];
        let signature_b64 = &bytes[d2 + 1..];
        if header_b64.is_empty() || payload_b64.is_empty() {
            return Err(Error::Malformed);
        }
        let header_bytes = B64.decode(header_b64).map_err(|_| Error::Malformed)?;
        let signature = B64.decode(signature_b64).map_err(|_| Error::Malformed)?;
        Ok(Self {
            header_bytes,
            signing_input: &bytes[..d2],
            payload_b64,
            signature,
        })
    }

    pub(crate) fn header(&self) -> Result<Header<'_>, Error> {
        // A JOSE header is a JSON object; serde would also read a struct from an array.
        if self.header_bytes.first() != Some(&b'{') {
            return Err(Error::Malformed);
        }
        let header: Header<'_> =
            serde_json::from_slice(&self.header_bytes).map_err(|_| Error::Malformed)?;
        if header.crit.is_some() {
            return Err(Error::CriticalHeader);
        }
        Ok(header)
    }

    pub(crate) fn payload(&self) -> Result<Vec<u8>, Error> {
        B64.decode(self.payload_b64)
            .map_err(|_| Error::MalformedPayload)
    }
}

//! Just enough PEM and DER to load the key fixtures and registered public keys.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// A public key a client registered for `private_key_jwt`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum PublicKey {
    /// An RSA key as a PKCS#1 `RSAPublicKey` DER document.
    Rsa(Vec<u8>),
    /// A P-256 key as an uncompressed SEC1 point.
    EcP256(Vec<u8>),
}

/// Decodes the first PEM block of `text`: its label and its DER bytes.
pub(crate) fn decode(text: &str) -> Result<(String, Vec<u8>), String> {
    let mut label = None;
    let mut body = String::new();
    for line in text.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("-----BEGIN ") {
            label = Some(rest.trim_end_matches('-').to_owned());
        } else if line.starts_with("-----END ") {
            break;
        } else if label.is_some() {
            body.push_str(line);
        }
    }
    let label = label.ok_or_else(|| "no PEM block found".to_owned())?;
    let der = STANDARD
        .decode(body.as_bytes())
        .map_err(|e| format!("the PEM body is not base64: {e}"))?;
    Ok((label, der))
}

/// One DER element: tag, content, and what follows it.
fn tlv(input: &[u8]) -> Result<(u8, &[u8], &[u8]), String> {
    let short = || "truncated DER".to_owned();
    let (&tag, rest) = input.split_first().ok_or_else(short)?;
    let (&first, rest) = rest.split_first().ok_or_else(short)?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return Err("unsupported DER length".to_owned());
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, &rest[n..])
    };
    if rest.len() < len {
        return Err(short());
    }
    Ok((tag, &rest[..len], &rest[len..]))
}

const OID_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const OID_EC: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];

/// Parses a public key from PEM: `PUBLIC KEY` (SubjectPublicKeyInfo, RSA or P-256) or
/// `RSA PUBLIC KEY` (PKCS#1).
pub(crate) fn public_key(text: &str) -> Result<PublicKey, String> {
    let (label, der) = decode(text)?;
    match label.as_str() {
        "RSA PUBLIC KEY" => Ok(PublicKey::Rsa(der)),
        "PUBLIC KEY" => {
            let (tag, spki, _) = tlv(&der)?;
            if tag != 0x30 {
                return Err("SubjectPublicKeyInfo is not a SEQUENCE".to_owned());
            }
            let (_, algorithm, rest) = tlv(spki)?;
            let (_, oid, _) = tlv(algorithm)?;
            let (tag, bits, _) = tlv(rest)?;
            if tag != 0x03 || bits.first() != Some(&0) {
                return Err("SubjectPublicKeyInfo has no usable BIT STRING".to_owned());
            }
            let key = bits[1..].to_vec();
            if oid == OID_RSA {
                Ok(PublicKey::Rsa(key))
            } else if oid == OID_EC {
                Ok(PublicKey::EcP256(key))
            } else {
                Err("unsupported public key algorithm".to_owned())
            }
        }
        other => Err(format!("unsupported PEM label {other:?}")),
    }
}

//! Fuzz entry points, shared by the cargo-fuzz targets and the corpus smoke test.
//!
//! Each function takes arbitrary bytes and must return without panicking; a panic is a bug
//! (the fuzzer reports it as a crash).

use auth0_core::SecretString;
use auth0_core::management::{
    GetClientResponseContent, GetConnectionResponseContent, GetOrganizationResponseContent,
    GetRoleResponseContent, ListUsersOffsetPaginatedResponseContent, Log,
};
use auth0_jwt::{
    AccessTokenVerifier, Algorithm, AsymmetricSignatureVerifier, Error, JwkSet, StaticJwks,
    SymmetricSignatureVerifier, TokenVerifier, VerifyOptions,
};
use base64::Engine as _;
use futures_util::FutureExt as _;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::{Map, Value};

/// A fuzz entry point: arbitrary bytes in, a panic on a bug.
pub type Target = fn(&[u8]);

/// The fuzz targets, by name (the names of the binaries in `tests/fuzz` and of the corpus
/// directories under `tests/fuzz/corpus/`).
pub const TARGETS: [(&str, Target); 4] = [
    ("jwt_verify", jwt_verify),
    ("jwks_parse", jwks_parse),
    ("error_body", error_body),
    ("management_models", management_models),
];

const ASYMMETRIC: [Algorithm; 9] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::EdDSA,
];

const FIXED_JWKS: &str = r#"{"keys":[
 {"kty":"EC","kid":"ec","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"},
 {"kty":"OKP","kid":"ed","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},
 {"kty":"RSA","kid":"","n":"AQAB","e":"AQAB"}]}"#;

/// A token with a header naming `kid`s of every key type, so a fuzzed JWKS is exercised
/// through key lookup and key decoding (the signature is garbage; it must fail cleanly).
const PROBE_TOKENS: [&str; 3] = [
    // {"alg":"RS256","kid":"k"}.{"iss":"https://t/","aud":"aud","sub":"s","exp":99999999999,"iat":1}.sig
    "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsifQ.eyJpc3MiOiJodHRwczovL3QvIiwiYXVkIjoiYXVkIiwic3ViIjoicyIsImV4cCI6OTk5OTk5OTk5OTksImlhdCI6MX0.c2ln",
    // {"alg":"ES256","kid":"k"}
    "eyJhbGciOiJFUzI1NiIsImtpZCI6ImsifQ.eyJpc3MiOiJodHRwczovL3QvIiwiYXVkIjoiYXVkIiwic3ViIjoicyIsImV4cCI6OTk5OTk5OTk5OTksImlhdCI6MX0.c2ln",
    // {"alg":"EdDSA","kid":"k"}
    "eyJhbGciOiJFZERTQSIsImtpZCI6ImsifQ.eyJpc3MiOiJodHRwczovL3QvIiwiYXVkIjoiYXVkIiwic3ViIjoicyIsImV4cCI6OTk5OTk5OTk5OTksImlhdCI6MX0.c2ln",
];

fn verify_all(keys: &[u8], token: &str) {
    let asym = AsymmetricSignatureVerifier::builder(StaticJwks::new(keys.to_vec()))
        .algorithms(&ASYMMETRIC)
        .build()
        .expect("valid configuration");
    let options = VerifyOptions::new()
        .nonce("n")
        .max_age(std::time::Duration::from_secs(60))
        .organization("org_x");
    let id = TokenVerifier::new(asym.clone(), "https://t/", "aud");
    let _ = id.verify(token, &options).now_or_never().expect("ready");
    let at = AccessTokenVerifier::new(asym, "https://t/", "aud").require_scopes(["s"]);
    let _ = at.verify(token).now_or_never().expect("ready");
    let sym = SymmetricSignatureVerifier::with_algorithms(
        &SecretString::new("secret"),
        &[Algorithm::HS256, Algorithm::HS384, Algorithm::HS512],
    )
    .expect("valid configuration");
    let _ = TokenVerifier::new(sym, "https://t/", "aud")
        .verify(token, &options)
        .now_or_never()
        .expect("ready");
}

/// Arbitrary bytes as a JWKS document and as a token, through every verifier.
///
/// The first byte chooses where the rest splits into (JWKS, token). A second pass checks the
/// whole rest as a token against a fixed, valid JWKS, so the token parser is exercised past
/// key lookup.
pub fn jwt_verify(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let split = usize::from(first) * rest.len() / 256;
    let (keys, token) = rest.split_at(split);
    verify_all(keys, &String::from_utf8_lossy(token));
    verify_all(FIXED_JWKS.as_bytes(), &String::from_utf8_lossy(rest));
    let _ = claims_payload(rest);
}

/// The names every verified ID token needs, put in front of a fuzzed claims object.
const REQUIRED_CLAIMS: &[u8] =
    br#"{"iss":"https://t/","sub":"s","aud":"aud","exp":99999999999,"iat":1,"#;

/// A JSON object read by `serde_json`, or `None` if it is not one or repeats a name.
struct UniqueObject(Option<Map<String, Value>>);

impl<'de> Deserialize<'de> for UniqueObject {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = UniqueObject;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<UniqueObject, A::Error> {
                let mut out = Map::new();
                let mut repeated = false;
                while let Some((name, value)) = map.next_entry::<String, Value>()? {
                    repeated |= out.insert(name, value).is_some();
                }
                Ok(UniqueObject((!repeated).then_some(out)))
            }
        }
        d.deserialize_map(V)
    }
}

/// Arbitrary bytes as the rest of a claims object (after the required claims), signed here
/// (HS256) so the claims reader sees them past the signature check. Differential: the
/// verifier must accept exactly the payloads `serde_json` reads as an object without a
/// repeated name, and the `Claims` it returns must give back that object.
///
/// Returns whether the token was accepted; `None` for input that does not start with `{`
/// (or is too large for a token).
pub fn claims_payload(rest: &[u8]) -> Option<bool> {
    let body = rest.strip_prefix(b"{")?;
    if body.len() > 8 * 1024 {
        return None; // past the token size cap
    }
    let mut payload = REQUIRED_CLAIMS.to_vec();
    payload.extend_from_slice(body);
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let input = format!(
        "{}.{}",
        b64.encode(br#"{"alg":"HS256"}"#),
        b64.encode(&payload)
    );
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, b"secret");
    let signature = ring::hmac::sign(&key, input.as_bytes());
    let token = format!("{input}.{}", b64.encode(signature.as_ref()));
    let sym = SymmetricSignatureVerifier::new(&SecretString::new("secret"));
    let verified = TokenVerifier::new(sym, "https://t/", "aud")
        .verify(&token, &VerifyOptions::new())
        .now_or_never()
        .expect("ready");
    let expected = serde_json::from_slice::<UniqueObject>(&payload)
        .ok()
        .and_then(|o| o.0);
    match (verified, expected) {
        (Ok(claims), Some(object)) => {
            assert_eq!(
                serde_json::to_value(&claims).expect("serializable"),
                Value::Object(object.clone())
            );
            for (name, value) in &object {
                assert_eq!(claims.get(name).as_ref(), Some(value), "{name}");
            }
            let extra = claims.extra();
            assert!(
                extra
                    .iter()
                    .all(|(name, value)| object.get(name) == Some(value))
            );
            assert_eq!(claims.sub(), "s");
            assert_eq!(claims.payload_json().as_bytes(), payload);
            assert_eq!(claims, claims.clone());
            let _ = format!("{claims:?}");
            Some(true)
        }
        (Err(Error::MalformedPayload), None) => Some(false),
        (verified, expected) => panic!(
            "the verifier ({:?}) and serde_json ({}) disagree",
            verified.map(|_| "accepted"),
            if expected.is_some() {
                "an object"
            } else {
                "rejected"
            }
        ),
    }
}

/// Arbitrary bytes as a JWKS document: parsed, every key inspected, and each key type looked
/// up and decoded by verifying probe tokens whose `kid` is `k`.
pub fn jwks_parse(data: &[u8]) {
    if let Ok(set) = JwkSet::from_slice(data) {
        assert_eq!(set.kids().count(), set.len());
        for kid in set.kids() {
            let key = set.get(kid).expect("a listed kid is present");
            assert_eq!(key.kid(), kid);
            let _ = (key.alg(), key.is_usable());
        }
    }
    for token in PROBE_TOKENS {
        verify_all(data, token);
    }
}

/// Arbitrary bytes as an HTTP error response: two bytes of status, then header lines
/// (`name: value`, invalid ones skipped) up to an empty line, then the body. Parsed with
/// `auth0_core::Error::from_response` and rendered with `Display` and `Debug`.
pub fn error_body(data: &[u8]) {
    let (status, rest) = match data {
        [a, b, rest @ ..] => (u16::from_be_bytes([*a, *b]), rest),
        _ => (500, data),
    };
    let status = StatusCode::from_u16(100 + status % 900).expect("100..=999 is a valid status");
    let (head, body) = split_head(rest);
    let mut headers = HeaderMap::new();
    for line in head.split(|b| *b == b'\n') {
        let Some(colon) = line.iter().position(|b| *b == b':') else {
            continue;
        };
        let (name, value) = (&line[..colon], line[colon + 1..].trim_ascii());
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.trim_ascii()),
            HeaderValue::from_bytes(value),
        ) {
            headers.append(name, value);
        }
    }
    let error = auth0_core::Error::from_response(status, headers.clone(), body);
    let _ = (error.to_string(), format!("{error:?}"));
    match &error {
        auth0_core::Error::RateLimited(e) => {
            let _ = (e.reset_at(), e.to_string());
        }
        auth0_core::Error::Api(e) => {
            let _ = (e.mfa_token(), e.to_string());
        }
        _ => {}
    }
    let _ = auth0_core::rate_limit::retry_after(&headers, std::time::SystemTime::now());
    let _ = auth0_core::RateLimit::from_headers(&headers);
    if let Err(e) = auth0_core::error::decode_json::<serde_json::Value>("fuzz", body) {
        let _ = e.to_string();
    }
}

fn split_head(data: &[u8]) -> (&[u8], &[u8]) {
    match data.windows(2).position(|w| w == b"\n\n") {
        Some(at) => (&data[..at], &data[at + 2..]),
        None => (&[], data),
    }
}

/// Arbitrary bytes as JSON for a handful of generated Management API models. Whatever parses
/// must re-serialise, parse again, and give the same JSON (unknown fields kept).
pub fn management_models(data: &[u8]) {
    roundtrip::<GetClientResponseContent>(data);
    roundtrip::<GetConnectionResponseContent>(data);
    roundtrip::<GetOrganizationResponseContent>(data);
    roundtrip::<GetRoleResponseContent>(data);
    roundtrip::<ListUsersOffsetPaginatedResponseContent>(data);
    roundtrip::<Log>(data);
}

fn roundtrip<T>(data: &[u8])
where
    T: serde::de::DeserializeOwned + serde::Serialize,
{
    let Ok(first) = serde_json::from_slice::<T>(data) else {
        return;
    };
    let json = serde_json::to_value(&first).expect("a parsed model serialises");
    let second: T = serde_json::from_value(json.clone()).expect("re-serialised JSON parses");
    let again = serde_json::to_value(&second).expect("a parsed model serialises");
    assert_eq!(json, again, "the JSON of a model changes on a round trip");
}

//! Helpers shared by the integration tests: an HTTP client, request builders, JWT checks.

#![allow(dead_code, unreachable_pub)]

use std::time::Duration;

use auth0_core::http_client::HttpClient;
use auth0_testing::{FakeTenant, seed};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use bytes::Bytes;
use ring::signature;
use serde_json::{Value, json};

pub fn client() -> HttpClient {
    HttpClient::builder()
        .allow_insecure_http(true)
        .timeout(Some(Duration::from_secs(10)))
        .build()
        .unwrap()
}

/// A response as status, headers and parsed JSON body (Null when not JSON).
pub struct Reply {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub body: Bytes,
    pub json: Value,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    pub fn str(&self, field: &str) -> &str {
        self.json[field]
            .as_str()
            .unwrap_or_else(|| panic!("no string field {field} in {}", self.json))
    }
}

pub async fn send(request: http::Request<Bytes>) -> Reply {
    let response = client().send(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let json = serde_json::from_slice(&body).unwrap_or(Value::Null);
    Reply {
        status: parts.status.as_u16(),
        headers: parts.headers,
        body,
        json,
    }
}

pub async fn get(url: &str) -> Reply {
    send(http::Request::get(url).body(Bytes::new()).unwrap()).await
}

pub async fn post_form(url: &str, pairs: &[(&str, &str)]) -> Reply {
    let body = serde_urlencoded::to_string(pairs).unwrap();
    send(
        http::Request::post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Bytes::from(body))
            .unwrap(),
    )
    .await
}

pub async fn post_json(url: &str, body: &Value) -> Reply {
    send(
        http::Request::post(url)
            .header("content-type", "application/json")
            .body(Bytes::from(serde_json::to_vec(body).unwrap()))
            .unwrap(),
    )
    .await
}

/// A Management API call with a bearer token.
pub async fn api(method: &str, url: &str, token: &str, body: Option<&Value>) -> Reply {
    let mut builder = http::Request::builder()
        .method(method)
        .uri(url)
        .header("authorization", format!("Bearer {token}"));
    let bytes = match body {
        Some(b) => {
            builder = builder.header("content-type", "application/json");
            Bytes::from(serde_json::to_vec(b).unwrap())
        }
        None => Bytes::new(),
    };
    send(builder.body(bytes).unwrap()).await
}

/// A management token obtained over HTTP by the seeded M2M client.
pub async fn mgmt_token(tenant: &FakeTenant) -> String {
    let reply = post_form(
        &format!("{}/oauth/token", tenant.base_url()),
        &[
            ("grant_type", "client_credentials"),
            ("client_id", seed::M2M_CLIENT_ID),
            ("client_secret", seed::M2M_CLIENT_SECRET),
            ("audience", &tenant.management_audience()),
        ],
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.json);
    reply.str("access_token").to_owned()
}

/// Decodes a JWT's header and claims without verifying.
pub fn decode(token: &str) -> (Value, Value) {
    let mut parts = token.split('.');
    let header = URL_SAFE_NO_PAD.decode(parts.next().unwrap()).unwrap();
    let claims = URL_SAFE_NO_PAD.decode(parts.next().unwrap()).unwrap();
    (
        serde_json::from_slice(&header).unwrap(),
        serde_json::from_slice(&claims).unwrap(),
    )
}

/// Verifies a JWT's signature against a JWKS document with ring; returns the claims.
pub fn verify(token: &str, jwks: &Value) -> Result<Value, String> {
    let (header, claims) = decode(token);
    let kid = header["kid"].as_str().ok_or("no kid")?;
    let jwk = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == kid)
        .ok_or("kid not in JWKS")?;
    let (input, sig) = token.rsplit_once('.').unwrap();
    let sig = URL_SAFE_NO_PAD.decode(sig).unwrap();
    let field = |name: &str| URL_SAFE_NO_PAD.decode(jwk[name].as_str().unwrap()).unwrap();
    let ok = match header["alg"].as_str() {
        Some("RS256") => signature::RsaPublicKeyComponents {
            n: field("n"),
            e: field("e"),
        }
        .verify(
            &signature::RSA_PKCS1_2048_8192_SHA256,
            input.as_bytes(),
            &sig,
        )
        .is_ok(),
        Some("ES256") => {
            let mut point = vec![4u8];
            point.extend(field("x"));
            point.extend(field("y"));
            signature::UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, point)
                .verify(input.as_bytes(), &sig)
                .is_ok()
        }
        other => return Err(format!("unexpected alg {other:?}")),
    };
    if ok {
        Ok(claims)
    } else {
        Err("bad signature".into())
    }
}

/// Signs claims with the seeded private_key_jwt client's private key (RS256).
pub fn sign_assertion(header: &Value, claims: &Value) -> String {
    let pem = seed::PKJWT_PRIVATE_KEY_PEM;
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = STANDARD.decode(body).unwrap();
    let pair = signature::RsaKeyPair::from_der(&der).unwrap();
    let h = URL_SAFE_NO_PAD.encode(serde_json::to_vec(header).unwrap());
    let c = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).unwrap());
    let input = format!("{h}.{c}");
    let mut sig = vec![0u8; pair.public().modulus_len()];
    pair.sign(
        &signature::RSA_PKCS1_SHA256,
        &ring::rand::SystemRandom::new(),
        input.as_bytes(),
        &mut sig,
    )
    .unwrap();
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig))
}

/// A valid client assertion for the seeded private_key_jwt client.
pub fn assertion(tenant: &FakeTenant, jti: &str) -> String {
    let now = tenant.now();
    sign_assertion(
        &json!({ "alg": "RS256", "typ": "JWT", "kid": seed::PKJWT_KID }),
        &json!({
            "iss": seed::PKJWT_CLIENT_ID,
            "sub": seed::PKJWT_CLIENT_ID,
            "aud": tenant.issuer(),
            "iat": now,
            "exp": now + 60,
            "jti": jti,
        }),
    )
}

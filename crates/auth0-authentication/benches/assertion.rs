//! Cost of a `private_key_jwt` client assertion beside the bare ring signature it contains,
//! and of a whole in-process token call (request building, form encoding, decoding).
//!
//! `cargo bench -p auth0-authentication`.
#![allow(missing_docs, clippy::missing_panics_doc)]

use std::convert::Infallible;
use std::hint::black_box;

use auth0_authentication::{
    AuthenticationClient, ClientAssertionSigner, ClientCredentials, SigningAlgorithm,
};
use bytes::Bytes;
use criterion::{Criterion, criterion_group, criterion_main};
use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair, RsaKeyPair};
use rustls_pki_types::PrivateKeyDer;
use rustls_pki_types::pem::PemObject as _;

const RSA: &str = include_str!("../tests/keys/rsa2048_pkcs8.pem");
const P256: &str = include_str!("../tests/keys/p256_pkcs8.pem");
const P384: &str = include_str!("../tests/keys/p384_pkcs8.pem");

fn pkcs8(pem: &str) -> Vec<u8> {
    match PrivateKeyDer::from_pem_slice(pem.as_bytes()).unwrap() {
        PrivateKeyDer::Pkcs8(k) => k.secret_pkcs8_der().to_vec(),
        _ => unreachable!("the bench keys are PKCS#8"),
    }
}

fn signing(c: &mut Criterion) {
    let rng = SystemRandom::new();
    // A message as long as a typical assertion's signing input.
    let message = vec![b'a'; 330];
    let mut group = c.benchmark_group("sign");

    let rsa = RsaKeyPair::from_pkcs8(&pkcs8(RSA)).unwrap();
    let ec256 = EcdsaKeyPair::from_pkcs8(
        &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
        &pkcs8(P256),
        &rng,
    )
    .unwrap();
    let ec384 = EcdsaKeyPair::from_pkcs8(
        &signature::ECDSA_P384_SHA384_FIXED_SIGNING,
        &pkcs8(P384),
        &rng,
    )
    .unwrap();
    group.bench_function("ring RS256 (baseline)", |b| {
        let mut sig = vec![0; rsa.public().modulus_len()];
        b.iter(|| {
            rsa.sign(
                &signature::RSA_PKCS1_SHA256,
                &rng,
                black_box(&message),
                &mut sig,
            )
            .unwrap();
        });
    });
    group.bench_function("ring ES256 (baseline)", |b| {
        b.iter(|| ec256.sign(&rng, black_box(&message)).unwrap());
    });
    group.bench_function("ring ES384 (baseline)", |b| {
        b.iter(|| ec384.sign(&rng, black_box(&message)).unwrap());
    });

    for (pem, alg) in [
        (RSA, SigningAlgorithm::RS256),
        (RSA, SigningAlgorithm::PS256),
        (P256, SigningAlgorithm::ES256),
        (P384, SigningAlgorithm::ES384),
    ] {
        let signer = ClientAssertionSigner::from_pem(pem, alg).unwrap();
        group.bench_function(format!("client_assertion {alg}"), |b| {
            b.iter(|| {
                signer
                    .client_assertion(black_box("client-id"), "https://tenant.auth0.com/")
                    .unwrap()
            });
        });
    }
    group.finish();
}

fn token_call(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let body = Bytes::from_static(
        br#"{"access_token":"eyJhbGciOiJSUzI1NiJ9.e30.c2ln","token_type":"Bearer","expires_in":86400,"scope":"read:messages"}"#,
    );
    let service = tower::service_fn(move |_req: http::Request<Bytes>| {
        let body = body.clone();
        async move { Ok::<_, Infallible>(http::Response::new(body)) }
    });
    let client = AuthenticationClient::builder("tenant.auth0.com")
        .client_id("client-id")
        .client_secret("secret")
        .service(service)
        .build()
        .unwrap();
    c.bench_function("client_credentials in-process (secret)", |b| {
        b.iter(|| {
            runtime
                .block_on(
                    client
                        .token()
                        .client_credentials(ClientCredentials::new("https://api/")),
                )
                .unwrap()
        });
    });
}

criterion_group!(benches, signing, token_call);
criterion_main!(benches);

//! The verified `Claims`: borrowed accessors over the payload, unknown claims kept and read on
//! demand, escapes, duplicates, strictness of the one pass, serialization.
#![allow(missing_docs, clippy::wildcard_imports)]

mod common;

use auth0_core::SecretString;
use auth0_jwt::{
    AccessTokenVerifier, Algorithm, Audience, Claims, Error, SymmetricSignatureVerifier,
    TokenVerifier, VerifyOptions,
};
use common::*;
use serde::Deserialize;
use serde_json::{Value, json};

fn key() -> TestKey {
    TestKey::hmac(Algorithm::HS256, SECRET)
}

fn id_verifier() -> TokenVerifier {
    TokenVerifier::new(
        SymmetricSignatureVerifier::new(&SecretString::new(SECRET)),
        ISSUER,
        AUDIENCE,
    )
    .clock(clock())
}

/// Verifies an ID token whose payload is exactly `payload` (escapes and all).
async fn verify_text(payload: &str) -> Result<Claims, Error> {
    let token = sign_raw(&key(), br#"{"alg":"HS256"}"#, payload.as_bytes());
    id_verifier().verify(&token, &VerifyOptions::new()).await
}

async fn verify(payload: &Value) -> Result<Claims, Error> {
    verify_text(&payload.to_string()).await
}

#[tokio::test]
async fn typed_accessors_read_the_registered_claims() {
    let claims = verify(&default_payload()).await.unwrap();
    assert_eq!(claims.iss(), ISSUER);
    assert_eq!(claims.sub(), "auth0|123456789");
    assert_eq!(claims.exp(), 1_587_765_361);
    assert_eq!(claims.iat(), Some(1_587_592_561));
    assert_eq!(claims.auth_time(), Some(1_587_678_961));
    assert_eq!(claims.nbf(), None);
    assert_eq!(claims.nonce(), Some(NONCE));
    assert_eq!(claims.azp(), Some(AUDIENCE));
    assert_eq!(claims.org_id(), None);
    assert_eq!(claims.scope(), None);
    assert!(claims.permissions().is_none());
    let Audience::Many(list) = claims.aud() else {
        panic!("aud is an array")
    };
    assert_eq!(list.to_vec(), [AUDIENCE, ALT_AUDIENCE]);
    assert_eq!(list.get(1), Some(ALT_AUDIENCE));
    assert_eq!(list.get(2), None);
    assert_eq!(list.join(", "), format!("{AUDIENCE}, {ALT_AUDIENCE}"));
    assert_eq!(
        claims.aud().iter().rev().collect::<Vec<_>>(),
        [ALT_AUDIENCE, AUDIENCE]
    );
    assert!(claims.extra().is_empty());
    assert_eq!(
        claims.payload_json(),
        default_payload().to_string(),
        "the payload as signed"
    );
    // Typed claims are also readable by name.
    assert_eq!(claims.get("aud"), Some(json!([AUDIENCE, ALT_AUDIENCE])));
    assert_eq!(claims.get("exp"), Some(json!(1_587_765_361)));
    assert_eq!(claims.get("missing"), None);

    let one = verify(&with(default_payload(), "aud", json!(AUDIENCE)))
        .await
        .unwrap();
    assert_eq!(one.aud(), Audience::One(AUDIENCE));
    assert_eq!(one.aud().len(), 1);
    assert_eq!(one.aud().iter().collect::<Vec<_>>(), [AUDIENCE]);
    assert_eq!(one.get("aud"), Some(json!(AUDIENCE)));
}

/// Application claims, read from the payload on demand.
#[derive(Deserialize)]
struct Profile<'a> {
    name: &'a str,
    sub: &'a str,
    #[serde(rename = "https://example.com/roles")]
    roles: Vec<String>,
}

#[tokio::test]
async fn unknown_and_ill_typed_claims_are_kept_and_read_on_demand() {
    let mut payload = default_payload();
    payload["https://example.com/roles"] = json!(["admin", "editor"]);
    payload["name"] = json!("Jane Doe");
    payload["email_verified"] = json!(true);
    payload["meta"] = json!({"plan": "pro", "seats": [1, 2.5, null]});
    payload["org_name"] = json!(7); // a named claim of another type, not checked
    payload["permissions"] = json!(["a", 1]); // not a list of strings
    let claims = verify(&payload).await.unwrap();

    let extra = claims.extra();
    let mut names: Vec<&str> = extra.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "email_verified",
            "https://example.com/roles",
            "meta",
            "name",
            "org_name",
            "permissions"
        ]
    );
    assert_eq!(
        extra["meta"],
        json!({"plan": "pro", "seats": [1, 2.5, null]})
    );
    assert_eq!(extra["org_name"], json!(7));
    assert_eq!(claims.org_name(), None);
    assert!(claims.permissions().is_none());
    assert_eq!(claims.get("permissions"), Some(json!(["a", 1])));

    // Typed on demand, borrowing from the claims.
    let roles: Vec<&str> = claims.get_as("https://example.com/roles").unwrap().unwrap();
    assert_eq!(roles, ["admin", "editor"]);
    assert_eq!(claims.get_as::<bool>("email_verified").unwrap(), Some(true));
    assert_eq!(claims.get_as::<bool>("absent").unwrap(), None);
    assert!(claims.get_as::<bool>("name").is_err());

    let profile: Profile<'_> = claims.payload_as().unwrap();
    assert_eq!(profile.name, "Jane Doe");
    assert_eq!(profile.sub, "auth0|123456789");
    assert_eq!(profile.roles, ["admin", "editor"]);

    // Serialization writes every claim, as sent.
    assert_eq!(serde_json::to_value(&claims).unwrap(), payload);
    // Equality is by content.
    assert_eq!(claims, claims.clone());
    let debug = format!("{claims:?}");
    assert!(
        debug.contains("auth0|123456789") && debug.contains("Jane Doe"),
        "{debug}"
    );
}

#[tokio::test]
async fn escaped_strings_and_names_are_unescaped() {
    // `iss`, `sub`, an `aud` item, `nonce`, a permission and claim names written with escapes.
    let iss = ISSUER.replace('/', "\\/");
    let text = format!(
        r#"{{"\u0069ss":"{iss}","sub":"a\"b\\c\u00e9\ud83d\ude00","aud":["x\ty","{AUDIENCE}","\u0061"],"exp":1587765361,"iat":1587592561,"azp":"{AUDIENCE}","n\u0061me":"J\u00f6","nonce":"{NONCE}"}}"#
    );
    let claims = verify_text(&text).await.unwrap();
    assert_eq!(claims.iss(), ISSUER);
    assert_eq!(claims.sub(), "a\"b\\c\u{e9}\u{1f600}");
    assert_eq!(
        claims.aud().iter().collect::<Vec<_>>(),
        ["x\ty", AUDIENCE, "a"]
    );
    assert_eq!(claims.get("name"), Some(json!("J\u{f6}")));
    assert_eq!(claims.extra()["name"], json!("J\u{f6}"));
    assert_eq!(claims.get("iss"), Some(json!(ISSUER)));
    assert_eq!(claims.payload_json(), text);

    // Access token: escaped permissions and scope are checked unescaped.
    let text = format!(
        r#"{{"iss":"{ISSUER}","sub":"s","aud":"{AUDIENCE}","exp":1587765361,"scope":"read\u003amessages openid","permissions":["r\u0065ad:all","write"]}}"#
    );
    let token = sign_raw(&key(), br#"{"alg":"HS256"}"#, text.as_bytes());
    let at = AccessTokenVerifier::new(
        SymmetricSignatureVerifier::new(&SecretString::new(SECRET)),
        ISSUER,
        AUDIENCE,
    )
    .clock(clock())
    .require_scopes(["read:messages"])
    .require_permissions(["read:all"]);
    let claims = at.verify(&token).await.unwrap();
    assert!(claims.has_permission("read:all"));
    assert_eq!(
        claims.permissions().unwrap().to_vec(),
        ["read:all", "write"]
    );
    assert_eq!(
        claims.scopes().collect::<Vec<_>>(),
        ["read:messages", "openid"]
    );
    let e = at
        .clone()
        .require_permissions(["r\\u0065ad:all"])
        .verify(&token)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::MissingPermission(_)), "{e}");
}

#[tokio::test]
async fn duplicate_claims_are_refused_however_written() {
    let base = default_payload().to_string();
    let body = &base[1..base.len() - 1];
    let cases = [
        // Unknown claims, plain and escaped.
        r#""a":1,"a":2"#.to_owned(),
        r#""a":1,"\u0061":2"#.to_owned(),
        r#""\u0061":1,"a":2"#.to_owned(),
        // Named claims written with an escape.
        format!(r#""\u0073ub":"{}""#, "x"),
        // A duplicate among many claims (past the names compared in place).
        {
            let mut s: Vec<String> = (0..40).map(|i| format!(r#""c{i}":{i}"#)).collect();
            s.push(r#""c33":0"#.to_owned());
            s.join(",")
        },
        {
            let mut s: Vec<String> = (0..40).map(|i| format!(r#""c{i}":{i}"#)).collect();
            s.push(r#""c3":0"#.to_owned());
            s.join(",")
        },
    ];
    for extra in cases {
        let text = format!("{{{body},{extra}}}");
        let e = verify_text(&text).await.unwrap_err();
        assert!(matches!(e, Error::MalformedPayload), "{extra}: {e}");
    }
    // Forty distinct claims are fine.
    let many: Vec<String> = (0..40).map(|i| format!(r#""c{i}":{i}"#)).collect();
    let claims = verify_text(&format!("{{{body},{}}}", many.join(",")))
        .await
        .unwrap();
    assert_eq!(claims.extra().len(), 40);
    assert_eq!(claims.get("c39"), Some(json!(39)));
}

/// Values of claims nobody reads are still checked as strictly as a full JSON parse.
#[tokio::test]
async fn unread_claims_are_validated_as_strictly_as_json_values() {
    let base = default_payload().to_string();
    let body = &base[1..base.len() - 1];
    for bad in [
        r#""x":1e400"#,
        r#""x":-1e400"#,
        r#""x":"\ud800""#,
        r#""x":"\q""#,
        r#""x":[1,2,"#,
        r#""x":{"a":1e999}"#,
        r#""aud2":["a",1e400]"#,
        r#""org_id":1e400"#,
        r#""permissions":["a",{"b":1e400}]"#,
        r#""x":tru"#,
        r#""x":01"#,
    ] {
        let text = format!("{{{body},{bad}}}");
        let e = verify_text(&text).await.unwrap_err();
        assert!(matches!(e, Error::MalformedPayload), "{bad}: {e}");
        // The same verdict as reading the payload into JSON values.
        assert!(serde_json::from_str::<Value>(&text).is_err(), "{bad}");
    }
    // Large but representable numbers are kept.
    let claims = verify_text(&format!(r#"{{{body},"x":1e300,"y":18446744073709551615}}"#))
        .await
        .unwrap();
    assert_eq!(claims.get("x"), Some(json!(1e300)));
    assert_eq!(claims.get("y"), Some(json!(u64::MAX)));
}

#[tokio::test]
async fn long_lists_are_kept_whole() {
    let audiences: Vec<String> = (0..7).map(|i| format!("api-{i}")).collect();
    let mut aud = vec![AUDIENCE.to_owned()];
    aud.extend(audiences.iter().cloned());
    let payload = with(default_payload(), "aud", json!(aud));
    let claims = verify(&payload).await.unwrap();
    assert_eq!(claims.aud().iter().collect::<Vec<_>>(), aud);
    assert_eq!(claims.aud().len(), 8);

    // Permissions past the ones kept in place, and a list that turns out not to be strings
    // after several strings (kept as an unknown claim, the typed list left empty).
    let permissions: Vec<String> = (0..12).map(|i| format!("perm:{i}")).collect();
    let mut payload = with(default_payload(), "permissions", json!(permissions));
    payload["org_name"] = json!(["a", "b", "c", "d", "e", "f", 7]);
    let claims = verify(&payload).await.unwrap();
    assert_eq!(claims.permissions().unwrap().to_vec(), permissions);
    assert!(claims.has_permission("perm:11"));
    assert_eq!(claims.org_name(), None);
    assert_eq!(
        claims.get("org_name"),
        Some(json!(["a", "b", "c", "d", "e", "f", 7]))
    );
    assert_eq!(
        claims.aud().iter().collect::<Vec<_>>(),
        [AUDIENCE, ALT_AUDIENCE]
    );
}

//! The `auth0-fake-tenant` binary: starts, prints its address and seed, serves HTTP.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;

/// Kills the child on drop so a failing test does not leak the process.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn binary_serves_the_seeded_tenant() {
    let mut child = Child(
        Command::new(env!("CARGO_BIN_EXE_auth0-fake-tenant"))
            .args(["--port", "0"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let stdout = child.0.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx.recv_timeout(Duration::from_secs(20)).unwrap();
    let info: Value = serde_json::from_str(&line).unwrap();
    let base = info["base_url"].as_str().unwrap();
    assert!(base.starts_with("http://127.0.0.1:"));
    assert_eq!(info["m2m_client_id"], auth0_testing::seed::M2M_CLIENT_ID);
    let discovery = common::get(&format!("{base}/.well-known/openid-configuration")).await;
    assert_eq!(discovery.status, 200);
    assert_eq!(discovery.json["issuer"], info["issuer"]);
    drop(child);
}

#[test]
fn binary_rejects_bad_arguments() {
    let output = Command::new(env!("CARGO_BIN_EXE_auth0-fake-tenant"))
        .args(["--port", "http"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("is not a port number"));
    let help = Command::new(env!("CARGO_BIN_EXE_auth0-fake-tenant"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).starts_with("usage: auth0-fake-tenant"));
}

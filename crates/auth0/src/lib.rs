//! The Rust SDK for Auth0: token verification, the Authentication API and the Management API.
//!
//! This crate is being built; see the project's issue tracker for its state.

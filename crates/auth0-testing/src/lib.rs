//! A fake Auth0 tenant on loopback: real HTTP, real signed tokens, real state.
//!
//! This crate is being built; see the project's issue tracker for its state.

//! Typed client for the whole Auth0 Management API on a tower service stack.
//!
//! This crate is being built; see the project's issue tracker for its state.

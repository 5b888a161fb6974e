//! ID-token and access-token verification for Auth0, with a JWKS cache that cannot be hammered.
//!
//! This crate is being built; see the project's issue tracker for its state.

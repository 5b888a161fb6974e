//! Client for the Auth0 Authentication API: every grant, passwordless, signup, CIBA, PAR, MFA.
//!
//! This crate is being built; see the project's issue tracker for its state.

//! Cross-crate end-to-end tests live under `tests/tests/`.

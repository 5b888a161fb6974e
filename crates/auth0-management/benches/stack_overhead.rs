//! Placeholder: the stack-overhead benchmark is being written.
fn main() {}

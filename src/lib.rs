//! cognito-fetch: Amazon Cognito sign-in, identity-pool credentials and SigV4-signed AWS requests for web pages.
//!
//! Layout: pure protocol modules ([`sigv4`], [`url`], [`digest`]) have no browser types and are tested with
//! `cargo test`; the wasm/JS boundary lives in `js` alone (wasm32 only).
//! Library code never panics: clippy denies `unwrap`, `expect`, `panic!` and indexing (see Cargo.toml).

pub mod digest;
pub mod error;
pub mod sigv4;
pub mod url;

#[cfg(target_arch = "wasm32")]
pub mod js;

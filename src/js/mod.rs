//! The wasm/JS boundary, the only code compiled for the browser alone. The JS layer (`pkg-config/*.js`) reads
//! the caller's options, does the browser I/O (fetch, storage, locks, events, `URL`, `crypto.getRandomValues`)
//! and calls the synchronous protocol steps exported here. One convention keeps the glue on both sides small:
//!
//! - in: `&str` (several fields joined with `"\0"`: see [`Fields`]), `&[u8]` and numbers; no JS objects;
//! - out: one `String`: fields joined with `"\0"`, or JSON text for nested answers; a failure is the text
//!   `"\u{1}code\0message\0retryable"` ([`answer`]), which the JS layer throws as a coded `Error`.
//!
//! One file per protocol: [`sigv4`] (signing), [`srp`] (SRP), [`dynamodb`] (attribute values), and [`wire`]:
//! the user-pool, identity-pool, retry and S3 steps.

pub mod dynamodb;
pub mod sigv4;
pub mod srp;
pub mod wire;

use crate::cat;
use crate::error::{code, Error, Result};
#[allow(unused_imports)]
use crate::prelude::*;

/// The fields of one `"\0"`-joined input, read in order; a field past the end reads as `""`.
pub struct Fields<'a>(core::str::Split<'a, char>);

impl<'a> Fields<'a> {
    pub fn new(input: &'a str) -> Fields<'a> {
        Fields(input.split('\0'))
    }

    /// The next field (`""` when there is none).
    pub fn str(&mut self) -> &'a str {
        self.0.next().unwrap_or("")
    }

    /// The next field, `None` when it is empty (the JS layer sends `""` for an absent option).
    pub fn opt(&mut self) -> Option<&'a str> {
        Some(self.str()).filter(|s| !s.is_empty())
    }

    /// The next field as a flag: `"1"` true, `"0"` false, `""` absent.
    pub fn flag(&mut self) -> Option<bool> {
        self.opt().map(|s| s == "1")
    }

    /// The remaining fields as name/value pairs.
    pub fn pairs(self) -> Vec<(String, String)> {
        let rest: Vec<&str> = self.0.collect();
        rest.chunks(2)
            .filter_map(|p| match p {
                [k, v] => Some(((*k).to_owned(), (*v).to_owned())),
                _ => None,
            })
            .collect()
    }
}

/// Fields joined for the JS layer.
pub fn join(parts: &[&str]) -> String {
    let mut out = String::new();
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            out.push('\0');
        }
        out.push_str(p);
    }
    out
}

/// Name/value pairs flattened and joined for the JS layer.
pub fn join_pairs<'p>(pairs: impl IntoIterator<Item = &'p (String, String)>) -> String {
    let flat: Vec<&str> = pairs.into_iter().flat_map(|(k, v)| [k.as_str(), v.as_str()]).collect();
    join(&flat)
}

/// The text of a failure: `"\u{1}code\0message\0retryable"` (retryable `"1"` or `""`).
pub fn failure(e: &Error) -> String {
    cat(&["\u{1}", &e.code, "\0", &e.message, "\0", if e.retryable { "1" } else { "" }])
}

/// A step's answer for the JS layer: the text, or the failure's.
pub fn answer(r: Result<String>) -> String {
    r.unwrap_or_else(|e| failure(&e))
}

pub(crate) fn invalid(what: impl Into<alloc::borrow::Cow<'static, str>>) -> Error {
    Error::new(code::INVALID_ARGUMENT, what)
}

/// A number from the JS layer as a non-negative integer (`None` for NaN, negatives and fractions).
pub(crate) fn whole(n: f64) -> Option<u64> {
    ((0.0..=9_007_199_254_740_991.0).contains(&n) && (n as u64) as f64 == n).then_some(n as u64)
}

//! The wasm/JS boundary. The JS layer (`pkg-config/*.js`) reads the caller's options, does the browser I/O
//! (fetch, storage, locks, events, `URL`, `crypto.getRandomValues`) and calls the synchronous protocol steps
//! exported here. One convention keeps the glue on both sides small:
//!
//! - two steps: [`step`] (every step, by name) and [`sigv4::sign`] (which also takes the body's bytes);
//! - in: framed fields (see [`Fields`]: each field's length, `:`, the field; numbers as decimal integers, flags
//!   as `"1"` / `"0"` / `""`), plus one long text passed whole; no JS objects;
//! - out: one `String`, marked ([`answer`]): [`OK`] then framed fields ([`join`]) or one text (a URL, JSON for
//!   nested answers), or [`FAILED`] then the fields code, message, retryable ([`failure`]), which the JS layer
//!   throws as a coded `Error`.
//!
//! Framing and marks are written and read in one place on each side (here: [`Fields`], [`join`],
//! [`join_pairs`], [`failure`], [`answer`]; in `pkg-config/io.js`: `join`, `fields`, `ok`, `failure`), so any
//! text (NUL, U+0001, `:`, non-BMP characters; a lone surrogate arrives as U+FFFD, see [`Fields`]) crosses
//! exactly, and a service's answer cannot shift the fields after it.
//!
//! The steps compile on every target, so `cargo test` runs them natively (`tests/boundary.rs` fuzzes them);
//! the wasm's exports over linear memory (`_alloc`, `_step`, `_sign` ...) are `exports`, wasm32 only, with
//! `pkg-config/wasm.js` as their JS side.
//!
//! One file per protocol: [`sigv4`] (signing), [`srp`] (SRP), [`oauth`] (hosted UI / federation), [`dynamodb`]
//! (attribute values), and [`wire`]:
//! the user-pool, identity-pool, retry and S3 steps.

pub mod device;
pub mod dynamodb;
#[cfg(target_arch = "wasm32")]
pub mod exports;
pub mod oauth;
pub mod passkey;
pub mod sigv4;
pub mod srp;
pub mod wire;

use crate::cat;
use crate::error::{code, Error, Result};
#[allow(unused_imports)]
use crate::prelude::*;

// The answer slot and the signing-key cache are statics that assume one thread (see `exports`).
#[cfg(all(target_arch = "wasm32", target_feature = "atomics"))]
compile_error!("the wasm/JS boundary keeps its answer and key cache in statics for one thread: build without the atomics feature");

/// The JS layer's one call for every step but signing ([`sigv4::sign`] takes bytes): `op` names the step (each
/// is documented at its function, under that name), `input` its fields, `text` a service's answer or another long
/// text, passed whole (it may hold anything, `"\0"` included).
///
/// Each step is compiled into the entries that call it (the Cargo features `sigv4`, `user-pool`, `full`: see
/// Cargo.toml); any other name is `InvalidArgument` "unknown step". scripts/package.mjs checks that each entry's
/// wasm answers exactly the steps its JS calls.
pub fn step(op: &str, input: &str, text: &str) -> String {
    let f = &mut Fields::new(input);
    let r = match op {
        #[cfg(feature = "sigv4")]
        "retry" => wire::retry_decision(f),
        #[cfg(feature = "sigv4")]
        "idempotent" => wire::idempotent(f),
        #[cfg(feature = "sigv4")]
        "isS3" => wire::is_s3(f),
        #[cfg(feature = "sigv4")]
        "backoff" => wire::backoff(f),
        #[cfg(feature = "user-pool")]
        "jsonError" => wire::json_error_step(f),
        #[cfg(feature = "sigv4")]
        "errorCode" => wire::error_code(f, text),
        #[cfg(feature = "sigv4")]
        "endpoint" => wire::endpoint_of(f),
        #[cfg(feature = "full")]
        "s3Url" => wire::s3_url(f),
        #[cfg(feature = "full")]
        "query" => wire::query(f),
        #[cfg(feature = "full")]
        "s3ListQuery" => wire::s3_list_query(f),
        #[cfg(feature = "full")]
        "s3List" => wire::s3_list(text),
        #[cfg(feature = "full")]
        "s3Error" => wire::s3_error(f, text),
        #[cfg(feature = "full")]
        "s3Parts" => wire::s3_parts(f),
        #[cfg(feature = "full")]
        "s3UploadId" => wire::s3_upload_id(text),
        #[cfg(feature = "full")]
        "s3CompleteBody" => wire::s3_complete_body(f),
        #[cfg(feature = "full")]
        "s3Completed" => wire::s3_completed(text),
        #[cfg(feature = "sigv4")]
        "iotEndpoint" => sigv4::iot_endpoint(f),
        #[cfg(feature = "full")]
        "ipConfig" => wire::ip_config(f),
        #[cfg(feature = "full")]
        "ipCall" => wire::ip_call(f),
        #[cfg(feature = "full")]
        "ipLoginKey" => wire::ip_login_key(f),
        #[cfg(feature = "full")]
        "ipDeveloper" => wire::ip_developer(f, text),
        #[cfg(feature = "full")]
        "ipRoleArn" => wire::ip_role_arn(f),
        #[cfg(feature = "full")]
        "stsForm" => wire::sts_form(f, text),
        #[cfg(feature = "full")]
        "stsAnswer" => wire::sts_answer(f, text),
        #[cfg(feature = "full")]
        "ipNeedsRefresh" => wire::ip_needs_refresh(f),
        #[cfg(feature = "full")]
        "ipStale" => wire::ip_stale(f),
        #[cfg(feature = "full")]
        "ipIdentityRecord" => wire::ip_identity_record(f),
        #[cfg(feature = "full")]
        "ipCredentialsRecord" => wire::ip_credentials_record(f),
        #[cfg(feature = "full")]
        "sha256Hex" => wire::sha256_hex(text),
        #[cfg(feature = "user-pool")]
        "upConfig" => wire::up_config(f),
        #[cfg(feature = "user-pool")]
        "upCall" => wire::up_call(f),
        #[cfg(feature = "user-pool")]
        "upNext" => wire::up_next(f),
        #[cfg(feature = "user-pool")]
        "upResponses" => wire::up_responses(f, text),
        #[cfg(feature = "user-pool")]
        "upRecord" => wire::up_record(f),
        #[cfg(feature = "user-pool")]
        "upNeedsRefresh" => wire::up_needs_refresh(f),
        #[cfg(feature = "user-pool")]
        "upClockOffset" => wire::up_clock_offset(f),
        #[cfg(feature = "user-pool")]
        "totpUri" => wire::totp_uri(f),
        #[cfg(feature = "user-pool")]
        "oauthConfig" => oauth::config(f),
        #[cfg(feature = "user-pool")]
        "oauthStart" => oauth::start(f),
        #[cfg(feature = "user-pool")]
        "oauthIsPopup" => oauth::is_popup(f),
        #[cfg(feature = "user-pool")]
        "oauthCallback" => oauth::callback(f),
        #[cfg(feature = "user-pool")]
        "oauthError" => oauth::error(f),
        #[cfg(feature = "user-pool")]
        "oauthTokenForm" => oauth::token_form(f),
        #[cfg(feature = "user-pool")]
        "oauthIdToken" => oauth::id_token(f),
        #[cfg(feature = "user-pool")]
        "oauthLogout" => oauth::logout(f),
        #[cfg(feature = "user-pool")]
        "srpStart" => srp::srp_start(f),
        #[cfg(feature = "user-pool")]
        "srpClaim" => srp::srp_claim(f),
        #[cfg(feature = "user-pool")]
        "srpTimestamp" => srp::srp_timestamp(f),
        #[cfg(feature = "user-pool")]
        "dvConfirm" => device::confirm(f),
        #[cfg(feature = "user-pool")]
        "dvCall" => device::call(f),
        #[cfg(feature = "user-pool")]
        "dvRecord" => device::record(f),
        #[cfg(feature = "user-pool")]
        "dvKey" => device::key(f),
        #[cfg(feature = "user-pool")]
        "srpDeviceClaim" => device::srp_claim(f),
        #[cfg(feature = "user-pool")]
        "pkCall" => passkey::call(f),
        #[cfg(feature = "user-pool")]
        "pkAssertion" => passkey::assertion(f),
        #[cfg(feature = "user-pool")]
        "pkError" => passkey::error(f),
        #[cfg(feature = "full")]
        "ddbMarshall" => dynamodb::marshall(f),
        #[cfg(feature = "full")]
        "ddbNumber" => dynamodb::number(f),
        #[cfg(feature = "full")]
        "ddbRole" => dynamodb::role(f),
        _ => Err(invalid("unknown step")),
    };
    answer(if f.broken() { Err(not_framed()) } else { r })
}

/// The fields of one framed input, read in order; a field past the end reads as `""`. The framing (written by
/// [`join`] here and by `join` in `pkg-config/io.js`) is each field's length, in UTF-16 code units as JS counts
/// it, in decimal, then `:`, then the field: `"3:abc0:2:é!"` is `abc`, ``, `é!`. Nothing inside a field is
/// special, so any text crosses intact (`"\0"`, `"\u{1}"`, `:`, digits, non-BMP characters). A lone
/// surrogate, which JS strings may hold and UTF-8 cannot, arrives as U+FFFD: the wasm's input is UTF-8 from
/// `TextEncoder`, which replaces it (WebIDL's USVString rule, as `fetch`, `URL` and `TextEncoder` send such a
/// string anyway); U+FFFD is one code unit too, so the fields after it keep their place. Text that is not this
/// framing (only a bug could send it) makes the step fail with `InvalidArgument` ([`Fields::broken`]), never
/// shifts fields.
pub struct Fields<'a> {
    rest: &'a str,
    broken: bool,
}

impl<'a> Fields<'a> {
    pub fn new(input: &'a str) -> Fields<'a> {
        Fields { rest: input, broken: false }
    }

    /// Whether the input was not framed text (its fields then read as `""` from the fault on).
    pub fn broken(&self) -> bool {
        self.broken
    }

    /// Whether every field has been read.
    pub fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// The next field (`""` when there is none).
    pub fn str(&mut self) -> &'a str {
        if self.rest.is_empty() {
            return "";
        }
        match split_field(self.rest) {
            Some((field, rest)) => {
                self.rest = rest;
                field
            }
            None => {
                self.broken = true;
                self.rest = "";
                ""
            }
        }
    }

    /// The next field, `None` when it is empty (the JS layer sends `""` for an absent option).
    pub fn opt(&mut self) -> Option<&'a str> {
        Some(self.str()).filter(|s| !s.is_empty())
    }

    /// The next field as a flag: `"1"` true, `"0"` false, `""` absent.
    pub fn flag(&mut self) -> Option<bool> {
        self.opt().map(|s| s == "1")
    }

    /// The next field as an integer (`None` when it is empty or not a decimal integer: `NaN`, `1.5` ...).
    pub fn int(&mut self) -> Option<i64> {
        let t = self.str();
        let (negative, digits) = match t.strip_prefix('-') {
            Some(d) => (true, d),
            None => (false, t),
        };
        if digits.len() > 18 {
            return None;
        }
        let n = crate::parse_int(digits, 10)? as i64; // at most 18 digits: below i64::MAX
        Some(if negative { -n } else { n })
    }

    /// The next `n` fields (`n` read first, as an integer field).
    pub fn list(&mut self) -> Vec<&'a str> {
        let n = self.int().unwrap_or(0).max(0);
        let mut out = Vec::new();
        for _ in 0..n {
            if self.rest.is_empty() {
                break; // a count beyond the fields sent: the rest read as "" anyway
            }
            out.push(self.str());
        }
        out
    }

    /// The remaining fields.
    pub fn rest(&mut self) -> Vec<&'a str> {
        let mut out = Vec::new();
        while !self.rest.is_empty() {
            out.push(self.str());
        }
        out
    }

    /// The remaining fields as name/value pairs.
    pub fn pairs(&mut self) -> Vec<(&'a str, &'a str)> {
        pairs_of(&self.rest())
    }
}

/// The first field of framed text and the text after it; `None` when it is not framed.
fn split_field(t: &str) -> Option<(&str, &str)> {
    let colon = t.bytes().position(|b| b == b':')?;
    let (digits, rest) = t.split_at_checked(colon)?;
    let rest = rest.get(1..)?;
    if digits.len() > 10 {
        return None;
    }
    let units = usize::try_from(crate::parse_int(digits, 10)?).ok()?;
    // The byte where `units` UTF-16 code units end, counted on the UTF-8 bytes (a character starts at each byte
    // that is not a continuation byte, and one of four bytes is two units): a boundary between characters, or
    // the text is not framed.
    let mut counted = 0;
    for (i, &b) in rest.as_bytes().iter().enumerate() {
        if b & 0xc0 != 0x80 {
            if counted == units {
                return rest.split_at_checked(i);
            }
            counted += if b >= 0xf0 { 2 } else { 1 };
        }
    }
    (counted == units).then_some((rest, ""))
}

/// The length of `s` in UTF-16 code units (JS's `length`), counted as [`split_field`] counts.
fn units(s: &str) -> usize {
    s.bytes().map(|b| usize::from(b & 0xc0 != 0x80) + usize::from(b >= 0xf0)).sum()
}

/// Appends `field`, framed, to `out`.
fn push_field(out: &mut String, field: &str) {
    out.push_str(&crate::decimal(units(field) as u64, 1));
    out.push(':');
    out.push_str(field);
}

/// A pair list (as [`Fields::list`] reads it) as name/value pairs.
pub fn pairs_of<'a>(flat: &[&'a str]) -> Vec<(&'a str, &'a str)> {
    let mut out = Vec::with_capacity(flat.len() / 2);
    for p in flat.chunks_exact(2) {
        if let [k, v] = p {
            out.push((*k, *v));
        }
    }
    out
}

/// An integer answer.
pub fn int_text(n: i64) -> String {
    let digits = crate::decimal(n.unsigned_abs(), 1);
    if n < 0 {
        cat(&["-", &digits])
    } else {
        digits
    }
}

/// A yes/no answer: `"1"` or `""`.
pub fn yes(b: bool) -> String {
    String::from(if b { "1" } else { "" })
}

/// Fields framed for the JS layer (see [`Fields`]; `fields` in `pkg-config/io.js` reads them). Two joined
/// texts one after the other are the join of all their fields.
pub fn join(parts: &[&str]) -> String {
    let mut out = String::new();
    for p in parts {
        push_field(&mut out, p);
    }
    out
}

/// Name/value pairs flattened and joined for the JS layer.
pub fn join_pairs<'p>(pairs: impl IntoIterator<Item = &'p (String, String)>) -> String {
    let mut out = String::new();
    for (k, v) in pairs {
        push_field(&mut out, k);
        push_field(&mut out, v);
    }
    out
}

/// The mark before every answer's text: [`OK`] an answer, [`FAILED`] a failure. JS's `ok` / `failure`
/// (`pkg-config/io.js`) read it, so no answer text, whatever it holds, can pass for a failure or the reverse.
pub const OK: char = '=';
pub const FAILED: char = '!';

/// The text of a failure: [`FAILED`], then the fields code, message, retryable (`"1"` or `""`).
pub fn failure(e: &Error) -> String {
    let mut out = String::from(FAILED);
    out.push_str(&join(&[&e.code, &e.message, if e.retryable { "1" } else { "" }]));
    out
}

/// A step's answer for the JS layer: [`OK`] and the text, or the failure's text.
pub fn answer(r: Result<String>) -> String {
    match r {
        Ok(text) => {
            let mut out = String::with_capacity(text.len() + 1);
            out.push(OK);
            out.push_str(&text);
            out
        }
        Err(e) => failure(&e),
    }
}

/// The failure of input that is not framed text (see [`Fields`]).
pub(crate) fn not_framed() -> Error {
    invalid("the step's fields are not framed text")
}

/// Wipes a text that held secrets before its memory is given back (`zeroize`: the writes are kept).
pub(crate) fn wipe(text: String) {
    crate::srp::wipe(&mut text.into_bytes());
}

pub(crate) fn invalid(what: impl Into<alloc::borrow::Cow<'static, str>>) -> Error {
    Error::new(code::INVALID_ARGUMENT, what)
}

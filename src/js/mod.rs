//! The wasm/JS boundary, the only code compiled for the browser alone. The JS layer (`pkg-config/*.js`) reads
//! the caller's options, does the browser I/O (fetch, storage, locks, events, `URL`, `crypto.getRandomValues`)
//! and calls the synchronous protocol steps exported here. One convention keeps the glue on both sides small:
//!
//! - two steps: [`step`] (every step, by name) and [`sigv4::sign`] (which also takes the body's bytes);
//! - in: fields joined with `"\0"` (see [`Fields`]; numbers as decimal integers, flags as `"1"` / `"0"` / `""`),
//!   plus one long text passed whole; no JS objects;
//! - out: one `String`: fields joined with `"\0"`, or JSON text for nested answers; a failure is the text
//!   `"\u{1}code\0message\0retryable"` ([`answer`]), which the JS layer throws as a coded `Error`.
//!
//! The exports are plain wasm functions over linear memory, and `pkg-config/wasm.js` (40 lines) is their JS side:
//! [`_alloc`] gives memory for each input, which the step then takes over and frees ([`_free`] gives it back
//! unused); the answer stays in one slot ([`give`]) until the next step, and JS reads it at the pointer returned,
//! with the length stored at [`_answer_len`]'s address (no `i64`, which JS would read as a slower BigInt). Strings only
//! cross, so wasm-bindgen's generated glue and externref table (0.9 KiB gzip more) are not needed; it stays
//! the test harness (`wasm-pack test`, `tests/web.rs`).
//!
//! One file per protocol: [`sigv4`] (signing), [`srp`] (SRP), [`dynamodb`] (attribute values), and [`wire`]:
//! the user-pool, identity-pool, retry and S3 steps.

pub mod device;
pub mod dynamodb;
pub mod passkey;
pub mod sigv4;
pub mod srp;
pub mod wire;

use crate::cat;
use crate::error::{code, Error, Result};
#[allow(unused_imports)]
use crate::prelude::*;
use core::cell::{Cell, RefCell};

/// Memory for an input of `len` bytes, which the JS side fills (UTF-8 text, or a body's bytes) and passes to
/// [`_step`] or [`_sign`], which take it over. Null when there is no memory left: the JS side then passes the null
/// pointer on, and the step answers `OutOfMemory` (nothing traps).
#[no_mangle]
pub extern "C" fn _alloc(len: usize) -> *mut u8 {
    if len == 0 {
        return core::ptr::NonNull::dangling().as_ptr();
    }
    match core::alloc::Layout::array::<u8>(len) {
        // SAFETY: the layout's size is not zero.
        Ok(layout) => unsafe { alloc::alloc::alloc(layout) },
        Err(_) => core::ptr::null_mut(),
    }
}

/// An input given by [`_alloc`]'s pointer and its length, now owned here (`None` when `_alloc` had failed).
///
/// # Safety
/// `ptr` is from `_alloc(len)` (or null), not taken before.
pub(crate) unsafe fn take(ptr: *mut u8, len: usize) -> Option<Vec<u8>> {
    // SAFETY: `_alloc` allocated `len` bytes with the layout of a `Vec<u8>` of capacity `len` (or gave a
    // dangling pointer for 0, which a `Vec` of capacity 0 never frees).
    (!ptr.is_null()).then(|| unsafe { Vec::from_raw_parts(ptr, len, len) })
}

/// Gives back memory from [`_alloc`] that was not passed to a step (the JS side found the text longer in UTF-8
/// than its length in UTF-16 units, and allocates again).
///
/// # Safety
/// As [`take`].
#[no_mangle]
pub unsafe extern "C" fn _free(ptr: *mut u8, len: usize) {
    // SAFETY: the caller's contract.
    drop(unsafe { take(ptr, len) });
}

/// An input as text (`None` when `_alloc` had failed).
///
/// # Safety
/// As [`take`], and the bytes are UTF-8: `pkg-config/wasm.js` writes only `TextEncoder` output, which always is
/// (wasm-bindgen's glue makes the same promise for every `&str`). Checking it again here would cost 0.4 KiB gzip
/// of wasm (`core::str::from_utf8`).
pub(crate) unsafe fn take_text(ptr: *mut u8, len: usize) -> Option<String> {
    // SAFETY: as `take`; UTF-8 by the caller's contract.
    unsafe { take(ptr, len) }.map(|v| unsafe { String::from_utf8_unchecked(v) })
}

/// The last answer and its length in bytes, kept until the next step replaces them (the JS side has read them by
/// then).
struct Answer {
    text: RefCell<String>,
    len: Cell<usize>,
}
// SAFETY: wasm32-unknown-unknown without the atomics feature runs one thread; the slot is never shared.
unsafe impl Sync for Answer {}
static ANSWER: Answer = Answer { text: RefCell::new(String::new()), len: Cell::new(0) };

/// Where the last answer's length is stored: JS asks once and reads it there after each step.
#[no_mangle]
pub extern "C" fn _answer_len() -> *const usize {
    ANSWER.len.as_ptr()
}

/// Keeps `text` as the answer: its pointer is returned, its length stored at [`_answer_len`].
pub(crate) fn give(text: String) -> *const u8 {
    let ptr = text.as_ptr();
    ANSWER.len.set(text.len());
    match ANSWER.text.try_borrow_mut() {
        Ok(mut slot) => *slot = text,
        // Not reachable (steps do not call steps); the text is then left allocated rather than freed under JS.
        Err(_) => core::mem::forget(text),
    }
    ptr
}

/// The answer when an input could not be given memory.
pub(crate) fn out_of_memory() -> *const u8 {
    give(failure(&Error::new("OutOfMemory", "the wasm has no memory left for this input")))
}

/// [`step`] over [`_alloc`]'d inputs: each pointer with its length in bytes.
///
/// # Safety
/// Each pointer is from `_alloc` of its length (or null), filled with UTF-8 (see [`take_text`]), and not passed
/// before.
#[no_mangle]
pub unsafe extern "C" fn _step(op: *mut u8, op_len: usize, input: *mut u8, input_len: usize, text: *mut u8, text_len: usize) -> *const u8 {
    // SAFETY: the caller's contract.
    match unsafe { (take_text(op, op_len), take_text(input, input_len), take_text(text, text_len)) } {
        (Some(op), Some(input), Some(text)) => give(step(&op, &input, &text)),
        _ => out_of_memory(),
    }
}

/// The JS layer's one call for every step but signing ([`sigv4::sign`] takes bytes): `op` names the step (each
/// is documented at its function, under that name), `input` its fields, `text` a service's answer or another long
/// text, passed whole (it may hold anything, `"\0"` included).
pub fn step(op: &str, input: &str, text: &str) -> String {
    let f = &mut Fields::new(input);
    answer(match op {
        "retry" => wire::retry_decision(f),
        "idempotent" => wire::idempotent(f),
        "isS3" => wire::is_s3(f),
        "backoff" => wire::backoff(f),
        "jsonError" => wire::json_error_step(f),
        "errorCode" => wire::error_code(f, text),
        "endpoint" => wire::endpoint_of(f),
        "s3Url" => wire::s3_url(f),
        "query" => wire::query(f),
        "s3ListQuery" => wire::s3_list_query(f),
        "s3List" => wire::s3_list(text),
        "s3Error" => wire::s3_error(f, text),
        "s3Parts" => wire::s3_parts(f),
        "s3UploadId" => wire::s3_upload_id(text),
        "s3CompleteBody" => wire::s3_complete_body(f),
        "s3Completed" => wire::s3_completed(text),
        "ipConfig" => wire::ip_config(f),
        "ipCall" => wire::ip_call(f),
        "ipLoginKey" => wire::ip_login_key(f),
        "stsForm" => wire::sts_form(f, text),
        "stsAnswer" => wire::sts_answer(f, text),
        "ipNeedsRefresh" => wire::ip_needs_refresh(f),
        "ipStale" => wire::ip_stale(f),
        "ipIdentityRecord" => wire::ip_identity_record(f),
        "ipCredentialsRecord" => wire::ip_credentials_record(f),
        "sha256Hex" => wire::sha256_hex(text),
        "upConfig" => wire::up_config(f),
        "upCall" => wire::up_call(f),
        "upNext" => wire::up_next(f),
        "upResponses" => wire::up_responses(f, text),
        "upRecord" => wire::up_record(f),
        "upNeedsRefresh" => wire::up_needs_refresh(f),
        "upClockOffset" => wire::up_clock_offset(f),
        "totpUri" => wire::totp_uri(f),
        "srpStart" => srp::srp_start(f),
        "srpClaim" => srp::srp_claim(f),
        "srpTimestamp" => srp::srp_timestamp(f),
        "dvConfirm" => device::confirm(f),
        "dvCall" => device::call(f),
        "dvRecord" => device::record(f),
        "dvKey" => device::key(f),
        "srpDeviceClaim" => device::srp_claim(f),
        "pkCall" => passkey::call(f),
        "pkAssertion" => passkey::assertion(f),
        "pkError" => passkey::error(f),
        "ddbMarshall" => dynamodb::marshall(f, text),
        "ddbNumber" => dynamodb::number(f),
        "ddbRole" => dynamodb::role(f),
        _ => Err(invalid("unknown step")),
    })
}

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
            out.push(self.str());
        }
        out
    }

    /// The remaining fields as name/value pairs.
    pub fn pairs(&mut self) -> Vec<(&'a str, &'a str)> {
        let mut rest = Vec::new();
        for field in self.0.by_ref() {
            rest.push(field);
        }
        pairs_of(&rest)
    }
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
    let mut out = String::new();
    let mut first = true;
    for (k, v) in pairs {
        if !first {
            out.push('\0');
        }
        first = false;
        out.push_str(k);
        out.push('\0');
        out.push_str(v);
    }
    out
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

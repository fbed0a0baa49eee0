//! The wasm's exports: plain functions over linear memory, with `pkg-config/wasm.js` (40 lines) as their JS
//! side. [`_alloc`] gives memory for each input, which the step then takes over and frees ([`_free`] gives it
//! back unused); the answer stays in one slot ([`give`]) until the next step, and JS reads it at the pointer
//! returned, with the length stored at [`_answer_len`]'s address (no `i64`, which JS would read as a slower
//! BigInt). Strings only cross, so wasm-bindgen's generated glue and externref table (0.9 KiB gzip more) are not
//! needed; it stays the test harness (`tests/web.rs`, run by `wasm-bindgen-test-runner`: scripts/test.sh).
//!
//! The statics here assume one thread: `super` refuses to compile with the atomics feature.

use super::{failure, step};
use crate::error::{Error, Result};
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

/// An input as text: `OutOfMemory` when `_alloc` had failed, `InvalidArgument` when the bytes are not UTF-8
/// (`pkg-config/wasm.js` writes only `TextEncoder` output, which always is; the wasm checks rather than trusts
/// it, for 0.4 KiB gzip of `core::str::from_utf8`).
///
/// # Safety
/// As [`take`].
pub(crate) unsafe fn take_text(ptr: *mut u8, len: usize) -> Result<String> {
    // SAFETY: as `take`.
    let bytes = unsafe { take(ptr, len) }.ok_or_else(out_of_memory)?;
    String::from_utf8(bytes).map_err(|e| {
        crate::srp::wipe(&mut e.into_bytes());
        super::invalid("the text given to the wasm is not UTF-8")
    })
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
        // The previous answer may hold a secret (srpStart's `a`, a signature): wiped, not just freed.
        Ok(mut slot) => super::wipe(core::mem::replace(&mut *slot, text)),
        // Not reachable (steps do not call steps); the text is then left allocated rather than freed under JS.
        Err(_) => core::mem::forget(text),
    }
    ptr
}

fn out_of_memory() -> Error {
    Error::new("OutOfMemory", "the wasm has no memory left for this input")
}

/// [`step`] over [`_alloc`]'d inputs: each pointer with its length in bytes.
///
/// # Safety
/// Each pointer is from `_alloc` of its length (or null), and not passed before.
#[no_mangle]
pub unsafe extern "C" fn _step(op: *mut u8, op_len: usize, input: *mut u8, input_len: usize, text: *mut u8, text_len: usize) -> *const u8 {
    // SAFETY: the caller's contract.
    let inputs = unsafe { (take_text(op, op_len), take_text(input, input_len), take_text(text, text_len)) };
    let answer = match &inputs {
        (Ok(op), Ok(input), Ok(text)) => step(op, input, text),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => failure(e),
    };
    // The inputs may hold secrets (a password, `a`, tokens): wiped before their memory is given back.
    let (_, input, text) = inputs;
    for t in [input, text].into_iter().flatten() {
        super::wipe(t);
    }
    give(answer)
}

/// [`super::sigv4::sign`] over [`_alloc`]'d inputs (as [`_step`]): the fields, then the body's bytes.
///
/// # Safety
/// As [`_step`].
#[cfg(feature = "sigv4")]
#[no_mangle]
pub unsafe extern "C" fn _sign(input: *mut u8, input_len: usize, body: *mut u8, body_len: usize) -> *const u8 {
    // SAFETY: the caller's contract.
    let inputs = unsafe { (take_text(input, input_len), take(body, body_len).ok_or_else(out_of_memory)) };
    let answer = match &inputs {
        (Ok(input), Ok(body)) => super::sigv4::sign(input, body),
        (Err(e), _) | (_, Err(e)) => failure(e),
    };
    // The fields hold the secret access key: wiped before their memory is given back.
    if let (Ok(input), _) = inputs {
        super::wipe(input);
    }
    give(answer)
}

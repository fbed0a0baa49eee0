//! cognito-fetch: Amazon Cognito sign-in, identity-pool credentials and SigV4-signed AWS requests for web pages.
//!
//! Layout: pure protocol modules ([`sigv4`], [`srp`], [`user_pool`], [`oauth`], [`identity_pool`], [`iot`], [`s3`], [`dynamodb`],
//! [`retry`] ...) have no browser types and are tested with `cargo test`; the wasm/JS boundary lives in `js`
//! alone (its exports wasm32 only: two of them, strings in and out), and the browser I/O is the JS layer in `pkg-config/`,
//! which calls the wasm's steps by name.
//! Library code never panics: clippy denies `unwrap`, `expect`, `panic!` and indexing (see Cargo.toml).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

/// What std's prelude would give, for the no_std build.
mod prelude {
    pub use alloc::borrow::ToOwned;
    pub use alloc::string::{String, ToString};
    pub use alloc::vec;
    pub use alloc::vec::Vec;
}

/// Concatenates string pieces. Library code builds strings with this rather than `format!`, which would pull
/// `core::fmt` (several KiB) into the wasm.
pub fn cat(parts: &[&str]) -> prelude::String {
    let mut len = 0;
    for p in parts {
        len += p.len();
    }
    let mut out = prelude::String::with_capacity(len);
    for p in parts {
        out.push_str(p);
    }
    out
}

/// Decimal digits of `n`, zero-padded to `width` (no `core::fmt`).
pub fn decimal(mut n: u64, width: usize) -> prelude::String {
    let mut digits = prelude::Vec::new();
    loop {
        digits.push(b'0' + (n % 10) as u8);
        n /= 10;
        if n == 0 && digits.len() >= width {
            break;
        }
    }
    let mut out = prelude::String::with_capacity(digits.len());
    for &d in digits.iter().rev() {
        out.push(char::from(d));
    }
    out
}

/// The byte offset of the first `needle` in `hay`. Library code searches for strings with this instead of
/// `str::find(&str)` and friends: core's substring searcher carries a slicing panic whose message formatting
/// pulls `core::fmt` and Unicode tables (several KiB) into the wasm.
pub fn find_str(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    if n.is_empty() {
        return Some(0);
    }
    h.windows(n.len()).position(|w| w == n)
}

/// A non-negative integer in `radix` (digits only: no sign, no spaces), `None` when it is not one or does not
/// fit a u64. Library code reads numbers with this instead of `str::parse`, whose code is several hundred
/// bytes per integer type in the wasm.
pub fn parse_int(s: &str, radix: u32) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let mut n = 0u64;
    for &c in s.as_bytes() {
        // A byte beyond ASCII is a Latin-1 char here, which is no digit.
        n = n.checked_mul(u64::from(radix))?.checked_add(u64::from(char::from(c).to_digit(radix)?))?;
    }
    Some(n)
}

/// `s` without the ASCII byte `b` repeated at its start. Library code trims with these two, byte-wise: core's
/// char-pattern trimming is generic code per call site's pattern in the wasm.
pub fn trim_start_byte(s: &str, b: u8) -> &str {
    let bytes = s.as_bytes();
    let mut n = 0;
    while bytes.get(n) == Some(&b) {
        n += 1;
    }
    s.get(n..).unwrap_or("")
}

/// `s` without the ASCII byte `b` repeated at its end.
pub fn trim_end_byte(s: &str, b: u8) -> &str {
    let bytes = s.as_bytes();
    let mut n = bytes.len();
    while n > 0 && bytes.get(n - 1) == Some(&b) {
        n -= 1;
    }
    s.get(..n).unwrap_or("")
}

pub mod base64;
pub mod digest;
pub mod dynamodb;
pub mod error;
pub mod identity_pool;
pub mod iot;
pub mod json;
pub mod oauth;
pub mod retry;
pub mod s3;
pub mod sigv4;
pub mod srp;
pub mod url;
pub mod user_pool;
pub mod xml;

pub mod js;

#[cfg(test)]
mod tests {
    #[test]
    fn cat_and_decimal() {
        assert_eq!(super::cat(&["a", "", "bc"]), "abc");
        assert_eq!(super::decimal(0, 0), "0");
        assert_eq!(super::decimal(7, 2), "07");
        assert_eq!(super::decimal(604_800, 1), "604800");
        assert_eq!(super::decimal(u64::MAX, 4), "18446744073709551615");
    }

    #[test]
    fn trims_bytes() {
        assert_eq!(super::trim_start_byte("00120", b'0'), "120");
        assert_eq!(super::trim_end_byte("https://h//", b'/'), "https://h");
        assert_eq!(super::trim_end_byte("==", b'='), "");
        assert_eq!(super::trim_start_byte("ü0", b'0'), "ü0");
    }

    #[test]
    fn parse_int_reads_digits_only() {
        assert_eq!(super::parse_int("0", 10), Some(0));
        assert_eq!(super::parse_int("18446744073709551615", 10), Some(u64::MAX));
        assert_eq!(super::parse_int("18446744073709551616", 10), None);
        assert_eq!(super::parse_int("3C", 16), Some(60));
        for bad in ["", "+1", "-1", " 1", "1.5", "1e3", "x"] {
            assert_eq!(super::parse_int(bad, 10), None, "{bad}");
        }
    }

    #[test]
    fn find_str_finds_the_first_match() {
        assert_eq!(super::find_str("http://127.0.0.1://x", "://"), Some(4));
        assert_eq!(super::find_str("Signature expired: x", "Signature expired"), Some(0));
        assert_eq!(super::find_str("ab", "abc"), None);
        assert_eq!(super::find_str("aü</b>", "</b>"), Some(3));
        assert_eq!(super::find_str("x", ""), Some(0));
    }
}

/// The no_std release build (wasm32 only): a panic can only come from a bug, and traps without formatting.
#[cfg(all(target_arch = "wasm32", not(feature = "std")))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

// SAFETY: wasm32-unknown-unknown without the atomics feature runs one thread; nothing is shared across threads.
#[cfg(all(target_arch = "wasm32", not(feature = "std")))]
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

//! Standard base64 (RFC 4648, with padding), as Cognito uses for SRP blocks, signatures and SECRET_HASH.

use crate::error::{code, Error, Result};
#[allow(unused_imports)]
use crate::prelude::*;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub fn encode(data: &[u8]) -> String {
    encode_with(data, ALPHABET, true)
}

/// `data` in `alphabet`'s 64 symbols, `=`-padded when `pad`.
fn encode_with(data: &[u8], alphabet: &[u8; 64], pad: bool) -> String {
    let sym = |n: u32| char::from(alphabet.get((n & 63) as usize).copied().unwrap_or(b'='));
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let n = b(0) << 16 | b(1) << 8 | b(2);
        out.push(sym(n >> 18));
        out.push(sym(n >> 12));
        for (i, shift) in [(1, 6), (2, 0)] {
            if chunk.len() > i {
                out.push(sym(n >> shift));
            } else if pad {
                out.push('=');
            }
        }
    }
    out
}

/// base64url without padding (RFC 4648 section 5), as PKCE (RFC 7636) and JWTs use it.
pub fn encode_url(data: &[u8]) -> String {
    encode_with(data, b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", false)
}

fn value(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u32)
}

/// Decodes padded or unpadded base64; white space is not allowed.
pub fn decode(text: &str) -> Result<Vec<u8>> {
    let bad = || Error::new(code::INVALID_ARGUMENT, "not valid base64");
    let body = crate::trim_end_byte(text, b'=');
    if text.len() - body.len() > 2 || body.len() % 4 == 1 {
        return Err(bad());
    }
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in body.bytes() {
        acc = acc << 6 | value(c).ok_or_else(bad)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4648_vectors() {
        for (plain, enc) in [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")] {
            assert_eq!(encode(plain.as_bytes()), enc);
            assert_eq!(decode(enc).ok(), Some(plain.as_bytes().to_vec()));
        }
        assert_eq!(decode("+/+/").ok(), Some(vec![0xfb, 0xff, 0xbf]));
        assert_eq!(encode_url(&[0xfb, 0xff, 0xbf, 0x66]), "-_-_Zg");
        for bad in ["Zg===", "Z", "Zm9v!A==", "Zm 9v"] {
            assert!(decode(bad).is_err(), "{bad}");
        }
    }
}
